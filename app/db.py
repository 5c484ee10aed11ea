"""Transactions for writes: who is writing is known to the database (audit trigger)."""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import AsyncIterator, Coroutine
from contextlib import asynccontextmanager
from typing import Any, TypeVar, cast

import asyncpg
from piccolo.engine.postgres import PostgresEngine, PostgresTransaction

from app.errors import from_database_error
from tables.areas import District

T = TypeVar("T")

DB = cast(PostgresEngine, District._meta.db)


@asynccontextmanager
async def write_transaction(actor_id: int | None = None) -> AsyncIterator[PostgresTransaction]:
    """Run the block in one transaction, recording `actor_id` for the audit trigger.

    Constraint violations become domain errors, so a rule the database enforces reads the
    same as one a service enforces. Nested use joins the outer transaction.
    """
    try:
        async with DB.transaction() as transaction:
            if actor_id is not None:
                await transaction.connection.execute(
                    "SELECT set_config('app.actor_id', $1, true)", str(int(actor_id))
                )
            yield transaction
    except asyncpg.PostgresError as exc:
        domain_error = from_database_error(exc)
        if domain_error is None:
            raise
        raise domain_error from exc


async def outside_transaction(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run `coroutine` on its own connection even when called inside a transaction.

    For records that must survive the rollback of the request that caused them, such as a
    refused push kept as an AccessRefusal.
    """
    return await asyncio.create_task(coroutine, context=contextvars.Context())
