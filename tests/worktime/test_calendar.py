"""Working-time arithmetic against hand-worked cases (periods 08:30–12:00, 14:00–17:30)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from app.errors import ValidationFailed
from app.worktime.calendar import calendar_of, load_calendar, parse_periods
from tables.jobs import RestDay
from tables.worktime import WorkCalendarDay

SHANGHAI = ZoneInfo("Asia/Shanghai")
NATIONAL_DAY = {dt.date(2026, 10, d) for d in range(1, 8)}  # Thu 1 … Wed 7 October
MAKE_UP_SATURDAY = dt.date(2026, 10, 10)
CAL = calendar_of(holidays=NATIONAL_DAY, make_up_days={MAKE_UP_SATURDAY})


def at(
    day: int, hour: int, minute: int = 0, month: int = 10, zone: ZoneInfo = SHANGHAI
) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=zone)


def test_a_working_day_is_seven_hours() -> None:
    assert CAL.minutes_per_day == 420


def test_a_deadline_crossing_the_lunch_break_resumes_at_two() -> None:
    # Mon 12 Oct 11:00 + 2 h: one hour before lunch, one after 14:00.
    assert CAL.add_working_time(at(12, 11), hours=2) == at(12, 15)
    assert CAL.working_minutes_between(at(12, 11), at(12, 15)) == 120


def test_a_limit_ending_at_noon_ends_at_noon_not_at_two() -> None:
    assert CAL.add_working_time(at(12, 9), hours=3) == at(12, 12)


def test_a_deadline_crossing_a_weekend_skips_saturday_and_sunday() -> None:
    # Fri 16 Oct 16:30 + 2 h: 16:30–17:30 on Friday, 08:30–09:30 on Monday.
    assert CAL.add_working_time(at(16, 16, 30), hours=2) == at(19, 9, 30)
    assert CAL.working_minutes_between(at(16, 16, 30), at(19, 9, 30)) == 120


def test_a_statutory_holiday_does_not_count() -> None:
    # Wed 30 Sep 17:00 + 1 working day (420 min): 30 min on the 30th, the holiday week off,
    # then Thu 8 Oct 08:30–12:00 (210) and 14:00–17:00 (180).
    assert CAL.add_working_time(at(30, 17, month=9), days=1) == at(8, 17)


def test_a_make_up_saturday_is_a_working_day() -> None:
    # Fri 9 Oct 17:00 + 2 h: 30 min on Friday, 90 min on the 调休 Saturday morning.
    assert CAL.add_working_time(at(9, 17), hours=2) == at(10, 10)
    plain = calendar_of()
    assert plain.add_working_time(at(9, 17), hours=2) == at(12, 10)


def test_an_item_created_outside_working_hours_starts_the_next_working_morning() -> None:
    assert CAL.add_working_time(at(13, 20), hours=1) == at(14, 9, 30)  # Tue evening
    assert CAL.add_working_time(at(18, 10), hours=0.5) == at(19, 9)  # Sunday
    assert CAL.add_working_time(at(13, 12, 30), hours=1) == at(13, 15)  # lunch break
    assert CAL.working_minutes_between(at(13, 20), at(14, 8)) == 0


def test_moments_in_other_time_zones_are_the_same_instants() -> None:
    # 01:00 UTC is 09:00 in Shanghai: + 3 h ends at 12:00 Shanghai = 04:00 UTC.
    start = dt.datetime(2026, 10, 13, 1, 0, tzinfo=dt.UTC)
    due = CAL.add_working_time(start, hours=3)
    assert due == dt.datetime(2026, 10, 13, 4, 0, tzinfo=dt.UTC)
    assert due.utcoffset() == dt.timedelta(hours=8)
    # A Berlin working day across the end of summer time (Sun 25 Oct): Fri 17:00 CEST + 1 h
    # is Mon 09:00 CET, 08:00 UTC.
    berlin = ZoneInfo("Europe/Berlin")
    cal = calendar_of(zone=berlin)
    assert cal.add_working_time(at(23, 17, zone=berlin), hours=1) == dt.datetime(
        2026, 10, 26, 8, 0, tzinfo=dt.UTC
    )


def test_naive_moments_are_local_time() -> None:
    assert CAL.add_working_time(dt.datetime(2026, 10, 12, 11), hours=2) == at(12, 15)


def test_between_is_signed_and_the_inverse_of_adding() -> None:
    start = at(9, 10, 15)
    for minutes in (1, 59, 420, 1000, 5000):
        end = CAL.add_working_minutes(start, minutes)
        assert CAL.working_minutes_between(start, end) == minutes
        assert CAL.working_minutes_between(end, start) == -minutes


def test_bad_input_is_refused_naming_the_field() -> None:
    with pytest.raises(ValidationFailed) as negative:
        CAL.add_working_minutes(at(12, 9), -5)
    assert negative.value.field == "minutes"
    with pytest.raises(ValidationFailed) as both:
        CAL.add_working_time(at(12, 9), hours=1, days=1)
    assert both.value.field == "hours"
    with pytest.raises(ValidationFailed) as periods:
        parse_periods("14:00-12:00")
    assert periods.value.field == "WORKING_PERIODS"
    with pytest.raises(ValidationFailed):
        parse_periods("08:30-12:00,11:00-17:30")


async def test_the_stored_calendar_uses_rest_days_holidays_and_make_up_days() -> None:
    await RestDay.insert(RestDay(day=dt.date(2026, 10, 13), name="区休息日")).run()
    await WorkCalendarDay.insert(
        WorkCalendarDay(day=dt.date(2026, 10, 14), kind="holiday", name="假日"),
        WorkCalendarDay(day=dt.date(2026, 10, 17), kind="make_up_workday", name="调休"),
    ).run()
    cal = await load_calendar(since=dt.date(2026, 10, 1))
    # Mon 12 Oct 17:00 + 1 h: Tue (rest day) and Wed (holiday) are skipped.
    assert cal.add_working_time(at(12, 17), hours=1) == at(15, 9)
    assert cal.is_working_day(dt.date(2026, 10, 17))
    assert not cal.is_working_day(dt.date(2026, 10, 18))
