"""Helpers shared by the place tests: the area tree, a building in grid A1-1, row counts."""

from __future__ import annotations

from typing import Any

from piccolo.table import Table

from app.places.schemas import BuildingCreate, HouseholdCreate
from app.places.services import create_building, create_household
from tests.factories import Tree


async def count(table: type[Table]) -> int:
    return await table.count().run()


def inside(grid: dict[str, Any], east: float = 0.001, north: float = 0.001) -> tuple[float, float]:
    """A (longitude, latitude) a little north-east of the grid's south-west corner."""
    return grid["min_lon"] + east, grid["min_lat"] + north


async def building_in(tree: Tree, grid_key: str = "A1-1", **fields: Any) -> dict[str, Any]:
    grid = tree.grids[grid_key]
    longitude, latitude = inside(grid)
    return await create_building(
        BuildingCreate(
            address=fields.pop("address", "幸福路1号"),
            longitude=longitude,
            latitude=latitude,
            grid=grid["id"],
            **fields,
        )
    )


async def household_in(tree: Tree, room: str = "1-101", grid_key: str = "A1-1") -> dict[str, Any]:
    building = await building_in(tree, grid_key)
    return await create_household(HouseholdCreate(building=building["id"], room=room))
