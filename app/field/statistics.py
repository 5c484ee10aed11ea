"""统计报表 on the phone: the community's 一表通 inbox, one answer's fields, save and submit.

Everything goes through app/statistics/services (open_answer computes the bound fields and the
上期 pre-fill, save_answer parses, checks the sub-totals and submits). Who may fill is the
admin's rule, kept by row-level security: a community's answers are changed by its community
staff and its street (`grid_editable_communities()`); a grid worker reads them only, and
`lock_row` refuses their write with 403. `may_fill` asks the database that same question.
"""

from __future__ import annotations

import re
from typing import Any

from app.crud import find_row
from app.errors import NotFound, ValidationFailed
from app.field.auth import FieldCaller
from app.scope import Level
from app.statistics import services
from tables.statistics import ReportAnswer, ReportRequest

Row = dict[str, Any]
ORIGIN_LABELS = {"data": "系统计算", "previous": "上期", "hand": "待填"}
STATUS_LABELS = {"open": "待填报", "returned": "已退回", "submitted": "已提交"}
KIND_LABELS = {
    "number": "数字",
    "integer": "整数",
    "text": "文字",
    "choice": "选择",
    "date": "日期",
    "yes_no": "是/否",
}
# The statistics services word their refusals in English for the admin and the API; the
# phone shows them in Chinese, after the field's title (the English kept in `reason`).
REASONS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^is required"), "必填"),
    (re.compile(r"^confirm or correct"), "请确认或更正预填的值"),
    (re.compile(r"is not a whole number"), "应为整数"),
    (re.compile(r"is not a number|is a number field"), "应为数字"),
    (re.compile(r"is below the minimum (?P<n>\S+)"), "不能小于 {n}"),
    (re.compile(r"is above the maximum (?P<n>\S+)"), "不能大于 {n}"),
    (re.compile(r"is not the sum of (?P<parts>.+) \((?P<sum>[^)]+)\)$"), "应等于各分项之和 {sum}"),
    (re.compile(r"is not one of: (?P<choices>.+)$"), "应为其中之一：{choices}"),
    (re.compile(r"is not a date"), "应为日期（年-月-日）"),
    (re.compile(r"is not yes or no"), "应为“是”或“否”"),
    (re.compile(r"is not a field of this template"), "不是这张报表的字段"),
]


async def may_fill(community_id: int) -> bool:
    """Whether the caller's scope may change this community's answers (the RLS rule)."""
    rows = await ReportAnswer.raw(
        "SELECT {}::int = ANY (grid_editable_communities()) AS editable", community_id
    ).run()
    return bool(rows[0]["editable"])


def _unit_filter(caller: FieldCaller) -> int | None:
    """The community whose inbox the phone shows: the caller's own (street and district
    logins, who work in the admin, see every answer of their scope)."""
    if caller.scope.level in (Level.community, Level.grid):
        return caller.scope.community_id
    return None


def _card(row: Row) -> Row:
    return {
        "id": row["id"],
        "title": row["title"],
        "department": row["department_name"],
        "period_start": row["period_start"],
        "period_end": row["period_end"],
        "deadline": row["deadline"],
        "status": row["status"],
        "status_label": STATUS_LABELS[row["status"]],
        "overdue": row["overdue"],
        "late": row["late"],
        "submitted_at": row["submitted_at"],
        "return_comment": row["return_comment"],
        "opened_at": row["opened_at"],
        "community": row["community"],
        "grid": row["grid"],
    }


async def inbox(caller: FieldCaller) -> list[Row]:
    """The statistics requests addressed to the caller's community, open and returned first,
    soonest deadline first, each due or late."""
    community = _unit_filter(caller)
    return [
        _card(row)
        for row in await services.inbox()
        if community is None or row["community"] == community
    ]


async def _answer_card(answer_id: int) -> Row:
    rows = [row for row in await services.inbox() if row["id"] == answer_id]
    if not rows:
        raise NotFound(f"统计报表 {answer_id} 不存在或不在您的范围内", field="id")
    return _card(rows[0])


async def _request_of(answer_id: int) -> Row:
    answer = await find_row(ReportAnswer, answer_id)
    request = answer and await find_row(ReportRequest, answer["report_request"])
    if not request:
        raise NotFound(f"统计报表 {answer_id} 不存在或不在您的范围内", field="id")
    return request


def _value_out(row: Row, field: Row) -> Row:
    return {
        "key": field["key"],
        "title": field["title"],
        "kind": field["kind"],
        "kind_label": KIND_LABELS.get(field["kind"], field["kind"]),
        "unit": field["unit"],
        "required": field["required"],
        "choices": field["choices"],
        "minimum": field["minimum"],
        "maximum": field["maximum"],
        "total_of": field["total_of"],
        "value": row.get("value", ""),
        "computed": row.get("computed"),
        "previous": row.get("previous"),
        "origin": row.get("origin", "hand" if not field["source"] else "data"),
        "origin_label": ORIGIN_LABELS[row.get("origin", "hand")],
        "confirmed": row.get("confirmed", False),
        "corrected": row.get("corrected", False),
    }


async def open_answer(caller: FieldCaller, answer_id: int) -> Row:
    """Open an answer to fill it: the first time, the statistics service makes its values
    (computed from data, pre-filled from the last answer: 上期); then its detail."""
    await _answer_card(answer_id)
    await services.open_answer(answer_id, caller.user_id)
    return await answer_detail(caller, answer_id)


async def answer_detail(caller: FieldCaller, answer_id: int) -> Row:
    """One answer with its fields in column order and what was filled so far (its values
    exist once someone who may fill has opened it)."""
    card = await _answer_card(answer_id)
    editable = await may_fill(card["community"]) and card["status"] != "submitted"
    request = await _request_of(answer_id)
    fields = await services.template_fields(request["template"])
    values = {row["field"]: row for row in await services.answer_values(answer_id)}
    return {
        **card,
        "note": request["note"],
        "may_fill": editable,
        "opened": card["opened_at"] is not None,
        "fields": [_value_out(values.get(f["id"], {}), f) for f in fields],
    }


async def save_answer(
    caller: FieldCaller, answer_id: int, given: dict[str, Any], submit: bool
) -> Row:
    """Save (and with `submit`, submit) values by field key through the statistics service;
    its refusals name `values.<key>` and are given here in Chinese after the field's title."""
    card = await _answer_card(answer_id)
    try:
        await services.save_answer(answer_id, given, caller.user_id, submit=submit)
    except ValidationFailed as error:
        raise await _in_chinese(error, answer_id) from error
    detail = await answer_detail(caller, answer_id)
    message = "已保存，尚未提交"
    if detail["status"] == "submitted":
        message = "已提交（逾期提交，已标记）" if detail["late"] else "已提交"
    return {**detail, "message": message, "was": card["status"]}


async def _in_chinese(error: ValidationFailed, answer_id: int) -> ValidationFailed:
    if not (error.field or "").startswith("values."):
        return error
    key = (error.field or "")[len("values.") :]
    request = await _request_of(answer_id)
    fields = await services.template_fields(request["template"])
    title = next((f["title"] for f in fields if f["key"] == key), key)
    words = "填写有误"
    for pattern, chinese in REASONS:
        match = pattern.search(error.detail)
        if match:
            words = chinese.format(**match.groupdict())
            break
    return ValidationFailed(f"「{title}」{words}", field=error.field, reason=error.detail)
