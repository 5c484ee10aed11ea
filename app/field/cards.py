"""Work items as the phone lists them (WorkItemCard): one query for any list, no N+1."""

from __future__ import annotations

from typing import Any

from app.clock import utc_now
from app.labels import label
from app.work.services import TERMINAL_STATUSES
from tables.choices import WorkStatus
from tables.work import WorkItem

Row = dict[str, Any]

CARD_SELECT = """
SELECT w.id, w.title, w.status, w.due_at, w.overdue, w.created_at, w.source, w.assignee,
       w.grid, g.code AS grid_code, r.latitude, r.longitude, r.staff AS reported_by
FROM work_item w
LEFT JOIN responsibility_grid g ON g.id = w.grid
LEFT JOIN field_report r ON r.work_item = w.id
"""
OPEN = "w.status NOT IN ('closed', 'rejected')"


def card(row: Row) -> Row:
    """A WorkItemCard: overdue when marked so or past due while open."""
    open_ = row["status"] not in TERMINAL_STATUSES
    past_due = row["due_at"] is not None and row["due_at"] < utc_now()
    return {
        "id": row["id"],
        "title": row["title"],
        "status": row["status"],
        "status_label": label(WorkStatus, row["status"]),
        "source": row["source"],
        "due_at": row["due_at"],
        "overdue": open_ and (bool(row["overdue"]) or past_due),
        "grid": row["grid"],
        "grid_code": row["grid_code"],
        "created_at": row["created_at"],
        "latitude": row["latitude"],
        "longitude": row["longitude"],
    }


async def cards(where: str, *values: Any, limit: int = 200) -> list[Row]:
    """Cards of the work items matching `where` (SQL over `w`, `g`, `r`; values as {})."""
    rows = await WorkItem.raw(
        f"{CARD_SELECT} WHERE {where} ORDER BY w.due_at NULLS LAST, w.id DESC LIMIT {int(limit)}",
        *values,
    ).run()
    return [card(dict(row)) for row in rows]
