"""Workbooks written the way people fill in the templates: headers in row 1, a row per record."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import Workbook, load_workbook

from app.excel.importer import ImportReport, import_workbook
from app.scope import SUPERUSER_SCOPE, Scope


def xlsx(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("data")
    sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def read_back(data: bytes, sheet: int | str = 0) -> list[list[Any]]:
    """Every row of a produced workbook's sheet, as values."""
    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    ws = workbook.worksheets[sheet] if isinstance(sheet, int) else workbook[sheet]
    return [list(row) for row in ws.iter_rows(values_only=True)]


async def run_import(
    kind: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    scope: Scope = SUPERUSER_SCOPE,
    dry_run: bool = False,
) -> ImportReport:
    return await import_workbook(kind, xlsx(headers, rows), scope, dry_run=dry_run)
