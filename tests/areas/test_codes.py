"""Codes: digits only, exact length, parent prefix, unique, stable; automatic grid numbers."""

from __future__ import annotations

import random

import pytest

from app.areas.rules import order_west_east_north_south
from app.areas.schemas import (
    CommunityCreate,
    CommunityUpdate,
    DistrictCreate,
    DistrictUpdate,
    GridCreate,
    GridUpdate,
    StreetCreate,
)
from app.areas.services import (
    create_community,
    create_district,
    create_grid,
    create_grids,
    create_street,
    update_community,
    update_district,
    update_grid,
)
from app.crud import get_row, insert_row
from app.db import write_transaction
from app.errors import Conflict, NotFound, ValidationFailed
from tables.areas import Community, District, ResponsibilityGrid, Street
from tests.areas.support import cell, count, empty_community
from tests.factories import area_tree, make_grid, make_staff


async def test_each_level_accepts_its_parent_code_plus_its_own_digits() -> None:
    district = await create_district(DistrictCreate(code="340705", name="铜官区"))
    street = await create_street(
        StreetCreate(code="340705001", name="幸福街道", district=district["id"])
    )
    community = await create_community(
        CommunityCreate(code="340705001002", name="幸福社区", street=street["id"])
    )
    grid = await create_grid(GridCreate(community=community["id"], code="340705001002003"))
    assert [district["code"], street["code"], community["code"], grid["code"]] == [
        "340705",
        "340705001",
        "340705001002",
        "340705001002003",
    ]
    assert grid["name"] == "第3网格"


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("34070A", "digits 0–9 only"),
        ("３４０７０６", "digits 0–9 only"),  # full-width digits are not ASCII digits
        ("34070", "exactly 6 digits"),
        ("3407060", "exactly 6 digits"),
        ("", "required"),
    ],
)
async def test_a_district_code_of_the_wrong_shape_is_refused(code: str, reason: str) -> None:
    with pytest.raises(ValidationFailed) as exc:
        await create_district(DistrictCreate(code=code, name="某区"))
    assert exc.value.field == "code"
    assert reason in exc.value.detail
    assert await count(District) == 0


async def test_a_child_code_without_its_parent_prefix_is_refused_on_every_level() -> None:
    tree = await area_tree()
    attempts = [
        (
            Street,
            create_street(StreetCreate(code="340706003", name="x", district=tree.district["id"])),
        ),
        (
            Community,
            create_community(
                CommunityCreate(code="340705002009", name="x", street=tree.streets["A"]["id"])
            ),
        ),
        (
            ResponsibilityGrid,
            create_grid(GridCreate(community=tree.communities["A2"]["id"], code="340705001001009")),
        ),
    ]
    for table, attempt in attempts:
        before = await count(table)
        with pytest.raises(ValidationFailed) as exc:
            await attempt
        assert exc.value.field == "code"
        assert "must start with its" in exc.value.detail
        assert await count(table) == before


async def test_a_code_of_the_wrong_length_for_its_level_is_refused() -> None:
    tree = await area_tree()
    with pytest.raises(ValidationFailed) as exc:
        await create_grid(
            GridCreate(community=tree.communities["A1"]["id"], code="3407050010010099")
        )
    assert exc.value.field == "code"
    assert "exactly 15 digits" in exc.value.detail
    assert await count(ResponsibilityGrid) == 6


async def test_a_duplicate_code_is_a_conflict() -> None:
    tree = await area_tree()
    with pytest.raises(Conflict) as exc:
        await create_street(
            StreetCreate(code="340705001", name="重名", district=tree.district["id"])
        )
    assert exc.value.field == "code"
    assert await count(Street) == 2


async def test_a_missing_parent_is_refused_naming_the_parent_field() -> None:
    with pytest.raises(NotFound) as exc:
        await create_street(StreetCreate(code="340705001", name="x", district=999))
    assert exc.value.field == "district"
    assert await count(Street) == 0


async def test_the_database_trigger_refuses_a_wrong_prefix_written_past_the_services() -> None:
    tree = await area_tree()
    wrong = {"code": "340705001001009", "name": "x", "community": tree.communities["A2"]["id"]}
    with pytest.raises(ValidationFailed) as exc:
        async with write_transaction():
            await insert_row(ResponsibilityGrid, wrong)
    assert exc.value.field == "code"
    assert await count(ResponsibilityGrid) == 6


async def test_a_code_may_change_while_nothing_refers_to_the_row() -> None:
    tree = await area_tree()
    community = await create_community(
        CommunityCreate(code="340705001008", name="新社区", street=tree.streets["A"]["id"])
    )
    changed = await update_community(community["id"], CommunityUpdate(code="340705001009"))
    assert changed["code"] == "340705001009"


async def test_a_code_cannot_change_while_children_refer_to_the_row() -> None:
    tree = await area_tree()
    with pytest.raises(Conflict) as exc:
        await update_district(tree.district["id"], DistrictUpdate(code="340706"))
    assert exc.value.field == "code"
    assert "codes are stable" in exc.value.detail
    assert (await get_row(District, tree.district["id"]))["code"] == "340705"


async def test_moving_a_row_to_another_parent_must_keep_the_prefix_rule() -> None:
    tree = await area_tree()
    community = await create_community(
        CommunityCreate(code="340705001008", name="新社区", street=tree.streets["A"]["id"])
    )
    with pytest.raises(ValidationFailed) as exc:
        await update_community(community["id"], CommunityUpdate(street=tree.streets["B"]["id"]))
    assert exc.value.field == "code"
    row = await get_row(Community, community["id"])
    assert row["street"] == tree.streets["A"]["id"]

    moved = await update_community(
        community["id"], CommunityUpdate(street=tree.streets["B"]["id"], code="340705002008")
    )
    assert (moved["street"], moved["code"]) == (tree.streets["B"]["id"], "340705002008")


async def test_a_grid_staff_work_in_cannot_move_to_another_community() -> None:
    tree = await area_tree()
    grid = tree.grids["A1-1"]
    await make_staff("wang", community=tree.communities["A1"], grids=[grid])
    with pytest.raises(Conflict) as exc:
        await update_grid(
            grid["id"], GridUpdate(community=tree.communities["A2"]["id"], code="340705001002009")
        )
    assert exc.value.field == "code"
    assert "grid_assignment" in exc.value.detail
    row = await get_row(ResponsibilityGrid, grid["id"])
    assert (row["community"], row["code"]) == (grid["community"], grid["code"])


async def test_a_grid_without_a_code_gets_the_next_free_sequence_number() -> None:
    tree = await area_tree()
    community = tree.communities["A1"]
    await make_grid(community, "005", (117.80, 30.895, 117.801, 30.896))  # outside: a gap 3–4
    grid = await create_grid(GridCreate(community=community["id"], name="新网格"))
    assert grid["code"] == community["code"] + "006"


async def test_numbering_refuses_when_a_community_has_used_every_number() -> None:
    tree = await area_tree()
    await make_grid(tree.communities["A1"], "999", (117.80, 30.895, 117.801, 30.896))
    with pytest.raises(ValidationFailed) as exc:
        await create_grid(GridCreate(community=tree.communities["A1"]["id"]))
    assert exc.value.field == "code"
    assert await count(ResponsibilityGrid) == 7


async def test_a_batch_is_numbered_west_to_east_then_north_to_south() -> None:
    tree = await area_tree()
    community = await empty_community(tree)
    layout = [(column, row) for row in range(2) for column in range(3)]
    shuffled = random.Random(7).sample(layout, k=len(layout))
    assert shuffled != layout
    rows = await create_grids(
        community["id"], [cell(community, column, row) for column, row in shuffled]
    )
    number_of = {place: int(grid["code"][-3:]) for place, grid in zip(shuffled, rows, strict=True)}
    assert number_of == {(0, 0): 1, (1, 0): 2, (2, 0): 3, (0, 1): 4, (1, 1): 5, (2, 1): 6}
    assert all(grid["code"].startswith(community["code"]) for grid in rows)


async def test_a_batch_numbers_after_the_codes_it_and_the_community_already_use() -> None:
    tree = await area_tree()
    community = await empty_community(tree)
    await create_grid(cell(community, 0, 0))  # 001
    rows = await create_grids(
        community["id"],
        [
            cell(community, 2, 0),
            cell(community, 1, 0, code=community["code"] + "010"),
            cell(community, 0, 1),
        ],
    )
    assert [grid["code"][-3:] for grid in rows] == ["011", "010", "012"]


async def test_a_batch_is_refused_whole_when_one_grid_breaks_a_rule() -> None:
    tree = await area_tree()
    community = await empty_community(tree)
    with pytest.raises(Conflict) as exc:
        await create_grids(
            community["id"], [cell(community, 0, 0), cell(community, 1, 0), cell(community, 0, 0)]
        )
    assert exc.value.field == "boundary"
    assert await count(ResponsibilityGrid) == 6


async def test_a_batch_grid_of_another_community_is_refused() -> None:
    tree = await area_tree()
    community = await empty_community(tree)
    stray = GridCreate(community=tree.communities["A1"]["id"])
    with pytest.raises(ValidationFailed) as exc:
        await create_grids(community["id"], [cell(community, 0, 0), stray])
    assert exc.value.field == "community"
    assert await count(ResponsibilityGrid) == 6


def test_rows_are_clustered_by_latitude_bands_of_about_a_grid_height() -> None:
    # Two ragged rows (centroids off by a tenth of a grid height) given in a random order.
    centroids = [(3.0, 1.05), (1.0, 0.0), (2.0, 1.0), (3.0, -0.1), (1.0, 0.95), (2.0, 0.08)]
    order = order_west_east_north_south(centroids, row_height=1.0)
    assert [centroids[i] for i in order] == [
        (1.0, 0.95),
        (2.0, 1.0),
        (3.0, 1.05),
        (1.0, 0.0),
        (2.0, 0.08),
        (3.0, -0.1),
    ]
