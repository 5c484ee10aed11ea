"""The demo district's geography: 3 streets, 10 communities, 60 grids, as nested rectangles.

Everything is derived from a seeded random generator, so every load is identical. Codes follow
GB/T 2260 + 3-digit levels; grids are numbered west→east, north→south inside a community.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from app.geo import rectangle

DISTRICT_CODE = "340705"  # 安徽省铜陵市铜官区
DISTRICT_NAME = "铜官区"
WEST, NORTH = 117.79, 30.96
STREET_WIDTH, STREET_HEIGHT = 0.03, 0.04
GRID_COLUMNS, GRID_ROWS = 3, 2

STREETS: list[tuple[str, list[str]]] = [
    ("天井湖街道", ["五松社区", "铜官山社区", "长江社区"]),
    ("新城街道", ["幸福社区", "阳光社区", "翠湖社区", "金山社区"]),
    ("官塘街道", ["官塘社区", "螺蛳山社区", "和平社区"]),
]
UNIT_GRIDS = {  # (street index, community index, grid index) → the organisation it is built around
    (0, 0, 5): ("铜陵市人民医院", "hospital"),
    (1, 1, 0): ("铜陵市第一中学", "school"),
    (2, 0, 2): ("官塘农贸市场", "market"),
}
# A few residential grids deliberately outside 250–500 households (flagged, not refused).
OUT_OF_RANGE = {(0, 1, 2): 212, (1, 2, 4): 538, (1, 3, 1): 176, (2, 2, 3): 615}


@dataclass
class GridPlan:
    code: str
    name: str
    kind: str
    household_count: int
    bounds: tuple[float, float, float, float]
    responsible_organisation: str = ""
    organisation_kind: str = ""

    @property
    def boundary(self) -> dict[str, Any]:
        return rectangle(*self.bounds)


@dataclass
class CommunityPlan:
    code: str
    name: str
    bounds: tuple[float, float, float, float]
    grids: list[GridPlan] = field(default_factory=list)


@dataclass
class StreetPlan:
    code: str
    name: str
    bounds: tuple[float, float, float, float]
    communities: list[CommunityPlan] = field(default_factory=list)


def plan_district(rng: random.Random) -> list[StreetPlan]:
    """Streets side by side west→east; communities stacked north→south; grids 3 × 2."""
    streets = []
    for s, (street_name, community_names) in enumerate(STREETS):
        west = WEST + s * STREET_WIDTH
        street = StreetPlan(
            code=f"{DISTRICT_CODE}{s + 1:03d}",
            name=street_name,
            bounds=(west, NORTH - STREET_HEIGHT, west + STREET_WIDTH, NORTH),
        )
        height = STREET_HEIGHT / len(community_names)
        for c, community_name in enumerate(community_names):
            north = NORTH - c * height
            community = CommunityPlan(
                code=f"{street.code}{c + 1:03d}",
                name=community_name,
                bounds=(west, north - height, west + STREET_WIDTH, north),
            )
            community.grids = _plan_grids(rng, s, c, community)
            street.communities.append(community)
        streets.append(street)
    return streets


def _plan_grids(rng: random.Random, s: int, c: int, community: CommunityPlan) -> list[GridPlan]:
    west, south, east, north = community.bounds
    width, height = (east - west) / GRID_COLUMNS, (north - south) / GRID_ROWS
    grids = []
    for index in range(GRID_COLUMNS * GRID_ROWS):
        row, column = divmod(index, GRID_COLUMNS)  # reading order: north row first, west first
        bounds = (
            west + column * width,
            north - (row + 1) * height,
            west + (column + 1) * width,
            north - row * height,
        )
        plan = GridPlan(
            code=f"{community.code}{index + 1:03d}",
            name=f"{community.name[:-2]}第{index + 1}网格",
            kind="residential",
            household_count=OUT_OF_RANGE.get((s, c, index), rng.randint(280, 480)),
            bounds=bounds,
        )
        if (s, c, index) in UNIT_GRIDS:
            organisation, kind = UNIT_GRIDS[(s, c, index)]
            plan.kind, plan.name, plan.household_count = "unit", f"{organisation}单位网格", 0
            plan.responsible_organisation, plan.organisation_kind = organisation, kind
        grids.append(plan)
    return grids


def point_inside(
    rng: random.Random, bounds: tuple[float, float, float, float], margin: float = 0.1
) -> tuple[float, float]:
    """A random (lon, lat) well inside the rectangle (`margin` is a fraction of each side)."""
    west, south, east, north = bounds
    dx, dy = (east - west) * margin, (north - south) * margin
    return rng.uniform(west + dx, east - dx), rng.uniform(south + dy, north - dy)
