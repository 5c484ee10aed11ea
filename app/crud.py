"""Row helpers every service shares: fetch-or-404, insert and update returning the row."""

from __future__ import annotations

import datetime as dt
import string
from collections.abc import Awaitable, Callable
from decimal import Decimal
from functools import cache, lru_cache
from typing import Any
from uuid import UUID

import msgspec
from piccolo.columns import JSON, Column
from piccolo.columns.defaults.base import Default
from piccolo.querystring import QueryString
from piccolo.table import Table
from piccolo.utils.sql_values import convert_to_sql_value

from app.db import write_transaction
from app.errors import Conflict, Forbidden, NotFound, ValidationFailed


async def get_row(table: type[Table], row_id: Any, field: str = "id") -> dict[str, Any]:
    """The row with primary key `row_id`, or NotFound naming `field` (the input that referred to it)."""
    if row_id is None:
        raise ValidationFailed("is required", field=field)
    row = await find_row(table, row_id)
    if row is None:
        raise NotFound(f"{table._meta.tablename} {row_id} does not exist", field=field)
    return row


async def find_row(table: type[Table], row_id: Any) -> dict[str, Any] | None:
    """The row with primary key `row_id`, or None."""
    return await _fetch_by(table, table._meta.primary_key, row_id)


async def get_by(
    table: type[Table], column: str, value: Any, field: str | None = None
) -> dict[str, Any]:
    """The row whose `column` equals `value` (e.g. a grid by its code), or NotFound."""
    row = await _fetch_by(table, getattr(table, column), value)
    if row is None:
        raise NotFound(f"no {table._meta.tablename} with {column} {value}", field=field or column)
    return row


async def _fetch_by(table: type[Table], column: Column, value: Any) -> dict[str, Any] | None:
    """The first row whose `column` equals `value` (None matches nothing), with the same keys
    and values as `table.select().first()`.

    One statement, written once per table and column: building a Piccolo select on every
    call costs ~0.18 ms of CPU, and these lookups run several times per API write (and,
    through `fetch_rows`, without Piccolo's query string inside a transaction).
    """
    rows = await fetch_rows(
        table, _select_where(table, column._meta.name), sql_value(value, column)
    )
    return rows[0] if rows else None


# Values sent to PostgreSQL as they are (outside JSON columns, where only text is).
_AS_THEY_ARE = frozenset(
    {str, int, float, bool, bytes, dt.date, dt.datetime, dt.time, dt.timedelta, Decimal, UUID}
)


def sql_value(value: Any, column: Column) -> Any:
    """`value` as Piccolo's `convert_to_sql_value` sends it (enum values, JSON text, a row's
    key), without that function's imports on every call for the common plain values."""
    if value is None or (
        type(value) in _AS_THEY_ARE and (type(value) is str or not isinstance(column, JSON))
    ):
        return value
    return convert_to_sql_value(value, column)


@cache
def _select_where(table: type[Table], name: str) -> str:
    """`SELECT <every column of the class> FROM <table> WHERE <name> = {} LIMIT 1`.

    The identifiers come from the table class only, never from input; the columns carry
    the names a Piccolo select gives them.
    """
    key = table._meta.get_column_by_name(name)._meta.db_column_name
    return (
        f'SELECT {_columns_of(table)} FROM "{table._meta.tablename}" WHERE "{key}" = {{}} LIMIT 1'
    )


@cache
def _columns_of(table: type[Table]) -> str:
    """Every column of the table class, under the names a Piccolo select gives them."""
    return ", ".join(
        f'"{c._meta.db_column_name}"'
        + ("" if c._meta.db_column_name == c._meta.name else f' AS "{c._meta.name}"')
        for c in table._meta.columns
    )


async def fetch_rows(table: type[Table], sql: str, *args: Any) -> list[dict[str, Any]]:
    """The rows of `sql` (Piccolo's `{}` placeholders) as dicts, like `table.raw(sql, *args)`.

    Inside a transaction the statement goes to its connection as a prepared statement, without
    building Piccolo's query string on every call; outside one, through Piccolo.
    """
    transaction = table._meta.db.current_transaction.get()
    if transaction is None:
        return list(await table.raw(sql, *args).run())
    return [dict(row) for row in await transaction.connection.fetch(_numbered(sql), *args)]


@lru_cache(maxsize=1024)
def _numbered(sql: str) -> str:
    """`sql` with its `{}` placeholders as `$1, $2, …`, read as Piccolo's QueryString reads
    them (string.Formatter: `{{` and `}}` are literal braces)."""
    parts: list[str] = []
    for number, (literal, field, _spec, _conversion) in enumerate(string.Formatter().parse(sql), 1):
        parts.append(literal)
        if field is not None:
            parts.append(f"${number}")
    return "".join(parts)


async def insert_row(table: type[Table], values: dict[str, Any]) -> dict[str, Any]:
    """Insert one row and return it with every column.

    The values are those Piccolo's `table(**values)` would insert (`_row_of`); the statement
    is written once per table and set of columns, as `_select_where` is. Building a Piccolo
    row and insert per call cost ~0.1 ms of CPU, and an Open311 POST writes four rows.
    """
    given = _row_of(table, values)
    sql = _insert_of(table, tuple(column._meta.name for column, _ in given))
    rows = await fetch_rows(table, sql, *(sql_value(v, c) for c, v in given))
    return rows[0]


def _row_of(table: type[Table], values: dict[str, Any]) -> list[tuple[Column, Any]]:
    """(column, value) of a new row as `Table.__init__` fills it: a value given by column
    name (or database column name), else the column's default; a missing value of a
    non-null column without a default, or an unknown name, is a ValueError as there. Columns
    whose value is SQL (a serial's DEFAULT) are left out, for the database to fill."""
    unknown = set(values)
    given = []
    for column in table._meta.columns:
        name, db_name = column._meta.name, column._meta.db_column_name
        if name in values or db_name in values:
            value = values[name] if name in values else values[db_name]
            unknown.difference_update((name, db_name))
        else:
            value = column.get_default_value()
            if isinstance(value, Default):
                value = value.python()
            if value is None and not column._meta.null:
                raise ValueError(f"{name} wasn't provided")
        if not isinstance(value, QueryString):
            given.append((column, value))
    if unknown:
        raise ValueError(f"Unrecognized columns - {sorted(unknown)}")
    return given


@lru_cache(maxsize=512)
def _insert_of(table: type[Table], names: tuple[str, ...]) -> str:
    """`INSERT INTO <table> (<names>) VALUES ({}, …) RETURNING <every column>`, with the
    names a Piccolo select gives the columns; identifiers from the table class only."""
    columns = [table._meta.get_column_by_name(name)._meta.db_column_name for name in names]
    inserted = ", ".join(f'"{c}"' for c in columns)
    placeholders = ", ".join("{}" for _ in columns)
    return (
        f'INSERT INTO "{table._meta.tablename}" ({inserted}) VALUES ({placeholders})'
        f" RETURNING {_columns_of(table)}"
    )


async def update_row(table: type[Table], row_id: Any, values: dict[str, Any]) -> dict[str, Any]:
    """Update one row by primary key and return it; NotFound when it does not exist."""
    if not values:
        return await get_row(table, row_id)
    typed: dict[Column | str, Any] = {key: value for key, value in values.items()}
    rows = await (
        table.update(typed, use_auto_update=False)
        .where(table._meta.primary_key == row_id)
        .returning(*table.all_columns())
        .run()
    )
    if not rows:
        raise NotFound(f"{table._meta.tablename} {row_id} does not exist", field="id")
    return rows[0]


async def delete_row(table: type[Table], row_id: Any) -> None:
    """Delete one row by primary key; NotFound when it does not exist."""
    rows = (
        await table.delete()
        .where(table._meta.primary_key == row_id)
        .returning(table._meta.primary_key)
        .run()
    )
    if not rows:
        raise NotFound(f"{table._meta.tablename} {row_id} does not exist", field="id")


Cleaner = Callable[[dict[str, Any], dict[str, Any] | None], Awaitable[dict[str, Any]]]


def changes_of(data: Any) -> dict[str, Any]:
    """The fields a msgspec Struct (Create/Update schema) actually carries (UNSET dropped)."""
    return {
        name: value
        for name, value in msgspec.structs.asdict(data).items()
        if value is not msgspec.UNSET
    }


async def create_with(
    table: type[Table], clean: Cleaner, values: dict[str, Any], actor_id: int | None
) -> dict[str, Any]:
    """Validate `values` with the table's cleaner and insert them, in one audited transaction."""
    async with write_transaction(actor_id):
        return await insert_row(table, await clean(dict(values), None))


async def update_with(
    table: type[Table], clean: Cleaner, row_id: Any, changes: dict[str, Any], actor_id: int | None
) -> dict[str, Any]:
    """Merge `changes` into the locked current row, validate the whole record, and save it."""
    async with write_transaction(actor_id):
        current = await get_row_for_update(table, row_id)
        cleaned = await clean({**current, **changes}, current)
        cleaned.pop("id", None)
        return await update_row(table, row_id, cleaned)


async def get_row_for_update(table: type[Table], row_id: Any) -> dict[str, Any]:
    """The row locked until the transaction ends (SELECT … FOR UPDATE), or NotFound/Forbidden."""
    return await lock_row(table, row_id)


LOCK_STRENGTHS = frozenset({"UPDATE", "NO KEY UPDATE", "SHARE", "KEY SHARE"})


async def find_row_locked(table: type[Table], row_id: Any, strength: str) -> dict[str, Any] | None:
    """The row with primary key `row_id` locked FOR `strength` until the transaction ends
    (None when this scope sees no such row to lock); the same plain statement as find_row's."""
    if strength not in LOCK_STRENGTHS:
        raise ValueError(f"no lock strength {strength!r}")
    primary_key = table._meta.primary_key
    sql = f"{_select_where(table, primary_key._meta.name)} FOR {strength}"
    rows = await fetch_rows(table, sql, sql_value(row_id, primary_key))
    return rows[0] if rows else None


async def lock_row(
    table: type[Table], row_id: Any, field: str = "id", strength: str = "UPDATE"
) -> dict[str, Any]:
    """The row locked FOR `strength`; Forbidden when the scope may read but not change it.

    Under row-level security a lock needs the right to update the row, so a row that is
    visible but cannot be locked is outside what this login may change.
    """
    row = await find_row_locked(table, row_id, strength)
    if row is not None:
        return row
    primary_key = table._meta.primary_key
    if await table.exists().where(primary_key == row_id).run():
        raise Forbidden(
            f"{table._meta.tablename} {row_id} is outside what your role and scope may change",
            field=field,
        )
    raise NotFound(f"{table._meta.tablename} {row_id} does not exist", field=field)


async def ensure_unique(
    table: type[Table],
    current: dict[str, Any] | None,
    field: str,
    message: str,
    **equal: Any,
) -> None:
    """Conflict naming `field` when a row other than `current` has all the `equal` values.

    Checked before writing so the refusal reads well; the unique index stays the backstop.
    """
    query = table.exists().where(
        *(getattr(table, column) == value for column, value in equal.items())
    )
    if current is not None:
        query = query.where(table._meta.primary_key != current["id"])
    if await query.run():
        raise Conflict(message, field=field)


async def serialize_on(table: type[Table], *key: Any) -> None:
    """Until the transaction ends, make other writers of the same `table` and `key` wait.

    For rules no unique index can express (one ID number per resident, no overlapping leave):
    the check that follows sees every committed competitor.
    """
    name = ":".join([table._meta.tablename, *(str(part) for part in key)])
    await table.raw("SELECT pg_advisory_xact_lock(hashtextextended({}, 0))", name).run()
