"""The result of a request as .xlsx in the template's own layout: its column order and titles."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from app.statistics.services import aggregate

FIXED = ["社区编码", "社区", "网格编码", "状态", "逾期"]
STATUS = {"open": "未提交", "returned": "已退回", "submitted": "已提交"}


def column_title(field: dict[str, Any]) -> str:
    return f"{field['title']}（{field['unit']}）" if field["unit"] else str(field["title"])


async def request_workbook(request_id: int) -> bytes:
    """Title row, the template's columns, one row per answering unit, then the sums of
    submitted answers per street and for the district."""
    result = await aggregate(request_id)
    request, fields = result["request"], result["fields"]
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "汇总"
    sheet.append([f"统计期 {request['period_start']} — {request['period_end']}"])
    sheet.append([*FIXED, *(column_title(f) for f in fields)])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for unit in result["units"]:
        sheet.append(
            [
                unit["community_code"],
                unit["community_name"],
                unit["grid_code"] or "",
                STATUS[unit["status"]],
                "是" if unit["late"] else "",
                *(_cell(unit["values"].get(f["id"])) for f in fields),
            ]
        )
    for street, totals in sorted(result["streets"].items()):
        sheet.append(
            [street, "街道合计", "", "", "", *(_cell(totals.get(f["id"])) for f in fields)]
        )
    sheet.append(
        ["", "全区合计", "", "", "", *(_cell(result["district"].get(f["id"])) for f in fields)]
    )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cell(value: Any) -> Any:
    """Numbers as numbers (integers as int), text as text, nothing as an empty cell."""
    if value is None or value == "":
        return None
    if hasattr(value, "as_integer_ratio") and not isinstance(value, (int, float)):
        return int(value) if value == value.to_integral() else float(value)
    return value
