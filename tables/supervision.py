"""Residents' supervision of government work, units and cadres (社区监督)."""

from piccolo.apps.user.tables import BaseUser
from piccolo.columns import Boolean, ForeignKey, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from tables.areas import Community, ResponsibilityGrid
from tables.choices import SupervisionKind, SupervisionStatus


class SupervisionRecord(
    Table, help_text="监督记录 Supervision record: raised, handled, answered, public"
):
    kind = Varchar(32, choices=SupervisionKind, index=True, help_text="类型 Kind")
    subject = Varchar(200, help_text="监督对象 Subject (office, unit or cadre)")
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
    raised_by_name = Varchar(50, default="", help_text="反映人 Raised by (protected, never public)")
    raised_by_contact = Varchar(50, default="", help_text="联系方式 Contact (masked)")
    anonymous = Boolean(default=False, help_text="匿名 Anonymous")
    content = Text(help_text="内容 Content")
    status = Varchar(16, choices=SupervisionStatus, default=SupervisionStatus.received, index=True)
    answer = Text(default="", help_text="答复 Answer")
    answered_by = ForeignKey(
        BaseUser,
        null=True,
        default=None,
        help_text="答复人 Answered by",
        on_delete=OnDelete.restrict,
    )
    answered_at = Timestamptz(null=True, default=None, help_text="答复时间 Answered at")
    public = Boolean(default=False, index=True, help_text="公开 Published on the openness page")
    due_at = Timestamptz(null=True, default=None, index=True, help_text="答复期限 Due at")
    overdue = Boolean(default=False, index=True, help_text="已逾期 Marked overdue by escalation")
    evidence = Varchar(255, default="", help_text="证据 Evidence file")
    created_at = Timestamptz(index=True)
