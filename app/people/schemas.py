"""Staff members, their logins, grid assignments and leave in and out of services."""

from __future__ import annotations

import datetime as dt

import msgspec

from tables.choices import AssignmentKind


class StaffMember(msgspec.Struct, kw_only=True):
    id: int
    user: int
    name: str
    phone: str
    role: str
    street: int | None
    community: int | None
    active: bool
    created_at: dt.datetime


class StaffMemberCreate(msgspec.Struct, kw_only=True):
    """A staff member for an existing login; a street official names a street, others a community."""

    user: int
    name: str
    role: str
    phone: str = ""
    street: int | None = None
    community: int | None = None
    active: bool = True


class StaffMemberUpdate(msgspec.Struct, kw_only=True):
    user: int | msgspec.UnsetType = msgspec.UNSET
    name: str | msgspec.UnsetType = msgspec.UNSET
    role: str | msgspec.UnsetType = msgspec.UNSET
    phone: str | msgspec.UnsetType = msgspec.UNSET
    street: int | msgspec.UnsetType | None = msgspec.UNSET
    community: int | msgspec.UnsetType | None = msgspec.UNSET
    active: bool | msgspec.UnsetType = msgspec.UNSET


class StaffAccountCreate(msgspec.Struct, kw_only=True):
    """A new login (admin access, not superuser), its staff member and grids, in one go."""

    username: str
    password: str
    name: str
    role: str
    email: str | None = None
    phone: str = ""
    street: int | None = None
    community: int | None = None
    grids: list[int] = msgspec.field(default_factory=list)
    assignment_kind: str = AssignmentKind.primary.value


class GridAssignment(msgspec.Struct, kw_only=True):
    id: int
    staff: int
    grid: int
    kind: str
    community: int


class GridAssignmentCreate(msgspec.Struct, kw_only=True):
    """A staff member responsible for a grid of their community (primary or assistant)."""

    staff: int
    grid: int
    kind: str = AssignmentKind.primary.value


class GridAssignmentUpdate(msgspec.Struct, kw_only=True):
    staff: int | msgspec.UnsetType = msgspec.UNSET
    grid: int | msgspec.UnsetType = msgspec.UNSET
    kind: str | msgspec.UnsetType = msgspec.UNSET


class Leave(msgspec.Struct, kw_only=True):
    id: int
    staff: int
    starts_on: dt.date
    ends_on: dt.date
    reason: str


class LeaveCreate(msgspec.Struct, kw_only=True):
    """Leave from `starts_on` to `ends_on`, both days included."""

    staff: int
    starts_on: dt.date
    ends_on: dt.date
    reason: str = ""


class LeaveUpdate(msgspec.Struct, kw_only=True):
    staff: int | msgspec.UnsetType = msgspec.UNSET
    starts_on: dt.date | msgspec.UnsetType = msgspec.UNSET
    ends_on: dt.date | msgspec.UnsetType = msgspec.UNSET
    reason: str | msgspec.UnsetType = msgspec.UNSET
