"""Row helpers every service shares: fetch-or-404, insert and update returning the row."""

from __future__ import annotations

import string
from collections.abc import Awaitable, Callable
from functools import cache, lru_cache
from typing import Any

import msgspec
from piccolo.columns import Column
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
        table, _select_where(table, column._meta.name), convert_to_sql_value(value, column)
    )
    return rows[0] if rows else None


@cache
def _select_where(table: type[Table], name: str) -> str:
    """`SELECT <every column of the class> FROM <table> WHERE <name> = {} LIMIT 1`.

    The identifiers come from the table class only, never from input; the columns carry
    the names a Piccolo select gives them.
    """
    selected = ", ".join(
        f'"{c._meta.db_column_name}"'
        + ("" if c._meta.db_column_name == c._meta.name else f' AS "{c._meta.name}"')
        for c in table._meta.columns
    )
    key = table._meta.get_column_by_name(name)._meta.db_column_name
    return f'SELECT {selected} FROM "{table._meta.tablename}" WHERE "{key}" = {{}} LIMIT 1'


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
    """Insert one row and return it with every column."""
    rows = await table.insert(table(**values)).returning(*table.all_columns()).run()
    return rows[0]


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


async def lock_row(
    table: type[Table], row_id: Any, field: str = "id", strength: str = "UPDATE"
) -> dict[str, Any]:
    """The row locked FOR `strength`; Forbidden when the scope may read but not change it.

    Under row-level security a lock needs the right to update the row, so a row that is
    visible but cannot be locked is outside what this login may change.
    """
    primary_key = table._meta.primary_key
    rows = await table.select().where(primary_key == row_id).lock_rows(strength).run()  # type: ignore[arg-type]
    if rows:
        return rows[0]
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
