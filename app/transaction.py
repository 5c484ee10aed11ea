"""Piccolo's PostgreSQL transaction, made safe for a database that restarts under load.

Two gaps of `PostgresTransaction` show when PostgreSQL goes away and comes back:

- A pooled connection can be handed out while it is not ready: when the server ends an idle
  connection it sends an error first and closes the socket after, and asyncpg marks the
  connection closed only when it sees the close. In between, the connection looks open, and
  `BEGIN` on it fails with "cannot switch to state …; another operation is in progress".
  Nothing has run on it yet, so the transaction drops that connection and begins once more on
  another (a fresh one when the server is back; an honest "unavailable" when it is not).
- Piccolo gives the connection back to the pool only when `BEGIN`, `COMMIT` and `ROLLBACK`
  all succeed; otherwise the pool loses a slot for good. Here the connection always goes back,
  or is closed when its state is unknown.
"""

from __future__ import annotations

import contextlib
from typing import Any

import asyncpg
from piccolo.engine.postgres import PostgresTransaction

# Errors that say the connection, not the statement, failed: it must not be used again.
CONNECTION_BROKEN: tuple[type[Exception], ...] = (
    asyncpg.InternalClientError,  # protocol not ready, e.g. a server error before the close
    asyncpg.InterfaceError,  # "connection is closed"
    asyncpg.PostgresConnectionError,  # class 08
    asyncpg.exceptions.OperatorInterventionError,  # 57P01 shutdown, 57P02 crash, 57P03 start
    OSError,
)
BEGIN_ATTEMPTS = 2


class ReliableTransaction(PostgresTransaction):
    """`engine.transaction()`: begins on a usable connection and never loses a pool slot."""

    async def __aenter__(self) -> Any:
        if self._parent is not None:
            return self._parent
        for attempt in range(1, BEGIN_ATTEMPTS + 1):
            self.connection = await self.get_connection()
            self.transaction = self.connection.transaction()
            try:
                await self.begin()
                break
            except BaseException as exc:
                _drop(self.connection)
                if attempt == BEGIN_ATTEMPTS or not isinstance(exc, CONNECTION_BROKEN):
                    raise
        self.context = self.engine.current_transaction.set(self)
        return self

    async def __aexit__(self, exception_type: Any, exception: Any, traceback: Any) -> bool:
        if self._parent is not None:
            return exception is None
        reusable = False
        try:
            if exception is not None:
                if not self._rolled_back:
                    await self.rollback()
            elif not self._committed and not self._rolled_back:
                await self.commit()
            reusable = True
        except asyncpg.PostgresError as exc:
            # The server answered (e.g. a deferred constraint at COMMIT): the connection is
            # fine and the transaction is over.
            reusable = not isinstance(exc, CONNECTION_BROKEN)
            raise
        finally:
            try:
                if not reusable:
                    _drop(self.connection)
                elif self.engine.pool:
                    await self.engine.pool.release(self.connection)
                else:
                    await self.connection.close()
            finally:
                self.engine.current_transaction.reset(self.context)
        return exception is None


def _drop(connection: Any) -> None:
    """Close `connection` at once; a pooled one gives its slot back to the pool (asyncpg may
    have done so already when it saw the connection close)."""
    with contextlib.suppress(asyncpg.InterfaceError):
        connection.terminate()
