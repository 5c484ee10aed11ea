"""Redis restarted while reminder rounds run: no reminder lost, none doubled.

Two real `taskiq worker` processes take reminder rounds from a private redis-server (append
-only file, as production must run it). The rounds are held mid-way (the reminder table is
locked), Redis is shut down, the rounds finish while it is away, a scheduled round fires
during the outage, and Redis comes back. Afterwards every staff member has exactly one
reminder per round and the gateway received each exactly once.

The worker-killed-mid-rollup case is tests/jobs/test_redis_workers.py (redelivered, rows
complete, not doubled); this module reuses its worker fixtures.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import re
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path

import asyncpg
import pytest
from taskiq import AsyncBroker, ScheduledTask

from app.crud import insert_row
from app.jobs.schedules import DatabaseScheduleSource
from app.worker import build_scheduler
from tables.jobs import WebhookDelivery, WebhookEndpoint
from tables.system import Reminder
from tests.factories import make_staff
from tests.faults.support import PrivateRedis
from tests.jobs.support import WebhookReceiver, clear_of_midnight, world
from tests.jobs.test_redis_workers import (
    Worker,
    client_broker,
    kicker,
    pending,
    start_workers,
    stream,
    wait_until,
)

__all__ = ["client_broker", "start_workers", "stream"]  # fixtures of tests/jobs, reused

STAFF = 40
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
SHANGHAI = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture(scope="module")
def private_redis(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrivateRedis]:
    server = PrivateRedis(tmp_path_factory.mktemp("fault-redis"))
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def redis_url(private_redis: PrivateRedis) -> str:
    """The workers and the senders of this module use the private Redis."""
    return private_redis.url


@pytest.fixture
async def receiver_endpoint() -> AsyncIterator[WebhookReceiver]:
    with WebhookReceiver() as endpoint:
        await insert_row(
            WebhookEndpoint,
            {"name": "短信网关", "url": endpoint.url, "secret": "x" * 32, "events": []},
        )
        yield endpoint


async def staff_to_remind() -> None:
    w = await world()  # wang, li, chen, zhou are workers with grids; others are not reminded
    grids = list(w.tree.grids.values())
    for index in range(STAFF - 4):
        grid = grids[index % len(grids)]
        community = next(c for c in w.tree.communities.values() if c["id"] == grid["community"])
        await make_staff(f"worker{index:02d}", community=community, grids=[grid])


async def reminders_by_slot() -> dict[str, list[int]]:
    rows = await Reminder.select(Reminder.slot, Reminder.staff).run()
    slots: dict[str, list[int]] = {}
    for row in rows:
        slots.setdefault(row["slot"], []).append(row["staff"])
    return slots


def save_log(workers: list[Worker]) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    log = "".join(worker.text() for worker in workers)
    (ARTIFACTS / "fault-redis-restart-workers.log").write_text(log)


def done_rounds(workers: list[Worker]) -> list[str]:
    return [line for w in workers for line in w.done("check_in_reminders")]


async def test_redis_restart_while_reminders_run_loses_and_doubles_nothing(
    private_redis: PrivateRedis,
    client_broker: AsyncBroker,
    start_workers: Callable[[int], Awaitable[list[Worker]]],
    receiver_endpoint: WebhookReceiver,
) -> None:
    try:
        await restart_while_reminding(
            private_redis, client_broker, start_workers, receiver_endpoint
        )
    finally:
        if private_redis.process is None:  # failed mid-outage: later fixtures need Redis
            private_redis.start()


async def restart_while_reminding(
    private_redis: PrivateRedis,
    client_broker: AsyncBroker,
    start_workers: Callable[[int], Awaitable[list[Worker]]],
    receiver_endpoint: WebhookReceiver,
) -> None:
    await staff_to_remind()
    workers = await start_workers(2)
    await clear_of_midnight(dt.timedelta(minutes=3))
    fired = dt.datetime.now(dt.UTC)
    first = fired.astimezone(SHANGHAI).strftime("%H:%M")
    second = (fired + dt.timedelta(minutes=1)).astimezone(SHANGHAI).strftime("%H:%M")

    holder = await asyncpg.connect(dsn=os.environ["DATABASE_URL"])
    try:
        # Hold the rounds mid-way: their INSERT of reminders waits for this lock.
        transaction = holder.transaction()
        await transaction.start()
        await holder.execute("LOCK TABLE reminder IN EXCLUSIVE MODE")
        for _ in range(4):  # both schedulers, a retry, an impatient official
            await kicker("grid.check_in_reminders", client_broker).kiq(
                at=first, fired_at=fired.isoformat()
            )

        async def both_waiting() -> bool:
            rows = await holder.fetch(
                "SELECT 1 FROM pg_locks WHERE relation = 'reminder'::regclass AND NOT granted"
            )
            return len(rows) >= 2

        await wait_until(both_waiting, 20, "the rounds did not reach the reminder table")
        private_redis.stop()  # Redis goes away while the rounds are inside their transactions
        await transaction.commit()  # …and they finish while it is away
    finally:
        await holder.close()

    # The scheduler fires the next round during the outage: it keeps trying to send it.
    scheduler = build_scheduler(client_broker)
    source = DatabaseScheduleSource()
    scheduled = ScheduledTask(
        task_name="grid.check_in_reminders",
        labels={"job": "check_in_reminder"},
        args=[],
        kwargs={"at": second, "street_id": None},
        schedule_id=f"test:{second}",
        cron="* * * * *",
    )
    sending = asyncio.create_task(scheduler.on_ready(source, scheduled))
    await asyncio.sleep(3)
    assert not sending.done(), "the scheduler gave up (or sent) while Redis was down"
    private_redis.start()  # same port, same append-only file
    await asyncio.wait_for(sending, 30)

    async def all_reminded() -> bool:
        slots = await reminders_by_slot()
        return all(len(set(slots.get(f"check_in@{t}", []))) == STAFF for t in (first, second))

    await wait_until(all_reminded, 60, "reminders were lost")
    # Webhooks go out with the every-minute delivery job.
    await kicker("grid.deliver_webhooks", client_broker).kiq()

    async def delivered() -> bool:
        return len(receiver_endpoint.requests) >= 2 * STAFF

    await wait_until(delivered, 60, "webhooks were not delivered")

    async def nothing_pending() -> bool:
        return await pending(private_redis.url) == 0

    await wait_until(nothing_pending, 60, "tasks were left unacknowledged")
    await asyncio.sleep(1.5)  # a late duplicate would show by now
    save_log(workers)

    slots = await reminders_by_slot()
    for at in (first, second):
        staff = slots[f"check_in@{at}"]
        assert len(staff) == len(set(staff)) == STAFF, (at, len(staff))
    assert len(await WebhookDelivery.select().run()) == 2 * STAFF
    ids = [request["json"]["reminder_id"] for request in receiver_endpoint.requests]
    assert len(ids) == len(set(ids)) == 2 * STAFF
    # A round whose worker lost Redis after writing is run again, and writes nothing then.
    created = [
        int(n) for line in done_rounds(workers) for n in re.findall(r"'created': (\d+)", line)
    ]
    assert sum(created) <= 2 * STAFF, created
    for worker in workers:  # the workers waited for Redis instead of dying and respawning
        assert worker.process.poll() is None, worker.text()[-3000:]
        assert "restarted with pid" not in worker.text(), worker.text()[-3000:]
        assert "Redis unreachable" in worker.text()
