"""延期申请 forms: the assignee asks for more working time on the stage an item waits in; the
community admin or the street approves or refuses.

Both run app/worktime/extensions.py, which keeps every rule: only the assignee asks, at most
EXTENSION_MAX_PER_ITEM per item and one pending per stage; up to EXTENSION_COMMUNITY_MAX_DAYS
working days the community admin (or the street) decides, longer ones only the street.
The choices only list what the user's scope sees; the service refuses the rest.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from admin.forms.base import OFFICE_LEVELS, Choices, Context, ScopedForm, enum_choices, text_area
from admin.labels import choice_labels
from app.clock import local_today
from app.errors import ValidationFailed
from app.scope import Level, Scope
from app.settings import settings
from app.worktime.calendar import load_calendar
from app.worktime.extensions import decide_extension, may_approve, request_extension
from app.worktime.stages import STAGE_OF_STATUS
from tables.choices import ExtensionStatus, TimeLimitUnit, WorkStage
from tables.people import StaffMember
from tables.work import WorkItem
from tables.worktime import ExtensionRequest, WorkItemStage

GROUP = "事项与准入 Work & access list"
STAGE_NAMES = choice_labels(WorkStage)
UNIT_NAMES = {"days": "个工作日", "hours": "工作小时"}
DECISIONS = {"approve": "批准延期", "refuse": "驳回（需填写意见）"}


def _when(moment: dt.datetime | None) -> str:
    return f"{moment.astimezone(settings.timezone):%m-%d %H:%M}" if moment else "无时限"


async def my_stages(scope: Scope) -> Choices:
    """The user's own open work items, each with the stage it waits in and that deadline."""
    if scope.staff_id is None:
        return []
    items = (
        await WorkItem.select(WorkItem._meta.primary_key, WorkItem.title, WorkItem.status)
        .where((WorkItem.assignee == scope.staff_id) & WorkItem.status.is_in(list(STAGE_OF_STATUS)))
        .order_by(WorkItem._meta.primary_key, ascending=False)
        .run()
    )
    stages = {
        (row["work_item"], row["stage"]): row
        for row in await WorkItemStage.select()
        .where(WorkItemStage.work_item.is_in([i["id"] for i in items] or [0]))
        .run()
    }
    choices: Choices = []
    for item in items:
        stage = STAGE_OF_STATUS[item["status"]]
        row = stages.get((item["id"], stage.value))
        due = _when(row["due_at"]) if row else "无时限"
        choices.append(
            (
                item["id"],
                f"#{item['id']} {item['title']}（{STAGE_NAMES[stage.value]}环节，期限 {due}）",
            )
        )
    return choices


async def pending_requests(scope: Scope) -> Choices:
    """Extension requests awaiting a decision in the user's scope, oldest first."""
    rows = (
        await ExtensionRequest.select(
            ExtensionRequest._meta.primary_key,
            ExtensionRequest.amount,
            ExtensionRequest.unit,
            ExtensionRequest.minutes,
            ExtensionRequest.reason,
            ExtensionRequest.work_item.title.as_alias("title"),
            ExtensionRequest.stage.stage.as_alias("stage"),
            ExtensionRequest.stage.due_at.as_alias("due_at"),
            ExtensionRequest.requested_by.name.as_alias("by"),
        )
        .where(ExtensionRequest.status == ExtensionStatus.pending)
        .order_by(ExtensionRequest.created_at)
        .run()
    )
    # Marked where the service's rule leaves the decision to the street.
    calendar = await load_calendar(since=local_today())
    role = None
    if scope.staff_id is not None:
        staff = (
            await StaffMember.select(StaffMember.role)
            .where(StaffMember._meta.primary_key == scope.staff_id)
            .first()
        )
        role = staff["role"] if staff else None
    return [
        (
            row["id"],
            f"#{row['id']} {row['title']}：{STAGE_NAMES.get(row['stage'], row['stage'])}环节"
            f"延期 {row['amount']} {UNIT_NAMES[row['unit']]}（{row['by']}：{row['reason']}；"
            f"现期限 {_when(row['due_at'])}）"
            + (
                "" if may_approve(scope.level, role, row["minutes"], calendar) else "［需街道审批］"
            ),
        )
        for row in rows
    ]


async def decisions(scope: Scope) -> Choices:
    return list(DECISIONS.items())


class AskExtension(BaseModel):
    work_item: int = Field(title="工作事项（当前环节）")
    amount: int = Field(title="延长时间")
    unit: str = Field(default=TimeLimitUnit.days.value, title="单位")
    reason: str = Field(title="理由", json_schema_extra=text_area())


async def ask_extension(context: Context, data: AskExtension) -> str:
    row = await request_extension(
        data.work_item, data.amount, data.unit, data.reason, context.user_id
    )
    return (
        f"已申请延期 {row['amount']} {UNIT_NAMES[row['unit']]}（申请编号 {row['id']}），"
        "等待社区或街道审批。"
    )


class DecideExtension(BaseModel):
    request: int = Field(title="延期申请")
    decision: str = Field(default="approve", title="决定")
    note: str = Field(default="", title="审批意见", json_schema_extra=text_area())


async def decide(context: Context, data: DecideExtension) -> str:
    if data.decision not in DECISIONS:
        raise ValidationFailed(f"{data.decision!r} is not approve or refuse", field="decision")
    row = await decide_extension(
        data.request, data.decision == "approve", context.user_id, data.note
    )
    if row["status"] == ExtensionStatus.approved:
        stage = (
            await WorkItemStage.select(WorkItemStage.due_at)
            .where(WorkItemStage._meta.primary_key == row["stage"])
            .first()
        )
        due = _when(stage["due_at"]) if stage else "—"
        return f"已批准延期 {row['amount']} {UNIT_NAMES[row['unit']]}，新期限 {due}。"
    return "已驳回延期申请。"


FORMS = [
    ScopedForm(
        name="申请延期 Ask for an extension",
        model=AskExtension,
        action=ask_extension,
        description="承办人对本人承办事项的当前环节申请延长办理时限（工作日或工作小时），须写明理由；"
        f"每项工作至多 {settings.extension_max_per_item} 次。",
        levels=frozenset({*OFFICE_LEVELS, Level.grid}),
        group=GROUP,
        choices={"work_item": my_stages, "unit": enum_choices(TimeLimitUnit)},
        aliases={"id": "work_item"},
    ),
    ScopedForm(
        name="审批延期申请 Decide an extension request",
        model=DecideExtension,
        action=decide,
        description=f"{settings.extension_community_max_days} 个工作日以内的延期由社区管理员或街道审批，"
        "更长的由街道审批；批准后该环节期限顺延，驳回须写明意见。",
        levels=OFFICE_LEVELS,
        group=GROUP,
        choices={"request": pending_requests, "decision": decisions},
        aliases={"decision_note": "note", "status": "request"},
    ),
]
