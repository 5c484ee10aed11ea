"""Extension requests (延期申请): the assignee asks for more working time with a reason; the
community or the street decides, by the length asked; an approval moves the stage's deadline
(and its yellow and red times). Both steps are written in the item's history as events.
"""

from __future__ import annotations

from typing import Any

from app.clock import utc_now
from app.crud import get_row, get_row_for_update, insert_row, update_row
from app.db import write_transaction
from app.errors import Conflict, Forbidden, ValidationFailed
from app.scope import Level, scope_for_user
from app.settings import settings
from app.validation import check_choice, check_text
from app.worktime.calendar import WorkCalendar, load_calendar
from app.worktime.stages import STAGE_OF_STATUS, deadlines
from tables.areas import Community
from tables.choices import ExtensionStatus, StaffRole, TimeLimitUnit, WorkStatus
from tables.people import StaffMember
from tables.work import WorkItem, WorkItemEvent
from tables.worktime import ExtensionRequest, WorkItemStage

CLOSED_STATUSES = frozenset({WorkStatus.verified, WorkStatus.closed, WorkStatus.rejected})


def _check_amount(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationFailed("must be a whole number", field="amount")
    if value <= 0:
        raise ValidationFailed("must be more than 0", field="amount")
    if value > 1000:
        raise ValidationFailed("must be at most 1000", field="amount")
    return value


async def _open_stage(item: dict[str, Any]) -> dict[str, Any]:
    """The stage the item waits in, which must have a deadline to extend."""
    if item["status"] in CLOSED_STATUSES:
        raise Conflict(
            f"this work item is {item['status']}: its time limits can no longer change",
            field="work_item",
        )
    stage = (
        await WorkItemStage.select()
        .where(
            WorkItemStage.work_item == item["id"],
            WorkItemStage.stage == STAGE_OF_STATUS[item["status"]],
        )
        .first()
        .run()
    )
    if stage is None or stage["due_at"] is None:
        raise Conflict("the current stage has no time limit to extend", field="stage")
    return stage


async def request_extension(
    item_id: int, amount: Any, unit: Any, reason: Any, actor_id: int | None
) -> dict[str, Any]:
    """The assignee asks for `amount` working hours or days more on the current stage.

    At most EXTENSION_MAX_PER_ITEM requests per item that were not refused, and one pending
    at a time.
    """
    amount = _check_amount(amount)
    unit = check_choice(unit or TimeLimitUnit.days, TimeLimitUnit, "unit")
    reason = check_text(reason, "reason", max_length=1000)
    async with write_transaction(actor_id):
        item = await get_row_for_update(WorkItem, item_id)
        stage = await _open_stage(item)
        staff = (
            await StaffMember.select(StaffMember._meta.primary_key)
            .where(StaffMember.user == actor_id, StaffMember.active.eq(True))
            .first()
            .run()
        )
        if staff is None or staff["id"] != item["assignee"]:
            raise Forbidden(
                "only the work item's assignee may ask for an extension", field="work_item"
            )
        asked = await ExtensionRequest.count().where(
            ExtensionRequest.work_item == item_id,
            ExtensionRequest.status != ExtensionStatus.refused,
        )
        if asked >= settings.extension_max_per_item:
            raise Conflict(
                f"at most {settings.extension_max_per_item} extensions per work item",
                field="work_item",
            )
        if await ExtensionRequest.exists().where(
            ExtensionRequest.stage == stage["id"],
            ExtensionRequest.status == ExtensionStatus.pending,
        ):
            raise Conflict(
                "an extension of this stage is already waiting for a decision", field="stage"
            )
        calendar = await load_calendar(since=stage["entered_at"].date())
        now = utc_now()
        request = await insert_row(
            ExtensionRequest,
            {
                "work_item": item_id,
                "stage": stage["id"],
                "community": item["community"],
                "requested_by": staff["id"],
                "amount": amount,
                "unit": unit,
                "minutes": calendar.minutes_of(amount, unit),
                "reason": reason,
                "status": ExtensionStatus.pending,
                "created_at": now,
            },
        )
        await _history(item, actor_id, f"申请延期 {amount} {_unit_word(unit)}：{reason}", now)
    return request


def may_approve(level: Level, role: str | None, minutes: int, calendar: WorkCalendar) -> bool:
    """Who decides: up to EXTENSION_COMMUNITY_MAX_DAYS working days the community admin (or
    the street), longer only the street official (or a superuser)."""
    if level in (Level.district, Level.street):
        return True
    community_limit = settings.extension_community_max_days * calendar.minutes_per_day
    return (
        level is Level.community
        and role == StaffRole.community_admin
        and minutes <= community_limit
    )


async def decide_extension(
    request_id: int, approve: bool, actor_id: int | None, note: Any = ""
) -> dict[str, Any]:
    """Approve (the stage's deadline moves by the working time asked) or refuse a request."""
    note = check_text(note, "decision_note", max_length=1000, required=not approve)
    async with write_transaction(actor_id):
        request = await get_row_for_update(ExtensionRequest, request_id)
        if request["status"] != ExtensionStatus.pending:
            raise Conflict(f"this request is already {request['status']}", field="status")
        item = await get_row_for_update(WorkItem, request["work_item"])
        stage = await _open_stage(item)
        if stage["id"] != request["stage"]:
            raise Conflict("the stage this extension was asked for has ended", field="stage")
        calendar = await load_calendar(since=stage["entered_at"].date())
        scope = await scope_for_user(actor_id)
        role = await _role_of(scope.staff_id)
        community = await get_row(Community, item["community"], field="community")
        in_place = (
            scope.level is Level.district
            or (scope.level is Level.street and scope.street_id == community["street"])
            or (scope.level is Level.community and scope.community_id == community["id"])
        )
        if not in_place or not may_approve(scope.level, role, request["minutes"], calendar):
            days = request["minutes"] / calendar.minutes_per_day
            raise Forbidden(
                f"an extension of {days:g} working days is decided by "
                + (
                    "the community admin or the street"
                    if days <= settings.extension_community_max_days
                    else "the street official"
                ),
                field="status",
            )
        now = utc_now()
        status = ExtensionStatus.approved if approve else ExtensionStatus.refused
        decided = await update_row(
            ExtensionRequest,
            request_id,
            {"status": status, "decided_by": actor_id, "decided_at": now, "decision_note": note},
        )
        if approve:
            due = calendar.add_working_minutes(stage["due_at"], request["minutes"])
            await update_row(
                WorkItemStage,
                stage["id"],
                {
                    "due_at": due,
                    "extended_minutes": stage["extended_minutes"] + request["minutes"],
                    **deadlines(calendar, due, stage["limit_minutes"]),
                },
            )
        word = "批准延期" if approve else "驳回延期"
        text = f"{word} {request['amount']} {_unit_word(request['unit'])}"
        await _history(item, actor_id, f"{text}：{note}" if note else text, now)
    return decided


async def _role_of(staff_id: int | None) -> str | None:
    if staff_id is None:
        return None
    row = (
        await StaffMember.select(StaffMember.role)
        .where(StaffMember._meta.primary_key == staff_id)
        .first()
    )
    return row["role"] if row else None


def _unit_word(unit: str) -> str:
    return "个工作日" if unit == TimeLimitUnit.days else "工作小时"


async def _history(item: dict[str, Any], actor_id: int | None, note: str, at: Any) -> None:
    """An extension step in the item's history: an event that keeps the status."""
    await insert_row(
        WorkItemEvent,
        {
            "work_item": item["id"],
            "from_status": item["status"],
            "to_status": item["status"],
            "actor": actor_id,
            "note": note[:2000],
            "at": at,
        },
    )
