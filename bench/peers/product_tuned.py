"""Experiment (not the product): People's Grid with the proposals from profiling that are not
in it.

Everything this server measured earlier is now in the product: scope, actor and role in one
statement; no RESET ALL on every pool release; a nested `write_transaction` that sets only
the settings the transaction does not already have; app/crud.py `get_row` / `get_by` as one
plain SELECT; an Open311 POST in one transaction (app/open311/services.py).

What is left is the proposal measured and rejected (bench/README.md), kept to reproduce that
measurement: BEGIN and the transaction's settings in ONE simple-protocol message
(`BEGIN; SELECT set_config(…)`, the values as quoted literals) instead of BEGIN and then a
prepared SELECT set_config($1, …). It is on with BENCH_ONE_TRIP=1; without it this server is
the product (`app.asgi:app`) under another name.

The product module is patched in this process before the app is imported, so the benchmark
measures the proposal side by side (`--servers product-tuned`).
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
from piccolo.engine.postgres import PostgresTransaction

import app.db as db

PRODUCT_WRITE_TRANSACTION = db.write_transaction


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
async def one_trip_write_transaction(
    actor_id: int | None = None, settings: dict[str, str] | None = None
) -> AsyncIterator[PostgresTransaction]:
    """The product's write_transaction, but an outermost one begins with OneTripTransaction."""
    if db.DB.current_transaction.get() is not None:
        async with PRODUCT_WRITE_TRANSACTION(actor_id, settings) as transaction:
            yield transaction
        return
    values = dict(settings or {})
    if actor_id is not None:
        values["app.actor_id"] = str(int(actor_id))
    try:
        async with OneTripTransaction(values) as transaction:
            token = db._KNOWN.set((transaction, values))
            try:
                yield transaction
            finally:
                db._KNOWN.reset(token)
    except asyncpg.PostgresError as exc:
        domain_error = db.from_database_error(exc)
        if domain_error is None:
            raise
        raise domain_error from exc


def _patch() -> Any:
    if os.environ.get("BENCH_ONE_TRIP") == "1":
        # Before anything imports write_transaction by name (app.crud, app.scope, …).
        db.write_transaction = one_trip_write_transaction  # type: ignore[assignment]
    from app.asgi import app as product

    return product


app = _patch()
