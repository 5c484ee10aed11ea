"""When jobs run: schedules street officials edit, and the Taskiq schedule source reading them.

The scheduler re-reads the schedule table every 30 seconds (`--update-interval 30`, and the
in-process loop), so a changed time takes effect within a minute without restarting anything.
A job with no district-wide row runs at its default time (reminders 10:00 and 15:00 in
TIMEZONE); a street with reminder rows of its own uses only those. Rest days (RestDay) have
no check-in duty.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from taskiq import ScheduledTask, ScheduleSource

from app.crud import changes_of, create_with, ensure_unique, get_row, update_with
from app.errors import ValidationFailed
from app.jobs.common import fetch, parse_time_of_day, utc_now
from app.jobs.schemas import (
    JobScheduleCreate,
    JobScheduleUpdate,
    RestDayCreate,
    RestDayUpdate,
)
from app.settings import settings
from app.validation import check_choice, check_text
from tables.areas import Street
from tables.jobs import JobKind, JobSchedule, RestDay

logger = logging.getLogger(__name__)

TASK_NAMES: dict[str, str] = {
    JobKind.check_in_reminder: "grid.check_in_reminders",
    JobKind.overdue_escalation: "grid.escalate_overdue",
    JobKind.daily_rollup: "grid.daily_rollup",
    JobKind.monthly_rollup: "grid.monthly_rollup",
    JobKind.webhook_delivery: "grid.deliver_webhooks",
}
ROLLUP_TASK = "grid.rollup"

# (job, time of day, every N minutes) for jobs that have no district-wide row of their own.
DEFAULT_SCHEDULES: tuple[tuple[JobKind, dt.time | None, int | None], ...] = (
    (JobKind.check_in_reminder, dt.time(10, 0), None),
    (JobKind.check_in_reminder, dt.time(15, 0), None),
    (JobKind.overdue_escalation, None, 10),
    (JobKind.daily_rollup, dt.time(1, 0), None),
    (JobKind.monthly_rollup, dt.time(2, 0), None),
    (JobKind.webhook_delivery, None, 1),
)

# ---------------------------------------------------------------- job schedules


async def clean_job_schedule(
    values: dict[str, Any], current: dict[str, Any] | None
) -> dict[str, Any]:
    """A known job with either a whole-minute local time or an interval; streets only for
    check-in reminders; one row per job, street and timing."""
    job = check_choice(values.get("job"), JobKind, "job")
    at_time, every = values.get("at_time"), values.get("every_minutes")
    if (at_time is None) == (every is None):
        raise ValidationFailed(
            "give a time of day or an interval in minutes, not both", field="at_time"
        )
    if at_time is not None:
        at_time = parse_time_of_day(at_time)
    if every is not None and (
        isinstance(every, bool) or not isinstance(every, int) or not 1 <= every <= 1440
    ):
        raise ValidationFailed(
            "must be a whole number of minutes from 1 to 1440", field="every_minutes"
        )
    street = values.get("street")
    if street is not None:
        if job != JobKind.check_in_reminder:
            raise ValidationFailed("only check-in reminders are set per street", field="street")
        street = (await get_row(Street, street, field="street"))["id"]
    await ensure_unique(
        JobSchedule,
        current,
        "at_time" if at_time is not None else "every_minutes",
        "this job already runs at that time",
        job=job,
        street=street,
        at_time=at_time,
        every_minutes=every,
    )
    return {
        "job": job,
        "street": street,
        "at_time": at_time,
        "every_minutes": every,
        "enabled": bool(values.get("enabled", True)),
        "note": check_text(values.get("note"), "note", max_length=200, required=False),
        "updated_at": utc_now(),
    }


async def create_job_schedule(
    data: JobScheduleCreate, actor_id: int | None = None
) -> dict[str, Any]:
    """Add a time at which a job runs (the scheduler sees it within a minute)."""
    return await create_with(JobSchedule, clean_job_schedule, changes_of(data), actor_id)


async def update_job_schedule(
    schedule_id: int, data: JobScheduleUpdate, actor_id: int | None = None
) -> dict[str, Any]:
    """Change when a job runs, or switch it off (the scheduler sees it within a minute)."""
    return await update_with(
        JobSchedule, clean_job_schedule, schedule_id, changes_of(data), actor_id
    )


async def ensure_default_schedules() -> int:
    """Write the default schedule rows of jobs without district-wide rows, so officials see
    and edit them in the admin; returns how many were added (0 on every later call)."""
    jobs = [job.value for job, _, _ in DEFAULT_SCHEDULES]
    times = [at for _, at, _ in DEFAULT_SCHEDULES]
    intervals = [every for _, _, every in DEFAULT_SCHEDULES]
    rows = await fetch(
        """
        INSERT INTO job_schedule (job, street, at_time, every_minutes, enabled, note, updated_at)
        SELECT d.job, NULL, d.at_time, d.every_minutes, true, '默认 default', $4::timestamptz
        FROM unnest($1::text[], $2::time[], $3::int[]) AS d(job, at_time, every_minutes)
        WHERE NOT EXISTS (
            SELECT 1 FROM job_schedule j WHERE j.job = d.job AND j.street IS NULL)
        ON CONFLICT DO NOTHING
        RETURNING id
        """,
        jobs,
        times,
        intervals,
        utc_now(),
        lock="job_schedule:defaults",
    )
    return len(rows)


async def effective_schedules() -> list[dict[str, Any]]:
    """Every schedule row, plus the defaults of jobs that have no district-wide row."""
    rows = await JobSchedule.select().order_by(JobSchedule._meta.primary_key).run()
    configured = {row["job"] for row in rows if row["street"] is None}
    defaults = [
        {
            "id": None,
            "job": job.value,
            "street": None,
            "at_time": at,
            "every_minutes": every,
            "enabled": True,
        }
        for job, at, every in DEFAULT_SCHEDULES
        if job not in configured
    ]
    return [*rows, *defaults]


def scheduled_task(row: dict[str, Any]) -> ScheduledTask:
    """The Taskiq schedule of one row: a cron in TIMEZONE, or an interval.

    The schedule id carries the timing, so a changed time is a new schedule to the scheduler.
    """
    job, at, every, street = row["job"], row["at_time"], row["every_minutes"], row["street"]
    timing = f"{at:%H:%M}" if at is not None else f"every{every}m"
    origin = f"db{row['id']}" if row["id"] is not None else "default"
    kwargs: dict[str, Any] = {}
    if job == JobKind.check_in_reminder:
        kwargs = {"at": f"{at:%H:%M}", "street_id": street}
    common: dict[str, Any] = {
        "task_name": TASK_NAMES[job],
        "labels": {"job": job},
        "args": [],
        "kwargs": kwargs,
        "schedule_id": f"{origin}:{job}:{street or 'all'}:{timing}",
    }
    if at is not None:
        day_of_month = "1" if job == JobKind.monthly_rollup else "*"
        return ScheduledTask(
            **common,
            cron=f"{at.minute} {at.hour} {day_of_month} * *",
            cron_offset=settings.timezone_name,
        )
    return ScheduledTask(**common, interval=dt.timedelta(minutes=every))


class DatabaseScheduleSource(ScheduleSource):
    """Taskiq schedule source reading JobSchedule (re-read at every scheduler update)."""

    async def startup(self) -> None:
        try:
            added = await ensure_default_schedules()
        except Exception:  # the scheduler keeps running on the defaults in code
            logger.exception("could not write the default job schedules")
        else:
            if added:
                logger.info("wrote %d default job schedules", added)

    async def get_schedules(self) -> list[ScheduledTask]:
        return [scheduled_task(row) for row in await effective_schedules() if row["enabled"]]

    def pre_send(self, task: ScheduledTask) -> None:
        # The run stands for the moment it fired, even if a worker picks it up later.
        task.kwargs["fired_at"] = utc_now().isoformat()


# ---------------------------------------------------------------- rest days


async def clean_rest_day(values: dict[str, Any], current: dict[str, Any] | None) -> dict[str, Any]:
    """A date not yet listed, with an optional name."""
    day = values.get("day")
    if not isinstance(day, dt.date) or isinstance(day, dt.datetime):
        raise ValidationFailed("must be a date", field="day")
    await ensure_unique(
        RestDay, current, "day", f"{day.isoformat()} is already a rest day", day=day
    )
    return {"day": day, "name": check_text(values.get("name"), "name", 100, required=False)}


async def create_rest_day(data: RestDayCreate, actor_id: int | None = None) -> dict[str, Any]:
    """Declare a rest day: no check-in duty, no reminders, not counted in rates."""
    return await create_with(RestDay, clean_rest_day, changes_of(data), actor_id)


async def update_rest_day(
    rest_day_id: int, data: RestDayUpdate, actor_id: int | None = None
) -> dict[str, Any]:
    """Change a rest day."""
    return await update_with(RestDay, clean_rest_day, rest_day_id, changes_of(data), actor_id)
