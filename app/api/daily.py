"""Check-ins and the diary of people's feelings (民情日记)."""

from __future__ import annotations

import datetime as dt

from app.api.pagination import by_code, date_range, equals, street_code
from app.api.resources import Resource, plain_delete
from app.daily import schemas, services
from tables.choices import DiaryCategory
from tables.daily import CheckIn, DiaryEntry

CHECK_INS = Resource(
    path="check-ins",
    table=CheckIn,
    output=schemas.CheckIn,
    noun="check-in",
    sort=("at", "local_date", "id"),
    default_sort="-at",
    filters=[
        equals("staff", int, "staff member id"),
        by_code("grid", "responsibility_grid"),
        by_code("community", "community"),
        street_code(),
        equals("counted", bool, "counted: inside the grid and the first of the day"),
        *date_range("local_date", dt.date),
        *date_range("at"),
    ],
    create=(schemas.CheckInCreate, services.check_in),
    update=(schemas.CheckInUpdate, services.update_check_in),
    description=(
        "签到 Check-ins. Only a staff member assigned to the grid checks in; it counts when"
        " inside the grid boundary and the first counted one of that staff, grid and local day."
        " Where and when are evidence and never change; only note and photo can."
    ),
)

DIARY_ENTRIES = Resource(
    path="diary-entries",
    table=DiaryEntry,
    output=schemas.DiaryEntry,
    noun="diary entry",
    sort=("created_at", "follow_up_due", "id"),
    default_sort="-created_at",
    filters=[
        equals("staff", int, "staff member id"),
        by_code("grid", "responsibility_grid"),
        by_code("community", "community"),
        street_code(),
        equals("category", DiaryCategory, "kind of work recorded"),
        *date_range("follow_up_due", dt.date),
        *date_range("created_at"),
    ],
    create=(schemas.DiaryEntryCreate, services.create_diary_entry),
    update=(schemas.DiaryEntryUpdate, services.update_diary_entry),
    delete=plain_delete(DiaryEntry),
    description="民情日记 What grid workers saw and heard from residents, with follow-ups.",
)

RESOURCES = [CHECK_INS, DIARY_ENTRIES]
