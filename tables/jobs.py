"""Scheduled work: when jobs run, the working calendar, subsidy grades and webhook delivery."""

from enum import StrEnum

from piccolo.columns import (
    JSONB,
    Array,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Integer,
    Text,
    Time,
    Timestamptz,
    Varchar,
)
from piccolo.columns.base import OnDelete
from piccolo.constraints import Check, Unique
from piccolo.table import Table

from tables.areas import Street
from tables.choices import SupervisionStatus
from tables.supervision import SupervisionRecord
from tables.system import Reminder
from tables.work import WorkItemEvent


class JobKind(StrEnum):
    check_in_reminder = "check_in_reminder"  # 签到提醒
    overdue_escalation = "overdue_escalation"  # 逾期督办
    daily_rollup = "daily_rollup"  # 日考核汇总 (previous day)
    monthly_rollup = "monthly_rollup"  # 月考核汇总 (previous month, on the 1st)
    webhook_delivery = "webhook_delivery"  # Webhook 投递与重试


class DeliveryStatus(StrEnum):
    pending = "pending"
    delivered = "delivered"
    failed = "failed"


class JobSchedule(
    Table,
    help_text="定时任务 Job schedule: when reminders, escalation and rollups run (local time)",
):
    job = Varchar(32, choices=JobKind, index=True, help_text="任务 Job")
    street = ForeignKey(
        Street,
        null=True,
        default=None,
        index=True,
        help_text="街道 Street (check-in reminders only; empty = every street without its own times)",
        on_delete=OnDelete.cascade,
    )
    at_time = Time(
        null=True,
        default=None,
        help_text="时间 Time of day in TIMEZONE (monthly rollups run on the 1st)",
    )
    every_minutes = Integer(
        null=True, default=None, help_text="间隔 Every N minutes (instead of a time of day)"
    )
    enabled = Boolean(default=True, help_text="启用 Enabled")
    note = Varchar(200, default="", help_text="备注 Note")
    updated_at = Timestamptz(help_text="更新时间 Last changed")

    one_timing = Check("(at_time IS NULL) <> (every_minutes IS NULL)")
    every_minutes_range = Check("every_minutes IS NULL OR every_minutes BETWEEN 1 AND 1440")
    street_only_for_reminders = Check("street IS NULL OR job = 'check_in_reminder'")


class RestDay(Table, help_text="休息日 Rest day: no check-in duty, no reminders, not in rates"):
    day = Date(unique=True, help_text="日期 Day")
    name = Varchar(100, default="", help_text="名称 e.g. 国庆节 National Day")


class SubsidyGrade(
    Table, help_text="绩效补贴档次 Salary-scale subsidy grade: monthly composite score thresholds"
):
    street = ForeignKey(
        Street,
        null=True,
        default=None,
        index=True,
        help_text="街道 Street (empty = for streets without their own grades)",
        on_delete=OnDelete.cascade,
    )
    grade = Varchar(16, help_text="档次 Grade, e.g. 一档")
    min_score = Float(
        help_text="最低综合得分 Lowest monthly composite score (0–100) for this grade"
    )
    note = Varchar(200, default="", help_text="备注 Note, e.g. the subsidy amount")

    min_score_range = Check("min_score >= 0 AND min_score <= 100")


class WebhookEndpoint(
    Table,
    help_text="Webhook 推送端点 Endpoint: HMAC-SHA256 signed JSON POSTs (SMS, WeChat gateways)",
):
    name = Varchar(100, unique=True, help_text="名称 Name")
    url = Varchar(500, help_text="地址 URL (http or https)")
    secret = Varchar(128, secret=True, help_text="密钥 Shared secret for the X-Grid-Signature HMAC")
    events = Array(
        Varchar(40),
        default=list,
        help_text="事件 Events to send (empty = all): reminder.check_in, escalation.work_item, "
        "escalation.supervision, reminder.diary_follow_up, resident.case_status",
    )
    active = Boolean(default=True, help_text="启用 Active")
    created_at = Timestamptz()


class WebhookDelivery(
    Table, help_text="Webhook 投递记录 Delivery of one notice to one endpoint, with retries"
):
    endpoint = ForeignKey(
        WebhookEndpoint, null=False, index=True, help_text="端点", on_delete=OnDelete.cascade
    )
    reminder = ForeignKey(
        Reminder, null=True, index=True, help_text="提醒 Notice", on_delete=OnDelete.cascade
    )
    work_item_event = ForeignKey(
        WorkItemEvent,
        null=True,
        index=True,
        help_text="流转记录 Status change of a resident's case (event resident.case_status)",
        on_delete=OnDelete.cascade,
    )
    supervision_record = ForeignKey(
        SupervisionRecord,
        null=True,
        index=True,
        help_text="监督记录 Supervision record of a resident's case whose status changed",
        on_delete=OnDelete.cascade,
    )
    supervision_status = Varchar(
        16,
        choices=SupervisionStatus,
        null=True,
        default=None,
        help_text="监督状态 The status the supervision record moved to",
    )
    event = Varchar(40, help_text="事件 Event")
    payload = JSONB(help_text="内容 JSON body")
    status = Varchar(16, choices=DeliveryStatus, default=DeliveryStatus.pending, index=True)
    attempts = Integer(default=0, help_text="尝试次数 Attempts")
    next_attempt_at = Timestamptz(index=True, help_text="下次尝试 Next attempt (or lease end)")
    last_status_code = Integer(null=True, default=None, help_text="HTTP 状态码")
    last_error = Text(default="", help_text="错误 Last error")
    delivered_at = Timestamptz(null=True, default=None, help_text="送达时间 Delivered at")
    created_at = Timestamptz()

    once_per_endpoint = Unique(["endpoint", "reminder"])
    once_per_change = Unique(["endpoint", "work_item_event"])
    once_per_supervision_step = Unique(["endpoint", "supervision_record", "supervision_status"])
    one_cause = Check("num_nonnulls(reminder, work_item_event, supervision_record) = 1")


__all__ = [
    "DeliveryStatus",
    "JobKind",
    "JobSchedule",
    "RestDay",
    "SubsidyGrade",
    "WebhookDelivery",
    "WebhookEndpoint",
]
