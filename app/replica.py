"""Read-only pages on a streaming replica: `reading_from_replica()` sends a block's queries there.

Every table's `_meta.db` is the one engine of piccolo_conf.py, and Piccolo takes each
connection from `engine.pool`: a transaction's when it begins (and gives it back there when it
ends), and a query's outside any transaction. `ReplicaRoutingEngine.pool` answers the
replica's pool inside `reading_from_replica()`, so a whole block of existing code — the
request's scoped transaction with its row-level security settings, and every Piccolo and raw
query in it — runs on the replica without touching a query. Row-level security is in the
schema, so the replica enforces the same scopes.

A transaction keeps the pool its connection came from for its whole life; inside a transaction
that began on the primary the block stays on the primary. A write inside the block is a bug of
the code that routed it (the standby refuses it): it raises `WriteOnReplica`, a server error.
Without DATABASE_REPLICA_URL the block changes nothing.

Only pages that need not read their own writes are routed (README, "Running at city scale"):
a replica may lag the primary by a moment.
"""

from __future__ import annotations

import contextvars
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

import asyncpg
from piccolo.engine.finder import engine_finder
from piccolo.engine.postgres import PostgresEngine, PostgresTransaction

from app.transaction import ReliableTransaction

if TYPE_CHECKING:
    from asyncpg.pool import Pool

_READING: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "reading_from_replica", default=False
)


class WriteOnReplica(RuntimeError):
    """Code inside `reading_from_replica()` tried to write: route only read-only code there."""


class PinnedTransaction(ReliableTransaction):
    """A transaction that gives its connection back to the pool it took it from, even if the
    block that began it ends elsewhere."""

    source: Pool | None = None

    async def get_connection(self) -> Any:
        self.source = self.engine.pool
        return await super().get_connection()


class ReplicaRoutingEngine(PostgresEngine):
    """The PostgreSQL engine with a second pool on a streaming replica (`replica_config`)."""

    def __init__(
        self,
        config: dict[str, Any],
        replica_config: Mapping[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        self.replica_config = dict(replica_config) if replica_config is not None else None
        self.replica_pool: Pool | None = None
        self.primary_pool: Pool | None = None
        super().__init__(config, **kwargs)

    def reads_replica(self) -> bool:
        """Whether a new connection of the current context goes to the replica."""
        return self.replica_config is not None and _READING.get()

    @property
    def pool(self) -> Pool | None:
        if self.replica_config is None:  # every query asks: nothing to route
            return self.primary_pool
        transaction = self.current_transaction.get()
        if isinstance(transaction, PinnedTransaction):
            return transaction.source
        return self.replica_pool if self.reads_replica() else self.primary_pool

    @pool.setter
    def pool(self, value: Pool | None) -> None:
        # PostgresEngine starts, closes and resets its own pool through this attribute.
        self.primary_pool = value

    def transaction(self, allow_nested: bool = True) -> PostgresTransaction:
        return PinnedTransaction(engine=self, allow_nested=allow_nested)

    async def get_new_connection(self) -> Any:
        if self.replica_config is not None and self.reads_replica():
            return await asyncpg.connect(**self.replica_config)
        return await super().get_new_connection()

    async def start_replica_pool(self, **kwargs: Any) -> None:
        """Open the replica's pool (no-op without a replica). It opens connections as routed
        pages need them, so a replica that is down stops only those pages, not the app."""
        if self.replica_config is not None and self.replica_pool is None:
            self.replica_pool = await asyncpg.create_pool(
                **{**self.replica_config, **kwargs, "min_size": 0}
            )

    async def close_replica_pool(self) -> None:
        if self.replica_pool is not None:
            pool, self.replica_pool = self.replica_pool, None
            await pool.close()


def routing_engine() -> ReplicaRoutingEngine | None:
    """The engine of piccolo_conf.py when it has a replica to route to."""
    engine = engine_finder()
    if isinstance(engine, ReplicaRoutingEngine) and engine.replica_config is not None:
        return engine
    return None


@asynccontextmanager
async def reading_from_replica() -> AsyncIterator[None]:
    """Run the block's queries on the replica (a no-op without DATABASE_REPLICA_URL).

    For code that only reads and need not see a write made just before: the replica may lag
    the primary by a moment. Inside a transaction already open on the primary, the block stays
    there. A write in the block raises `WriteOnReplica`.
    """
    if routing_engine() is None:
        yield
        return
    token = _READING.set(True)
    try:
        yield
    except asyncpg.ReadOnlySQLTransactionError as exc:
        raise WriteOnReplica(
            f"a write was sent to the read-only replica inside reading_from_replica(): {exc}"
        ) from exc
    finally:
        _READING.reset(token)


async def start_replica_pool(engine: PostgresEngine, **kwargs: Any) -> None:
    """Open the replica's pool of `engine` beside its primary pool (no-op without a replica)."""
    if isinstance(engine, ReplicaRoutingEngine):
        await engine.start_replica_pool(**kwargs)


async def close_replica_pool(engine: PostgresEngine) -> None:
    if isinstance(engine, ReplicaRoutingEngine):
        await engine.close_replica_pool()
