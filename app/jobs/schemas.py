"""Job configuration (schedules, rest days, subsidy grades, webhooks) and job results."""

from __future__ import annotations

import datetime as dt

import msgspec

# ---------------------------------------------------------------- schedules


class JobSchedule(msgspec.Struct, kw_only=True):
    id: int
    job: str
    street: int | None
    at_time: dt.time | None
    every_minutes: int | None
    enabled: bool
    note: str
    updated_at: dt.datetime


class JobScheduleCreate(msgspec.Struct, kw_only=True):
    """A time of day (local, TIMEZONE) or an interval in minutes, never both."""

    job: str
    street: int | None = None
    at_time: dt.time | None = None
    every_minutes: int | None = None
    enabled: bool = True
    note: str = ""


class JobScheduleUpdate(msgspec.Struct, kw_only=True):
    job: str | msgspec.UnsetType = msgspec.UNSET
    street: int | msgspec.UnsetType | None = msgspec.UNSET
    at_time: dt.time | msgspec.UnsetType | None = msgspec.UNSET
    every_minutes: int | msgspec.UnsetType | None = msgspec.UNSET
    enabled: bool | msgspec.UnsetType = msgspec.UNSET
    note: str | msgspec.UnsetType = msgspec.UNSET


class RestDay(msgspec.Struct, kw_only=True):
    id: int
    day: dt.date
    name: str


class RestDayCreate(msgspec.Struct, kw_only=True):
    day: dt.date
    name: str = ""


class RestDayUpdate(msgspec.Struct, kw_only=True):
    day: dt.date | msgspec.UnsetType = msgspec.UNSET
    name: str | msgspec.UnsetType = msgspec.UNSET


# ---------------------------------------------------------------- subsidy grades


class SubsidyGrade(msgspec.Struct, kw_only=True):
    id: int
    street: int | None
    grade: str
    min_score: float
    note: str


class SubsidyGradeCreate(msgspec.Struct, kw_only=True):
    """A grade starts at `min_score`; a worker gets the highest grade their score reaches."""

    grade: str
    min_score: float
    street: int | None = None
    note: str = ""


class SubsidyGradeUpdate(msgspec.Struct, kw_only=True):
    grade: str | msgspec.UnsetType = msgspec.UNSET
    min_score: float | msgspec.UnsetType = msgspec.UNSET
    street: int | msgspec.UnsetType | None = msgspec.UNSET
    note: str | msgspec.UnsetType = msgspec.UNSET


# ---------------------------------------------------------------- webhooks


class WebhookEndpoint(msgspec.Struct, kw_only=True):
    """An endpoint as shown to people: the secret never leaves the database."""

    id: int
    name: str
    url: str
    events: list[str]
    active: bool
    created_at: dt.datetime


class WebhookEndpointCreate(msgspec.Struct, kw_only=True):
    name: str
    url: str
    secret: str
    events: list[str] = msgspec.field(default_factory=list)
    active: bool = True


class WebhookEndpointUpdate(msgspec.Struct, kw_only=True):
    name: str | msgspec.UnsetType = msgspec.UNSET
    url: str | msgspec.UnsetType = msgspec.UNSET
    secret: str | msgspec.UnsetType = msgspec.UNSET
    events: list[str] | msgspec.UnsetType = msgspec.UNSET
    active: bool | msgspec.UnsetType = msgspec.UNSET


# ---------------------------------------------------------------- notices


class Reminder(msgspec.Struct, kw_only=True):
    """An in-app notice to a staff member (check-in reminder, overdue work, follow-up)."""

    id: int
    staff: int
    date: dt.date
    slot: str
    channel: str
    status: str
    message: str
    attempts: int
    created_at: dt.datetime


# ---------------------------------------------------------------- job results


class RollupRun(msgspec.Struct, kw_only=True):
    """What the admin form and the command line ask for: one period to (re)compute."""

    period_kind: str
    period_start: dt.date
    min_sample: int = 5


class RollupSummary(msgspec.Struct, kw_only=True):
    period_kind: str
    period_start: dt.date
    period_end: dt.date
    inserted: int
    updated: int
    unchanged: int
    deleted: int


class ReminderRound(msgspec.Struct, kw_only=True):
    day: dt.date
    slot: str
    street: int | None
    created: int
    webhooks_queued: int


class EscalationSummary(msgspec.Struct, kw_only=True):
    work_items: int
    supervision_records: int
    diary_follow_ups: int
    notices: int
    webhooks_queued: int
    # 督办 of late stages: new yellow and red steps (escalation_step rows) of this run
    stage_steps: int = 0


class DeliverySummary(msgspec.Struct, kw_only=True):
    attempted: int
    delivered: int
    retrying: int
    failed: int
