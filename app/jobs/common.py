"""What the jobs share: local time, the moment a run stands for, and set-based SQL in one
transaction."""

from __future__ import annotations

import datetime as dt
from typing import Any

import asyncpg

from app.db import write_transaction
from app.errors import ValidationFailed


def utc_now() -> dt.datetime:
    """Now, timezone-aware (UTC)."""
    return dt.datetime.now(dt.UTC)


def fired_moment(fired_at: str | dt.datetime | None) -> dt.datetime:
    """The moment a scheduled run stands for: when the scheduler fired it, else now.

    A task redelivered after midnight still works on the day it was fired for.
    """
    if fired_at is None:
        return utc_now()
    moment = fired_at if isinstance(fired_at, dt.datetime) else dt.datetime.fromisoformat(fired_at)
    if moment.tzinfo is None:
        raise ValidationFailed("must carry a time zone offset", field="fired_at")
    return moment


def parse_time_of_day(value: Any, field: str = "at_time") -> dt.time:
    """A wall-clock time given as a time or "HH:MM", whole minutes only."""
    if isinstance(value, str):
        try:
            value = dt.time.fromisoformat(value)
        except ValueError:
            raise ValidationFailed("must be a time like 10:00", field=field) from None
    if not isinstance(value, dt.time):
        raise ValidationFailed("must be a time like 10:00", field=field)
    if value.second or value.microsecond or value.tzinfo is not None:
        raise ValidationFailed("must be whole minutes in local time, like 10:00", field=field)
    return value


async def fetch(
    sql: str,
    *args: Any,
    lock: str | None = None,
    options: dict[str, str] | None = None,
    actor_id: int | None = None,
) -> list[asyncpg.Record]:
    """Run one statement in its own transaction and return its rows.

    With `lock`, the transaction first takes the advisory lock of that name, so two runs of
    the same job and key wait for each other instead of racing. `options` are planner
    settings for this transaction only (SET LOCAL). `actor_id` is who asked (audit trail);
    scheduled runs have none.
    """
    async with write_transaction(actor_id) as transaction:
        connection = transaction.connection
        for name, value in (options or {}).items():
            await connection.execute("SELECT set_config($1, $2, true)", name, value)
        if lock is not None:
            await connection.execute("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", lock)
        return list(await connection.fetch(sql, *args))
