"""随手拍 Reports: what a worker saw becomes a work item of the grid's community.

The work item enters through the street's access list like every other work:
app/work `push_work_item` with the chosen access-list entry as its category — an entry that
is not approved (or not this street's, or expired) is refused with 403 and kept as an
AccessRefusal. Grid workers may not create work items themselves (only community staff
may): the push is made on the worker's behalf in the community's scope, still recorded as
the worker's act (the audit's actor), and the report (reporter, position, photos) is kept
beside it in field_report and field_photo.
"""

from __future__ import annotations

from typing import Any

from app.clock import local_today, utc_now
from app.crud import get_row, insert_row
from app.errors import ValidationFailed
from app.field.auth import FieldCaller
from app.field.cards import cards
from app.field.grids import my_grid
from app.field.photos import attach, my_photos
from app.field.positions import check_accuracy, check_position
from app.field.schemas import ReportBody
from app.scope import Level, Scope, switch_scope
from app.validation import check_text
from app.work.schemas import WorkItemCreate
from app.work.services import active_entries, push_work_item
from tables.areas import Community
from tables.choices import WorkSource
from tables.field import FieldReport
from tables.work import Department

Row = dict[str, Any]
TITLE_FROM_DESCRIPTION = 30


async def report_categories(caller: FieldCaller, grid_id: Any) -> list[Row]:
    """The access-list entries a report from this grid may enter through, valid today."""
    grid = await my_grid(caller, grid_id)
    community = await get_row(Community, grid["community"], field="grid")
    entries = await active_entries(community["street"], local_today())
    departments = {
        row["id"]: row["name"]
        for row in await Department.select(Department._meta.primary_key, Department.name)
        .where(Department._meta.primary_key.is_in([e["department"] for e in entries] or [0]))
        .run()
    }
    return [
        {
            "id": entry["id"],
            "name": entry["name"],
            "category": entry["category"],
            "department": departments.get(entry["department"], ""),
        }
        for entry in entries
    ]


def on_behalf(caller: FieldCaller, community_id: int, street_id: int) -> Scope:
    """The community's scope, acting as the caller (their user id is the audit's actor)."""
    return Scope(
        user_id=caller.user_id,
        level=Level.community,
        staff_id=caller.scope.staff_id,
        street_id=street_id,
        community_id=community_id,
    )


async def push_report(
    caller: FieldCaller,
    grid: Row,
    *,
    category: Any,
    title: str,
    description: str,
    source: str,
    latitude: float,
    longitude: float,
    accuracy: float | None,
    photos: list[Row],
) -> Row:
    """Push the work item on the caller's behalf and keep the report beside it; its card."""
    community = await get_row(Community, grid["community"], field="grid")
    await switch_scope(on_behalf(caller, community["id"], community["street"]))
    item = await push_work_item(
        WorkItemCreate(
            access_entry=category,
            community=community["id"],
            grid=grid["id"],
            title=title,
            description=description,
            source=source,
        ),
        caller.user_id,
    )
    await insert_row(
        FieldReport,
        {
            "work_item": item["id"],
            "staff": caller.staff_id(),
            "grid": grid["id"],
            "community": community["id"],
            "latitude": latitude,
            "longitude": longitude,
            "accuracy": accuracy,
            "created_at": utc_now(),
        },
    )
    await attach(photos, item["id"])
    await switch_scope(caller.scope)
    (summary,) = await cards("w.id = {}", item["id"])
    return summary


async def create_report(caller: FieldCaller, body: ReportBody) -> Row:
    """A report from the phone: position, category, description, photos → a work item."""
    caller.staff_id()
    point = check_position(body.latitude, body.longitude)
    accuracy = check_accuracy(body.accuracy)
    grid = await my_grid(caller, body.grid)
    description = check_text(body.description, "description", 2000)
    title = check_text(body.title, "title", 200, required=False) or _title_from(description)
    if not isinstance(body.category, int):
        raise ValidationFailed("请选择类别", field="category")
    photos = await my_photos(caller, body.photos)
    return await push_report(
        caller,
        grid,
        category=body.category,
        title=title,
        description=description,
        source=WorkSource.grid_report,
        latitude=point.y,
        longitude=point.x,
        accuracy=accuracy,
        photos=photos,
    )


def _title_from(description: str) -> str:
    first_line = description.splitlines()[0] if description else ""
    return first_line[:TITLE_FROM_DESCRIPTION] or "随手拍"
