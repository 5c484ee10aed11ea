"""Who works the grid: staff accounts, their grids, and their leave."""

from piccolo.apps.user.tables import BaseUser
from piccolo.columns import Boolean, Date, ForeignKey, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.readable import Readable
from piccolo.constraints import Check, Unique
from piccolo.table import Table

from tables.areas import Community, ResponsibilityGrid, Street
from tables.choices import AssignmentKind, StaffRole


class StaffMember(Table, help_text="工作人员 Staff member: a login with a role and a scope"):
    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(template="%s", columns=[cls.name])

    user = ForeignKey(
        BaseUser, null=False, unique=True, help_text="登录账号 Login", on_delete=OnDelete.restrict
    )
    name = Varchar(50, help_text="姓名 Name")
    phone = Varchar(20, default="", help_text="电话 Phone (masked for most roles)")
    role = Varchar(32, choices=StaffRole, index=True, help_text="角色 Role")
    street = ForeignKey(
        Street,
        null=True,
        default=None,
        index=True,
        help_text="所属街道 Street scope",
        on_delete=OnDelete.restrict,
    )
    community = ForeignKey(
        Community,
        null=True,
        default=None,
        index=True,
        help_text="所属社区 Community scope",
        on_delete=OnDelete.restrict,
    )
    active = Boolean(default=True, help_text="在岗 Active")
    created_at = Timestamptz()

    # A street official is scoped to a street; every other role to a community.
    scope_matches_role = Check(
        "(role = 'street_official' AND street IS NOT NULL AND community IS NULL)"
        " OR (role <> 'street_official' AND community IS NOT NULL)"
    )


class GridAssignment(Table, help_text="网格分配 Staff ↔ grid, primary or assistant"):
    staff = ForeignKey(
        StaffMember, null=False, index=True, help_text="工作人员 Staff", on_delete=OnDelete.restrict
    )
    grid = ForeignKey(
        ResponsibilityGrid,
        null=False,
        index=True,
        help_text="网格 Grid",
        on_delete=OnDelete.restrict,
    )
    kind = Varchar(
        16, choices=AssignmentKind, default=AssignmentKind.primary, help_text="主责/协助"
    )
    community = ForeignKey(
        Community,
        null=False,
        index=True,
        help_text="所属社区 (derived from grid)",
        on_delete=OnDelete.restrict,
    )

    once_per_grid = Unique(["staff", "grid"])


class Leave(Table, help_text="请假 Leave: reminders and check-in rates skip these days"):
    staff = ForeignKey(
        StaffMember, null=False, index=True, help_text="工作人员 Staff", on_delete=OnDelete.restrict
    )
    starts_on = Date(help_text="开始日期 First day")
    ends_on = Date(help_text="结束日期 Last day (inclusive)")
    reason = Text(default="", help_text="事由 Reason")

    ends_after_start = Check("ends_on >= starts_on")
