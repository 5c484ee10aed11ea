"""Experiment (not the product): People's Grid with the two changes proposed from profiling.

1. `scoped_transaction` sets the actor, the scope and the role in ONE statement
   (`set_config('role', 'grid_app', true)` is `SET LOCAL ROLE`), instead of three round trips
   after BEGIN (actor, scope settings, SET LOCAL ROLE).
2. The connection pool does not send asyncpg's reset query (`SELECT pg_advisory_unlock_all();
   CLOSE ALL; UNLISTEN *; RESET ALL`) on every release: everything the app sets is
   transaction-local (`set_config(..., true)`, SET LOCAL, advisory xact locks), so a
   connection only needs a ROLLBACK if it comes back inside a transaction.

The product modules are patched in this process before the app is imported, so the
benchmark can measure the proposal side by side (`--servers product-tuned`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
from piccolo.engine.postgres import PostgresEngine, PostgresTransaction

import app.scope as scope_module
from app.db import write_transaction


async def light_reset(connection: asyncpg.Connection) -> None:
    if connection.is_in_transaction():
        await connection.execute("ROLLBACK")


@asynccontextmanager
async def scoped_transaction(scope: scope_module.Scope) -> AsyncIterator[PostgresTransaction]:
    async with write_transaction(None) as transaction:
        settings = scope.settings()
        if not scope.is_superuser:
            settings["role"] = scope_module.APP_ROLE
        calls = ", ".join(f"set_config('{name}', ${i}, true)" for i, name in enumerate(settings, 1))
        await transaction.connection.execute(f"SELECT {calls}", *settings.values())
        yield transaction


def _patch() -> Any:
    scope_module.scoped_transaction = scoped_transaction  # type: ignore[assignment]
    start = PostgresEngine.start_connection_pool

    async def start_without_reset(self: PostgresEngine, **kwargs: Any) -> None:
        await start(self, reset=light_reset, **kwargs)

    PostgresEngine.start_connection_pool = start_without_reset  # type: ignore[method-assign]
    from app.asgi import app as product

    return product


app = _patch()
