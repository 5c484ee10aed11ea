"""Resident units: checked credit codes and phones, a community that agrees with the grid."""

from __future__ import annotations

import pytest

from app import crud
from app.errors import Conflict, NotFound, ValidationFailed
from app.places.schemas import OrganisationCreate, OrganisationUpdate
from app.places.services import create_organisation, update_organisation
from tables.places import Organisation
from tests.factories import area_tree
from tests.places.support import count
from tests.test_validation import credit_code

CODE = credit_code("91340702MA2N0TQ8X")
OTHER_CODE = credit_code("52340702MJ1234567")


async def test_organisation_in_a_grid_takes_its_community_and_normalised_codes() -> None:
    tree = await area_tree()
    organisation = await create_organisation(
        OrganisationCreate(
            name="铜官山农贸市场",
            kind="market",
            credit_code=CODE.lower(),
            contact_phone="0562 2881234",
            grid=tree.grids["A1-2"]["id"],
        )
    )
    assert organisation["community"] == tree.communities["A1"]["id"]
    assert organisation["credit_code"] == CODE
    assert organisation["contact_phone"] == "0562-2881234"


async def test_organisation_without_grid_needs_a_community() -> None:
    tree = await area_tree()
    organisation = await create_organisation(
        OrganisationCreate(
            name="社区卫生服务站", kind="hospital", community=tree.communities["B1"]["id"]
        )
    )
    assert organisation["grid"] is None
    assert organisation["credit_code"] is None
    assert organisation["contact_phone"] == ""
    with pytest.raises(ValidationFailed) as exc:
        await create_organisation(OrganisationCreate(name="无名单位"))
    assert exc.value.field == "community"
    with pytest.raises(NotFound) as missing:
        await create_organisation(OrganisationCreate(name="无名单位", community=999))
    assert missing.value.field == "community"
    assert await count(Organisation) == 1


async def test_grid_must_be_in_the_given_community() -> None:
    tree = await area_tree()
    with pytest.raises(ValidationFailed) as exc:
        await create_organisation(
            OrganisationCreate(
                name="实验小学",
                kind="school",
                grid=tree.grids["A1-1"]["id"],
                community=tree.communities["A2"]["id"],
            )
        )
    assert exc.value.field == "grid"
    assert await count(Organisation) == 0
    agreeing = await create_organisation(
        OrganisationCreate(
            name="实验小学",
            kind="school",
            grid=tree.grids["A1-1"]["id"],
            community=tree.communities["A1"]["id"],
        )
    )
    assert agreeing["community"] == tree.communities["A1"]["id"]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"credit_code": CODE[:17] + ("0" if CODE[17] != "0" else "1")}, "credit_code"),
        ({"credit_code": "91340702MA2N0TQ8"}, "credit_code"),
        ({"contact_phone": "12345"}, "contact_phone"),
        ({"kind": "castle"}, "kind"),
        ({"name": ""}, "name"),
    ],
)
async def test_organisation_fields_are_checked(fields: dict[str, str], field: str) -> None:
    tree = await area_tree()
    values = {"name": "某公司", "community": tree.communities["A1"]["id"], **fields}
    with pytest.raises(ValidationFailed) as exc:
        await create_organisation(OrganisationCreate(**values))
    assert exc.value.field == field
    assert await count(Organisation) == 0


async def test_credit_code_registered_once() -> None:
    tree = await area_tree()
    await create_organisation(
        OrganisationCreate(name="甲公司", credit_code=CODE, community=tree.communities["A1"]["id"])
    )
    with pytest.raises(Conflict) as exc:
        await create_organisation(
            OrganisationCreate(
                name="乙公司", credit_code=CODE, community=tree.communities["A2"]["id"]
            )
        )
    assert exc.value.field == "credit_code"
    assert await count(Organisation) == 1
    second = await create_organisation(
        OrganisationCreate(
            name="乙公司", credit_code=OTHER_CODE, community=tree.communities["A2"]["id"]
        )
    )
    with pytest.raises(Conflict) as exc:
        await update_organisation(second["id"], OrganisationUpdate(credit_code=CODE))
    assert exc.value.field == "credit_code"
    assert (await crud.get_row(Organisation, second["id"]))["credit_code"] == OTHER_CODE


async def test_moving_to_a_grid_of_another_community_follows_the_grid() -> None:
    tree = await area_tree()
    organisation = await create_organisation(
        OrganisationCreate(
            name="物业公司", kind="property_management", grid=tree.grids["A1-1"]["id"]
        )
    )
    moved = await update_organisation(
        organisation["id"], OrganisationUpdate(grid=tree.grids["B1-1"]["id"])
    )
    assert moved["community"] == tree.communities["B1"]["id"]
    unchanged_code = await update_organisation(organisation["id"], OrganisationUpdate(name="物业"))
    assert unchanged_code["credit_code"] is None


async def test_changing_grid_and_community_that_disagree_is_refused() -> None:
    tree = await area_tree()
    organisation = await create_organisation(
        OrganisationCreate(name="物业公司", grid=tree.grids["A1-1"]["id"])
    )
    with pytest.raises(ValidationFailed) as exc:
        await update_organisation(
            organisation["id"],
            OrganisationUpdate(
                grid=tree.grids["B1-1"]["id"], community=tree.communities["A2"]["id"]
            ),
        )
    assert exc.value.field == "grid"
    assert await crud.get_row(Organisation, organisation["id"]) == organisation
