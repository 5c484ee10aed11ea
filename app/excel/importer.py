"""Import one .xlsx sheet through the domain services, all or nothing.

The whole file is one transaction in the importing user's scope (row-level security applies:
a community admin cannot write into another community). Every row goes through the kind's
service; a refused row is reported with its row number, the Chinese header of the column at
fault and the service's reason, and validation goes on with the next row, so one run lists
every problem. If any row was refused — or on a dry run — the transaction is rolled back and
nothing is written.
"""

from __future__ import annotations

import datetime as dt
import io
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

import msgspec
from openpyxl import load_workbook

from app.db import DB
from app.errors import DomainError, ValidationFailed
from app.excel.cells import is_blank
from app.excel.specs import ImportSpec, load_lookups, row_values, spec_of, with_defaults
from app.masking import mask_row
from app.scope import Scope, scoped_transaction

MAX_ERRORS = 1000
PREVIEW_ROWS = 20
MAX_ROWS = 200_000
# From this many rows on, a kind's set-based cleaner (same rules) replaces one query per row.
BULK_FROM = 1_000
# Batched inserts: rows per executemany call.
INSERT_CHUNK = 5_000

Progress = Callable[[int, int], None]


class RowError(msgspec.Struct, kw_only=True):
    """One refused row: Excel row number (header = 1), Chinese column header, reason."""

    row: int
    column: str
    field: str | None
    reason: str


class ImportReport(msgspec.Struct, kw_only=True):
    kind: str
    dry_run: bool
    committed: bool
    rows: int
    valid: int
    errors: list[RowError]
    more_errors: int = 0
    preview: list[dict[str, Any]] = msgspec.field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.errors


class _RollBack(Exception):
    """Leave the import's transaction without writing anything."""


# ---------------------------------------------------------------- reading the sheet


def normalise_header(value: Any) -> str:
    """A header cell as the template writes it, without the required mark or a note."""
    text = "" if value is None else str(value).strip()
    for stop in ("(", "（", "\n"):
        text = text.split(stop, 1)[0]
    return text.strip().rstrip("*＊").strip()


def open_sheet(source: bytes | str | Path | IO[bytes]) -> tuple[list[str], Iterator[tuple], int]:
    """Headers, data rows (from row 2) and the row count of the first sheet of an .xlsx file."""
    if isinstance(source, bytes):
        source = io.BytesIO(source)
    try:
        workbook = load_workbook(source, read_only=True, data_only=True)
    except Exception as exc:  # zipfile, zlib, XML or openpyxl: any failure is the file's fault
        raise ValidationFailed(
            f"不是有效的 .xlsx 文件 not a readable .xlsx file ({type(exc).__name__}: {exc})",
            field="file",
        ) from None
    sheet = workbook.worksheets[0]
    rows = readable(sheet.iter_rows(values_only=True))
    header_row = next(rows, None)
    if header_row is None:
        raise ValidationFailed("工作表为空 the sheet is empty", field="file")
    total = max((sheet.max_row or 1) - 1, 0)
    return [normalise_header(cell) for cell in header_row], rows, total


def readable(rows: Iterator[tuple]) -> Iterator[tuple]:
    """The rows of a read-only workbook, which openpyxl decompresses and parses lazily: a
    damaged file can fail at any row, with whatever zlib, zipfile or the XML parser raise."""
    try:
        yield from rows
    except Exception as exc:  # any failure to decode an uploaded file is the file's fault
        raise ValidationFailed(
            f"不是有效的 .xlsx 文件 the file is damaged ({type(exc).__name__}: {exc})", field="file"
        ) from None


# ---------------------------------------------------------------- import


async def import_workbook(
    kind: str,
    source: bytes | str | Path | IO[bytes],
    scope: Scope,
    dry_run: bool = True,
    progress: Progress | None = None,
) -> ImportReport:
    """Validate (and unless `dry_run`, write) every row of the sheet; a report either way."""
    spec = spec_of(kind)
    started = time.perf_counter()
    headers, rows, total = open_sheet(source)
    missing = [c.header for c in spec.columns if c.required and c.header not in headers]
    if missing:
        errors = [
            RowError(row=1, column=header, field=None, reason="缺少必填列 required column missing")
            for header in missing
        ]
        return ImportReport(
            kind=kind, dry_run=dry_run, committed=False, rows=0, valid=0, errors=errors
        )
    positions = {header: index for index, header in enumerate(headers) if header}
    state = _State(spec=spec, dry_run=dry_run)
    try:
        async with scoped_transaction(scope):
            await _import_rows(state, rows, positions, scope, total, progress)
            if state.errors or dry_run:
                raise _RollBack
            state.committed = True
    except _RollBack:
        state.committed = False
    return ImportReport(
        kind=kind,
        dry_run=dry_run,
        committed=state.committed,
        rows=state.rows,
        valid=state.valid,
        errors=state.errors,
        more_errors=state.more_errors,
        preview=state.preview,
        seconds=round(time.perf_counter() - started, 3),
    )


class _State:
    def __init__(self, spec: ImportSpec, dry_run: bool) -> None:
        self.spec = spec
        self.dry_run = dry_run
        self.rows = 0
        self.valid = 0
        self.errors: list[RowError] = []
        self.more_errors = 0
        self.preview: list[dict[str, Any]] = []
        self.batch: list[dict[str, Any]] = []
        self.seen: dict[Any, int] = {}
        self.committed = False

    def refuse(self, row: int, exc: DomainError) -> None:
        if len(self.errors) >= MAX_ERRORS:
            self.more_errors += 1
            return
        self.errors.append(
            RowError(
                row=row, column=self.spec.header_of(exc.field), field=exc.field, reason=exc.detail
            )
        )

    def accept(self, row: int, values: dict[str, Any]) -> None:
        self.valid += 1
        if len(self.preview) < PREVIEW_ROWS and not self.spec.save_all:
            # The uploader typed these values, but a preview is no place for personal data.
            self.preview.append({"row": row, **mask_row(_plain(values))})


async def _import_rows(
    state: _State,
    rows: Iterator[tuple],
    positions: dict[str, int],
    scope: Scope,
    total: int,
    progress: Progress | None,
) -> None:
    spec = state.spec
    connection = DB.current_transaction.get().connection  # type: ignore[union-attr]
    lookups = await load_lookups(spec)
    pending: list[tuple[int, dict[str, Any]]] = []
    for number, cells in enumerate(rows, start=2):
        if all(is_blank(cell) for cell in cells):
            continue
        state.rows += 1
        if state.rows > MAX_ROWS:
            raise ValidationFailed(f"at most {MAX_ROWS} rows per file", field="file")
        by_header = {h: (cells[i] if i < len(cells) else None) for h, i in positions.items()}
        try:
            values = row_values(spec, by_header, lookups)
            if spec.mode == "create":
                pending.append((number, values))
            else:
                assert spec.schema is not None
                pending.append((number, with_defaults(spec.schema, values)))
        except DomainError as exc:
            state.refuse(number, exc)
        if progress is not None and state.rows % 500 == 0:
            progress(state.rows, total)
    if pending and spec.mode == "create":
        await _create_rows(state, pending, scope, connection)
    elif pending:
        await _clean_batch(state, pending)
    if progress is not None:
        progress(state.rows, max(total, state.rows))
    if state.batch and not state.errors:
        try:
            await insert_many(spec.table, state.batch)
        except DomainError as exc:
            state.refuse(0, exc)
    state.errors.sort(key=lambda error: error.row)


async def _create_rows(
    state: _State, pending: list[tuple[int, dict[str, Any]]], scope: Scope, connection: Any
) -> None:
    """Save each row with the kind's create service (a savepoint per row, so a refused row
    leaves the others in place and validation goes on).

    Kinds with a whole-file service (grids: numbered west→east, north→south) are validated
    row by row — rows naming their code first, so they keep it — then written again by that
    service once every row has passed.
    """
    spec = state.spec
    assert spec.save is not None
    if spec.save_all is not None:
        pending = sorted(pending, key=lambda item: not item[1].get("code"))
        await connection.execute("SAVEPOINT excel_file")
    for number, values in pending:
        await connection.execute("SAVEPOINT excel_row")
        try:
            saved = await spec.save(dict(values), scope.user_id)
        except DomainError as exc:
            await connection.execute("ROLLBACK TO SAVEPOINT excel_row")
            state.refuse(number, exc)
            continue
        await connection.execute("RELEASE SAVEPOINT excel_row")
        state.accept(number, saved)
    if spec.save_all is not None and not state.errors:
        await connection.execute("ROLLBACK TO SAVEPOINT excel_file")
        state.preview.clear()
        try:
            saved_rows = await spec.save_all(
                [values for _, values in sorted(pending)], scope.user_id
            )
        except DomainError as exc:
            state.refuse(0, exc)
            return
        by_row = sorted(pending)
        for (number, _), saved in zip(by_row, saved_rows, strict=False):
            if len(state.preview) < PREVIEW_ROWS:
                state.preview.append({"row": number, **mask_row(_plain(saved))})


async def _clean_batch(state: _State, pending: list[tuple[int, dict[str, Any]]]) -> None:
    """Clean the collected rows with the service cleaner (set-based for large files), refuse
    rows repeating an earlier row's key, and keep the rest for one batched insert."""
    spec = state.spec
    assert spec.clean is not None and spec.key is not None
    outcomes: list[dict[str, Any] | DomainError]
    if spec.bulk_clean is not None and len(pending) >= BULK_FROM:
        outcomes = await spec.bulk_clean([values for _, values in pending])
    else:
        outcomes = []
        for _, values in pending:
            try:
                outcomes.append(await spec.clean(values, None))
            except DomainError as exc:
                outcomes.append(exc)
    for (number, _), outcome in zip(pending, outcomes, strict=True):
        if isinstance(outcome, DomainError):
            state.refuse(number, outcome)
            continue
        key = spec.key(outcome)
        if key is not None and key in state.seen:
            state.refuse(
                number,
                ValidationFailed(
                    spec.key_message.format(row=state.seen[key]), field=spec.key_field
                ),
            )
            continue
        if key is not None:
            state.seen[key] = number
        state.batch.append(outcome)
        state.accept(number, outcome)


async def insert_many(table: Any, rows: list[dict[str, Any]]) -> int:
    """Insert cleaned rows in large batches on the current transaction's connection.

    Only columns of `table` are written; ones a row leaves out get their database default.
    A constraint the services missed still refuses the batch (as a DomainError).
    """
    from app.db import write_transaction

    columns = [
        c._meta.db_column_name
        for c in table._meta.columns
        if c._meta.name in rows[0] and c is not table._meta.primary_key
    ]
    names = [c._meta.name for c in table._meta.columns if c._meta.db_column_name in columns]
    sql = (
        f"INSERT INTO {table._meta.get_formatted_tablename()} ("
        + ", ".join(f'"{c}"' for c in columns)
        + ") VALUES ("
        + ", ".join(f"${i}" for i in range(1, len(columns) + 1))
        + ")"
    )
    async with write_transaction() as transaction:
        for start in range(0, len(rows), INSERT_CHUNK):
            chunk = rows[start : start + INSERT_CHUNK]
            await transaction.connection.executemany(
                sql, [tuple(row.get(name) for name in names) for row in chunk]
            )
    return len(rows)


def _plain(values: dict[str, Any]) -> dict[str, Any]:
    """A preview row safe for JSON and HTML (no passwords, no polygons, dates as text)."""
    plain: dict[str, Any] = {}
    for name, value in values.items():
        if name in ("password", "boundary", "footprint"):
            continue
        if isinstance(value, dt.date | dt.datetime):
            value = value.isoformat()
        plain[name] = value
    return plain
