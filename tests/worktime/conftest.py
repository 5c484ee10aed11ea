"""Street A with district-default time limits for civil affairs and one standard of its own;
a clock the services read that the tests move by hand."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from app.crud import insert_row
from tables.worktime import TimeLimitStandard
from tests.jobs.support import World, local, world

MONDAY = dt.date(2026, 10, 12)

# District defaults (normal): accept 2 working hours, dispatch 1 working day, handle 3, verify 1.
DEFAULTS = [
    ("accept", 2, "hours"),
    ("dispatch", 1, "days"),
    ("handle", 3, "days"),
    ("verify", 1, "days"),
]


@dataclass
class Clock:
    now: dt.datetime

    def __call__(self) -> dt.datetime:
        return self.now

    def set(self, moment: dt.datetime) -> None:
        self.now = moment


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[Clock]:
    """The moment the transition and extension services take as now."""
    moving = Clock(local(MONDAY, 9))
    monkeypatch.setattr("app.work.items.utc_now", moving)
    monkeypatch.setattr("app.worktime.extensions.utc_now", moving)
    yield moving


async def standards(w: World) -> None:
    for stage, amount, unit in DEFAULTS:
        await insert_row(
            TimeLimitStandard,
            {
                "street": None,
                "category": "civil_affairs",
                "stage": stage,
                "priority": "normal",
                "amount": amount,
                "unit": unit,
            },
        )
    # Street A handles in 2 working days (its own standard beats the default) and urgent
    # items in 4 working hours.
    for priority, amount, unit in (("normal", 2, "days"), ("urgent", 4, "hours")):
        await insert_row(
            TimeLimitStandard,
            {
                "street": w.tree.streets["A"]["id"],
                "category": "civil_affairs",
                "stage": "handle",
                "priority": priority,
                "amount": amount,
                "unit": unit,
            },
        )


@pytest.fixture
async def w() -> World:
    made = await world()
    await standards(made)
    return made
