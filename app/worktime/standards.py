"""Time-limit standards (时限标准) and the holiday calendar: validated once, here.

A street official keeps their street's standards; the district default (no street) and the
calendar of statutory holidays and make-up working days are kept by superusers (row-level
security holds the same line).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from app.crud import changes_of, create_with, ensure_unique, get_row, update_with
from app.errors import ValidationFailed
from app.validation import check_choice, check_text
from app.worktime.schemas import (
    TimeLimitStandardCreate,
    TimeLimitStandardUpdate,
    WorkCalendarDayCreate,
)
from tables.areas import Street
from tables.choices import CalendarDayKind, TimeLimitUnit, WorkCategory, WorkPriority, WorkStage
from tables.worktime import TimeLimitStandard, WorkCalendarDay

MAX_AMOUNT = {TimeLimitUnit.hours: 2000, TimeLimitUnit.days: 365}


def check_limit(amount: Any, unit: Any) -> tuple[int, str]:
    """A positive whole number of working hours or days, within a sane maximum."""
    unit = check_choice(unit or TimeLimitUnit.days, TimeLimitUnit, "unit")
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise ValidationFailed("must be a whole number", field="amount")
    if amount <= 0:
        raise ValidationFailed("must be more than 0", field="amount")
    if amount > MAX_AMOUNT[TimeLimitUnit(unit)]:
        raise ValidationFailed(
            f"must be at most {MAX_AMOUNT[TimeLimitUnit(unit)]} working {unit}", field="amount"
        )
    return amount, unit


async def clean_time_limit_standard(
    values: dict[str, Any], current: dict[str, Any] | None
) -> dict[str, Any]:
    """One limit per street (or district default), category, stage and urgency level."""
    street = values.get("street")
    if current is not None:
        for fixed in ("street", "category", "stage", "priority"):
            if values.get(fixed) != current[fixed]:
                raise ValidationFailed(f"{fixed} cannot change; add a new standard", field=fixed)
    if street is not None:
        street = (await get_row(Street, street, field="street"))["id"]
    amount, unit = check_limit(values.get("amount"), values.get("unit"))
    cleaned = {
        "street": street,
        "category": check_choice(values.get("category"), WorkCategory, "category"),
        "stage": check_choice(values.get("stage"), WorkStage, "stage"),
        "priority": check_choice(
            values.get("priority") or WorkPriority.normal, WorkPriority, "priority"
        ),
        "amount": amount,
        "unit": unit,
        "note": check_text(values.get("note"), "note", 200, required=False),
    }
    if current is None:
        query_street = TimeLimitStandard.street.is_null() if street is None else None
        exists = TimeLimitStandard.exists().where(
            TimeLimitStandard.category == cleaned["category"],
            TimeLimitStandard.stage == cleaned["stage"],
            TimeLimitStandard.priority == cleaned["priority"],
            query_street if query_street is not None else TimeLimitStandard.street == street,
        )
        if await exists.run():
            raise ValidationFailed(
                "a standard for this place, category, stage and level exists already; change it",
                field="stage",
            )
    return cleaned


async def create_time_limit_standard(
    data: TimeLimitStandardCreate, actor_id: int | None = None
) -> dict[str, Any]:
    """Set a stage's limit for a category and level (a street's own, or the district's)."""
    return await create_with(
        TimeLimitStandard, clean_time_limit_standard, changes_of(data), actor_id
    )


async def update_time_limit_standard(
    standard_id: int, data: TimeLimitStandardUpdate, actor_id: int | None = None
) -> dict[str, Any]:
    """Change a limit; stages entered from now on get it (running deadlines stay)."""
    return await update_with(
        TimeLimitStandard, clean_time_limit_standard, standard_id, changes_of(data), actor_id
    )


def _date(value: Any) -> dt.date:
    """A date, or its text ("2026-10-01", or a spreadsheet's "2026-10-01 00:00:00")."""
    if isinstance(value, str):
        text = value.strip()
        try:
            return (
                dt.datetime.fromisoformat(text).date()
                if " " in text
                else dt.date.fromisoformat(text)
            )
        except ValueError:
            raise ValidationFailed("must be a date like 2026-10-01", field="day") from None
    if isinstance(value, dt.datetime):
        return value.date()
    if not isinstance(value, dt.date):
        raise ValidationFailed("must be a date like 2026-10-01", field="day")
    return value


async def clean_work_calendar_day(
    values: dict[str, Any], current: dict[str, Any] | None
) -> dict[str, Any]:
    """A date listed once, as a statutory holiday or a make-up working day (调休)."""
    day = _date(values.get("day"))
    await ensure_unique(
        WorkCalendarDay, current, "day", f"{day.isoformat()} is already in the calendar", day=day
    )
    kind = check_choice(values.get("kind"), CalendarDayKind, "kind")
    if kind == CalendarDayKind.make_up_workday and day.weekday() < 5:
        raise ValidationFailed(
            f"{day.isoformat()} is a weekday: only a Saturday or Sunday can be a make-up day",
            field="kind",
        )
    return {
        "day": day,
        "kind": kind,
        "name": check_text(values.get("name"), "name", 100, required=False),
    }


async def create_work_calendar_day(
    data: WorkCalendarDayCreate, actor_id: int | None = None
) -> dict[str, Any]:
    """List a statutory holiday or a make-up working day."""
    return await create_with(WorkCalendarDay, clean_work_calendar_day, changes_of(data), actor_id)
