"""The party tree's rules: levels under the right parent, one community below the street,
branches and groups built on grids of their own community, one secretary each."""

from __future__ import annotations

from typing import Any

import pytest

from app.errors import DomainError
from app.party.schemas import PartyOrganisationCreate, PartyOrganisationUpdate
from app.party.services import create_organisation, update_organisation
from tables.party import PartyOrganisation, PartyOrganisationGrid
from tests.factories import Tree, area_tree, make_staff


async def count_rows() -> tuple[int, int]:
    return (
        await PartyOrganisation.count().run(),
        await PartyOrganisationGrid.count().run(),
    )


async def refused(field: str, data: Any, update_id: int | None = None) -> DomainError:
    before = await count_rows()
    with pytest.raises(DomainError) as caught:
        if update_id is None:
            await create_organisation(data)
        else:
            await update_organisation(update_id, data)
    assert caught.value.field == field, caught.value.detail
    assert 400 <= caught.value.status < 500
    assert await count_rows() == before, "nothing is written on a refusal"
    return caught.value


async def street_tree(tree: Tree) -> dict[str, dict[str, Any]]:
    committee = await create_organisation(
        PartyOrganisationCreate(
            name="幸福街道党工委", level="street_working_committee", street=tree.streets["A"]["id"]
        )
    )
    community = await create_organisation(
        PartyOrganisationCreate(
            name="A1社区党委",
            level="community_committee",
            parent=committee["id"],
            community=tree.communities["A1"]["id"],
        )
    )
    branch = await create_organisation(
        PartyOrganisationCreate(
            name="第一网格党支部",
            level="branch",
            parent=community["id"],
            grids=[tree.grids["A1-1"]["id"], tree.grids["A1-2"]["id"]],
        )
    )
    return {"committee": committee, "community": community, "branch": branch}


async def test_a_branch_takes_its_parents_community_and_lists_its_grids() -> None:
    tree = await area_tree()
    made = await street_tree(tree)
    branch = made["branch"]
    assert branch["community"] == tree.communities["A1"]["id"]
    assert branch["street"] == tree.streets["A"]["id"]
    assert branch["grids"] == [tree.grids["A1-1"]["id"], tree.grids["A1-2"]["id"]]
    group = await create_organisation(
        PartyOrganisationCreate(
            name="党小组", level="group", parent=branch["id"], grids=[tree.grids["A1-1"]["id"]]
        )
    )
    assert group["community"] == branch["community"]


async def test_a_group_cannot_take_a_grid_of_another_community() -> None:
    tree = await area_tree()
    made = await street_tree(tree)
    error = await refused(
        "grids",
        PartyOrganisationCreate(
            name="党小组",
            level="group",
            parent=made["branch"]["id"],
            grids=[tree.grids["A2-1"]["id"]],
        ),
    )
    assert tree.grids["A2-1"]["code"] in error.detail
    await refused(
        "grids",
        PartyOrganisationUpdate(grids=[tree.grids["B1-1"]["id"]]),
        update_id=made["branch"]["id"],
    )
    assert (
        await PartyOrganisationGrid.count()
        .where(PartyOrganisationGrid.organisation == made["branch"]["id"])
        .run()
        == 2
    )


async def test_levels_sit_only_under_their_parents() -> None:
    tree = await area_tree()
    made = await street_tree(tree)
    # a group directly under a community committee, a branch under a street committee,
    # a committee with no parent, a street committee with one
    await refused(
        "parent",
        PartyOrganisationCreate(name="小组", level="group", parent=made["community"]["id"]),
    )
    await refused(
        "parent",
        PartyOrganisationCreate(
            name="支部",
            level="branch",
            parent=made["committee"]["id"],
            community=tree.communities["A1"]["id"],
        ),
    )
    await refused(
        "parent",
        PartyOrganisationCreate(
            name="社区党委", level="community_committee", community=tree.communities["A1"]["id"]
        ),
    )
    await refused(
        "parent",
        PartyOrganisationCreate(
            name="党工委",
            level="street_working_committee",
            street=tree.streets["A"]["id"],
            parent=made["committee"]["id"],
        ),
    )
    # a community of street B under street A's working committee
    await refused(
        "community",
        PartyOrganisationCreate(
            name="社区党委",
            level="community_committee",
            parent=made["committee"]["id"],
            community=tree.communities["B1"]["id"],
        ),
    )
    # only branches and groups are built on grids
    await refused(
        "grids",
        PartyOrganisationCreate(
            name="总支",
            level="general_branch",
            parent=made["community"]["id"],
            grids=[tree.grids["A1-1"]["id"]],
        ),
    )
    await refused("level", PartyOrganisationCreate(name="x", level="cell", parent=None))


async def test_one_secretary_of_the_organisations_own_community() -> None:
    tree = await area_tree()
    made = await street_tree(tree)
    secretary = await make_staff(
        "sj1", role="party_branch_secretary", community=tree.communities["A1"]
    )
    outsider = await make_staff(
        "sj2", role="party_branch_secretary", community=tree.communities["A2"]
    )
    changed = await update_organisation(
        made["branch"]["id"], PartyOrganisationUpdate(secretary=secretary["id"])
    )
    assert changed["secretary"] == secretary["id"]
    assert changed["grids"] == made["branch"]["grids"]
    await refused(
        "secretary",
        PartyOrganisationUpdate(secretary=outsider["id"]),
        update_id=made["branch"]["id"],
    )
    stored = (
        await PartyOrganisation.select(PartyOrganisation.secretary)
        .where(PartyOrganisation._meta.primary_key == made["branch"]["id"])
        .first()
        .run()
    )
    assert stored == {"secretary": secretary["id"]}
