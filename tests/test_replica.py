"""reading_from_replica(): which pool a block's queries and transactions use, in process.

The "replica" here is a second pool on the test database whose sessions are read-only and
named `grid-replica`, so every query shows where it ran and a write fails as a standby's
does (SQLSTATE 25006). tests/faults/test_replica.py does the same with a real standby.
"""

from __future__ import annotations

import os
import socket
from collections.abc import AsyncIterator
from typing import Any, cast

import httpx
import pytest

from app.db import DB, write_transaction
from app.replica import ReplicaRoutingEngine, WriteOnReplica, reading_from_replica
from app.scope import APP_ROLE, SUPERUSER_SCOPE, Level, Scope, scoped_transaction
from tables.areas import District, Street
from tests.factories import area_tree

REPLICA_NAME = "grid-replica"
WHERE = "SELECT current_setting('application_name') AS name, current_user AS role"


@pytest.fixture
async def replica() -> AsyncIterator[ReplicaRoutingEngine]:
    engine = cast(ReplicaRoutingEngine, DB)
    assert isinstance(engine, ReplicaRoutingEngine)
    engine.replica_config = {
        "dsn": os.environ["DATABASE_URL"],
        "server_settings": {
            "application_name": REPLICA_NAME,
            "default_transaction_read_only": "on",
        },
    }
    await engine.start_replica_pool(max_size=3)
    try:
        yield engine
    finally:
        await engine.close_replica_pool()
        engine.replica_config = None


async def where() -> dict[str, Any]:
    return dict((await District.raw(WHERE).run())[0])


async def test_without_a_replica_the_block_reads_the_primary() -> None:
    async with reading_from_replica():
        assert (await where())["name"] != REPLICA_NAME


async def test_queries_and_scoped_transactions_in_the_block_run_on_the_replica(
    replica: ReplicaRoutingEngine,
) -> None:
    tree = await area_tree()
    assert (await where())["name"] != REPLICA_NAME
    street_a = tree.streets["A"]["id"]
    official = Scope(user_id=None, level=Level.street, street_id=street_a)
    async with reading_from_replica():
        assert (await where())["name"] == REPLICA_NAME
        async with scoped_transaction(official):
            assert await where() == {"name": REPLICA_NAME, "role": APP_ROLE}
            # row-level security reads the scope set on the replica's connection
            assert [s["id"] for s in await Street.select(Street.id).run()] == [street_a]
    assert (await where())["name"] != REPLICA_NAME
    assert replica.replica_pool is not None
    assert replica.replica_pool.get_idle_size() == replica.replica_pool.get_size()


async def test_a_write_in_the_block_is_a_server_error_not_a_domain_error(
    replica: ReplicaRoutingEngine,
) -> None:
    with pytest.raises(WriteOnReplica, match="read-only replica"):
        async with reading_from_replica(), scoped_transaction(SUPERUSER_SCOPE):
            await District.insert(District(code="990000", name="写在副本上")).run()
    assert await District.count() == 0


async def test_a_transaction_begun_in_the_block_stays_on_the_replica_until_it_ends(
    replica: ReplicaRoutingEngine,
) -> None:
    transaction = DB.transaction()
    async with reading_from_replica():
        await transaction.__aenter__()
    # The block is over, the transaction is not: its queries and its release stay there.
    assert (await where())["name"] == REPLICA_NAME
    await transaction.__aexit__(None, None, None)
    assert replica.replica_pool is not None
    assert replica.replica_pool.get_idle_size() == replica.replica_pool.get_size()
    assert (await where())["name"] != REPLICA_NAME


async def test_inside_a_transaction_on_the_primary_the_block_stays_on_the_primary(
    replica: ReplicaRoutingEngine,
) -> None:
    async with write_transaction():
        await District.insert(District(code="990001", name="主库事务")).run()
        async with reading_from_replica():
            assert (await where())["name"] != REPLICA_NAME
            assert await District.count().where(District.code == "990001") == 1


async def test_a_replica_that_is_down_stops_only_the_routed_pages(
    client: httpx.AsyncClient,
) -> None:
    tree = await area_tree()
    engine = cast(ReplicaRoutingEngine, DB)
    with socket.socket() as unused:  # a port nobody listens on
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    engine.replica_config = {"dsn": f"postgresql://postgres@127.0.0.1:{port}/grid"}
    await engine.start_replica_pool(max_size=2)  # starts: it connects on demand
    try:
        public = await client.get(f"/public/communities/{tree.communities['A1']['code']}")
        assert public.status_code == 503 and public.headers["retry-after"]
        assert (await client.get("/health")).status_code == 200
    finally:
        await engine.close_replica_pool()
        engine.replica_config = None
    assert (
        await client.get(f"/public/communities/{tree.communities['A1']['code']}")
    ).status_code == 200
