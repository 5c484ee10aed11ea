"""Taskiq tasks: each one calls a service and logs what it did. All are idempotent.

Scheduled runs get `fired_at` from the schedule source (the moment the scheduler fired), so
a task redelivered later still works on the day or period it was fired for.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from typing import Any

import msgspec

from app.daily.services import local_date_of
from app.jobs.common import fired_moment
from app.jobs.escalation import escalate_overdue
from app.jobs.notifiers import deliver_due_webhooks
from app.jobs.reminders import send_check_in_reminders
from app.jobs.rollups import previous_day, previous_month, refresh_month_to_date, rollup_period
from app.jobs.schedules import ROLLUP_TASK, TASK_NAMES
from app.statistics.reminders import send_report_reminders
from app.worker import broker
from tables.jobs import JobKind

logger = logging.getLogger("app.jobs")


def _report(name: str, result: msgspec.Struct) -> dict[str, Any]:
    summary: dict[str, Any] = msgspec.to_builtins(result)
    logger.info("job %s done pid=%d %s", name, os.getpid(), summary)
    return summary


@broker.task(task_name=TASK_NAMES[JobKind.check_in_reminder])
async def check_in_reminders(
    at: str, street_id: int | None = None, fired_at: str | None = None
) -> dict[str, Any]:
    """One check-in reminder round for the day it was fired on."""
    day = local_date_of(fired_moment(fired_at))
    result = await send_check_in_reminders(day, at, street_id)
    # 一表通 requests due soon or late ride on the same round (idempotent per request and day).
    await send_report_reminders(day)
    if result.webhooks_queued:
        await deliver_webhooks.kiq()
    return _report("check_in_reminders", result)


@broker.task(task_name=TASK_NAMES[JobKind.overdue_escalation])
async def escalate(fired_at: str | None = None) -> dict[str, Any]:
    """Mark overdue work and supervision, notify, remind follow-ups."""
    result = await escalate_overdue()
    if result.webhooks_queued:
        await deliver_webhooks.kiq()
    return _report("escalate_overdue", result)


@broker.task(task_name=TASK_NAMES[JobKind.daily_rollup])
async def daily_rollup(fired_at: str | None = None) -> dict[str, Any]:
    """The nightly rollup of the previous local day, then the current month through
    yesterday (logged as month_to_date_rollup)."""
    day = previous_day(fired_moment(fired_at))
    logger.info("job daily_rollup started pid=%d day=%s", os.getpid(), day)
    report = _report("daily_rollup", await rollup_period("day", day))
    month = await refresh_month_to_date()
    if month is not None:
        _report("month_to_date_rollup", month)
    return report


@broker.task(task_name=TASK_NAMES[JobKind.monthly_rollup])
async def monthly_rollup(fired_at: str | None = None) -> dict[str, Any]:
    """The month-end rollup of the previous local month (runs on the 1st)."""
    month = previous_month(fired_moment(fired_at))
    logger.info("job monthly_rollup started pid=%d month=%s", os.getpid(), month)
    return _report("monthly_rollup", await rollup_period("month", month))


@broker.task(task_name=ROLLUP_TASK)
async def rollup(period_kind: str, period_start: str, min_sample: int = 5) -> dict[str, Any]:
    """Re-run one period on request (the admin form sends this)."""
    start = dt.date.fromisoformat(period_start)
    logger.info("job rollup started pid=%d %s %s", os.getpid(), period_kind, start)
    return _report("rollup", await rollup_period(period_kind, start, min_sample))


@broker.task(task_name=TASK_NAMES[JobKind.webhook_delivery])
async def deliver_webhooks(fired_at: str | None = None) -> dict[str, Any]:
    """Send due webhook deliveries and schedule retries."""
    return _report("deliver_webhooks", await deliver_due_webhooks())
