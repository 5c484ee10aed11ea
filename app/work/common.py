"""The clocks the work services read: now as an instant, today where the platform runs."""

from __future__ import annotations

import datetime as dt

from app.settings import settings


def utc_now() -> dt.datetime:
    """The current instant, timezone-aware."""
    return dt.datetime.now(dt.UTC)


def local_today() -> dt.date:
    """Today's date where the platform runs (settings.timezone)."""
    return dt.datetime.now(settings.timezone).date()
