"""Work and the access list: decide an entry, push a work item, dispatch or move one."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from admin.forms.base import OFFICE_LEVELS, Choices, Context, ScopedForm, enum_choices, text_area
from admin.labels import choice_labels
from app.scope import Level, Scope
from app.work import services as work
from app.work.schemas import WorkItemCreate
from tables.areas import Community, ResponsibilityGrid
from tables.choices import AccessStatus, WorkStatus
from tables.people import StaffMember
from tables.work import AccessListEntry, Department, WorkItem

GROUP = "事项与准入 Work & access list"
ACCESS_NAMES = choice_labels(AccessStatus)
WORK_NAMES = choice_labels(WorkStatus)
DECISIONS = {
    AccessStatus.approved.value: "批准准入",
    AccessStatus.rejected.value: "不予准入（需填写理由）",
    AccessStatus.revoked.value: "取消准入（需填写理由）",
}


async def open_entries(scope: Scope) -> Choices:
    """Entries of the user's street awaiting a decision or still approved."""
    rows = (
        await AccessListEntry.select(
            AccessListEntry._meta.primary_key, AccessListEntry.name, AccessListEntry.status
        )
        .where(AccessListEntry.status.is_in([AccessStatus.proposed, AccessStatus.approved]))
        .order_by(AccessListEntry.status, ascending=False)
        .order_by(AccessListEntry.name)
        .run()
    )
    return [(row["id"], f"[{ACCESS_NAMES[row['status']]}] {row['name']}") for row in rows]


async def all_entries(scope: Scope) -> Choices:
    """Every entry the user can see, approved ones first, each with its status."""
    rows = (
        await AccessListEntry.select(
            AccessListEntry._meta.primary_key, AccessListEntry.name, AccessListEntry.status
        )
        .order_by(AccessListEntry.status)
        .order_by(AccessListEntry.name)
        .run()
    )
    rows.sort(key=lambda row: row["status"] != AccessStatus.approved)
    return [(row["id"], f"[{ACCESS_NAMES[row['status']]}] {row['name']}") for row in rows]


async def decisions(scope: Scope) -> Choices:
    return list(DECISIONS.items())


async def communities(scope: Scope) -> Choices:
    rows = (
        await Community.select(Community._meta.primary_key, Community.code, Community.name)
        .order_by(Community.code)
        .run()
    )
    return [(row["id"], f"{row['code']} {row['name']}") for row in rows]


async def grids(scope: Scope) -> Choices:
    rows = (
        await ResponsibilityGrid.select(
            ResponsibilityGrid._meta.primary_key, ResponsibilityGrid.code, ResponsibilityGrid.name
        )
        .order_by(ResponsibilityGrid.code)
        .run()
    )
    return [(row["id"], f"{row['code']} {row['name']}") for row in rows]


async def departments(scope: Scope) -> Choices:
    rows = (
        await Department.select(Department._meta.primary_key, Department.name)
        .order_by(Department.name)
        .run()
    )
    return [(row["id"], row["name"]) for row in rows]


async def open_items(scope: Scope) -> Choices:
    """Work items not yet closed or rejected; a grid worker's own ones only."""
    query = (
        WorkItem.select(WorkItem._meta.primary_key, WorkItem.title, WorkItem.status)
        .where(WorkItem.status.not_in(list(work.TERMINAL_STATUSES)))
        .order_by(WorkItem._meta.primary_key, ascending=False)
    )
    if scope.level is Level.grid:
        query = query.where(WorkItem.assignee == scope.staff_id)
    rows = await query.run()
    return [
        (row["id"], f"#{row['id']} {row['title']} [{WORK_NAMES[row['status']]}]") for row in rows
    ]


async def staff(scope: Scope) -> Choices:
    """Active community staff the user can see (assignees of work items)."""
    rows = (
        await StaffMember.select(
            StaffMember._meta.primary_key,
            StaffMember.name,
            StaffMember.community._.name.as_alias("community_name"),
        )
        .where(StaffMember.active.eq(True) & StaffMember.community.is_not_null())
        .order_by(StaffMember.community)
        .order_by(StaffMember.name)
        .run()
    )
    return [(row["id"], f"{row['name']}（{row['community_name']}）") for row in rows]


class DecideAccessEntry(BaseModel):
    entry: int = Field(title="清单事项")
    decision: str = Field(title="决定")
    reason: str = Field(default="", title="理由", json_schema_extra=text_area())


async def decide_access_entry(context: Context, data: DecideAccessEntry) -> str:
    row = await work.decide_access_entry(data.entry, data.decision, context.user_id, data.reason)
    return f"「{row['name']}」现为：{ACCESS_NAMES[row['status']]}。"


class PushWorkItem(BaseModel):
    access_entry: int = Field(title="准入事项")
    community: int = Field(title="社区")
    grid: int | None = Field(default=None, title="网格")
    title: str = Field(title="标题")
    description: str = Field(default="", title="描述", json_schema_extra=text_area())
    due_at: dt.datetime | None = Field(default=None, title="期限")
    department: int | None = Field(default=None, title="部门")


async def push_work_item(context: Context, data: PushWorkItem) -> str:
    row = await work.push_work_item(WorkItemCreate(**data.model_dump()), context.user_id)
    return f"工作事项「{row['title']}」已进入社区（编号 {row['id']}，状态：{WORK_NAMES[row['status']]}）。"


class MoveWorkItem(BaseModel):
    work_item: int = Field(title="工作事项")
    to_status: str = Field(title="变更为")
    assignee: int | None = Field(default=None, title="承办人")
    note: str = Field(default="", title="备注")


async def move_work_item(context: Context, data: MoveWorkItem) -> str:
    row = await work.transition_work_item(
        data.work_item, data.to_status, context.user_id, data.note, assignee_id=data.assignee
    )
    return f"「{row['title']}」已变更为：{WORK_NAMES[row['status']]}。"


FORMS = [
    ScopedForm(
        name="准入清单审批 Decide an access-list entry",
        model=DecideAccessEntry,
        action=decide_access_entry,
        description="街道审批准入清单：批准拟定的事项，或不予准入、取消已准入的事项（减负），后两者须写明理由。",
        levels=frozenset({Level.street, Level.district}),
        group=GROUP,
        choices={"entry": open_entries, "decision": decisions},
        aliases={"decision_reason": "reason", "status": "decision"},
    ),
    ScopedForm(
        name="推送工作事项 Push a work item",
        model=PushWorkItem,
        action=push_work_item,
        description="工作事项只能凭本街道已准入、在有效期内的清单事项进入社区；"
        "不符合的推送会被拒绝并记入准入拒绝记录。",
        levels=OFFICE_LEVELS,
        group=GROUP,
        choices={
            "access_entry": all_entries,
            "community": communities,
            "grid": grids,
            "department": departments,
        },
    ),
    ScopedForm(
        name="流转工作事项 Dispatch or move a work item",
        model=MoveWorkItem,
        action=move_work_item,
        description="按 上报 → 受理 → 派遣 → 处置 → 核查 → 办结 的顺序流转（任一环节可退回）；"
        "派遣时须选择承办人。",
        levels=frozenset({*OFFICE_LEVELS, Level.grid}),
        group=GROUP,
        choices={
            "work_item": open_items,
            "to_status": enum_choices(WorkStatus, only=set(WorkStatus) - {WorkStatus.reported}),
            "assignee": staff,
        },
        aliases={"status": "to_status"},
    ),
]
