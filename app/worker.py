"""The Taskiq broker and scheduler, built from settings.

With REDIS_URL: a Redis Streams broker (tasks are acknowledged after they finish; a task
whose worker died is redelivered to another worker once it has been idle for
STREAM_IDLE_TIMEOUT_MS) and a scheduler reading JobSchedule plus a Redis list source for
one-off schedules. Run N workers and exactly one scheduler:

    taskiq worker app.worker:broker app.jobs.tasks --workers 2
    taskiq scheduler app.worker:scheduler app.jobs.tasks --update-interval 30

Without REDIS_URL (embedded `make run`, tests): the in-memory broker runs tasks inside the
app process, and `app.jobs.lifespan.jobs_lifespan` runs the scheduler loop there too.

This module only builds them; the tasks register themselves when `app.jobs.tasks` is imported
(the taskiq commands name it, the in-process lifespan imports it), so nothing here imports the
tasks back.

The stream is named after the database (grid:<database>:tasks), so deployments or test runs
that share a Redis never take each other's tasks.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import uuid
from collections.abc import AsyncGenerator
from typing import Any
from urllib.parse import urlsplit

import asyncpg
from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ResponseError
from redis.exceptions import TimeoutError as RedisTimeoutError
from taskiq import (
    AckableMessage,
    AsyncBroker,
    InMemoryBroker,
    ScheduledTask,
    ScheduleSource,
    TaskiqEvents,
    TaskiqState,
)
from taskiq.exceptions import ScheduledTaskCancelledError, SendTaskError
from taskiq.kicker import AsyncKicker
from taskiq.middlewares import SimpleRetryMiddleware
from taskiq.scheduler.scheduler import TaskiqScheduler
from taskiq.utils import maybe_awaitable
from taskiq_redis import ListRedisScheduleSource, RedisStreamBroker

from app.database import resolve_database_url
from app.db import DB
from app.jobs.schedules import DatabaseScheduleSource
from app.settings import settings
from app.transaction import CONNECTION_BROKEN

logger = logging.getLogger(__name__)

# A task unacknowledged this long is taken to be abandoned (its worker died) and redelivered.
# Longer than any job runs; a job that did run past it would only run twice, harmlessly.
STREAM_IDLE_TIMEOUT_MS = 10 * 60 * 1000
STREAM_BLOCK_MS = 2000
REDIS_RETRY_MAX_DELAY = 5.0
RETRIES = 3
TRANSIENT_ERRORS: tuple[type[Exception], ...] = (
    *CONNECTION_BROKEN,
    asyncpg.DeadlockDetectedError,
    asyncpg.SerializationError,
)


def queue_name() -> str:
    """The stream of this deployment: grid:<database name>:tasks."""
    database = urlsplit(resolve_database_url()).path.strip("/") or "grid"
    return f"grid:{database}:tasks"


class GridStreamBroker(RedisStreamBroker):
    """RedisStreamBroker that also reclaims abandoned tasks while no new ones arrive.

    taskiq-redis 1.2 runs XAUTOCLAIM only after XREADGROUP returned new messages, so a
    task whose worker was killed waits for the next task to be sent before it is
    redelivered; here every read, empty or not, is followed by a reclaim pass. Each worker
    process is its own consumer (host, pid), so a restarted process does not inherit the
    dead one's name. While Redis is unreachable (restart, failover) the worker waits and
    reads again rather than dying; tasks it could not acknowledge meanwhile are redelivered
    (every task is idempotent).
    """

    async def startup(self) -> None:
        self.consumer_name = f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
        await super().startup()

    async def listen(self) -> AsyncGenerator[AckableMessage, None]:
        async with Redis(connection_pool=self.connection_pool) as redis:
            delay = 0.0
            while True:
                try:
                    fetched, claimed = await self._read(redis)
                except (RedisConnectionError, RedisTimeoutError) as exc:
                    # Redis restarting or failing over: wait and read again, instead of
                    # letting the worker process die and be respawned until it is back.
                    delay = min(max(delay * 2, 0.5), REDIS_RETRY_MAX_DELAY)
                    logger.warning("Redis unreachable (%s); reading again in %.1f s", exc, delay)
                    await asyncio.sleep(delay)
                    continue
                except ResponseError as exc:
                    if "NOGROUP" not in str(exc):
                        raise
                    # Redis came back without its data (no append-only file): start again.
                    logger.error("consumer group gone (Redis lost its data); recreating it")
                    await self._create_group(redis)
                    continue
                delay = 0.0
                for stream, messages in fetched or []:
                    for message_id, message in messages:
                        yield self._ackable(stream, message_id, message)
                for entry in claimed[1]:
                    if entry is None:  # deleted from the stream meanwhile
                        continue
                    message_id, message = entry
                    logger.warning("redelivering abandoned task message %s", message_id)
                    yield self._ackable(self.queue_name, message_id, message)

    async def _read(self, redis: Redis) -> tuple[Any, Any]:
        fetched: Any = await redis.xreadgroup(
            self.consumer_group_name,
            self.consumer_name,
            {self.queue_name: ">"},
            block=self.block,
            noack=False,
            count=self.count,
        )
        claimed: Any = await redis.xautoclaim(
            name=self.queue_name,
            groupname=self.consumer_group_name,
            consumername=self.consumer_name,
            min_idle_time=self.idle_timeout,
            count=self.unacknowledged_batch_size,
        )
        return fetched, claimed

    async def _create_group(self, redis: Redis) -> None:
        try:
            await redis.xgroup_create(
                self.queue_name, self.consumer_group_name, id="0", mkstream=True
            )
        except ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise

    def _ackable(self, stream: Any, message_id: Any, message: Any) -> AckableMessage:
        return AckableMessage(
            data=message[b"data"], ack=self._ack_generator(id=message_id, queue_name=stream)
        )


def build_broker(redis_url: str | None = None) -> AsyncBroker:
    """The broker for `redis_url` (default REDIS_URL): Redis Streams, or in-memory."""
    url = settings.redis_url if redis_url is None else redis_url
    built: AsyncBroker
    if url:
        built = GridStreamBroker(
            url,
            queue_name=queue_name(),
            consumer_group_name="grid-workers",
            idle_timeout=STREAM_IDLE_TIMEOUT_MS,
            xread_block=STREAM_BLOCK_MS,
            xread_count=10,
        )
    else:
        built = InMemoryBroker()
    # Retried at once, a few times, when the database or the network hiccups; every task is
    # idempotent, so a retry after a partial failure changes nothing twice.
    return built.with_middlewares(
        SimpleRetryMiddleware(
            default_retry_count=RETRIES,
            default_retry_label=True,
            types_of_exceptions=TRANSIENT_ERRORS,
        )
    )


broker = build_broker()


@broker.on_event(TaskiqEvents.WORKER_STARTUP)
async def open_database_pool(state: TaskiqState) -> None:
    """Workers open the database pool on startup (in-process, the app's pool is reused)."""
    state.owns_database_pool = DB.pool is None
    if state.owns_database_pool:
        await DB.start_connection_pool(min_size=1, max_size=settings.db_pool_max)


@broker.on_event(TaskiqEvents.WORKER_SHUTDOWN)
async def close_database_pool(state: TaskiqState) -> None:
    """…and close it on shutdown, if they opened it."""
    if getattr(state, "owns_database_pool", False):
        await DB.close_connection_pool()


# A fired schedule is handed to Redis even when Redis is away for a while (restart, failover).
SEND_RETRY_SECONDS = 600
SEND_RETRY_MAX_DELAY = 15.0


class GridScheduler(TaskiqScheduler):
    """TaskiqScheduler whose sends outlast a Redis restart.

    taskiq drops a schedule whose send fails: a reminder round firing while Redis restarts
    would never run. Here the send is retried with backoff for up to SEND_RETRY_SECONDS; the
    run keeps the moment it fired (`fired_at` is set once, before the first attempt), and
    taskiq does not fire the same schedule again while its send is still being retried.
    """

    async def on_ready(self, source: ScheduleSource, task: ScheduledTask) -> None:
        try:
            await maybe_awaitable(source.pre_send(task))
        except ScheduledTaskCancelledError:
            logger.info("Scheduled task %s has been cancelled.", task.task_name)
            return
        kicker: AsyncKicker[Any, Any] = (
            AsyncKicker(task.task_name, self.broker, task.labels)
            .with_labels(schedule_id=task.schedule_id)
            .with_task_id(task_id=task.task_id)
        )
        loop = asyncio.get_running_loop()
        deadline = loop.time() + SEND_RETRY_SECONDS
        delay = 0.5
        while True:
            try:
                await kicker.kiq(*task.args, **task.kwargs)
                return
            except SendTaskError as exc:
                if loop.time() + delay > deadline:
                    raise
                logger.warning(
                    "could not send %s (%s); retrying in %.1f s",
                    task.schedule_id,
                    exc.__cause__ or exc,
                    delay,
                )
                await asyncio.sleep(delay)
                delay = min(delay * 2, SEND_RETRY_MAX_DELAY)


def build_scheduler(for_broker: AsyncBroker) -> TaskiqScheduler:
    """The scheduler: JobSchedule rows (re-read every update), plus a Redis list source for
    one-off schedules when Redis is configured."""
    sources: list[Any] = [DatabaseScheduleSource()]
    if settings.redis_url and not isinstance(for_broker, InMemoryBroker):
        sources.append(ListRedisScheduleSource(settings.redis_url, prefix=f"{queue_name()}:once"))
    return GridScheduler(broker=for_broker, sources=sources)


scheduler = build_scheduler(broker)
