"""The working-time calendar: which moments are working time, and arithmetic on them.

A working day runs in the periods of `settings.working_periods` (default 08:30–12:00 and
14:00–17:30) in TIMEZONE. Monday to Friday are working days unless they are a rest day
(休息日, RestDay) or a statutory holiday (WorkCalendarDay kind holiday); a Saturday or Sunday is
one only when it is a make-up working day (调休, WorkCalendarDay kind make_up_workday), which
also wins over a rest day listed for it.

`WorkCalendar` is pure (no database): the loaded days plus the periods, so every deadline can
be worked out and tested by hand. `load_calendar` reads the days from the database once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from app.errors import ValidationFailed
from app.settings import settings
from tables.choices import CalendarDayKind, TimeLimitUnit

# A calendar that never reaches the end of a limit within this many days is broken (e.g. no
# working days loaded for years): refuse rather than loop.
HORIZON_DAYS = 3660

Period = tuple[dt.time, dt.time]


def parse_periods(text: str) -> tuple[Period, ...]:
    """ "08:30-12:00,14:00-17:30" → ordered, non-overlapping periods of a working day."""
    periods: list[Period] = []
    try:
        for part in text.split(","):
            start, end = (dt.time.fromisoformat(p.strip()) for p in part.split("-"))
            periods.append((start, end))
    except ValueError:
        raise ValidationFailed(
            f"{text!r} is not like 08:30-12:00,14:00-17:30", field="WORKING_PERIODS"
        ) from None
    for (start, end), later in zip(periods, [*periods[1:], None], strict=True):
        if not start < end or (later is not None and later[0] < end):
            raise ValidationFailed(
                f"{text!r}: periods must be ordered and must not overlap", field="WORKING_PERIODS"
            )
    return tuple(periods)


@dataclass(frozen=True)
class WorkCalendar:
    """Working days and hours; every method is pure."""

    zone: ZoneInfo
    periods: tuple[Period, ...]
    rest_days: frozenset[dt.date] = frozenset()  # RestDay rows and statutory holidays
    make_up_days: frozenset[dt.date] = frozenset()  # 调休: weekend days that are working days

    @property
    def minutes_per_day(self) -> int:
        """Working minutes of one working day (420 with the default periods)."""
        return sum(_minutes(start, end) for start, end in self.periods)

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.make_up_days:
            return True
        return day.weekday() < 5 and day not in self.rest_days

    def minutes_of(self, amount: int, unit: str) -> int:
        """A limit in working hours or working days, as working minutes."""
        if unit == TimeLimitUnit.hours:
            return amount * 60
        if unit == TimeLimitUnit.days:
            return amount * self.minutes_per_day
        raise ValidationFailed(f"{unit!r} is not hours or days", field="unit")

    def _intervals(self, start_day: dt.date) -> Iterator[tuple[dt.datetime, dt.datetime]]:
        """Working intervals (aware, local) from `start_day` on, in order."""
        for offset in range(HORIZON_DAYS):
            day = start_day + dt.timedelta(days=offset)
            if self.is_working_day(day):
                for start, end in self.periods:
                    yield (
                        dt.datetime.combine(day, start, self.zone),
                        dt.datetime.combine(day, end, self.zone),
                    )
        raise ValidationFailed(
            f"no working time within {HORIZON_DAYS} days of {start_day}", field="calendar"
        )

    def add_working_minutes(self, start: dt.datetime, minutes: int) -> dt.datetime:
        """The moment `minutes` of working time after `start`.

        Time outside working hours does not count: a limit that starts in the evening starts
        the next working morning, and one that ends exactly at a period's end ends there
        (12:00, not 14:00).
        """
        if minutes < 0:
            raise ValidationFailed("must not be negative", field="minutes")
        local = _aware(start).astimezone(self.zone)
        if minutes == 0:
            return local
        remaining = dt.timedelta(minutes=minutes)
        for period_start, period_end in self._intervals(local.date()):
            if period_end <= local:
                continue
            begin = max(local, period_start)
            available = period_end - begin
            if remaining <= available:
                return begin + remaining
            remaining -= available
        raise AssertionError("unreachable: _intervals raises at its horizon")

    def add_working_time(
        self, start: dt.datetime, hours: float | None = None, days: float | None = None
    ) -> dt.datetime:
        """`start` plus working hours or working days (a working day = the day's minutes)."""
        if (hours is None) == (days is None):
            raise ValidationFailed("give hours or days, not both", field="hours")
        if hours is not None:
            minutes = round(hours * 60)
        else:
            minutes = round((days or 0) * self.minutes_per_day)
        return self.add_working_minutes(start, minutes)

    def working_minutes_between(self, a: dt.datetime, b: dt.datetime) -> int:
        """Whole working minutes from `a` to `b` (negative when `b` is before `a`)."""
        a, b = _aware(a), _aware(b)
        if b < a:
            return -self.working_minutes_between(b, a)
        total = dt.timedelta()
        day = a.astimezone(self.zone).date()
        last = b.astimezone(self.zone).date()
        while day <= last:
            if self.is_working_day(day):
                for start, end in self.periods:
                    lo = max(a, dt.datetime.combine(day, start, self.zone))
                    hi = min(b, dt.datetime.combine(day, end, self.zone))
                    if hi > lo:
                        total += hi - lo
            day += dt.timedelta(days=1)
        return int(total.total_seconds() // 60)


def _minutes(start: dt.time, end: dt.time) -> int:
    return (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)


def _aware(moment: dt.datetime) -> dt.datetime:
    """Naive moments are local time in TIMEZONE (as everywhere in the app)."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=settings.timezone)


def calendar_of(
    rest_days: set[dt.date] | frozenset[dt.date] = frozenset(),
    holidays: set[dt.date] | frozenset[dt.date] = frozenset(),
    make_up_days: set[dt.date] | frozenset[dt.date] = frozenset(),
    periods: str | None = None,
    zone: ZoneInfo | None = None,
) -> WorkCalendar:
    """A calendar from days and the configured (or given) working periods."""
    return WorkCalendar(
        zone=zone or settings.timezone,
        periods=parse_periods(periods or settings.working_periods),
        rest_days=frozenset(rest_days) | frozenset(holidays),
        make_up_days=frozenset(make_up_days),
    )


# From a day on, or all (a NULL day); the day is given twice.
_REST_DAYS = "SELECT day FROM rest_day WHERE {}::date IS NULL OR day >= {}::date"
_CALENDAR_DAYS = "SELECT day, kind FROM work_calendar_day WHERE {}::date IS NULL OR day >= {}::date"


async def load_calendar(since: dt.date | None = None) -> WorkCalendar:
    """The calendar as stored: rest days, holidays and make-up days from `since` on (all when
    None). Two small reads (plain statements, as app.crud's); call once per request or job
    run, not per item."""
    from app.crud import fetch_rows
    from tables.jobs import RestDay
    from tables.worktime import WorkCalendarDay

    rest_rows = await fetch_rows(RestDay, _REST_DAYS, since, since)
    day_rows = await fetch_rows(WorkCalendarDay, _CALENDAR_DAYS, since, since)
    return calendar_of(
        rest_days={row["day"] for row in rest_rows},
        holidays={row["day"] for row in day_rows if row["kind"] == CalendarDayKind.holiday},
        make_up_days={
            row["day"] for row in day_rows if row["kind"] == CalendarDayKind.make_up_workday
        },
    )
