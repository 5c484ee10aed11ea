"""Work items: pushed into a community through the access list, then tracked to closure.

Every status move follows ALLOWED_TRANSITIONS (a database trigger enforces the same graph as
a backstop) and is recorded as a WorkItemEvent in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from app.clock import local_today, utc_now
from app.crud import changes_of, get_row, get_row_for_update, insert_row, update_row, update_with
from app.db import outside_transaction, write_transaction
from app.errors import AccessRefused, Conflict, InvalidTransition, ValidationFailed
from app.settings import settings
from app.validation import check_choice, check_text
from app.work.access import check_access
from app.work.schemas import WorkItemCreate, WorkItemUpdate
from app.worktime.stages import on_status_change
from tables.areas import Community, ResponsibilityGrid
from tables.choices import WorkPriority, WorkSource, WorkStatus
from tables.people import StaffMember
from tables.work import AccessListEntry, AccessRefusal, Department, WorkItem, WorkItemEvent

# The one source of the work-item life cycle in Python: every stage moves to the next one or
# is rejected; closed and rejected are terminal.
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    WorkStatus.reported: frozenset({WorkStatus.accepted, WorkStatus.rejected}),
    WorkStatus.accepted: frozenset({WorkStatus.dispatched, WorkStatus.rejected}),
    WorkStatus.dispatched: frozenset({WorkStatus.handled, WorkStatus.rejected}),
    WorkStatus.handled: frozenset({WorkStatus.verified, WorkStatus.rejected}),
    WorkStatus.verified: frozenset({WorkStatus.closed, WorkStatus.rejected}),
    WorkStatus.closed: frozenset(),
    WorkStatus.rejected: frozenset(),
}
TERMINAL_STATUSES = frozenset(s for s, moves in ALLOWED_TRANSITIONS.items() if not moves)
# From dispatch on, someone is answerable for the item.
STAFFED_STATUSES = frozenset(
    {WorkStatus.dispatched, WorkStatus.handled, WorkStatus.verified, WorkStatus.closed}
)


async def clean_work_item(values: dict[str, Any], current: dict[str, Any] | None) -> dict[str, Any]:
    """A work item's content: title, source, grid of its community, assignee, due date.

    The access entry and community are fixed by the push; closed and rejected items are no
    longer edited. Assignee and due date are checked when they are set or changed, so an
    item that has become overdue can still be worked on.
    """
    if current is not None:
        if current["status"] in TERMINAL_STATUSES:
            raise Conflict(
                f"this work item is {current['status']} and can no longer change", field="status"
            )
        for fixed in ("access_entry", "community"):
            if values.get(fixed) != current[fixed]:
                raise ValidationFailed(f"{fixed} cannot change after the push", field=fixed)
        community_id = current["community"]
    else:
        community_id = (await get_row(Community, values.get("community"), field="community"))["id"]
    cleaned = {
        **values,
        "community": community_id,
        "title": check_text(values.get("title"), "title", 200),
        "description": check_text(values.get("description"), "description", required=False),
        "source": check_choice(values.get("source") or WorkSource.department, WorkSource, "source"),
        # The urgency picks the time-limit standard when the item enters a stage.
        "priority": check_choice(
            values.get("priority") or WorkPriority.normal, WorkPriority, "priority"
        ),
    }

    def changed(field: str) -> bool:
        return cleaned.get(field) is not None and (
            current is None or cleaned[field] != current[field]
        )

    if changed("grid"):
        grid = await get_row(ResponsibilityGrid, cleaned["grid"], field="grid")
        if grid["community"] != community_id:
            raise ValidationFailed(
                f"grid {grid['code']} is not in this work item's community", field="grid"
            )
    if changed("assignee"):
        await _check_assignee(cleaned["assignee"], community_id)
    if changed("due_at"):
        cleaned["due_at"] = _future_instant(cleaned["due_at"], "due_at")
    if cleaned.get("status") in STAFFED_STATUSES and cleaned.get("assignee") is None:
        raise ValidationFailed(
            f"a {cleaned['status']} work item needs an assignee", field="assignee"
        )
    return cleaned


async def _check_assignee(staff_id: int, community_id: int) -> None:
    """The assignee must be an active staff member of the item's community."""
    staff = await get_row(StaffMember, staff_id, field="assignee")
    if staff["community"] != community_id:
        raise ValidationFailed(
            f"{staff['name']} does not work in this work item's community", field="assignee"
        )
    if not staff["active"]:
        raise ValidationFailed(f"{staff['name']} is not active", field="assignee")


def _future_instant(value: dt.datetime, field: str) -> dt.datetime:
    """`value` (local time when naive) if it lies in the future, else ValidationFailed."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=settings.timezone)
    if value <= utc_now():
        raise ValidationFailed(f"{field} must be in the future", field=field)
    return value


async def push_work_item(data: WorkItemCreate, actor_id: int | None = None) -> dict[str, Any]:
    """Let work into a community through an approved access-list entry, or refuse and record it.

    On success the item starts as reported, with its first event. A refused push writes no
    work item; the refusal itself is kept as an AccessRefusal (on a connection of its own, so
    it survives even an outer transaction's rollback) and AccessRefused is raised again.
    """
    values = changes_of(data)
    department_id = values.pop("department", None)
    community = await get_row(Community, values.get("community"), field="community")
    try:
        async with write_transaction(actor_id):
            entry = await check_access(
                values.get("access_entry"), community["street"], local_today()
            )
            cleaned = await clean_work_item(
                {**values, "access_entry": entry["id"], "status": WorkStatus.reported}, None
            )
            # The same clock as transitions: the first stage's deadline counts from here.
            item = await insert_row(WorkItem, {**cleaned, "created_at": utc_now()})
            await _record_event(item["id"], None, item["status"], actor_id, "", item["created_at"])
            await on_status_change(item, None, item["status"], item["created_at"])
    except AccessRefused as refusal:
        await outside_transaction(
            _record_refusal(community, values, department_id, refusal.detail, actor_id)
        )
        raise
    return item


async def _record_refusal(
    community: dict[str, Any],
    values: dict[str, Any],
    department_id: int | None,
    reason: str,
    actor_id: int | None,
) -> None:
    """Keep a refused push: the entry's department when the entry exists, else the one given."""
    entry_id = values.get("access_entry")
    entry = None
    if entry_id is not None:
        entry = (
            await AccessListEntry.select(
                AccessListEntry._meta.primary_key, AccessListEntry.department
            )
            .where(AccessListEntry._meta.primary_key == entry_id)
            .first()
        )
    if entry is not None:
        department_id = entry["department"]
    elif department_id is not None and not await Department.exists().where(
        Department._meta.primary_key == department_id
    ):
        department_id = None
    async with write_transaction(actor_id):
        await insert_row(
            AccessRefusal,
            {
                "street": community["street"],
                "community": community["id"],
                "department": department_id,
                "access_entry": entry["id"] if entry else None,
                "pushed_title": (values.get("title") or "").strip()[:200],
                "reason": reason,
                "refused_at": utc_now(),
            },
        )


async def update_work_item(
    item_id: int, data: WorkItemUpdate, actor_id: int | None = None
) -> dict[str, Any]:
    """Edit an open work item's title, description, grid, assignee or due date."""
    return await update_with(WorkItem, clean_work_item, item_id, changes_of(data), actor_id)


async def transition_work_item(
    item_id: int,
    to_status: str,
    actor_id: int | None,
    note: str = "",
    assignee_id: int | None = None,
) -> dict[str, Any]:
    """Move a work item one step along ALLOWED_TRANSITIONS and record the event.

    The row is locked, so two concurrent moves of the same item serialise and the second is
    judged against the first one's result. Dispatching needs an assignee (given now or set).
    """
    async with write_transaction(actor_id):
        item = await get_row_for_update(WorkItem, item_id)
        if to_status not in ALLOWED_TRANSITIONS[item["status"]]:
            raise InvalidTransition(
                f"a work item cannot move from {item['status']} to {to_status}", field="status"
            )
        at = utc_now()
        changes: dict[str, Any] = {"status": to_status}
        if assignee_id is not None:
            changes["assignee"] = assignee_id
        if to_status == WorkStatus.closed:
            changes["closed_at"] = at
        cleaned = await clean_work_item({**item, **changes}, item)
        cleaned.pop("id", None)
        updated = await update_row(WorkItem, item_id, cleaned)
        await _record_event(item_id, item["status"], to_status, actor_id, note, at)
        # The stage left is finished (on time or late) and the next one gets its deadline.
        await on_status_change(updated, item["status"], to_status, at)
    return updated


async def _record_event(
    item_id: int,
    from_status: str | None,
    to_status: str,
    actor_id: int | None,
    note: str,
    at: dt.datetime,
) -> None:
    await insert_row(
        WorkItemEvent,
        {
            "work_item": item_id,
            "from_status": from_status,
            "to_status": to_status,
            "actor": actor_id,
            "note": check_text(note, "note", required=False),
            "at": at,
        },
    )


async def work_item_history(item_id: int) -> list[dict[str, Any]]:
    """The work item's events, oldest first (NotFound when the item does not exist)."""
    await get_row(WorkItem, item_id, field="id")
    return await (
        WorkItemEvent.select()
        .where(WorkItemEvent.work_item == item_id)
        .order_by(WorkItemEvent.at)
        .order_by(WorkItemEvent._meta.primary_key)
        .run()
    )
