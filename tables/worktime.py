"""Time limits (时限) in working time: the calendar, the streets' standards, each item's stages,
extension requests (延期申请) and escalation steps (督办)."""

from piccolo.apps.user.tables import BaseUser
from piccolo.columns import Boolean, Date, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.constraints import Check, Unique
from piccolo.table import Table

from tables.areas import Community, Street
from tables.choices import (
    CalendarDayKind,
    EscalationLevel,
    ExtensionStatus,
    TimeLimitUnit,
    WorkCategory,
    WorkPriority,
    WorkStage,
)
from tables.people import StaffMember
from tables.work import WorkItem


class WorkCalendarDay(
    Table,
    help_text="节假日与调休 Statutory holidays and make-up working days (调休) of the year",
):
    day = Date(unique=True, help_text="日期 Day")
    kind = Varchar(24, choices=CalendarDayKind, help_text="类型 Holiday or make-up working day")
    name = Varchar(100, default="", help_text="名称 e.g. 春节, 国庆节调休")


class TimeLimitStandard(
    Table,
    help_text="时限标准 Time limit of one stage for one category and level; a street's own "
    "standard overrides the district default (street empty)",
):
    street = ForeignKey(
        Street,
        null=True,
        default=None,
        index=True,
        help_text="街道 Street (empty = district default)",
        on_delete=OnDelete.cascade,
    )
    category = Varchar(32, choices=WorkCategory, help_text="类别 Work category")
    stage = Varchar(16, choices=WorkStage, help_text="环节 Stage")
    priority = Varchar(
        16, choices=WorkPriority, default=WorkPriority.normal, help_text="等级 Urgency level"
    )
    amount = Integer(help_text="时限 Limit (working hours or working days)")
    unit = Varchar(8, choices=TimeLimitUnit, default=TimeLimitUnit.days, help_text="单位 Unit")
    note = Varchar(200, default="", help_text="备注 Note, e.g. the document that sets it")

    amount_positive = Check("amount > 0 AND amount <= 10000")
    # One standard per place, category, stage and level; the district default too (NULL street).
    one_standard = Unique(["street", "category", "stage", "priority"], nulls_distinct=False)


class WorkItemStage(
    Table, help_text="环节时限 One stage of a work item: when it began, its deadline, when it ended"
):
    work_item = ForeignKey(
        WorkItem, null=False, index=True, help_text="工作事项", on_delete=OnDelete.cascade
    )
    community = ForeignKey(
        Community, null=False, index=True, help_text="社区 Community", on_delete=OnDelete.restrict
    )
    stage = Varchar(16, choices=WorkStage, help_text="环节 Stage")
    entered_at = Timestamptz(help_text="开始 Entered at")
    limit_minutes = Integer(
        null=True, default=None, help_text="时限 Limit in working minutes (empty: no standard)"
    )
    extended_minutes = Integer(default=0, help_text="延期 Approved extensions, working minutes")
    due_at = Timestamptz(null=True, default=None, help_text="期限 Deadline (working time)")
    # Late by the limit (yellow) and by twice the limit (red), in working time after due_at:
    # stored so that the escalation scan is one indexed SELECT.
    yellow_at = Timestamptz(null=True, default=None, help_text="黄牌时间 Yellow warning at")
    red_at = Timestamptz(null=True, default=None, help_text="红牌时间 Red warning at")
    finished_at = Timestamptz(null=True, default=None, help_text="结束 Finished at")
    late = Boolean(null=True, default=None, help_text="超时 Finished after its deadline")
    late_by_minutes = Integer(
        null=True, default=None, help_text="超时 Late by (working minutes) when finished"
    )

    once_per_item = Unique(["work_item", "stage"])
    limit_positive = Check("limit_minutes IS NULL OR limit_minutes > 0")
    extension_positive = Check("extended_minutes >= 0")


class ExtensionRequest(
    Table, help_text="延期申请 Extension request: the assignee asks for more time with a reason"
):
    work_item = ForeignKey(
        WorkItem, null=False, index=True, help_text="工作事项", on_delete=OnDelete.cascade
    )
    stage = ForeignKey(
        WorkItemStage, null=False, index=True, help_text="环节 Stage", on_delete=OnDelete.cascade
    )
    community = ForeignKey(
        Community, null=False, index=True, help_text="社区 Community", on_delete=OnDelete.restrict
    )
    requested_by = ForeignKey(
        StaffMember, null=False, help_text="申请人 Asked by", on_delete=OnDelete.restrict
    )
    amount = Integer(help_text="延长 Extra time asked")
    unit = Varchar(8, choices=TimeLimitUnit, default=TimeLimitUnit.days, help_text="单位 Unit")
    minutes = Integer(help_text="延长 Extra working minutes asked")
    reason = Text(help_text="理由 Reason")
    status = Varchar(
        16, choices=ExtensionStatus, default=ExtensionStatus.pending, index=True, help_text="状态"
    )
    decided_by = ForeignKey(
        BaseUser,
        null=True,
        default=None,
        help_text="审批人 Decided by",
        on_delete=OnDelete.restrict,
    )
    decided_at = Timestamptz(null=True, default=None, help_text="审批时间 Decided at")
    decision_note = Text(default="", help_text="审批意见 Decision note")
    created_at = Timestamptz(help_text="申请时间 Asked at")

    amount_positive = Check("amount > 0 AND minutes > 0")


class EscalationStep(
    Table, help_text="督办记录 Escalation step: yellow or red warning of a late stage, once each"
):
    stage = ForeignKey(
        WorkItemStage, null=False, index=True, help_text="环节 Stage", on_delete=OnDelete.cascade
    )
    work_item = ForeignKey(
        WorkItem, null=False, index=True, help_text="工作事项", on_delete=OnDelete.cascade
    )
    community = ForeignKey(
        Community, null=False, index=True, help_text="社区 Community", on_delete=OnDelete.restrict
    )
    level = Varchar(8, choices=EscalationLevel, help_text="级别 Yellow or red")
    at = Timestamptz(index=True, help_text="时间 Escalated at")

    once_per_level = Unique(["stage", "level"])


__all__ = [
    "EscalationStep",
    "ExtensionRequest",
    "TimeLimitStandard",
    "WorkCalendarDay",
    "WorkItemStage",
]
