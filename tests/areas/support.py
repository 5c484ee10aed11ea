"""Helpers shared by the area tests: row counts and an empty community to draw grids in."""

from __future__ import annotations

from typing import Any

from piccolo.table import Table

from app.areas.schemas import CommunityCreate, GridCreate
from app.areas.services import create_community
from app.geo import rectangle
from tests.factories import Tree

# An empty 0.03° × 0.02° community east of the shared tree's communities (street A).
EMPTY_WEST, EMPTY_SOUTH = 117.85, 30.90


async def count(table: type[Table]) -> int:
    return await table.count().run()


async def empty_community(tree: Tree, suffix: str = "009") -> dict[str, Any]:
    """A community of street A with a boundary and no grids yet."""
    return await create_community(
        CommunityCreate(
            code=tree.streets["A"]["code"] + suffix,
            name="空白社区",
            street=tree.streets["A"]["id"],
            boundary=rectangle(EMPTY_WEST, EMPTY_SOUTH, EMPTY_WEST + 0.03, EMPTY_SOUTH + 0.02),
        )
    )


def cell(community: dict[str, Any], column: int, row: int, **fields: Any) -> GridCreate:
    """Grid proposal for cell (column from the west, row from the north) of a 0.01° layout."""
    west = EMPTY_WEST + 0.01 * column
    north = EMPTY_SOUTH + 0.02 - 0.01 * row
    boundary = rectangle(west, north - 0.01, west + 0.01, north)
    fields.setdefault("household_count", 300)
    return GridCreate(community=community["id"], boundary=boundary, **fields)
