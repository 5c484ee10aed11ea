"""The permission world's rows of time limits (时限): tests/security/world.py builds the world;
this adds seeders, bodies and places for the tables of tables/worktime.py."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from app.crud import insert_row
from tables.choices import WorkCategory, WorkPriority, WorkStage
from tables.worktime import (
    EscalationStep,
    ExtensionRequest,
    TimeLimitStandard,
    WorkCalendarDay,
    WorkItemStage,
)

Row = dict[str, Any]
# Every standard a place can have: one per category, stage and urgency level.
STANDARDS = list(itertools.product(WorkCategory, WorkStage, WorkPriority))


def _w() -> Any:
    from tests.security import world

    return world


def calendar_day(mark: int) -> dt.date:
    """A holiday far in the future, a week apart from the others (working time goes on)."""
    return dt.date(2033, 1, 3) + dt.timedelta(days=7 * mark)


async def seed_work_calendar_day(w: Any, place: Any) -> int:
    row = await insert_row(
        WorkCalendarDay, {"day": calendar_day(_w().n()), "kind": "holiday", "name": "假日"}
    )
    return int(row["id"])


async def free_standard(street: int | None) -> tuple[str, str, str]:
    """A category, stage and level that `street` (None: the district) has no standard for."""
    taken = {
        (r["category"], r["stage"], r["priority"])
        for r in await TimeLimitStandard.raw(
            "SELECT category, stage, priority FROM time_limit_standard"
            " WHERE street IS NOT DISTINCT FROM {}",
            street,
        ).run()
    }
    return next((c.value, s.value, p.value) for c, s, p in STANDARDS if (c, s, p) not in taken)


def street_of(w: Any, place: Any) -> int | None:
    return w.street(str(place.street))["id"] if place.street else None


async def seed_time_limit_standard(w: Any, place: Any) -> int:
    street = street_of(w, place)
    category, stage, priority = await free_standard(street)
    row = await insert_row(
        TimeLimitStandard,
        {
            "street": street,
            "category": category,
            "stage": stage,
            "priority": priority,
            "amount": 3,
            "note": "",
        },
    )
    return int(row["id"])


async def stage_at(w: Any, place: Any) -> Row:
    """The open handling stage (处置) of a fresh work item at `place`."""
    item = await _w().seed_work_item(w, place)
    entered = dt.datetime(2026, 1, 5, 1, 0, tzinfo=dt.UTC)
    return await insert_row(
        WorkItemStage,
        {
            "work_item": item,
            "community": w.community(str(place.community))["id"],
            "stage": "handle",
            "entered_at": entered,
            "limit_minutes": 480,
            "due_at": entered + dt.timedelta(days=1),
        },
    )


async def seed_work_item_stage(w: Any, place: Any) -> int:
    return int((await stage_at(w, place))["id"])


def requester(w: Any, place: Any) -> Row:
    """Who asks for more time: the place's worker, else the community's admin."""
    return w.staff[place.owner or f"sq_{place.community}"]


async def seed_extension_request(w: Any, place: Any) -> int:
    stage = await stage_at(w, place)
    row = await insert_row(
        ExtensionRequest,
        {
            "work_item": stage["work_item"],
            "stage": stage["id"],
            "community": stage["community"],
            "requested_by": requester(w, place)["id"],
            "amount": 1,
            "minutes": 480,
            "reason": "需协调",
            "created_at": dt.datetime.now(dt.UTC),
        },
    )
    return int(row["id"])


async def seed_escalation_step(w: Any, place: Any) -> int:
    stage = await stage_at(w, place)
    row = await insert_row(
        EscalationStep,
        {
            "stage": stage["id"],
            "work_item": stage["work_item"],
            "community": stage["community"],
            "level": "yellow",
            "at": dt.datetime.now(dt.UTC),
        },
    )
    return int(row["id"])


SEEDERS = {
    "work_calendar_day": seed_work_calendar_day,
    "time_limit_standard": seed_time_limit_standard,
    "work_item_stage": seed_work_item_stage,
    "extension_request": seed_extension_request,
    "escalation_step": seed_escalation_step,
}


def seed_places() -> dict[str, list[Any]]:
    w = _w()
    return {
        "work_calendar_day": w.AT_DISTRICT,
        "time_limit_standard": [*w.AT_DISTRICT, *w.AT_STREETS],
        "work_item_stage": w.COMMUNITY_OF_STREET,
        "extension_request": w.COMMUNITY_OF_STREET,
        "escalation_step": w.COMMUNITY_OF_STREET,
    }


# Every worktime table names its street or community itself.
JOINS: dict[str, str] = {}


# ---------------------------------------------------------------- bodies for creating


async def body_work_calendar_day(w: Any, place: Any, p: Any, mark: int) -> Row:
    return {"day": calendar_day(1000 + mark).isoformat(), "kind": "holiday", "name": f"节日{mark}"}


async def body_time_limit_standard(w: Any, place: Any, p: Any, mark: int) -> Row:
    street = street_of(w, place)
    category, stage, priority = await free_standard(street)
    return {
        "street": street,
        "category": category,
        "stage": stage,
        "priority": priority,
        "amount": 2,
        "unit": "days",
        "note": f"新标准{mark}",
    }


async def body_work_item_stage(w: Any, place: Any, p: Any, mark: int) -> Row:
    item = await _w().seed_work_item(w, place)
    return {
        "work_item": item,
        "community": w.community(str(place.community))["id"],
        "stage": "handle",
        "entered_at": dt.datetime.now(dt.UTC).isoformat(),
        "limit_minutes": 1000 + mark,
        "extended_minutes": 0,
    }


async def body_extension_request(w: Any, place: Any, p: Any, mark: int) -> Row:
    stage = await stage_at(w, place)
    return {
        "work_item": stage["work_item"],
        "stage": stage["id"],
        "community": stage["community"],
        "requested_by": requester(w, place)["id"],
        "amount": 1,
        "unit": "days",
        "minutes": 480,
        "reason": f"新申请{mark}",
        "status": "pending",
        "decision_note": "",
        "created_at": dt.datetime.now(dt.UTC).isoformat(),
    }


async def body_escalation_step(w: Any, place: Any, p: Any, mark: int) -> Row:
    stage = await stage_at(w, place)
    return {
        "stage": stage["id"],
        "work_item": stage["work_item"],
        "community": stage["community"],
        "level": "red",
        "at": (dt.datetime(2026, 1, 1, tzinfo=dt.UTC) + dt.timedelta(minutes=mark)).isoformat(),
    }
