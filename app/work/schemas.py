"""Input and output shapes of departments, the access list and work items."""

from __future__ import annotations

import datetime as dt

import msgspec

from tables.choices import WorkPriority, WorkSource


class Department(msgspec.Struct, kw_only=True):
    id: int
    name: str
    line: str


class DepartmentCreate(msgspec.Struct, kw_only=True):
    name: str
    line: str = ""


class DepartmentUpdate(msgspec.Struct, kw_only=True):
    name: str | msgspec.UnsetType = msgspec.UNSET
    line: str | msgspec.UnsetType = msgspec.UNSET


class AccessListEntry(msgspec.Struct, kw_only=True):
    id: int
    street: int
    name: str
    department: int
    category: str
    legal_basis: str
    status: str
    decided_by: int | None
    decided_at: dt.datetime | None
    valid_from: dt.date
    valid_to: dt.date | None
    created_at: dt.datetime


class AccessListEntryCreate(msgspec.Struct, kw_only=True):
    street: int
    name: str
    department: int
    category: str
    legal_basis: str
    valid_from: dt.date
    valid_to: dt.date | None = None


class AccessListEntryUpdate(msgspec.Struct, kw_only=True):
    street: int | msgspec.UnsetType = msgspec.UNSET
    name: str | msgspec.UnsetType = msgspec.UNSET
    department: int | msgspec.UnsetType = msgspec.UNSET
    category: str | msgspec.UnsetType = msgspec.UNSET
    legal_basis: str | msgspec.UnsetType = msgspec.UNSET
    valid_from: dt.date | msgspec.UnsetType = msgspec.UNSET
    valid_to: dt.date | msgspec.UnsetType | None = msgspec.UNSET


class AccessDecision(msgspec.Struct, kw_only=True):
    """Body of a reject or revoke decision: why the entry may not (or no longer) enter."""

    reason: str


class AccessRefusal(msgspec.Struct, kw_only=True):
    id: int
    street: int | None
    community: int | None
    department: int | None
    access_entry: int | None
    pushed_title: str
    reason: str
    refused_at: dt.datetime


class WorkItem(msgspec.Struct, kw_only=True):
    id: int
    access_entry: int
    community: int
    grid: int | None
    title: str
    description: str
    source: str
    status: str
    assignee: int | None
    due_at: dt.datetime | None
    overdue: bool
    created_at: dt.datetime
    closed_at: dt.datetime | None
    # Time limits (时限): urgency, the open stage with its deadline, and the working minutes
    # left or late by (0 when the other applies; null without a deadline).
    priority: str = WorkPriority.normal.value
    stage: str | None = None
    stage_due_at: dt.datetime | None = None
    time_left: int | None = None
    late_by: int | None = None


class WorkItemCreate(msgspec.Struct, kw_only=True):
    """A push of work into a community; `department` is only kept when the push is refused."""

    access_entry: int | None = None
    community: int
    grid: int | None = None
    title: str
    description: str = ""
    source: str = WorkSource.department.value
    assignee: int | None = None
    due_at: dt.datetime | None = None
    department: int | None = None
    priority: str = WorkPriority.normal.value


class WorkItemUpdate(msgspec.Struct, kw_only=True):
    title: str | msgspec.UnsetType = msgspec.UNSET
    description: str | msgspec.UnsetType = msgspec.UNSET
    grid: int | msgspec.UnsetType | None = msgspec.UNSET
    assignee: int | msgspec.UnsetType | None = msgspec.UNSET
    due_at: dt.datetime | msgspec.UnsetType | None = msgspec.UNSET
    priority: str | msgspec.UnsetType = msgspec.UNSET


class WorkItemTransition(msgspec.Struct, kw_only=True):
    """Body of a status move: the target status, a note, and the assignee when dispatching."""

    to_status: str
    note: str = ""
    assignee: int | None = None


class WorkItemEvent(msgspec.Struct, kw_only=True):
    id: int
    work_item: int
    from_status: str | None
    to_status: str
    actor: int | None
    note: str
    at: dt.datetime
