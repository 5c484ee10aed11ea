"""What the later steps of the demo (time limits, field work, hotline, statistics) read of
app.demo.loader.DemoLoader, which calls them: no import back."""

from __future__ import annotations

import datetime as dt
from typing import Any, Protocol
from zoneinfo import ZoneInfo

import asyncpg

from app.demo.layout import GridPlan, StreetPlan


class DemoLoader(Protocol):
    conn: asyncpg.Connection
    today: dt.date
    tz: ZoneInfo
    streets: list[StreetPlan]
    ids: dict[str, int]  # area code → id
    workers: dict[str, int]  # grid code → staff id of its primary worker
    staff_user: dict[int, int]  # staff id → user id
    community_admin: dict[str, int]  # community code → staff id
    street_official: dict[str, int]  # street code → staff id
    approved: dict[str, list[tuple[int, str, int]]]  # street code → (entry, name, department)
    leave: dict[int, tuple[dt.date, dt.date]]  # staff id → first and last day of leave

    def at(self, day: dt.date, hour: float) -> dt.datetime: ...

    def grids(self) -> list[tuple[StreetPlan, Any, GridPlan]]: ...
