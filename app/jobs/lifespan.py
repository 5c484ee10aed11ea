"""Jobs inside the web app: the broker for sending tasks, and — without REDIS_URL — the
scheduler loop itself, so `make run` reminds and rolls up with no other process."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import AsyncIterator
from typing import Any

from taskiq.cli.scheduler.run import SchedulerLoop
from taskiq.scheduler.scheduler import TaskiqScheduler

from app.settings import settings

logger = logging.getLogger(__name__)

SCHEDULE_UPDATE_INTERVAL = dt.timedelta(seconds=30)


async def run_scheduler_in_process(
    scheduler: TaskiqScheduler, update_interval: dt.timedelta = SCHEDULE_UPDATE_INTERVAL
) -> None:
    """Run the scheduler loop until cancelled (what `taskiq scheduler` does, in-process).

    Schedules are re-read every `update_interval`; a crash of the loop is logged and the
    loop restarted, so one bad row cannot stop reminders for good.
    """
    for source in scheduler.sources:
        await source.startup()
    try:
        while True:
            try:
                await SchedulerLoop(scheduler).run(update_interval=update_interval)
            except Exception:
                logger.exception("scheduler loop failed; restarting in 5 s")
                await asyncio.sleep(5)
    finally:
        for source in scheduler.sources:
            await source.shutdown()


@contextlib.asynccontextmanager
async def jobs_lifespan(app: Any) -> AsyncIterator[None]:
    """Litestar lifespan (after the database pool): start the broker; without REDIS_URL
    also run the scheduler in this process. Stops both on shutdown."""
    import app.jobs.tasks  # noqa: F401  (importing the tasks registers them with the broker)
    from app.worker import broker, scheduler

    await broker.startup()
    loop_task: asyncio.Task[None] | None = None
    if not settings.redis_url:
        loop_task = asyncio.create_task(run_scheduler_in_process(scheduler))
    try:
        yield
    finally:
        if loop_task is not None:
            loop_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await loop_task
        await broker.shutdown()
