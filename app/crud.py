"""Row helpers every service shares: fetch-or-404, insert and update returning the row."""

from __future__ import annotations

from typing import Any

from piccolo.table import Table

from app.errors import NotFound, ValidationFailed


async def get_row(table: type[Table], row_id: Any, field: str = "id") -> dict[str, Any]:
    """The row with primary key `row_id`, or NotFound naming `field` (the input that referred to it)."""
    if row_id is None:
        raise ValidationFailed("is required", field=field)
    row = await table.select().where(table._meta.primary_key == row_id).first().run()
    if row is None:
        raise NotFound(f"{table._meta.tablename} {row_id} does not exist", field=field)
    return row


async def get_by(table: type[Table], column: str, value: Any, field: str | None = None) -> dict[str, Any]:
    """The row whose `column` equals `value` (e.g. a grid by its code), or NotFound."""
    row = await table.select().where(getattr(table, column) == value).first().run()
    if row is None:
        raise NotFound(f"no {table._meta.tablename} with {column} {value}", field=field or column)
    return row


async def insert_row(table: type[Table], values: dict[str, Any]) -> dict[str, Any]:
    """Insert one row and return it with every column."""
    rows = await table.insert(table(**values)).returning(*table.all_columns()).run()
    return rows[0]


async def update_row(table: type[Table], row_id: Any, values: dict[str, Any]) -> dict[str, Any]:
    """Update one row by primary key and return it; NotFound when it does not exist."""
    if not values:
        return await get_row(table, row_id)
    rows = await (
        table.update(values, use_auto_update=False)
        .where(table._meta.primary_key == row_id)
        .returning(*table.all_columns())
        .run()
    )
    if not rows:
        raise NotFound(f"{table._meta.tablename} {row_id} does not exist", field="id")
    return rows[0]


async def delete_row(table: type[Table], row_id: Any) -> None:
    """Delete one row by primary key; NotFound when it does not exist."""
    rows = await table.delete().where(table._meta.primary_key == row_id).returning(table._meta.primary_key).run()
    if not rows:
        raise NotFound(f"{table._meta.tablename} {row_id} does not exist", field="id")
