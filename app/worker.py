"""The Taskiq broker and scheduler, built from settings.

With REDIS_URL: a Redis Streams broker (tasks are acknowledged after they finish; a task
whose worker died is redelivered to another worker once it has been idle for
STREAM_IDLE_TIMEOUT_MS) and a scheduler reading JobSchedule plus a Redis list source for
one-off schedules. Run N workers and exactly one scheduler:

    taskiq worker app.worker:broker app.jobs.tasks --workers 2
    taskiq scheduler app.worker:scheduler app.jobs.tasks --update-interval 30

Without REDIS_URL (embedded `make run`, tests): the in-memory broker runs tasks inside the
app process, and `app.jobs.lifespan.jobs_lifespan` runs the scheduler loop there too.

The stream is named after the database (grid:<database>:tasks), so deployments or test runs
that share a Redis never take each other's tasks.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from collections.abc import AsyncGenerator
from typing import Any
from urllib.parse import urlsplit

import asyncpg
from redis.asyncio import Redis
from taskiq import AckableMessage, AsyncBroker, InMemoryBroker, TaskiqEvents, TaskiqState
from taskiq.middlewares import SimpleRetryMiddleware
from taskiq.scheduler.scheduler import TaskiqScheduler
from taskiq_redis import ListRedisScheduleSource, RedisStreamBroker

from app.database import resolve_database_url
from app.db import DB
from app.jobs.schedules import DatabaseScheduleSource
from app.settings import settings

logger = logging.getLogger(__name__)

# A task unacknowledged this long is taken to be abandoned (its worker died) and redelivered.
# Longer than any job runs; a job that did run past it would only run twice, harmlessly.
STREAM_IDLE_TIMEOUT_MS = 10 * 60 * 1000
STREAM_BLOCK_MS = 2000
RETRIES = 3
TRANSIENT_ERRORS = (
    OSError,
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
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
    dead one's name.
    """

    async def startup(self) -> None:
        self.consumer_name = f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
        await super().startup()

    async def listen(self) -> AsyncGenerator[AckableMessage, None]:
        async with Redis(connection_pool=self.connection_pool) as redis:
            while True:
                fetched: Any = await redis.xreadgroup(
                    self.consumer_group_name,
                    self.consumer_name,
                    {self.queue_name: ">"},
                    block=self.block,
                    noack=False,
                    count=self.count,
                )
                for stream, messages in fetched or []:
                    for message_id, message in messages:
                        yield self._ackable(stream, message_id, message)
                claimed: Any = await redis.xautoclaim(
                    name=self.queue_name,
                    groupname=self.consumer_group_name,
                    consumername=self.consumer_name,
                    min_idle_time=self.idle_timeout,
                    count=self.unacknowledged_batch_size,
                )
                for entry in claimed[1]:
                    if entry is None:  # deleted from the stream meanwhile
                        continue
                    message_id, message = entry
                    logger.warning("redelivering abandoned task message %s", message_id)
                    yield self._ackable(self.queue_name, message_id, message)

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


def build_scheduler(for_broker: AsyncBroker) -> TaskiqScheduler:
    """The scheduler: JobSchedule rows (re-read every update), plus a Redis list source for
    one-off schedules when Redis is configured."""
    sources: list[Any] = [DatabaseScheduleSource()]
    if settings.redis_url and not isinstance(for_broker, InMemoryBroker):
        sources.append(ListRedisScheduleSource(settings.redis_url, prefix=f"{queue_name()}:once"))
    return TaskiqScheduler(broker=for_broker, sources=sources)


scheduler = build_scheduler(broker)

# Register the tasks with the broker whichever way this module is imported.
import app.jobs.tasks  # noqa: E402, F401
