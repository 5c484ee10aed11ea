"""Writing workbooks: import templates with Chinese headers, and formatted tables for exports.

Everything is written with openpyxl and returned as bytes (`XLSX_MEDIA_TYPE`).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from app.coordinates import SYSTEMS
from app.excel.specs import Column, ImportSpec
from app.labels import LABELS

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FONT_NAME = "等线"  # Excel's default CJK font; LibreOffice and WPS substitute their own
HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
HEADER_FONT = Font(name=FONT_NAME, bold=True, color="FFFFFF")
REQUIRED_FILL = PatternFill("solid", fgColor="C00000")
TITLE_FONT = Font(name=FONT_NAME, bold=True, size=14)
BODY_FONT = Font(name=FONT_NAME)
THIN = Side(style="thin", color="BFBFBF")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def to_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def content_disposition(filename: str) -> str:
    """An attachment header that keeps a Chinese file name (RFC 6266 / 5987)."""
    from urllib.parse import quote

    ascii_name = filename.encode("ascii", "ignore").decode() or "export.xlsx"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


# ---------------------------------------------------------------- templates


def allowed_values(column: Column) -> list[str]:
    """What a column's cells may hold, when that is a closed list (for drop-downs)."""
    if column.kind == "coordinate_system":
        return list(SYSTEMS)
    return list(LABELS.get(column.choices, {}).values()) if column.choices else []


def template(spec: ImportSpec) -> bytes:
    """The import template of a kind: the header row (required columns marked * and red),
    drop-down lists for closed vocabularies, and a second sheet explaining every column."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = spec.title.split()[0]
    for index, column in enumerate(spec.columns, start=1):
        cell = sheet.cell(
            row=1, column=index, value=column.header + ("*" if column.required else "")
        )
        cell.font = HEADER_FONT
        cell.fill = REQUIRED_FILL if column.required else HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center")
        cell.border = BORDER
        if column.note:
            cell.comment = Comment(column.note, "人民网格")
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(14, len(column.header) * 2 + 6)
        # Codes and ID numbers must stay text: Excel would turn 18 digits into 3.4E+17.
        sheet.column_dimensions[letter].number_format = "@"
        names = allowed_values(column)
        if names and column.kind in ("choice", "coordinate_system"):
            validation = DataValidation(
                type="list", formula1='"' + ",".join(names) + '"', allow_blank=True
            )
            validation.add(f"{letter}2:{letter}100000")
            sheet.add_data_validation(validation)
    sheet.freeze_panes = "A2"
    _explanations(workbook, spec)
    return to_bytes(workbook)


def _explanations(workbook: Workbook, spec: ImportSpec) -> None:
    sheet = workbook.create_sheet("填写说明")
    sheet.append([f"{spec.title} 导入模板填写说明"])
    sheet["A1"].font = TITLE_FONT
    sheet.append(["带 * 的列必填；第一行为表头，请勿修改；从第二行起每行一条记录。"])
    sheet.append(["导入前先“预检”：任何一行有误则整份文件都不写入，并列出行号、列名和原因。"])
    sheet.append([])
    header = ["列名", "必填", "示例", "说明", "可选值"]
    sheet.append(header)
    for cell in sheet[5]:
        cell.font, cell.fill, cell.border = HEADER_FONT, HEADER_FILL, BORDER
    for column in spec.columns:
        allowed = "、".join(allowed_values(column))
        sheet.append(
            [column.header, "是" if column.required else "", column.example, column.note, allowed]
        )
    for letter, width in zip("ABCDE", (14, 6, 28, 40, 50), strict=True):
        sheet.column_dimensions[letter].width = width


# ---------------------------------------------------------------- tables


@dataclass(frozen=True)
class Field:
    """One column of an exported table: header, how to read it from a row, number format."""

    header: str
    key: str | Callable[[dict[str, Any]], Any]
    number_format: str | None = None
    width: int | None = None

    def value(self, row: dict[str, Any]) -> Any:
        value = self.key(row) if callable(self.key) else row.get(self.key)
        if isinstance(value, dt.datetime):
            # Excel has no time zones: write the local wall-clock time.
            from app.settings import settings

            return value.astimezone(settings.timezone).replace(tzinfo=None)
        if isinstance(value, list | tuple):
            return "、".join(str(v) for v in value)
        if isinstance(value, dict):
            import json

            return json.dumps(value, ensure_ascii=False)
        return value


PERCENT = "0.0%"
DECIMAL = "0.0"


def write_table(
    sheet: Worksheet,
    fields: Sequence[Field],
    rows: Iterable[dict[str, Any]],
    title: str | None = None,
    subtitle: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> int:
    """A formatted table on `sheet`: optional title lines, header, rows, filter, frozen header."""
    first = 1
    if title:
        sheet.cell(row=1, column=1, value=title).font = TITLE_FONT
        first = 2
        if subtitle:
            sheet.cell(row=2, column=1, value=subtitle).font = Font(name=FONT_NAME, color="595959")
            first = 3
        first += 1
    for index, spec in enumerate(fields, start=1):
        cell = sheet.cell(row=first, column=index, value=spec.header)
        cell.font, cell.fill, cell.border = HEADER_FONT, HEADER_FILL, BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    widths = [max(10, _display_width(f.header) + 2) for f in fields]
    count = 0
    for count, row in enumerate(rows, start=1):
        for index, spec in enumerate(fields, start=1):
            value = spec.value(row)
            cell = sheet.cell(row=first + count, column=index, value=value)
            cell.font = BODY_FONT
            if spec.number_format:
                cell.number_format = spec.number_format
            elif isinstance(value, dt.datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
            elif isinstance(value, dt.date):
                cell.number_format = "yyyy-mm-dd"
            if count <= 200 and isinstance(value, str):
                widths[index - 1] = max(widths[index - 1], min(_display_width(value) + 2, 60))
        if progress is not None and count % 1000 == 0:
            progress(count)
    for index, spec in enumerate(fields, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = spec.width or widths[index - 1]
    last_column = get_column_letter(max(len(fields), 1))
    sheet.auto_filter.ref = f"A{first}:{last_column}{first + max(count, 1)}"
    sheet.freeze_panes = sheet.cell(row=first + 1, column=1)
    return count


def _display_width(text: str) -> int:
    """Width in Excel character units: CJK characters take two."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def single_table(
    sheet_title: str,
    fields: Sequence[Field],
    rows: Iterable[dict[str, Any]],
    title: str | None = None,
    subtitle: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> bytes:
    """A workbook of one formatted table."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = sheet_title[:31]
    write_table(sheet, fields, rows, title, subtitle, progress)
    return to_bytes(workbook)
