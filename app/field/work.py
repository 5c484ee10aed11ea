"""我的事项 My work: items assigned to me, their history, and moving them on.

Moves go through app/work `transition_work_item` (ALLOWED_TRANSITIONS, the row lock, the
event); photos of a step are attached to the event it recorded.
"""

from __future__ import annotations

from typing import Any

from app.crud import find_row
from app.errors import Forbidden, NotFound, ValidationFailed
from app.field.auth import FieldCaller
from app.field.cards import OPEN, cards
from app.field.photos import attach, my_photos
from app.field.schemas import TransitionBody
from app.labels import label
from app.scope import Level
from app.validation import check_text
from app.work.services import ALLOWED_TRANSITIONS, transition_work_item, work_item_history
from tables.choices import WorkStatus
from tables.work import WorkItem, WorkItemEvent

Row = dict[str, Any]


async def my_work_items(caller: FieldCaller, status: str | None, include_closed: bool) -> list[Row]:
    """Work items assigned to the caller, soonest due first."""
    staff_id = caller.staff_id()
    if status is not None:
        if status not in {s.value for s in WorkStatus}:
            raise ValidationFailed(f"没有“{status}”这种状态", field="status")
        return await cards("w.assignee = {} AND w.status = {}", staff_id, status)
    if include_closed:
        return await cards("w.assignee = {}", staff_id)
    return await cards(f"w.assignee = {{}} AND {OPEN}", staff_id)


def _may_move(caller: FieldCaller, item: Row) -> bool:
    """Whether the caller's scope may change the item (the policy work_item_update)."""
    if caller.scope.read_only:
        return False
    if caller.scope.level in (Level.district, Level.street, Level.community):
        return True
    return item["assignee"] is not None and item["assignee"] == caller.scope.staff_id


async def work_item_detail(caller: FieldCaller, item_id: int) -> Row:
    """Card, history (with Chinese status names) and the moves the caller may make."""
    item = await find_row(WorkItem, item_id)
    if item is None:
        raise NotFound(f"工作事项 {item_id} 不存在或不在您的范围内", field="id")
    (summary,) = await cards("w.id = {}", item_id)
    history = await work_item_history(item_id)
    moves = sorted(ALLOWED_TRANSITIONS[item["status"]]) if _may_move(caller, item) else []
    return {
        **summary,
        "description": item["description"],
        "events": [
            {
                "id": event["id"],
                "from_status": event["from_status"],
                "to_status": event["to_status"],
                "to_label": label(WorkStatus, event["to_status"]),
                "note": event["note"],
                "at": event["at"],
            }
            for event in history
        ],
        "next": [{"status": s, "label": label(WorkStatus, s)} for s in moves],
    }


async def move_work_item(caller: FieldCaller, item_id: int, body: TransitionBody) -> Row:
    """Move an item one step (the existing rules), with a note and photos of the step."""
    caller.staff_id()
    if body.to not in {s.value for s in WorkStatus}:
        raise ValidationFailed(f"没有“{body.to}”这种状态", field="to")
    note = check_text(body.note, "note", 2000, required=False)
    photos = await my_photos(caller, body.photos)
    item = await find_row(WorkItem, item_id)
    if item is None:
        raise NotFound(f"工作事项 {item_id} 不存在或不在您的范围内", field="id")
    if not _may_move(caller, item):
        raise Forbidden("只有承办人可以办理这项工作", field="id")
    if body.to not in ALLOWED_TRANSITIONS[item["status"]]:
        now, to = label(WorkStatus, item["status"]), label(WorkStatus, body.to)
        raise ValidationFailed(f"这项工作现在是“{now}”，不能直接改为“{to}”", field="to")
    await transition_work_item(item_id, body.to, caller.user_id, note=note)
    event = await (
        WorkItemEvent.select(WorkItemEvent._meta.primary_key)
        .where(WorkItemEvent.work_item == item_id)
        .order_by(WorkItemEvent._meta.primary_key, ascending=False)
        .first()
    )
    await attach(photos, item_id, event["id"] if event else None)
    (summary,) = await cards("w.id = {}", item_id)
    return summary
