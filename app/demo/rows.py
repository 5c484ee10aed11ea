"""Writing demo rows on the loader's connection: one row (its id back) or many by COPY."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import asyncpg


async def copy(conn: asyncpg.Connection, table: str, rows: Sequence[dict[str, Any]]) -> None:
    if rows:
        columns = list(rows[0])
        await conn.copy_records_to_table(
            table, records=[tuple(r[c] for c in columns) for r in rows], columns=columns
        )


async def insert(conn: asyncpg.Connection, table: str, row: dict[str, Any]) -> int:
    columns = ", ".join(f'"{c}"' for c in row)
    marks = ", ".join(f"${i}" for i in range(1, len(row) + 1))
    return int(
        await conn.fetchval(
            f'INSERT INTO "{table}" ({columns}) VALUES ({marks}) RETURNING id', *row.values()
        )
    )
