"""A building or facility lies inside its grid, takes the grid's community, has a unique code."""

from __future__ import annotations

from typing import Any

import pytest

from app import crud
from app.errors import Conflict, NotFound, ValidationFailed
from app.places.schemas import BuildingCreate, BuildingUpdate, FacilityCreate, FacilityUpdate
from app.places.services import (
    clean_building,
    create_building,
    create_facility,
    update_building,
    update_facility,
)
from tables.places import Building, Facility
from tests.factories import area_tree
from tests.places.support import building_in, count, inside


async def test_building_inside_its_grid_is_saved_with_grid_community_and_code() -> None:
    tree = await area_tree()
    grid = tree.grids["A1-1"]
    first = await building_in(tree, floors=6)
    second = await building_in(tree)
    assert first["grid"] == grid["id"]
    assert first["community"] == tree.communities["A1"]["id"]
    assert first["code"] == grid["code"] + "001"
    assert second["code"] == grid["code"] + "002"
    assert first["floors"] == 6
    assert await count(Building) == 2


async def test_building_on_the_grid_edge_counts_as_inside() -> None:
    tree = await area_tree()
    grid = tree.grids["A1-1"]
    building = await create_building(
        BuildingCreate(
            address="边界路1号",
            longitude=grid["max_lon"],
            latitude=grid["min_lat"],
            grid=grid["id"],
        )
    )
    assert building["grid"] == grid["id"]


async def test_community_comes_from_the_grid_never_from_input() -> None:
    tree = await area_tree()
    grid = tree.grids["A1-1"]
    longitude, latitude = inside(grid)
    building = await crud.create_with(
        Building,
        clean_building,
        {
            "address": "幸福路2号",
            "kind": "residential",
            "longitude": longitude,
            "latitude": latitude,
            "grid": grid["id"],
            "community": tree.communities["B1"]["id"],
        },
        None,
    )
    assert building["community"] == tree.communities["A1"]["id"]


@pytest.mark.parametrize(
    ("grid_key", "point_grid", "offset"),
    [
        ("A1-1", "A1-2", (0.001, 0.001)),  # the neighbouring grid
        ("A1-1", "B1-1", (0.001, 0.001)),  # another street
        ("A1-1", "A1-1", (0.001, 0.02)),  # north of the grid
    ],
)
async def test_building_outside_its_grid_is_refused(
    grid_key: str, point_grid: str, offset: tuple[float, float]
) -> None:
    tree = await area_tree()
    longitude, latitude = inside(tree.grids[point_grid], *offset)
    with pytest.raises(ValidationFailed) as exc:
        await create_building(
            BuildingCreate(
                address="幸福路3号",
                longitude=longitude,
                latitude=latitude,
                grid=tree.grids[grid_key]["id"],
            )
        )
    assert exc.value.field == "longitude"
    assert "outside grid" in exc.value.detail
    assert await count(Building) == 0


async def test_building_point_out_of_wgs84_range_is_refused() -> None:
    tree = await area_tree()
    with pytest.raises(ValidationFailed) as exc:
        await create_building(
            BuildingCreate(
                address="x", longitude=217.8, latitude=30.9, grid=tree.grids["A1-1"]["id"]
            )
        )
    assert exc.value.field == "longitude"
    assert await count(Building) == 0


async def test_building_in_missing_grid_is_refused() -> None:
    await area_tree()
    with pytest.raises(NotFound) as exc:
        await create_building(BuildingCreate(address="x", longitude=117.8, latitude=30.9, grid=999))
    assert exc.value.field == "grid"
    assert await count(Building) == 0


async def test_building_code_must_be_unique() -> None:
    tree = await area_tree()
    first = await building_in(tree)
    with pytest.raises(Conflict) as exc:
        await building_in(tree, "A1-2", code=first["code"])
    assert exc.value.field == "code"
    assert await count(Building) == 1


@pytest.mark.parametrize(
    ("fields", "field"),
    [({"kind": "castle"}, "kind"), ({"floors": 0}, "floors"), ({"address": "  "}, "address")],
)
async def test_building_fields_are_checked(fields: dict[str, Any], field: str) -> None:
    tree = await area_tree()
    with pytest.raises(ValidationFailed) as exc:
        await building_in(tree, **fields)
    assert exc.value.field == field
    assert await count(Building) == 0


async def test_moving_a_building_out_of_its_grid_is_refused_and_nothing_changes() -> None:
    tree = await area_tree()
    building = await building_in(tree)
    longitude, _ = inside(tree.grids["A1-2"])
    with pytest.raises(ValidationFailed) as exc:
        await update_building(building["id"], BuildingUpdate(longitude=longitude))
    assert exc.value.field == "longitude"
    assert await crud.get_row(Building, building["id"]) == building


async def test_moving_a_building_to_another_grid_moves_its_community() -> None:
    tree = await area_tree()
    building = await building_in(tree)
    target = tree.grids["A2-1"]
    longitude, latitude = inside(target)
    moved = await update_building(
        building["id"], BuildingUpdate(grid=target["id"], longitude=longitude, latitude=latitude)
    )
    assert moved["grid"] == target["id"]
    assert moved["community"] == tree.communities["A2"]["id"]
    assert moved["code"] == building["code"]  # codes are stable identifiers


async def test_updating_a_building_keeps_its_own_code() -> None:
    tree = await area_tree()
    building = await building_in(tree)
    renamed = await update_building(building["id"], BuildingUpdate(address="幸福路1号A座"))
    assert renamed["address"] == "幸福路1号A座"
    assert renamed["code"] == building["code"]


async def test_facility_inside_its_grid_is_saved_with_grid_community() -> None:
    tree = await area_tree()
    grid = tree.grids["B1-2"]
    longitude, latitude = inside(grid)
    facility = await create_facility(
        FacilityCreate(
            name="消防栓 7 号",
            kind="fire_hydrant",
            longitude=longitude,
            latitude=latitude,
            grid=grid["id"],
        )
    )
    assert facility["community"] == tree.communities["B1"]["id"]
    assert await count(Facility) == 1


async def test_facility_outside_its_grid_is_refused() -> None:
    tree = await area_tree()
    longitude, latitude = inside(tree.grids["B1-1"])
    with pytest.raises(ValidationFailed) as exc:
        await create_facility(
            FacilityCreate(
                name="公园",
                kind="park",
                longitude=longitude,
                latitude=latitude,
                grid=tree.grids["B1-2"]["id"],
            )
        )
    assert exc.value.field == "longitude"
    assert await count(Facility) == 0


async def test_facility_kind_checked_and_move_out_refused() -> None:
    tree = await area_tree()
    grid = tree.grids["A1-1"]
    longitude, latitude = inside(grid)
    with pytest.raises(ValidationFailed) as exc:
        await create_facility(
            FacilityCreate(
                name="x", kind="castle", longitude=longitude, latitude=latitude, grid=grid["id"]
            )
        )
    assert exc.value.field == "kind"
    facility = await create_facility(
        FacilityCreate(
            name="停车场", kind="parking", longitude=longitude, latitude=latitude, grid=grid["id"]
        )
    )
    with pytest.raises(ValidationFailed) as exc:
        await update_facility(facility["id"], FacilityUpdate(latitude=latitude + 0.05))
    assert exc.value.field == "longitude"
    assert await crud.get_row(Facility, facility["id"]) == facility
