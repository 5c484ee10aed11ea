"""app.transaction.ReliableTransaction (every `engine.transaction()` of the app): a connection
that is not ready is dropped and the transaction begins on another; no failure of BEGIN,
COMMIT or ROLLBACK costs the pool a slot.

Each test has its own engine with a pool of ONE connection, so a lost slot shows as the next
transaction waiting forever (cut short by a timeout here).
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator

import asyncpg
import pytest

from app.db import release_connection
from app.replica import ReplicaRoutingEngine

WAIT = 10.0  # seconds a transaction may wait for the pool's one connection


@pytest.fixture
async def engine() -> AsyncIterator[ReplicaRoutingEngine]:
    engine = ReplicaRoutingEngine(config={"dsn": os.environ["DATABASE_URL"]})
    await engine.start_connection_pool(min_size=1, max_size=1, reset=release_connection)
    try:
        yield engine
    finally:
        assert engine.pool is not None
        engine.pool.terminate()  # at once, even if a failed test left a connection out


async def backend_pid(engine: ReplicaRoutingEngine) -> int:
    async with asyncio.timeout(WAIT), engine.transaction() as transaction:
        return int(await transaction.connection.fetchval("SELECT pg_backend_pid()"))


async def test_begin_on_a_connection_that_is_not_ready_moves_to_a_fresh_one(
    engine: ReplicaRoutingEngine,
) -> None:
    """As when the server ended the pooled connection and asyncpg has not yet seen it close:
    here the idle connection is left with a statement still running on it."""
    assert engine.pool is not None
    pooled = await engine.pool.acquire()
    busy_pid = pooled.get_server_pid()
    busy = asyncio.create_task(pooled.execute("SELECT pg_sleep(2)"))
    await asyncio.sleep(0.1)  # the statement is on its way: the protocol is mid-operation
    await engine.pool.release(pooled)
    same = await engine.pool.acquire()
    with pytest.raises(asyncpg.InterfaceError, match="another operation is in progress"):
        await same.execute("BEGIN")  # what Piccolo's transaction met
    await engine.pool.release(same)

    async with asyncio.timeout(WAIT), engine.transaction() as transaction:
        assert await transaction.connection.fetchval("SELECT 1") == 1
        assert transaction.connection.get_server_pid() != busy_pid

    with pytest.raises((asyncpg.ConnectionDoesNotExistError, asyncpg.InterfaceError)):
        await busy  # the dropped connection's statement ended with it
    assert (engine.pool.get_size(), engine.pool.get_idle_size()) == (1, 1)


async def test_a_commit_the_server_refuses_gives_the_connection_back(
    engine: ReplicaRoutingEngine,
) -> None:
    """A deferred constraint fails at COMMIT: the error reaches the caller, and the same
    healthy connection serves the next transactions (Piccolo kept it checked out forever)."""
    pid = await backend_pid(engine)
    for _ in range(3):
        with pytest.raises(asyncpg.UniqueViolationError):
            async with asyncio.timeout(WAIT), engine.transaction() as transaction:
                await transaction.connection.execute(
                    "CREATE TEMP TABLE once (id int UNIQUE DEFERRABLE INITIALLY DEFERRED)"
                    " ON COMMIT DROP; INSERT INTO once VALUES (1), (1)"
                )
    assert await backend_pid(engine) == pid


async def test_a_connection_killed_inside_a_transaction_is_replaced(
    engine: ReplicaRoutingEngine,
) -> None:
    """The server ends the session mid-transaction: the block fails with a connection error
    (the API answers 503), ROLLBACK cannot run, and the next transaction gets a new session."""
    killer = await asyncpg.connect(os.environ["DATABASE_URL"])
    try:
        with pytest.raises(
            (
                asyncpg.ConnectionDoesNotExistError,
                asyncpg.InterfaceError,
                asyncpg.exceptions.AdminShutdownError,
            )
        ):
            async with asyncio.timeout(WAIT), engine.transaction() as transaction:
                pid = transaction.connection.get_server_pid()
                await killer.execute("SELECT pg_terminate_backend($1)", pid)
                await asyncio.sleep(0.2)
                await transaction.connection.execute("SELECT 1")
    finally:
        await killer.close()
    assert await backend_pid(engine) != pid
