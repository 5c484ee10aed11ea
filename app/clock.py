"""Time as the platform sees it: instants in UTC, days in the deployment's time zone."""

from __future__ import annotations

import datetime as dt

from app.settings import settings


def utc_now() -> dt.datetime:
    """The current instant, timezone-aware."""
    return dt.datetime.now(dt.UTC)


def local_date_of(moment: dt.datetime) -> dt.date:
    """The calendar day of `moment` in the deployment's time zone (settings.timezone)."""
    return moment.astimezone(settings.timezone).date()


def local_today() -> dt.date:
    """Today in the deployment's time zone."""
    return local_date_of(utc_now())
