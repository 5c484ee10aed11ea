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
async def write_transaction(
    actor_id: int | None = None, settings: dict[str, str] | None = None
) -> AsyncIterator[PostgresTransaction]:
    """Run the block in one transaction, recording `actor_id` for the audit trigger.

    `settings` are further transaction-local settings (the request scope, the role), all set
    in the same single statement. Constraint violations become domain errors, so a rule the
    database enforces reads the same as one a service enforces. Nested use joins the outer
    transaction.
    """
    values = dict(settings or {})
    if actor_id is not None:
        values["app.actor_id"] = str(int(actor_id))
    try:
        async with DB.transaction() as transaction:
            if values:
                calls = ", ".join(
                    f"set_config('{name}', ${i}, true)" for i, name in enumerate(values, 1)
                )
                await transaction.connection.execute(f"SELECT {calls}", *values.values())
            yield transaction
    except asyncpg.PostgresError as exc:
        domain_error = from_database_error(exc)
        if domain_error is None:
            raise
        raise domain_error from exc


async def release_connection(connection: asyncpg.Connection) -> None:
    """Pool reset: everything the app sets is transaction-local (set_config(..., true), SET
    LOCAL, xact advisory locks), so a returned connection only needs a ROLLBACK if a
    transaction was left open — not asyncpg's full RESET ALL round trip on every release."""
    if connection.is_in_transaction():
        await connection.execute("ROLLBACK")


async def outside_transaction(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run `coroutine` on its own connection even when called inside a transaction.

    For records that must survive the rollback of the request that caused them, such as a
    refused push kept as an AccessRefusal.
    """
    return await asyncio.create_task(coroutine, context=contextvars.Context())
