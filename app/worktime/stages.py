"""Stage deadlines (环节时限): each stage of a work item gets its deadline when the item enters
it, and is recorded as on time or late when the item leaves it.

Called from the one transition service (app.work.items), inside its transaction, so a move
and its stage rows are written together or not at all. The deadline comes from the
time-limit standard of the item's street for its category, stage and priority, else the
district default; without either the stage is still recorded, with no deadline.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from app.crud import insert_row, update_row
from app.worktime.calendar import WorkCalendar, calendar_of, load_calendar
from tables.choices import WorkPriority, WorkStage, WorkStatus
from tables.work import WorkItem
from tables.worktime import WorkItemStage

# The stage an item waits in while it has this status (受理, 派遣, 处置, 核查).
STAGE_OF_STATUS: dict[str, WorkStage] = {
    WorkStatus.reported: WorkStage.accept,
    WorkStatus.accepted: WorkStage.dispatch,
    WorkStatus.dispatched: WorkStage.handle,
    WorkStatus.handled: WorkStage.verify,
}

# Enough to render items that have no stage (no calendar needed then).
_NO_CALENDAR = calendar_of()

_STANDARD = """
SELECT t.amount, t.unit
FROM work_item w
JOIN access_list_entry e ON e.id = w.access_entry
JOIN community c ON c.id = w.community
JOIN time_limit_standard t
  ON t.category = e.category AND t.stage = {} AND t.priority = COALESCE(w.priority, {})
 AND (t.street = c.street OR t.street IS NULL)
WHERE w.id = {}
ORDER BY t.street NULLS LAST
LIMIT 1
"""


def deadlines(
    calendar: WorkCalendar, due_at: dt.datetime, limit_minutes: int
) -> dict[str, dt.datetime]:
    """Yellow when late by the limit, red when late by twice the limit (in working time)."""
    return {
        "yellow_at": calendar.add_working_minutes(due_at, limit_minutes),
        "red_at": calendar.add_working_minutes(due_at, 2 * limit_minutes),
    }


async def _limit_minutes(item_id: int, stage: str, calendar: WorkCalendar) -> int | None:
    rows = await WorkItem.raw(_STANDARD, stage, WorkPriority.normal.value, item_id).run()
    if not rows:
        return None
    return calendar.minutes_of(rows[0]["amount"], rows[0]["unit"])


async def on_status_change(
    item: dict[str, Any], from_status: str | None, to_status: str, at: dt.datetime
) -> None:
    """Finish the stage `from_status` waited in and begin the one `to_status` waits in."""
    calendar = await load_calendar(since=(at - dt.timedelta(days=2)).date())
    old = STAGE_OF_STATUS.get(from_status or "")
    if old is not None:
        await _finish(item["id"], old, at, calendar)
    new = STAGE_OF_STATUS.get(to_status)
    if new is not None:
        await _enter(item, new, at, calendar)


async def _enter(item: dict[str, Any], stage: str, at: dt.datetime, calendar: WorkCalendar) -> None:
    limit = await _limit_minutes(item["id"], stage, calendar)
    values: dict[str, Any] = {
        "work_item": item["id"],
        "community": item["community"],
        "stage": stage,
        "entered_at": at,
        "limit_minutes": limit,
    }
    if limit is not None:
        due = calendar.add_working_minutes(at, limit)
        values |= {"due_at": due, **deadlines(calendar, due, limit)}
    await insert_row(WorkItemStage, values)


async def _finish(item_id: int, stage: str, at: dt.datetime, calendar: WorkCalendar) -> None:
    row = (
        await WorkItemStage.select()
        .where(WorkItemStage.work_item == item_id, WorkItemStage.stage == stage)
        .first()
        .run()
    )
    if row is None or row["finished_at"] is not None:
        return  # an item that entered the stage before time limits existed
    changes: dict[str, Any] = {"finished_at": at}
    if row["due_at"] is not None:
        late = at > row["due_at"]
        changes["late"] = late
        changes["late_by_minutes"] = (
            max(calendar.working_minutes_between(row["due_at"], at), 0) if late else 0
        )
    await update_row(WorkItemStage, row["id"], changes)


def time_left(
    calendar: WorkCalendar, stage: dict[str, Any] | None, now: dt.datetime
) -> dict[str, Any]:
    """What the admin, the API and the map show of an item's current stage: its name, its
    deadline, and the working minutes left (positive) or late by (positive)."""
    if stage is None:
        return {"stage": None, "stage_due_at": None, "time_left": None, "late_by": None}
    due = stage["due_at"]
    shown: dict[str, Any] = {
        "stage": stage["stage"],
        "stage_due_at": due,
        "time_left": None,
        "late_by": None,
    }
    if due is None:
        return shown
    end = stage["finished_at"] or now
    left = calendar.working_minutes_between(end, due)
    if end > due:
        shown["late_by"] = max(-left, 0)
        shown["time_left"] = 0
    else:
        shown["time_left"] = left
        shown["late_by"] = 0
    return shown


async def current_stages(item_ids: list[int]) -> dict[int, dict[str, Any]]:
    """The open stage of each item (one query for a whole page); closed items have none."""
    if not item_ids:
        return {}
    rows = await WorkItemStage.raw(
        "SELECT DISTINCT ON (work_item) * FROM work_item_stage"
        " WHERE work_item = ANY({}) AND finished_at IS NULL"
        " ORDER BY work_item, entered_at DESC, id DESC",
        item_ids,
    ).run()
    return {row["work_item"]: row for row in rows}


async def stages_of(item_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """Every stage of each item, in flow order (one query)."""
    result: dict[int, list[dict[str, Any]]] = {item_id: [] for item_id in item_ids}
    if not item_ids:
        return result
    rows = await WorkItemStage.raw(
        "SELECT * FROM work_item_stage WHERE work_item = ANY({}) ORDER BY work_item, entered_at, id",
        item_ids,
    ).run()
    for row in rows:
        result[row["work_item"]].append(row)
    return result


async def with_time_left(
    rows: list[dict[str, Any]], now: dt.datetime | None = None
) -> list[dict[str, Any]]:
    """Work-item rows with their open stage, its deadline and the working minutes left or
    late by: two reads (the stages, the calendar) for the whole page."""
    from app.clock import utc_now

    moment = now or utc_now()
    stages = await current_stages([row["id"] for row in rows])
    if not stages:
        return [{**row, **time_left(_NO_CALENDAR, None, moment)} for row in rows]
    earliest = min(stage["due_at"] or stage["entered_at"] for stage in stages.values())
    calendar = await load_calendar(since=min(earliest, moment).date() - dt.timedelta(days=1))
    return [{**row, **time_left(calendar, stages.get(row["id"]), moment)} for row in rows]
