"""Transactions for writes: who is writing is known to the database (audit trigger)."""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Coroutine, Mapping
from functools import lru_cache
from typing import Any, TypeVar, cast

import asyncpg
from piccolo.engine.postgres import PostgresEngine, PostgresTransaction

from app.errors import from_database_error
from tables.areas import District

T = TypeVar("T")

DB = cast(PostgresEngine, District._meta.db)


# The settings the current transaction is known to have: (transaction, {name: value}).
_KNOWN: contextvars.ContextVar[tuple[PostgresTransaction, dict[str, str]] | None] = (
    contextvars.ContextVar("known_transaction_settings", default=None)
)


class write_transaction:
    """Run the block in one transaction, recording `actor_id` for the audit trigger.

    `settings` are further transaction-local settings (the request scope, the role), all set
    in the same single statement. Constraint violations become domain errors, so a rule the
    database enforces reads the same as one a service enforces.

    Nested use joins the outer transaction and sets only the settings that differ from what
    the transaction is known to have: a service writing inside the request's scoped
    transaction, which already recorded the same actor, costs no extra round trip. A setting
    a nested call changes is no longer taken as known (a rollback to a savepoint may undo
    it), so the next nested call sets it again.

    A class rather than a generator-based context manager: every API request enters one,
    and `@asynccontextmanager` costs a generator and its machinery on each (issue 19).
    """

    __slots__ = ("known_token", "transaction", "values")

    def __init__(
        self, actor_id: int | None = None, settings: Mapping[str, str] | None = None
    ) -> None:
        self.values = dict(settings or {})
        if actor_id is not None:
            self.values["app.actor_id"] = str(int(actor_id))
        self.transaction: PostgresTransaction | None = None  # the one this block began
        self.known_token: contextvars.Token[Any] | None = None

    async def __aenter__(self) -> PostgresTransaction:
        outer = DB.current_transaction.get()
        try:
            if outer is not None:
                known, changed = await _set_differing(outer, self.values)
                for name in changed:
                    known.pop(name, None)
                return outer
            transaction = DB.transaction()
            await transaction.__aenter__()
            self.transaction = transaction
            try:
                await _set(transaction, self.values)
            except BaseException as exc:
                await self._end(type(exc), exc)
                raise
        except asyncpg.PostgresError as exc:
            raise_as_domain_error(exc)
        self.known_token = _KNOWN.set((transaction, self.values))
        return transaction

    async def __aexit__(self, exception_type: Any, exception: Any, traceback: Any) -> None:
        try:
            if self.known_token is not None:
                _KNOWN.reset(self.known_token)
            await self._end(exception_type, exception)
        except asyncpg.PostgresError as exc:  # e.g. a deferred constraint refused at COMMIT
            raise_as_domain_error(exc)
        if isinstance(exception, asyncpg.PostgresError):
            raise_as_domain_error(exception)

    async def _end(self, exception_type: Any, exception: Any) -> None:
        """Commit the transaction this block began, or roll it back after `exception`."""
        if self.transaction is not None:
            await self.transaction.__aexit__(exception_type, exception, None)


def raise_as_domain_error(exc: asyncpg.PostgresError) -> None:
    """Raise the domain error a database refusal reads as, or the refusal itself."""
    domain_error = from_database_error(exc)
    if domain_error is None:
        raise exc
    raise domain_error from exc


async def change_settings(settings: Mapping[str, str]) -> None:
    """Change settings of the current transaction (opened by `write_transaction`) for the
    rest of it, e.g. to write in another scope than the one just read in.

    For the code that opened the transaction, outside any savepoint: the new values are then
    known, and nested `write_transaction` calls with the same values do not set them again.
    """
    transaction = DB.current_transaction.get()
    if transaction is None:
        raise RuntimeError("change_settings needs an open write_transaction")
    known, changed = await _set_differing(transaction, settings)
    known.update(changed)


def _known_settings(transaction: PostgresTransaction) -> dict[str, str]:
    """What `transaction` is known to have been set to (empty unless write_transaction opened
    it; the dict is shared with every task of the transaction)."""
    known = _KNOWN.get()
    return known[1] if known is not None and known[0] is transaction else {}


async def _set_differing(
    transaction: PostgresTransaction, values: Mapping[str, str]
) -> tuple[dict[str, str], dict[str, str]]:
    """Set those of `values` the transaction is not known to have: (what it is known to
    have, what was set now)."""
    known = _known_settings(transaction)
    changed = {name: value for name, value in values.items() if known.get(name) != value}
    await _set(transaction, changed)
    return known, changed


async def _set(transaction: PostgresTransaction, values: dict[str, str]) -> None:
    if values:
        await transaction.connection.execute(_set_statement(tuple(values)), *values.values())


@lru_cache(maxsize=256)
def _set_statement(names: tuple[str, ...]) -> str:
    """`SELECT set_config('<name>', $1, true), …` for these setting names (from code, never
    from input), written once per combination."""
    calls = ", ".join(f"set_config('{name}', ${i}, true)" for i, name in enumerate(names, 1))
    return f"SELECT {calls}"


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
