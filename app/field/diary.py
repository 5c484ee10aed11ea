"""民情日记 on the phone, and 日记点评: a community admin's comment and mark on an entry.

The worker reads their own entries of a day with every review; community staff (and the
street's officials) review the entries of their communities, through the phone app's API
(POST /m/api/diary/{id}/reviews): `review_diary_entry`. The admin shows reviews read-only.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from app.clock import utc_now
from app.crud import get_row, insert_row
from app.db import write_transaction
from app.errors import Forbidden
from app.labels import label
from app.scope import Level, Scope
from app.validation import check_choice, check_text
from tables.choices import DiaryMark
from tables.daily import DiaryEntry
from tables.field import DiaryReview

Row = dict[str, Any]
REVIEWER_LEVELS = (Level.district, Level.street, Level.community)

_ENTRIES = """
SELECT d.id, d.content, d.category, d.household, d.grid, d.work_item, d.created_at,
       h.room AS household_room
FROM diary_entry d LEFT JOIN household h ON h.id = d.household
WHERE d.staff = {} AND d.created_at >= {} AND d.created_at < {}
ORDER BY d.created_at
"""


async def review_diary_entry(
    entry_id: int, mark: Any, comment: Any, scope: Scope, actor_id: int
) -> Row:
    """Comment on and mark a diary entry; for community staff and the street's officials."""
    if scope.level not in REVIEWER_LEVELS or scope.read_only:
        raise Forbidden("只有社区或街道的管理人员可以点评民情日记", field="diary_entry")
    cleaned_mark = check_choice(mark, DiaryMark, "mark")
    text = check_text(comment, "comment", 1000, required=False)
    async with write_transaction(actor_id):
        entry = await get_row(DiaryEntry, entry_id, field="diary_entry")
        return await insert_row(
            DiaryReview,
            {
                "diary_entry": entry["id"],
                "community": entry["community"],
                "reviewed_by": actor_id,
                "mark": cleaned_mark,
                "comment": text,
                "created_at": utc_now(),
            },
        )


def review_out(row: Row) -> Row:
    return {
        "id": row["id"],
        "diary_entry": row["diary_entry"],
        "by": row.get("reviewer_name") or "",
        "mark": row["mark"],
        "mark_label": label(DiaryMark, row["mark"]),
        "comment": row["comment"],
        "at": row["created_at"],
    }


async def my_diary(staff_id: int, day_start: dt.datetime, day_end: dt.datetime) -> list[Row]:
    """The staff member's diary entries in [day_start, day_end), each with its reviews."""
    entries = [dict(r) for r in await DiaryEntry.raw(_ENTRIES, staff_id, day_start, day_end).run()]
    reviews = await reviews_of([e["id"] for e in entries])
    return [
        {
            "id": e["id"],
            "content": e["content"],
            "category": e["category"],
            "household": (
                {"id": e["household"], "room": e["household_room"]} if e["household"] else None
            ),
            "grid": e["grid"],
            "work_item": e["work_item"],
            "created_at": e["created_at"],
            "reviews": reviews.get(e["id"], []),
        }
        for e in entries
    ]


async def reviews_of(entry_ids: list[int]) -> dict[int, list[Row]]:
    """Reviews of these entries by entry, oldest first, with the reviewer's name."""
    if not entry_ids:
        return {}
    rows = await DiaryReview.raw(
        "SELECT r.*, COALESCE(s.name, u.username, '') AS reviewer_name FROM diary_review r"
        " LEFT JOIN piccolo_user u ON u.id = r.reviewed_by"
        ' LEFT JOIN staff_member s ON s."user" = r.reviewed_by'
        " WHERE r.diary_entry = ANY({}) ORDER BY r.created_at, r.id",
        entry_ids,
    ).run()
    found: dict[int, list[Row]] = {}
    for row in rows:
        found.setdefault(row["diary_entry"], []).append(review_out(dict(row)))
    return found
