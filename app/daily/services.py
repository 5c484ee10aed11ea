"""Rules of daily grid work: who may check in or write a diary entry, and what counts.

A check-in counts only inside the grid's boundary and at most once per staff member, grid
and local day (TIMEZONE). Outside and repeated check-ins are kept as evidence, not counted.
The partial unique index `check_in_counted_once` is the database's guarantee of "once".
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from shapely.geometry import Point

from app.clock import local_date_of, local_today, utc_now
from app.crud import changes_of, create_with, get_row, insert_row, update_with
from app.daily.schemas import CheckInCreate, CheckInUpdate, DiaryEntryCreate, DiaryEntryUpdate
from app.db import write_transaction
from app.errors import Forbidden, ValidationFailed
from app.geo import check_point, contains_point, parse_polygon
from app.validation import check_choice, check_text
from tables.areas import ResponsibilityGrid
from tables.choices import DiaryCategory
from tables.daily import CheckIn, DiaryEntry
from tables.people import StaffMember
from tables.places import Household
from tables.work import WorkItem

# Phones and servers disagree by a little; more than this is a made-up time.
CLOCK_SKEW = dt.timedelta(minutes=5)
# Where and when a check-in happened is evidence: it is never edited, only checked in again.
CHECK_IN_EVIDENCE = ("staff", "grid", "at", "latitude", "longitude")


async def require_grid_worker(staff_id: Any, grid_id: Any) -> dict[str, Any]:
    """The grid, when `staff_id` is an active staff member assigned to it; else Forbidden.

    The common case (allowed) costs one query; only a refusal looks closer to explain itself.
    """
    rows = await ResponsibilityGrid.raw(
        "SELECT g.* FROM responsibility_grid g"
        " JOIN grid_assignment a ON a.grid = g.id"
        " JOIN staff_member s ON s.id = a.staff AND s.active"
        " WHERE g.id = {} AND s.id = {}",
        _as_id(grid_id),
        _as_id(staff_id),
    ).run()
    if rows:
        return rows[0]
    staff = await get_row(StaffMember, staff_id, field="staff")
    if not staff["active"]:
        raise Forbidden(f"{staff['name']} is no longer active", field="staff")
    grid = await get_row(ResponsibilityGrid, grid_id, field="grid")
    raise Forbidden(f"{staff['name']} is not assigned to grid {grid['code']}", field="grid")


def _as_id(value: Any) -> int | None:
    """An integer id for the query, or None (which matches nothing, and get_row explains)."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _changed(values: dict[str, Any], current: dict[str, Any] | None, *names: str) -> bool:
    """True on create, or when an update touches one of `names`."""
    return current is None or any(values.get(name) != current.get(name) for name in names)


def _check_in_moment(at: dt.datetime | None) -> dt.datetime:
    now = utc_now()
    if at is None:
        return now
    if at.tzinfo is None:
        raise ValidationFailed("must carry a time zone offset", field="at")
    if at > now + CLOCK_SKEW:
        raise ValidationFailed("a check-in cannot be in the future", field="at")
    return at


def _check_in_point(longitude: Any, latitude: Any) -> Point:
    # One coordinate at a time, so the refusal names the wrong one.
    check_point(longitude, 0.0, field="longitude")
    return check_point(longitude, latitude, field="latitude")


async def clean_check_in(values: dict[str, Any], current: dict[str, Any] | None) -> dict[str, Any]:
    """Validate a check-in and derive community, local date and the inside-grid flag.

    `counted` comes back True for every inside check-in: whether it is the first of the day
    is decided by the database when it is written (see `check_in`).
    """
    if current is not None:
        for name in CHECK_IN_EVIDENCE:
            if values.get(name) != current[name]:
                raise ValidationFailed("cannot change after checking in", field=name)
        return {**current, "note": values.get("note") or "", "photo": values.get("photo") or ""}
    grid = await require_grid_worker(values.get("staff"), values.get("grid"))
    at = _check_in_moment(values.get("at"))
    point = _check_in_point(values.get("longitude"), values.get("latitude"))
    inside = grid["boundary"] is not None and contains_point(parse_polygon(grid["boundary"]), point)
    return {
        "staff": values["staff"],
        "grid": grid["id"],
        "community": grid["community"],
        "at": at,
        "local_date": local_date_of(at),
        "latitude": point.y,
        "longitude": point.x,
        "inside_grid": inside,
        "counted": inside,
        "note": values.get("note") or "",
        "photo": values.get("photo") or "",
        "accuracy": values.get("accuracy"),
        "device_time": values.get("device_time"),
        "received_at": utc_now(),
        "synced_late": bool(values.get("synced_late")),
    }


# One statement for the common cases: it counts unless a counted check-in of that staff
# member, grid and day exists. Two first check-ins racing each other both see none; the
# partial unique index check_in_counted_once refuses the second (DO NOTHING: no row back).
_INSERT_CHECK_IN = """
INSERT INTO check_in (staff, grid, community, at, local_date, latitude, longitude,
                      inside_grid, counted, note, photo,
                      accuracy, device_time, received_at, synced_late)
VALUES ({}, {}, {}, {}, {}, {}, {}, {},
        {}::boolean AND NOT EXISTS (
            SELECT 1 FROM check_in c
            WHERE c.staff = {} AND c.grid = {} AND c.local_date = {} AND c.counted),
        {}, {}, {}, {}, {}, {})
ON CONFLICT DO NOTHING
RETURNING *
"""


async def check_in(data: CheckInCreate, actor_id: int | None = None) -> dict[str, Any]:
    """Record a check-in; it counts when inside the grid and the first counted one that day."""
    async with write_transaction(actor_id):
        v = await clean_check_in(changes_of(data), None)
        rows = await CheckIn.raw(
            _INSERT_CHECK_IN,
            *(v["staff"], v["grid"], v["community"], v["at"], v["local_date"]),
            *(v["latitude"], v["longitude"], v["inside_grid"], v["counted"]),
            *(v["staff"], v["grid"], v["local_date"]),
            *(v["note"], v["photo"]),
            *(v["accuracy"], v["device_time"], v["received_at"], v["synced_late"]),
        ).run()
        if rows:
            return dict(rows[0])
        # Someone counted this day while we looked (the index said so): kept, not counted.
        return await insert_row(CheckIn, {**v, "counted": False})


async def update_check_in(
    check_in_id: int, data: CheckInUpdate, actor_id: int | None = None
) -> dict[str, Any]:
    """Change the note or photo of a check-in (nothing else may change)."""
    return await update_with(CheckIn, clean_check_in, check_in_id, changes_of(data), actor_id)


async def counted_check_in_days(staff_id: int, start: dt.date, end: dt.date) -> set[dt.date]:
    """Local days in [start, end] on which the staff member has a counted check-in."""
    rows = (
        await CheckIn.select(CheckIn.local_date)
        .distinct()
        .where(
            (CheckIn.staff == staff_id)
            & (CheckIn.counted.eq(True))
            & (CheckIn.local_date >= start)
            & (CheckIn.local_date <= end)
        )
        .run()
    )
    return {row["local_date"] for row in rows}


async def clean_diary_entry(
    values: dict[str, Any], current: dict[str, Any] | None
) -> dict[str, Any]:
    """Validate a diary entry against its grid and derive its community."""
    if _changed(values, current, "staff", "grid"):
        grid = await require_grid_worker(values.get("staff"), values.get("grid"))
    else:
        grid = await get_row(ResponsibilityGrid, values["grid"], field="grid")
    content = check_text(values.get("content") or "", "content")
    category = check_choice(
        values.get("category") or DiaryCategory.visit, DiaryCategory, "category"
    )
    if values.get("household") is not None:
        household = await get_row(Household, values["household"], field="household")
        if household["grid"] != grid["id"]:
            raise ValidationFailed(f"household is not in grid {grid['code']}", field="household")
    if values.get("work_item") is not None:
        work_item = await get_row(WorkItem, values["work_item"], field="work_item")
        if work_item["community"] != grid["community"]:
            raise ValidationFailed("work item belongs to another community", field="work_item")
    due = values.get("follow_up_due")
    if due is not None and _changed(values, current, "follow_up_due") and due < local_today():
        raise ValidationFailed("a follow-up cannot be due in the past", field="follow_up_due")
    return {
        "staff": values["staff"],
        "grid": grid["id"],
        "community": grid["community"],
        "household": values.get("household"),
        "category": category,
        "content": content,
        "follow_up_due": due,
        "work_item": values.get("work_item"),
    }


async def create_diary_entry(data: DiaryEntryCreate, actor_id: int | None = None) -> dict[str, Any]:
    """Write a diary entry (民情日记) for a grid the staff member works."""
    return await create_with(DiaryEntry, clean_diary_entry, changes_of(data), actor_id)


async def update_diary_entry(
    entry_id: int, data: DiaryEntryUpdate, actor_id: int | None = None
) -> dict[str, Any]:
    """Change a diary entry; the whole entry is checked again."""
    return await update_with(DiaryEntry, clean_diary_entry, entry_id, changes_of(data), actor_id)
