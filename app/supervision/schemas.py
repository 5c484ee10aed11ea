"""Supervision records as they enter and leave the services."""

from __future__ import annotations

import datetime as dt

import msgspec


class SupervisionRecord(msgspec.Struct, kw_only=True):
    """The full record, for staff who handle it; the public sees `public_view` of it."""

    id: int
    kind: str
    subject: str
    community: int
    grid: int | None
    raised_by_name: str
    raised_by_contact: str
    anonymous: bool
    content: str
    status: str
    answer: str
    answered_by: int | None
    answered_at: dt.datetime | None
    public: bool
    due_at: dt.datetime | None
    overdue: bool
    evidence: str
    created_at: dt.datetime


class SupervisionRecordCreate(msgspec.Struct, kw_only=True):
    kind: str
    subject: str
    community: int
    content: str
    grid: int | None = None
    raised_by_name: str = ""
    raised_by_contact: str = ""
    anonymous: bool = False
    due_at: dt.datetime | None = None
    evidence: str = ""


class SupervisionRecordUpdate(msgspec.Struct, kw_only=True):
    """Editable facts; status and answer change only through move/answer."""

    kind: str | msgspec.UnsetType = msgspec.UNSET
    subject: str | msgspec.UnsetType = msgspec.UNSET
    community: int | msgspec.UnsetType = msgspec.UNSET
    content: str | msgspec.UnsetType = msgspec.UNSET
    grid: int | msgspec.UnsetType | None = msgspec.UNSET
    raised_by_name: str | msgspec.UnsetType = msgspec.UNSET
    raised_by_contact: str | msgspec.UnsetType = msgspec.UNSET
    anonymous: bool | msgspec.UnsetType = msgspec.UNSET
    due_at: dt.datetime | msgspec.UnsetType | None = msgspec.UNSET
    public: bool | msgspec.UnsetType = msgspec.UNSET
    evidence: str | msgspec.UnsetType = msgspec.UNSET
