"""Check-ins and diary entries as they enter and leave the services."""

from __future__ import annotations

import datetime as dt

import msgspec


class CheckIn(msgspec.Struct, kw_only=True):
    id: int
    staff: int
    grid: int
    community: int
    at: dt.datetime
    local_date: dt.date
    latitude: float
    longitude: float
    inside_grid: bool
    counted: bool
    note: str
    photo: str
    accuracy: float | None = None
    device_time: dt.datetime | None = None
    received_at: dt.datetime | None = None
    synced_late: bool = False


class CheckInCreate(msgspec.Struct, kw_only=True):
    staff: int
    grid: int
    latitude: float
    longitude: float
    at: dt.datetime | None = None
    note: str = ""
    photo: str = ""
    # From the phone app (app/field): position accuracy in metres, the phone's own time, and
    # whether it was queued offline and sent later.
    accuracy: float | None = None
    device_time: dt.datetime | None = None
    synced_late: bool = False


class CheckInUpdate(msgspec.Struct, kw_only=True):
    """Only the note and photo of a check-in can change: where and when are evidence."""

    note: str | msgspec.UnsetType = msgspec.UNSET
    photo: str | msgspec.UnsetType = msgspec.UNSET


class DiaryEntry(msgspec.Struct, kw_only=True):
    id: int
    staff: int
    grid: int
    community: int
    household: int | None
    category: str
    content: str
    follow_up_due: dt.date | None
    work_item: int | None
    created_at: dt.datetime


class DiaryEntryCreate(msgspec.Struct, kw_only=True):
    staff: int
    grid: int
    content: str
    category: str = "visit"
    household: int | None = None
    follow_up_due: dt.date | None = None
    work_item: int | None = None


class DiaryEntryUpdate(msgspec.Struct, kw_only=True):
    staff: int | msgspec.UnsetType = msgspec.UNSET
    grid: int | msgspec.UnsetType = msgspec.UNSET
    content: str | msgspec.UnsetType = msgspec.UNSET
    category: str | msgspec.UnsetType = msgspec.UNSET
    household: int | msgspec.UnsetType | None = msgspec.UNSET
    follow_up_due: dt.date | msgspec.UnsetType | None = msgspec.UNSET
    work_item: int | msgspec.UnsetType | None = msgspec.UNSET
