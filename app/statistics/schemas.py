"""Input and output shapes of report templates, requests and answers (一表通)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import msgspec

Scalar = str | int | float | bool | None


class FieldSpec(msgspec.Struct, kw_only=True):
    """One field of a template: its key is shared across templates (上期 pre-fill)."""

    key: str
    title: str
    kind: str = "integer"
    unit: str = ""
    minimum: float | None = None
    maximum: float | None = None
    choices: list[str] = msgspec.field(default_factory=list)
    required: bool = True
    source: str | None = None
    total_of: list[str] = msgspec.field(default_factory=list)


class ReportTemplate(msgspec.Struct, kw_only=True):
    id: int
    street: int
    department: int
    access_entry: int
    family: str
    version: int
    current: bool
    title: str
    level: str
    period: str
    created_at: dt.datetime


class ReportTemplateCreate(msgspec.Struct, kw_only=True):
    access_entry: int
    family: str
    title: str
    fields: list[FieldSpec]
    level: str = "community"
    period: str = "monthly"


class ReportTemplateRevise(msgspec.Struct, kw_only=True):
    """A template's new content: edits in place until answers exist, then a new version."""

    title: str
    fields: list[FieldSpec]


class ReportRequest(msgspec.Struct, kw_only=True):
    id: int
    template: int
    street: int
    department: int
    period_start: dt.date
    period_end: dt.date
    deadline: dt.datetime
    note: str
    created_at: dt.datetime


class ReportRequestCreate(msgspec.Struct, kw_only=True):
    template: int
    period_start: dt.date
    deadline: dt.datetime
    note: str = ""


class ReportAnswer(msgspec.Struct, kw_only=True):
    id: int
    report_request: int
    community: int
    grid: int | None
    status: str
    opened_at: dt.datetime | None
    submitted_at: dt.datetime | None
    late: bool
    return_comment: str


class AnswerValues(msgspec.Struct, kw_only=True):
    """Values by field key; a pre-filled value sent unchanged is confirmed, else corrected."""

    values: dict[str, Scalar]


class AnswerReturn(msgspec.Struct, kw_only=True):
    comment: str


class ValueOut(msgspec.Struct, kw_only=True):
    key: str
    title: str
    kind: str
    unit: str
    value: str
    computed: Decimal | None
    previous: str | None
    origin: str
    confirmed: bool
    corrected: bool
