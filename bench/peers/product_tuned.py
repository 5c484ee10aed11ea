"""Experiment (not the product): People's Grid with the next changes proposed from profiling.

The first two proposals (scope, actor and role in one statement; no RESET ALL on every pool
release) are in the product since commit e7ab77f. What this measures now, both in app/db.py:

1. BEGIN and the transaction's settings in ONE round trip: `BEGIN; SELECT set_config(…)`
   sent as one simple-protocol message (the values are quoted literals), instead of BEGIN
   and then a prepared SELECT set_config($1, …). A scoped read is then three round trips
   (BEGIN+settings, query, COMMIT) instead of four.
2. A nested `write_transaction(actor)` (a service called inside the request's scoped
   transaction) does not set `app.actor_id` again when the outer transaction already set
   the same value: one round trip less for every API write.
3. app/crud.py `get_row` / `get_by` as one raw `SELECT * … WHERE key = $1` instead of a
   Piccolo select built on every call (~0.18 ms of CPU each; Open311 makes five).

The product module is patched in this process before the app is imported, so the benchmark
measures the proposal side by side (`--servers product-tuned`).
"""

from __future__ import annotations

import contextvars
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
from piccolo.engine.postgres import PostgresTransaction

import app.db as db
from app.errors import NotFound, ValidationFailed

# The settings the current transaction has, as set by `write_transaction` (one per task).
APPLIED: contextvars.ContextVar[dict[str, str] | None] = contextvars.ContextVar(
    "applied_settings", default=None
)


def literal(value: str) -> str:
    """A SQL string literal (standard_conforming_strings is on since PostgreSQL 9.1)."""
    return "'" + value.replace("'", "''") + "'"


class OneTripTransaction(PostgresTransaction):
    """BEGIN and the settings in one simple-protocol message; COMMIT/ROLLBACK as text."""

    __slots__ = ("begin_sql",)

    def __init__(self, settings: dict[str, str]) -> None:
        super().__init__(db.DB)
        calls = ", ".join(
            f"set_config({literal(name)}, {literal(value)}, true)"
            for name, value in settings.items()
        )
        self.begin_sql = f"BEGIN; SELECT {calls}" if calls else "BEGIN"

    async def begin(self) -> None:
        try:
            await self.connection.execute(self.begin_sql)
        except BaseException:
            if self.connection.is_in_transaction():
                await self.connection.execute("ROLLBACK")
            await self.engine.pool.release(self.connection)
            raise

    async def commit(self) -> None:
        await self.connection.execute("COMMIT")
        self._committed = True

    async def rollback(self) -> None:
        await self.connection.execute("ROLLBACK")
        self._rolled_back = True


@asynccontextmanager
async def write_transaction(
    actor_id: int | None = None, settings: dict[str, str] | None = None
) -> AsyncIterator[PostgresTransaction]:
    values = dict(settings or {})
    if actor_id is not None:
        values["app.actor_id"] = str(int(actor_id))
    outer = db.DB.current_transaction.get()
    try:
        if outer is not None:
            applied = APPLIED.get() or {}
            missing = {k: v for k, v in values.items() if applied.get(k) != v}
            if missing:
                calls = ", ".join(
                    f"set_config('{name}', ${i}, true)" for i, name in enumerate(missing, 1)
                )
                await outer.connection.execute(f"SELECT {calls}", *missing.values())
                APPLIED.set({**applied, **missing})
            yield outer
            return
        async with ONE_TRIP(values) if ONE_TRIP else db.DB.transaction() as transaction:
            if not ONE_TRIP and values:
                calls = ", ".join(
                    f"set_config('{name}', ${i}, true)" for i, name in enumerate(values, 1)
                )
                await transaction.connection.execute(f"SELECT {calls}", *values.values())
            token = APPLIED.set(values)
            try:
                yield transaction
            finally:
                APPLIED.reset(token)
    except asyncpg.PostgresError as exc:
        domain_error = db.from_database_error(exc)
        if domain_error is None:
            raise
        raise domain_error from exc


# Proposal 1 measured worse (see bench/README.md): the simple-protocol SELECT is parsed and
# planned on every request where the prepared one is not. Set BENCH_ONE_TRIP=1 to measure it.
ONE_TRIP = OneTripTransaction if os.environ.get("BENCH_ONE_TRIP") == "1" else None


async def get_row(table: Any, row_id: Any, field: str = "id") -> dict[str, Any]:
    if row_id is None:
        raise ValidationFailed("is required", field=field)
    key = table._meta.primary_key._meta.db_column_name
    rows = await table.raw(
        f'SELECT * FROM "{table._meta.tablename}" WHERE "{key}" = {{}}', row_id
    ).run()
    if not rows:
        raise NotFound(f"{table._meta.tablename} {row_id} does not exist", field=field)
    return dict(rows[0])


async def get_by(table: Any, column: str, value: Any, field: str | None = None) -> dict[str, Any]:
    name = getattr(table, column)._meta.db_column_name
    rows = await table.raw(
        f'SELECT * FROM "{table._meta.tablename}" WHERE "{name}" = {{}} LIMIT 1', value
    ).run()
    if not rows:
        raise NotFound(f"no {table._meta.tablename} with {column} {value}", field=field or column)
    return dict(rows[0])


def _patch() -> Any:
    db.write_transaction = write_transaction  # type: ignore[assignment]
    import app.crud as crud  # after the patch above: it binds write_transaction

    if os.environ.get("BENCH_RAW_GET", "1") == "1":
        crud.get_row = get_row  # type: ignore[assignment]
        crud.get_by = get_by  # type: ignore[assignment]
    from app.asgi import app as product

    return product


app = _patch()
