"""Time limits: calendar days, standards, stages and extension requests as the API shows them."""

from __future__ import annotations

import datetime as dt

import msgspec


class WorkCalendarDay(msgspec.Struct, kw_only=True):
    id: int
    day: dt.date
    kind: str
    name: str


class WorkCalendarDayCreate(msgspec.Struct, kw_only=True):
    day: dt.date
    kind: str
    name: str = ""


class TimeLimitStandard(msgspec.Struct, kw_only=True):
    id: int
    street: int | None
    category: str
    stage: str
    priority: str
    amount: int
    unit: str
    note: str


class TimeLimitStandardCreate(msgspec.Struct, kw_only=True):
    """A limit of `amount` working hours or days; no street = the district default."""

    street: int | None = None
    category: str
    stage: str
    priority: str = "normal"
    amount: int
    unit: str = "days"
    note: str = ""


class TimeLimitStandardUpdate(msgspec.Struct, kw_only=True):
    amount: int | msgspec.UnsetType = msgspec.UNSET
    unit: str | msgspec.UnsetType = msgspec.UNSET
    note: str | msgspec.UnsetType = msgspec.UNSET


class ExtensionAsk(msgspec.Struct, kw_only=True):
    """Body of an extension request: how much more working time, and why."""

    amount: int
    unit: str = "days"
    reason: str


class ExtensionDecision(msgspec.Struct, kw_only=True):
    note: str = ""


class ExtensionRequest(msgspec.Struct, kw_only=True):
    id: int
    work_item: int
    stage: int
    community: int
    requested_by: int
    amount: int
    unit: str
    minutes: int
    reason: str
    status: str
    decided_by: int | None
    decided_at: dt.datetime | None
    decision_note: str
    created_at: dt.datetime


class PublicStage(msgspec.Struct, kw_only=True):
    """What residents see of a stage: its deadline and whether it was met — never who."""

    stage: str
    entered_at: dt.datetime
    due_at: dt.datetime | None
    finished_at: dt.datetime | None
    met: bool | None  # null while open or without a deadline


class WorkItemStage(msgspec.Struct, kw_only=True):
    id: int
    work_item: int
    stage: str
    entered_at: dt.datetime
    limit_minutes: int | None
    extended_minutes: int
    due_at: dt.datetime | None
    yellow_at: dt.datetime | None
    red_at: dt.datetime | None
    finished_at: dt.datetime | None
    late: bool | None
    late_by_minutes: int | None
