"""How big a benchmark city is: the full city of issue 7 and fractions of it.

The full scale is a large Chinese city: 2,500 communities, 25,000 responsibility grids,
8.75 million households (350 per grid), 25,000 grid workers (one per grid), a year of daily
check-ins (about 9 million), 300,000 work items and 50,000 supervision records.

A fraction keeps the shape of one community (grids per community, households per grid,
a year of days) and scales the number of streets, work items and supervision records, so a
page of grids or one grid looks the same at every scale and only the table sizes change.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

FULL_COMMUNITIES = 2_500
STREETS_PER_DISTRICT = 10
COMMUNITIES_PER_STREET = 25


@dataclass(frozen=True)
class Scale:
    name: str
    districts: int
    streets_per_district: int
    communities_per_street: int
    grids_per_community: int
    households_per_grid: int  # the average; grids vary around it (a few flagged out of range)
    days: int  # days of daily check-ins, ending yesterday
    work_items: int
    supervision_records: int
    buildings_per_grid: int = 8

    @property
    def streets(self) -> int:
        return self.districts * self.streets_per_district

    @property
    def communities(self) -> int:
        return self.streets * self.communities_per_street

    @property
    def grids(self) -> int:
        return self.communities * self.grids_per_community

    @property
    def workers(self) -> int:
        return self.grids

    @property
    def households(self) -> int:
        return self.grids * self.households_per_grid

    @property
    def database(self) -> str:
        return f"grid_bench_{self.name}".replace(".", "_").replace("/", "_")

    def describe(self) -> dict[str, Any]:
        """Parameters plus the derived totals (stored in the marker, printed in reports)."""
        return {
            **asdict(self),
            "streets": self.streets,
            "communities": self.communities,
            "grids": self.grids,
            "workers": self.workers,
            "households": self.households,
            "check_ins_about": self.workers * self.days,
        }

    def params(self) -> dict[str, Any]:
        """What decides the data: a loaded database is reused only when these match."""
        return asdict(self)


FULL = Scale(
    name="full",
    districts=10,
    streets_per_district=STREETS_PER_DISTRICT,
    communities_per_street=COMMUNITIES_PER_STREET,
    grids_per_community=10,
    households_per_grid=350,
    days=365,
    work_items=300_000,
    supervision_records=50_000,
)


def fraction(value: float, name: str | None = None) -> Scale:
    """`value` of the full city (by number of communities), same shape per community."""
    if not 0 < value <= 1:
        raise ValueError("a scale fraction is in (0, 1]")
    communities = max(1, round(FULL_COMMUNITIES * value))
    per_street = min(COMMUNITIES_PER_STREET, communities)
    streets = max(1, math.ceil(communities / per_street))
    per_district = min(STREETS_PER_DISTRICT, streets)
    districts = max(1, math.ceil(streets / per_district))
    return Scale(
        name=name or f"f{value:g}",
        districts=districts,
        streets_per_district=per_district,
        communities_per_street=per_street,
        grids_per_community=FULL.grids_per_community,
        households_per_grid=FULL.households_per_grid,
        days=FULL.days,
        work_items=max(10, round(FULL.work_items * value)),
        supervision_records=max(10, round(FULL.supervision_records * value)),
    )


NAMED: dict[str, Scale] = {
    "full": FULL,
    "small": fraction(1 / 50, "small"),  # 50 communities, 500 grids, 175,000 households
    "smoke": fraction(1 / 250, "smoke"),  # 10 communities, 100 grids, 35,000 households
}


def tiny(days: int = 7) -> Scale:
    """For the tests: 2 communities of 3 grids, a week of check-ins."""
    return Scale(
        name="tiny",
        districts=1,
        streets_per_district=1,
        communities_per_street=2,
        grids_per_community=3,
        households_per_grid=300,
        days=days,
        work_items=40,
        supervision_records=20,
        buildings_per_grid=3,
    )


def parse_scale(text: str) -> Scale:
    """`full`, `small`, `smoke`, or a fraction like `0.01` or `1/100`."""
    if text in NAMED:
        return NAMED[text]
    if text == "tiny":
        return tiny()
    if "/" in text:
        top, bottom = text.split("/", 1)
        return fraction(float(top) / float(bottom))
    return fraction(float(text))
