"""Real Redis, real `taskiq worker` processes: a reminder round run by two workers creates
each reminder (and each webhook POST) once, and a worker killed with SIGKILL mid-task has
its task redelivered and finished once.

The workers use the test database (DATABASE_URL) and a stream named after it, so runs do
not collide. Their broker is `app.worker:broker` with a short idle timeout for the test
(`grid_test_worker.py` below); everything else is as in production.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import textwrap
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from redis.asyncio import Redis
from taskiq import AsyncBroker
from taskiq.kicker import AsyncKicker

from app.crud import insert_row
from app.jobs.rollups import rollup_lock
from app.worker import build_broker, queue_name
from tables.assessment import EvaluationRollup
from tables.jobs import WebhookDelivery, WebhookEndpoint
from tables.system import Reminder
from tests.factories import make_staff
from tests.jobs.support import WebhookReceiver, clear_of_midnight, world

ROOT = Path(__file__).resolve().parents[2]
TASKIQ = Path(sys.executable).with_name("taskiq")
IDLE_TIMEOUT_MS = 3000
TEST_BROKER = textwrap.dedent(
    f"""
    # The production broker, tuned for a quick test: abandoned tasks are reclaimed after
    # {IDLE_TIMEOUT_MS} ms, and each read takes one message so two workers share a round.
    from app.worker import broker

    broker.idle_timeout = {IDLE_TIMEOUT_MS}
    broker.block = 300
    broker.count = 1
    """
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """TEST_REDIS_URL, else the machine's Redis on 6379, else a private redis-server."""
    import redis

    candidates = [os.environ.get("TEST_REDIS_URL") or "redis://127.0.0.1:6379/0"]
    for url in candidates:
        try:
            redis.Redis.from_url(url, socket_connect_timeout=1).ping()
        except redis.RedisError:
            continue
        yield url
        return
    server = shutil.which("redis-server")
    if server is None:  # `make test` installs it (make system-packages): never a silent skip
        pytest.fail(
            "no Redis reachable (TEST_REDIS_URL or 127.0.0.1:6379) and no redis-server binary:"
            " run `make system-packages` (apt-get install -y redis-server)"
        )
    port = _free_port()
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        cwd=tmp_path_factory.mktemp("redis"),
        stdout=subprocess.DEVNULL,
    )
    try:
        url = f"redis://127.0.0.1:{port}/0"
        for _ in range(50):
            try:
                redis.Redis.from_url(url).ping()
                break
            except redis.RedisError:
                import time

                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


@dataclass
class Worker:
    process: subprocess.Popen[bytes]
    log: Path

    def text(self) -> str:
        return self.log.read_text(errors="replace")

    def done(self, job: str) -> list[str]:
        return re.findall(rf"job {job} done pid=\d+ (.*)", self.text())


@pytest.fixture
async def stream(redis_url: str) -> AsyncIterator[str]:
    """The test run's stream, removed afterwards."""
    name = queue_name()
    yield name
    async with Redis.from_url(redis_url) as redis:
        await redis.delete(name)


@pytest.fixture
async def client_broker(redis_url: str, stream: str) -> AsyncIterator[AsyncBroker]:
    """A broker in this process that only sends (what the scheduler or the app does)."""
    sender = build_broker(redis_url)
    await sender.startup()
    yield sender
    await sender.shutdown()


@pytest.fixture
def start_workers(
    redis_url: str, tmp_path: Path
) -> Iterator[Callable[[int], Awaitable[list[Worker]]]]:
    (tmp_path / "grid_test_worker.py").write_text(TEST_BROKER)
    started: list[Worker] = []
    env = {
        **os.environ,
        "REDIS_URL": redis_url,
        "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT)]),
    }

    def spawn(index: int) -> Worker:
        log = tmp_path / f"worker-{index}.log"
        process = subprocess.Popen(
            [
                str(TASKIQ),
                "worker",
                "grid_test_worker:broker",
                "app.jobs.tasks",
                "--workers",
                "1",
                "--max-async-tasks",
                "1",
                "--max-prefetch",
                "0",
                "--log-level",
                "INFO",
            ],
            cwd=ROOT,
            env=env,
            stdout=log.open("wb"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        return Worker(process, log)

    async def start(count: int) -> list[Worker]:
        started.extend(spawn(index) for index in range(count))

        async def listening() -> bool:
            return all("Listening started." in worker.text() for worker in started)

        await wait_until(listening, 30, "workers did not start")
        return started

    yield start
    for worker in started:  # the whole process group: the manager and its children
        with _ignore_gone():
            os.killpg(worker.process.pid, signal.SIGTERM)
    for worker in started:
        try:
            worker.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with _ignore_gone():
                os.killpg(worker.process.pid, signal.SIGKILL)
            worker.process.wait(timeout=10)


class _ignore_gone:
    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: object, exc: object, tb: object) -> bool:
        return isinstance(exc, ProcessLookupError)


async def pending(redis_url: str) -> int:
    async with Redis.from_url(redis_url) as redis:
        info = await redis.xpending(queue_name(), "grid-workers")
        return int(info["pending"])


def kicker(task_name: str, broker: AsyncBroker) -> AsyncKicker[Any, Any]:
    """Send a task by name, as the scheduler does."""
    return AsyncKicker(task_name, broker, {})


async def wait_until(
    condition: Callable[[], Awaitable[bool]], seconds: float, message: str
) -> None:
    deadline = asyncio.get_running_loop().time() + seconds
    while not await condition():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(message)
        await asyncio.sleep(0.2)


async def test_a_reminder_round_across_two_workers_reminds_each_person_once(
    redis_url: str,
    client_broker: AsyncBroker,
    start_workers: Callable[[int], Awaitable[list[Worker]]],
    receiver: WebhookReceiver,
) -> None:
    w = await world()
    grids = list(w.tree.grids.values())
    for index in range(36):
        grid = grids[index % len(grids)]
        community = next(c for c in w.tree.communities.values() if c["id"] == grid["community"])
        await make_staff(f"worker{index:02d}", community=community, grids=[grid])
    expected = 36 + 4  # and wang, li, chen, zhou from world()
    await insert_row(
        WebhookEndpoint,
        {"name": "短信网关", "url": receiver.url, "secret": "x" * 32, "events": []},
    )
    workers = await start_workers(2)
    await clear_of_midnight()
    fired = dt.datetime.now(dt.UTC)
    at = fired.astimezone(dt.timezone(dt.timedelta(hours=8))).strftime("%H:%M")
    # Eight sends of the same round: two schedulers, retries, an impatient official.
    for _ in range(8):
        await kicker("grid.check_in_reminders", client_broker).kiq(
            at=at, fired_at=fired.isoformat()
        )

    async def rounds_done() -> bool:
        return sum(len(worker.done("check_in_reminders")) for worker in workers) == 8

    await wait_until(rounds_done, 40, "the rounds did not all finish")
    await wait_until(
        lambda: _count_posts(receiver, expected), 20, "webhooks were not all delivered"
    )
    await asyncio.sleep(1.0)  # time for any duplicate to show up

    created = [
        int(n)
        for worker in workers
        for line in worker.done("check_in_reminders")
        for n in re.findall(r"'created': (\d+)", line)
    ]
    assert sum(created) == expected, created  # exactly once across all eight runs
    assert all(worker.done("check_in_reminders") for worker in workers), "one worker idled"
    rows = await Reminder.select().run()
    assert len(rows) == expected and len({row["staff"] for row in rows}) == expected
    assert len(await WebhookDelivery.select().run()) == expected
    assert len(receiver.requests) == expected
    assert len({r["json"]["reminder_id"] for r in receiver.requests}) == expected
    assert await pending(redis_url) == 0


async def _count_posts(receiver: WebhookReceiver, expected: int) -> bool:
    return len(receiver.requests) >= expected


async def test_a_worker_killed_mid_task_has_the_task_redelivered_and_finished_once(
    redis_url: str,
    client_broker: AsyncBroker,
    start_workers: Callable[[int], Awaitable[list[Worker]]],
) -> None:
    await world()
    month = dt.date(2026, 10, 1)
    blocker = await asyncpg.connect(dsn=os.environ["DATABASE_URL"])  # the test database
    try:
        # Hold the rollup's advisory lock so the task stops mid-way, inside its transaction.
        await blocker.execute(
            "SELECT pg_advisory_lock(hashtextextended($1, 0))", rollup_lock("month", month)
        )
        workers = await start_workers(2)
        await kicker("grid.rollup", client_broker).kiq("month", month.isoformat())

        def started() -> list[int]:
            return [
                int(pid)
                for worker in workers
                for pid in re.findall(r"job rollup started pid=(\d+)", worker.text())
            ]

        async def is_started() -> bool:
            return bool(started())

        await wait_until(is_started, 20, "no worker took the rollup")

        async def waiting_on_lock() -> bool:
            rows = await blocker.fetch(
                "SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
            )
            return bool(rows)

        await wait_until(waiting_on_lock, 10, "the rollup is not waiting on its lock")
        victim = started()[0]
        os.kill(victim, signal.SIGKILL)
        await blocker.execute(
            "SELECT pg_advisory_unlock(hashtextextended($1, 0))", rollup_lock("month", month)
        )
    finally:
        await blocker.close()

    async def finished() -> bool:
        return any(worker.done("rollup") for worker in workers)

    # Redelivered once the message has been idle IDLE_TIMEOUT_MS, to a live worker.
    await wait_until(finished, 30, "the killed task was not redelivered")
    await asyncio.sleep(IDLE_TIMEOUT_MS / 1000 + 1.5)  # a second delivery would show by now
    done = [line for worker in workers for line in worker.done("rollup")]
    assert len(done) == 1, done
    finisher = [
        int(pid)
        for worker in workers
        for pid in re.findall(r"job rollup done pid=(\d+)", worker.text())
    ]
    assert finisher and finisher[0] != victim
    assert "redelivering abandoned task message" in "".join(w.text() for w in workers)
    assert await EvaluationRollup.count().run() == 11  # every area of the tree, once
    assert await pending(redis_url) == 0
