"""Cross-cutting records: reminders to staff, the audit trail of every write, and the admin
login counters every web process shares."""

from piccolo.columns import JSONB, Date, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.constraints import Unique
from piccolo.table import Table

from tables.choices import ReminderChannel, ReminderStatus
from tables.people import StaffMember


class Reminder(Table, help_text="提醒 Reminder to a staff member (check-in, overdue work …)"):
    # No index of its own on staff: once_per_slot (staff, date, slot) serves lookups by staff,
    # and a reminder round inserts ~25,000 rows at city scale.
    staff = ForeignKey(
        StaffMember, null=False, help_text="工作人员 Staff", on_delete=OnDelete.restrict
    )
    date = Date(index=True, help_text="日期 Local date")
    slot = Varchar(32, help_text="时段 Slot, e.g. check-in@10:00")
    channel = Varchar(16, choices=ReminderChannel, default=ReminderChannel.in_app)
    status = Varchar(16, choices=ReminderStatus, default=ReminderStatus.pending, index=True)
    message = Text(default="", help_text="内容 Message")
    attempts = Integer(default=0, help_text="投递次数 Delivery attempts")
    created_at = Timestamptz()

    once_per_slot = Unique(["staff", "date", "slot"])


class AuditLog(Table, help_text="审计日志 Audit trail: every write with actor, before and after"):
    actor_id = Integer(null=True, default=None, index=True, help_text="操作人 Actor (user id)")
    # Filtered by the (table_name, row_id) index of migration 2026-11-23T15:45 (one index
    # fewer to maintain on every audited write).
    table_name = Varchar(64, help_text="表 Table")
    row_id = Integer(null=True, default=None, help_text="行 Row id")
    action = Varchar(8, help_text="INSERT / UPDATE / DELETE")
    before = JSONB(null=True, default=None)
    after = JSONB(null=True, default=None)
    at = Timestamptz(index=True)


class LoginAttemptWindow(
    Table, help_text="后台登录尝试计数 Admin login attempts per client address and 5-minute window"
):
    """How often each client address tried to log in to the admin in one 5-minute window.

    admin/login_limit.py counts every attempt here with one atomic upsert, so the limit
    (ADMIN_LOGIN_LIMIT) holds for all web processes together. Counters, not records: no
    audit trigger (an audit row per login attempt would make a brute force fill the audit
    trail), and windows older than the block are deleted as new ones start. Row-level
    security with no policy (migration 2026-12-05T14:30:12) keeps the application role out:
    only the table owner, outside any request scope, reads or writes it. Not in ALL_TABLES:
    no admin view, API resource or permission concerns it.
    """

    client = Varchar(64, help_text="客户端地址 Client address")
    window_start = Timestamptz(index=True, help_text="时段开始 Start of the 5-minute window")
    attempts = Integer(default=0, help_text="尝试次数 Attempts in the window")

    once_per_window = Unique(["client", "window_start"])


__all__ = ["AuditLog", "LoginAttemptWindow", "Reminder"]
