"""Grids: size warning, unit grids, point lookup, lookups by code, deletion, audit trail."""

from __future__ import annotations

import msgspec
import pytest

from app.areas.rules import size_warning_message, size_warning_of
from app.areas.schemas import DistrictCreate, DistrictUpdate, Grid, GridCreate, GridUpdate, from_row
from app.areas.services import (
    GRIDS_AT_POINT_SQL,
    area_by_code,
    clean_grid,
    create_district,
    create_grid,
    delete_area,
    delete_grid,
    find_grid_at,
    grid_by_code,
    update_district,
    update_grid,
)
from app.crud import create_with
from app.db import DB
from app.errors import Conflict, NotFound, ValidationFailed
from tables.areas import Community, District, ResponsibilityGrid
from tables.system import AuditLog
from tests.areas.support import cell, count, empty_community
from tests.factories import area_tree, make_staff, make_user


@pytest.mark.parametrize(
    ("households", "warned"), [(0, True), (249, True), (250, False), (500, False), (501, True)]
)
async def test_a_residential_grid_outside_250_to_500_households_is_saved_but_flagged(
    households: int, warned: bool
) -> None:
    tree = await area_tree()
    grid = await create_grid(
        GridCreate(community=tree.communities["A1"]["id"], household_count=households)
    )
    assert grid["size_warning"] is warned
    assert grid["household_count"] == households


async def test_the_size_warning_follows_updates_and_ignores_input() -> None:
    tree = await area_tree()
    grid = tree.grids["A1-1"]
    assert (await update_grid(grid["id"], GridUpdate(household_count=120)))["size_warning"]
    assert not (await update_grid(grid["id"], GridUpdate(household_count=300)))["size_warning"]
    forged = {
        "community": tree.communities["A2"]["id"],
        "household_count": 300,
        "size_warning": True,
    }
    assert (await create_with(ResponsibilityGrid, clean_grid, forged, None))[
        "size_warning"
    ] is False


def test_the_size_warning_reads_in_chinese_and_english() -> None:
    message = size_warning_message("residential", 120)
    assert "120" in message and "250–500" in message
    assert "规模预警" in message and "too few" in message
    assert "too many" in size_warning_message("residential", 800)
    assert size_warning_message("residential", 300) == ""
    assert not size_warning_of("unit", 3)


async def test_a_unit_grid_names_its_organisation_and_never_gets_a_size_warning() -> None:
    tree = await area_tree()
    grid = await create_grid(
        GridCreate(
            community=tree.communities["A2"]["id"],
            kind="unit",
            household_count=2,
            responsible_organisation="铜陵市第一人民医院",
        )
    )
    assert (grid["kind"], grid["size_warning"]) == ("unit", False)


async def test_a_unit_grid_without_its_organisation_is_refused() -> None:
    tree = await area_tree()
    with pytest.raises(ValidationFailed) as exc:
        await create_grid(
            GridCreate(
                community=tree.communities["A2"]["id"], kind="unit", responsible_organisation=" "
            )
        )
    assert exc.value.field == "responsible_organisation"
    with pytest.raises(ValidationFailed) as exc_update:
        await update_grid(tree.grids["A1-1"]["id"], GridUpdate(kind="unit"))
    assert exc_update.value.field == "responsible_organisation"
    assert await ResponsibilityGrid.count().where(ResponsibilityGrid.kind == "unit").run() == 0


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"kind": "farm"}, "kind"),
        ({"household_count": -1}, "household_count"),
        ({"name": "网" * 101}, "name"),
    ],
)
async def test_a_grid_with_a_bad_field_is_refused(changes: dict, field: str) -> None:
    tree = await area_tree()
    with pytest.raises(ValidationFailed) as exc:
        await create_grid(GridCreate(community=tree.communities["A2"]["id"], **changes))
    assert exc.value.field == field
    assert await count(ResponsibilityGrid) == 6


async def test_an_area_above_the_grid_needs_a_name() -> None:
    with pytest.raises(ValidationFailed) as exc:
        await create_district(DistrictCreate(code="340705", name="  "))
    assert exc.value.field == "name"
    assert await count(District) == 0


async def test_find_grid_at_a_point_inside_on_a_shared_edge_and_outside() -> None:
    tree = await area_tree()
    inside = await find_grid_at(117.807, 30.905)
    assert inside is not None and inside["code"] == tree.grids["A1-2"]["code"]
    edge = tree.grids["A1-1"]["max_lon"]
    assert edge == tree.grids["A1-2"]["min_lon"]
    on_edge = await find_grid_at(edge, 30.905)  # A1-1 | A1-2: the lower code answers
    assert on_edge is not None and on_edge["code"] == tree.grids["A1-1"]["code"]
    assert await find_grid_at(117.79, 30.905) is None
    assert await find_grid_at(117.807, 30.905, community_id=tree.communities["A2"]["id"]) is None


async def test_find_grid_at_checks_the_polygon_not_just_its_bounding_box() -> None:
    tree = await area_tree()
    community = await empty_community(tree)
    triangle = {
        "type": "Polygon",
        "coordinates": [[[117.85, 30.90], [117.86, 30.90], [117.85, 30.91], [117.85, 30.90]]],
    }
    grid = await create_grid(GridCreate(community=community["id"], boundary=triangle))
    assert (await find_grid_at(117.852, 30.902))["id"] == grid["id"]  # type: ignore[index]
    assert await find_grid_at(117.859, 30.909) is None  # inside the bbox, outside the triangle


async def test_find_grid_at_refuses_a_point_out_of_range() -> None:
    with pytest.raises(ValidationFailed) as exc:
        await find_grid_at(200, 30.9)
    assert exc.value.field == "location"


async def test_the_point_lookup_can_use_the_bounding_box_index() -> None:
    await area_tree()
    sql = "EXPLAIN " + GRIDS_AT_POINT_SQL.replace("{}", "%s") % (117.807, 30.905)
    async with DB.transaction() as transaction:
        await transaction.connection.execute("SET LOCAL enable_seqscan = off")
        plan = await transaction.connection.fetch(sql)
    assert "responsibility_grid_bbox" in "\n".join(row[0] for row in plan)


async def test_areas_are_found_by_code() -> None:
    tree = await area_tree()
    assert (await grid_by_code(tree.grids["B1-2"]["code"]))["id"] == tree.grids["B1-2"]["id"]
    assert (await area_by_code("community", "340705002001"))["id"] == tree.communities["B1"]["id"]
    with pytest.raises(NotFound) as exc:
        await grid_by_code("340705002001009")
    assert exc.value.field == "code"
    with pytest.raises(ValidationFailed) as exc_shape:
        await area_by_code("street", "34070500")
    assert exc_shape.value.field == "code"


async def test_a_grid_nothing_refers_to_can_be_deleted() -> None:
    tree = await area_tree()
    await delete_grid(tree.grids["A1-2"]["id"])
    assert await count(ResponsibilityGrid) == 5
    assert await grid_by_code(tree.grids["A1-1"]["code"])


async def test_a_grid_with_staff_assigned_cannot_be_deleted() -> None:
    tree = await area_tree()
    await make_staff("li", community=tree.communities["A1"], grids=[tree.grids["A1-1"]])
    with pytest.raises(Conflict) as exc:
        await delete_grid(tree.grids["A1-1"]["id"])
    assert exc.value.field == "grid_assignment.grid"
    assert "还有 1 条网格分配" in exc.value.detail and "Still used by 1 Staff" in exc.value.detail
    assert await count(ResponsibilityGrid) == 6


async def test_a_community_with_grids_cannot_be_deleted() -> None:
    tree = await area_tree()
    with pytest.raises(Conflict) as exc:
        await delete_area("community", tree.communities["B1"]["id"])
    assert exc.value.field == "responsibility_grid.community"
    assert "2 条责任网格" in exc.value.detail
    assert await count(Community) == 3


async def test_creates_updates_and_deletes_are_audited_with_the_actor() -> None:
    tree = await area_tree()
    user = await make_user("admin")
    district = await create_district(DistrictCreate(code="340711", name="郊区"), user["id"])
    await update_district(district["id"], DistrictUpdate(name="郊区（新）"), user["id"])
    entries = await (
        AuditLog.select(AuditLog.action, AuditLog.actor_id, AuditLog.before, AuditLog.after)
        .where(AuditLog.table_name == "district", AuditLog.row_id == district["id"])
        .order_by(AuditLog._meta.primary_key)
        .output(load_json=True)
        .run()
    )
    assert [(e["action"], e["actor_id"]) for e in entries] == [
        ("INSERT", user["id"]),
        ("UPDATE", user["id"]),
    ]
    assert entries[1]["before"]["name"] == "郊区" and entries[1]["after"]["name"] == "郊区（新）"

    grid = await create_grid(GridCreate(community=tree.communities["A1"]["id"]), user["id"])
    await delete_grid(grid["id"], user["id"])
    deleted = (
        await AuditLog.count()
        .where(
            AuditLog.table_name == "responsibility_grid",
            AuditLog.action == "DELETE",
            AuditLog.actor_id == user["id"],
        )
        .run()
    )
    assert deleted == 1


async def test_a_grid_row_reads_out_with_its_boundary_and_warning_text() -> None:
    tree = await area_tree()
    community = await empty_community(tree)
    proposal = cell(community, 0, 0, household_count=90, name="一号网格")
    grid = from_row(Grid, await create_grid(proposal))
    assert msgspec.json.decode(msgspec.json.encode(grid))["boundary"] == proposal.boundary
    assert (grid.name, grid.household_count) == ("一号网格", 90)
    assert grid.size_warning and "90" in grid.size_warning_message
