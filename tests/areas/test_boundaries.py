"""Boundaries: valid closed polygons, inside the parent's, clear of siblings, bbox derived."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from app.areas.schemas import (
    CommunityCreate,
    CommunityUpdate,
    DistrictCreate,
    GridCreate,
    GridUpdate,
    StreetCreate,
)
from app.areas.services import (
    create_community,
    create_district,
    create_grid,
    create_street,
    update_community,
    update_grid,
)
from app.crud import get_row
from app.errors import Conflict, ValidationFailed
from app.geo import rectangle
from tables.areas import Community, District, ResponsibilityGrid, Street
from tests.areas.support import cell, count, empty_community
from tests.factories import Tree, area_tree

W, S = 117.90, 30.95  # a free spot east of every area of the shared tree
BAD_BOUNDARIES = {
    "unclosed ring": {
        "type": "Polygon",
        "coordinates": [[[W, S], [W + 0.01, S], [W, S + 0.01], [W, S + 0.02]]],
    },
    "bow-tie": {
        "type": "Polygon",
        "coordinates": [[[W, S], [W + 0.01, S + 0.01], [W + 0.01, S], [W, S + 0.01], [W, S]]],
    },
    "fewer than 4 points": {"type": "Polygon", "coordinates": [[[W, S], [W + 0.01, S], [W, S]]]},
    "out of range": rectangle(179.99, S, 180.5, S + 0.01),
    "wrong type": {"type": "Point", "coordinates": [W, S]},
    "garbage JSON": "{'type': Polygon",
}


def _creator(level: str, tree: Tree) -> tuple[type, Callable[[Any], Awaitable[Any]]]:
    """The table and a function creating an area of `level` with the given boundary."""
    A = tree.streets["A"]
    creators: dict[str, tuple[type, Callable[[Any], Awaitable[Any]]]] = {
        "district": (
            District,
            lambda b: create_district(DistrictCreate(code="340706", name="x", boundary=b)),
        ),
        "street": (
            Street,
            lambda b: create_street(
                StreetCreate(code="340705009", name="x", district=tree.district["id"], boundary=b)
            ),
        ),
        "community": (
            Community,
            lambda b: create_community(
                CommunityCreate(code=A["code"] + "009", name="x", street=A["id"], boundary=b)
            ),
        ),
        "grid": (
            ResponsibilityGrid,
            lambda b: create_grid(GridCreate(community=tree.communities["A1"]["id"], boundary=b)),
        ),
    }
    return creators[level]


@pytest.mark.parametrize("level", ["district", "street", "community", "grid"])
@pytest.mark.parametrize("problem", list(BAD_BOUNDARIES))
async def test_an_invalid_boundary_is_refused_on_every_level(level: str, problem: str) -> None:
    tree = await area_tree()
    table, create = _creator(level, tree)
    before = await count(table)
    with pytest.raises(ValidationFailed) as exc:
        await create(BAD_BOUNDARIES[problem])
    assert exc.value.field == "boundary"
    assert await count(table) == before


@pytest.mark.parametrize("level", ["district", "street", "community"])
async def test_a_valid_boundary_is_accepted_and_is_optional(level: str) -> None:
    tree = await area_tree()
    _, create = _creator(level, tree)
    row = await create(rectangle(W, S, W + 0.01, S + 0.01))
    assert row["boundary"] is not None


async def test_a_grid_gets_its_bounding_box_from_its_boundary_and_loses_it_with_it() -> None:
    tree = await area_tree()
    community = await empty_community(tree)
    grid = await create_grid(cell(community, 1, 0))
    assert (grid["min_lon"], grid["min_lat"], grid["max_lon"], grid["max_lat"]) == pytest.approx(
        (117.86, 30.91, 117.87, 30.92)
    )
    cleared = await update_grid(grid["id"], GridUpdate(boundary=None))
    assert cleared["boundary"] is None
    assert [cleared[c] for c in ("min_lon", "min_lat", "max_lon", "max_lat")] == [None] * 4


async def test_a_grid_must_lie_inside_its_community() -> None:
    tree = await area_tree()
    community = await empty_community(tree)
    sticking_out = rectangle(117.875, 30.91, 117.885, 30.92)  # community ends at 117.88
    with pytest.raises(ValidationFailed) as exc:
        await create_grid(GridCreate(community=community["id"], boundary=sticking_out))
    assert exc.value.field == "boundary"
    assert "inside the boundary of community" in exc.value.detail
    assert await count(ResponsibilityGrid) == 6


async def test_a_grid_must_not_overlap_a_sibling_but_may_share_an_edge() -> None:
    tree = await area_tree()
    community = await empty_community(tree)
    await create_grid(cell(community, 0, 0))
    neighbour = await create_grid(cell(community, 1, 0))  # shares the edge at 117.86
    assert neighbour["code"].endswith("002")
    overlapping = rectangle(117.855, 30.91, 117.865, 30.92)
    with pytest.raises(Conflict) as exc:
        await create_grid(GridCreate(community=community["id"], boundary=overlapping))
    assert exc.value.field == "boundary"
    assert "overlaps grid" in exc.value.detail
    assert await count(ResponsibilityGrid) == 8


async def test_a_grid_moved_onto_a_sibling_is_refused() -> None:
    tree = await area_tree()
    grid = tree.grids["A1-2"]
    with pytest.raises(Conflict) as exc:
        await update_grid(grid["id"], GridUpdate(boundary=rectangle(117.80, 30.90, 117.806, 30.91)))
    assert exc.value.field == "boundary"
    row = await get_row(ResponsibilityGrid, grid["id"])
    assert row["min_lon"] == pytest.approx(117.805)


async def test_a_community_must_lie_inside_its_street_and_clear_of_its_siblings() -> None:
    tree = await area_tree()
    street = await create_street(
        StreetCreate(
            code="340705003",
            name="东湖街道",
            district=tree.district["id"],
            boundary=rectangle(W, S, W + 0.02, S + 0.01),
        )
    )

    def community(suffix: str, west: float, east: float) -> CommunityCreate:
        return CommunityCreate(
            code=street["code"] + suffix,
            name="社区",
            street=street["id"],
            boundary=rectangle(west, S, east, S + 0.01),
        )

    await create_community(community("001", W, W + 0.01))
    await create_community(community("002", W + 0.01, W + 0.02))  # shared edge is fine
    with pytest.raises(ValidationFailed) as exc:
        await create_community(community("003", W + 0.015, W + 0.025))
    assert exc.value.field == "boundary"
    with pytest.raises(Conflict) as exc_overlap:
        await create_community(community("003", W + 0.005, W + 0.015))
    assert exc_overlap.value.field == "boundary"
    assert await count(Community) == 5


async def test_a_community_boundary_cannot_shrink_away_from_its_grids() -> None:
    tree = await area_tree()
    community = tree.communities["A1"]
    with pytest.raises(ValidationFailed) as exc:
        await update_community(
            community["id"], CommunityUpdate(boundary=rectangle(117.80, 30.90, 117.805, 30.91))
        )
    assert exc.value.field == "boundary"
    assert "would leave grid" in exc.value.detail
    row = await get_row(Community, community["id"])
    assert row["boundary"] == community["boundary"]


async def test_two_concurrent_overlapping_grids_cannot_both_be_saved() -> None:
    tree = await area_tree()
    community = await empty_community(tree)
    first = GridCreate(community=community["id"], boundary=rectangle(117.85, 30.90, 117.86, 30.91))
    second = GridCreate(
        community=community["id"], boundary=rectangle(117.855, 30.90, 117.865, 30.91)
    )
    results = await asyncio.gather(create_grid(first), create_grid(second), return_exceptions=True)
    saved = [r for r in results if isinstance(r, dict)]
    refused = [r for r in results if isinstance(r, Exception)]
    assert len(saved) == 1 and len(refused) == 1
    assert isinstance(refused[0], Conflict) and refused[0].field == "boundary"
    assert await count(ResponsibilityGrid) == 7


async def test_two_concurrent_uncoded_grids_get_different_numbers() -> None:
    tree = await area_tree()
    community = await empty_community(tree)
    rows = await asyncio.gather(*(create_grid(cell(community, column, 0)) for column in range(3)))
    assert sorted(grid["code"][-3:] for grid in rows) == ["001", "002", "003"]
