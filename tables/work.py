"""Work that enters communities, filtered by the street's access list (准入清单)."""

from piccolo.apps.user.tables import BaseUser
from piccolo.columns import Boolean, Date, ForeignKey, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.readable import Readable
from piccolo.constraints import Check
from piccolo.table import Table

from tables.areas import Community, ResponsibilityGrid, Street
from tables.choices import AccessStatus, WorkCategory, WorkPriority, WorkSource, WorkStatus
from tables.people import StaffMember


class Department(Table, help_text="职能部门 Functional department and its line 条线"):
    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(template="%s", columns=[cls.name])

    name = Varchar(100, unique=True, help_text="名称 Name")
    line = Varchar(50, help_text="条线 Line, e.g. 民政 civil affairs")


class AccessListEntry(
    Table, help_text="准入清单 Access-list entry: a work item departments may push to communities"
):
    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(template="%s", columns=[cls.name])

    street = ForeignKey(
        Street,
        null=False,
        index=True,
        help_text="街道 Street that keeps the list",
        on_delete=OnDelete.restrict,
    )
    name = Varchar(200, help_text="事项名称 Work item name")
    department = ForeignKey(
        Department, null=False, index=True, help_text="部门 Department", on_delete=OnDelete.restrict
    )
    category = Varchar(32, choices=WorkCategory, help_text="类别 Category")
    legal_basis = Text(help_text="法律依据 Legal basis")
    status = Varchar(16, choices=AccessStatus, default=AccessStatus.proposed, index=True)
    decided_by = ForeignKey(
        BaseUser,
        null=True,
        default=None,
        help_text="决定人 Decided by",
        on_delete=OnDelete.restrict,
    )
    decided_at = Timestamptz(null=True, default=None, help_text="决定时间 Decided at")
    decision_reason = Text(default="", help_text="决定理由 Reason for rejecting or revoking")
    valid_from = Date(help_text="生效日期 Valid from")
    valid_to = Date(
        null=True, default=None, help_text="失效日期 Valid to (inclusive, open if empty)"
    )
    created_at = Timestamptz()

    validity_ordered = Check("valid_to IS NULL OR valid_to >= valid_from")


class AccessRefusal(Table, help_text="准入拒绝 Every refused push: department, what, when, why"):
    street = ForeignKey(
        Street,
        null=True,
        default=None,
        index=True,
        help_text="街道 Street",
        on_delete=OnDelete.restrict,
    )
    community = ForeignKey(
        Community,
        null=True,
        default=None,
        index=True,
        help_text="社区 Community",
        on_delete=OnDelete.restrict,
    )
    department = ForeignKey(
        Department,
        null=True,
        default=None,
        index=True,
        help_text="部门",
        on_delete=OnDelete.restrict,
    )
    access_entry = ForeignKey(
        AccessListEntry,
        null=True,
        default=None,
        help_text="引用的清单事项",
        on_delete=OnDelete.restrict,
    )
    pushed_title = Varchar(200, help_text="推送事项 What was pushed")
    reason = Text(help_text="拒绝原因 Why it was refused")
    refused_at = Timestamptz(index=True, help_text="时间 When")


class WorkItem(
    Table, help_text="工作事项 Work item that entered a community, tracked to completion"
):
    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(template="%s", columns=[cls.title])

    access_entry = ForeignKey(
        AccessListEntry,
        null=False,
        index=True,
        help_text="准入事项 Approved access-list entry",
        on_delete=OnDelete.restrict,
    )
    community = ForeignKey(
        Community, null=False, index=True, help_text="社区 Community", on_delete=OnDelete.restrict
    )
    grid = ForeignKey(
        ResponsibilityGrid,
        null=True,
        default=None,
        index=True,
        help_text="网格 Grid",
        on_delete=OnDelete.restrict,
    )
    title = Varchar(200, help_text="标题 Title")
    description = Text(default="", help_text="描述 Description")
    source = Varchar(16, choices=WorkSource, default=WorkSource.department, index=True)
    status = Varchar(16, choices=WorkStatus, default=WorkStatus.reported, index=True)
    assignee = ForeignKey(
        StaffMember,
        null=True,
        default=None,
        index=True,
        help_text="承办人 Assignee",
        on_delete=OnDelete.restrict,
    )
    due_at = Timestamptz(null=True, default=None, index=True, help_text="期限 Due at")
    overdue = Boolean(default=False, index=True, help_text="已逾期 Marked overdue by escalation")
    created_at = Timestamptz(index=True)
    closed_at = Timestamptz(null=True, default=None, help_text="办结时间 Closed at")
    priority = Varchar(
        16,
        choices=WorkPriority,
        default=WorkPriority.normal,
        help_text="等级 Urgency: picks the time-limit standard (紧急/一般/轻微)",
    )


class WorkItemEvent(Table, help_text="流转记录 Each status transition of a work item"):
    work_item = ForeignKey(
        WorkItem,
        null=False,
        index=True,
        help_text="工作事项 Work item",
        on_delete=OnDelete.restrict,
    )
    from_status = Varchar(16, choices=WorkStatus, null=True, default=None)
    to_status = Varchar(16, choices=WorkStatus)
    actor = ForeignKey(
        BaseUser, null=True, default=None, help_text="操作人 Actor", on_delete=OnDelete.restrict
    )
    note = Text(default="", help_text="备注 Note")
    at = Timestamptz(help_text="时间 At")
