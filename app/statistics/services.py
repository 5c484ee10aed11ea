"""一表通 rules: templates through the access list, requests, answers filled from data.

- A template (and each request of it) enters only through an approved, valid access-list entry
  of the street (`app.work.check_access`); a refusal is kept as an AccessRefusal like a push.
- Opening an answer computes its bound fields in SQL and pre-fills fields asked before (上期).
- Saving parses every value against its field (kind, range, choices) and submitting checks the
  rules between fields (sub-totals) — all before any write, in one transaction.
- A template edited after answers exist becomes a new version; old answers keep theirs.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from app.clock import local_today, utc_now
from app.crud import get_row, insert_row, lock_row, update_row
from app.db import DB, outside_transaction, write_transaction
from app.errors import AccessRefused, Conflict, Forbidden, InvalidTransition, ValidationFailed
from app.statistics import sources
from app.statistics.schemas import FieldSpec, ReportRequestCreate, ReportTemplateCreate
from app.validation import check_choice, check_text
from app.work.access import check_access
from app.work.items import _record_refusal
from tables.statistics import (
    AnswerStatus,
    FieldKind,
    ReportAnswer,
    ReportField,
    ReportLevel,
    ReportPeriod,
    ReportRequest,
    ReportTemplate,
    ReportValue,
    ValueOrigin,
)
from tables.work import AccessListEntry

KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_.]{0,63}$")
NUMERIC_KINDS = frozenset({FieldKind.number, FieldKind.integer})
YES = {
    "true": "是",
    "1": "是",
    "是": "是",
    "yes": "是",
    "false": "否",
    "0": "否",
    "否": "否",
    "no": "否",
}


# --- Templates -----------------------------------------------------------------------------


def clean_fields(specs: list[FieldSpec]) -> list[dict[str, Any]]:
    """The fields in order, each checked; errors name `fields.<key>` (or its position)."""
    if not specs:
        raise ValidationFailed("a template needs at least one field", field="fields")
    cleaned: list[dict[str, Any]] = []
    seen: dict[str, dict[str, Any]] = {}
    for position, spec in enumerate(specs, 1):
        name = f"fields.{spec.key or position}"
        if not KEY_PATTERN.match(spec.key or ""):
            raise ValidationFailed(
                "a field key is lower-case letters, digits, '_' and '.'", field=name
            )
        if spec.key in seen:
            raise ValidationFailed(f"field key {spec.key} is used twice", field=name)
        kind = check_choice(spec.kind, FieldKind, f"{name}.kind")
        if spec.minimum is not None and spec.maximum is not None and spec.minimum > spec.maximum:
            raise ValidationFailed("minimum is above maximum", field=f"{name}.minimum")
        if kind == FieldKind.choice and not spec.choices:
            raise ValidationFailed("a choice field needs its choices", field=f"{name}.choices")
        if spec.source is not None:
            if spec.source not in sources.SOURCES:
                raise ValidationFailed(
                    f"unknown data source {spec.source!r}", field=f"{name}.source"
                )
            if kind not in NUMERIC_KINDS:
                raise ValidationFailed(
                    "only number fields can be bound to data", field=f"{name}.source"
                )
        field: dict[str, Any] = {
            "position": position,
            "key": spec.key,
            "title": check_text(spec.title, f"{name}.title", 100),
            "kind": kind,
            "unit": check_text(spec.unit, f"{name}.unit", 20, required=False),
            "minimum": None if spec.minimum is None else Decimal(str(spec.minimum)),
            "maximum": None if spec.maximum is None else Decimal(str(spec.maximum)),
            "choices": list(spec.choices),
            "required": spec.required,
            "source": spec.source,
            "total_of": list(spec.total_of),
        }
        seen[spec.key] = field
        cleaned.append(field)
    for field in cleaned:
        for part in field["total_of"]:
            other = seen.get(part)
            if other is None or other is field or other["kind"] not in NUMERIC_KINDS:
                raise ValidationFailed(
                    f"{part!r} is not another number field of this template",
                    field=f"fields.{field['key']}.total_of",
                )
        if field["total_of"] and field["kind"] not in NUMERIC_KINDS:
            raise ValidationFailed(
                "only a number field can be a total", field=f"fields.{field['key']}.total_of"
            )
    return cleaned


async def admit(
    entry_id: int | None, street_id: int, title: str, actor_id: int | None
) -> dict[str, Any]:
    """The access-list entry letting a statistics request into the street today, or the
    refusal recorded (on its own connection, surviving the rollback) and raised again."""
    try:
        return await check_access(entry_id, street_id, local_today())
    except AccessRefused as refusal:
        await outside_transaction(
            _record_refusal(
                {"street": street_id, "id": None},
                {"access_entry": entry_id, "title": f"统计报表 {title}"},
                None,
                refusal.detail,
                actor_id,
            )
        )
        raise


async def create_template(
    data: ReportTemplateCreate, actor_id: int | None, department_id: int | None = None
) -> dict[str, Any]:
    """A department's report template, version 1, admitted by an approved access-list entry.

    `department_id` is the department a token acts for: it may only use its own entries.
    """
    title = check_text(data.title, "title", 200)
    family = check_text(data.family, "family", 64)
    level = check_choice(data.level, ReportLevel, "level")
    period = check_choice(data.period, ReportPeriod, "period")
    fields = clean_fields(data.fields)
    entry_row = (
        await AccessListEntry.select()
        .where(AccessListEntry._meta.primary_key == data.access_entry)
        .first()
    )
    if entry_row is None:
        raise AccessRefused(
            f"access-list entry {data.access_entry} does not exist", field="access_entry"
        )
    if department_id is not None and entry_row["department"] != department_id:
        raise Forbidden("this token acts for another department", field="access_entry")
    async with write_transaction(actor_id):
        entry = await admit(data.access_entry, entry_row["street"], title, actor_id)
        if await ReportTemplate.exists().where(
            (ReportTemplate.street == entry["street"]) & (ReportTemplate.family == family)
        ):
            raise Conflict(f"template {family} exists: revise it instead", field="family")
        template = await insert_row(
            ReportTemplate,
            {
                "street": entry["street"],
                "department": entry["department"],
                "access_entry": entry["id"],
                "family": family,
                "version": 1,
                "current": True,
                "title": title,
                "level": level,
                "period": period,
                "created_by": actor_id,
                "created_at": utc_now(),
            },
        )
        await _insert_fields(template, fields)
    return template


async def _insert_fields(template: dict[str, Any], fields: list[dict[str, Any]]) -> None:
    await ReportField.insert(
        *(
            ReportField(**field, template=template["id"], street=template["street"])
            for field in fields
        )
    ).run()


async def revise_template(
    template_id: int, title: str, specs: list[FieldSpec], actor_id: int | None
) -> dict[str, Any]:
    """Change a template: in place while nobody has answered it, else as a new version (the
    old one keeps its fields, so answers given to it stay as they were)."""
    fields = clean_fields(specs)
    title = check_text(title, "title", 200)
    async with write_transaction(actor_id):
        template = await lock_row(ReportTemplate, template_id)
        if not template["current"]:
            raise Conflict("only the current version can be revised", field="id")
        answered = await ReportValue.exists().where(ReportValue.field.template == template_id)
        if not answered:
            await ReportField.delete().where(ReportField.template == template_id).run()
            template = await update_row(ReportTemplate, template_id, {"title": title})
            await _insert_fields(template, fields)
            return template
        await update_row(ReportTemplate, template_id, {"current": False})
        new = {k: v for k, v in template.items() if k != "id"}
        new.update(
            version=template["version"] + 1,
            title=title,
            current=True,
            created_by=actor_id,
            created_at=utc_now(),
        )
        created = await insert_row(ReportTemplate, new)
        await _insert_fields(created, fields)
        return created


async def template_fields(template_id: int) -> list[dict[str, Any]]:
    return (
        await ReportField.select()
        .where(ReportField.template == template_id)
        .order_by(ReportField.position)
        .run()
    )


# --- Requests ------------------------------------------------------------------------------


def period_end(start: dt.date, period: str) -> dt.date:
    """Last day of the period starting on `start` (monthly/quarterly/yearly begin on a 1st)."""
    months = {ReportPeriod.monthly: 1, ReportPeriod.quarterly: 3, ReportPeriod.yearly: 12}.get(
        ReportPeriod(period)
    )
    if months is None:
        return start
    if start.day != 1:
        raise ValidationFailed(
            f"a {period} period starts on the 1st of a month", field="period_start"
        )
    month = start.month - 1 + months
    return dt.date(start.year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)


async def create_request(
    data: ReportRequestCreate, actor_id: int | None, department_id: int | None = None
) -> dict[str, Any]:
    """Ask every community (or grid) of the street for one period of the template: the
    access list is judged again today (an entry revoked since refuses the request)."""
    template = await get_row(ReportTemplate, data.template, field="template")
    if not template["current"]:
        raise Conflict("this version was replaced: ask the current one", field="template")
    if department_id is not None and template["department"] != department_id:
        raise Forbidden("this token acts for another department", field="template")
    deadline = data.deadline if data.deadline.tzinfo else data.deadline.replace(tzinfo=dt.UTC)
    end = period_end(data.period_start, template["period"])
    async with write_transaction(actor_id):
        await admit(template["access_entry"], template["street"], template["title"], actor_id)
        now = utc_now()
        request = await insert_row(
            ReportRequest,
            {
                "template": template["id"],
                "street": template["street"],
                "department": template["department"],
                "period_start": data.period_start,
                "period_end": end,
                "deadline": deadline,
                "note": check_text(data.note, "note", required=False),
                "created_by": actor_id,
                "created_at": now,
            },
        )
        if template["level"] == ReportLevel.grid:
            units = "SELECT g.community, g.id FROM responsibility_grid g JOIN community c ON c.id = g.community WHERE c.street = $2"
        else:
            units = "SELECT c.id, NULL::int FROM community c WHERE c.street = $2"
        await _execute(
            "INSERT INTO report_answer (report_request, community, grid, status, opened_at, submitted_at,"
            " late, return_comment, created_at)"
            f" SELECT $1, u.*, 'open', NULL, NULL, false, '', $3 FROM ({units}) u",
            request["id"],
            template["street"],
            now,
        )
    return request


async def _execute(sql: str, *args: Any) -> list[dict[str, Any]]:
    """Run one statement with asyncpg's $n parameters (used more than once) in the current
    transaction, its rows as dicts."""
    async with write_transaction():
        transaction = DB.current_transaction.get()
        assert transaction is not None
        return [dict(row) for row in await transaction.connection.fetch(sql, *args)]


# --- Answers -------------------------------------------------------------------------------


async def open_answer(answer_id: int, actor_id: int | None) -> dict[str, Any]:
    """Open an answer from the inbox: the first time, its values are made — bound fields
    computed from data, fields asked before pre-filled with their last answer (上期)."""
    async with write_transaction(actor_id):
        answer = await lock_row(ReportAnswer, answer_id)
        if answer["opened_at"] is not None:
            return answer
        request = await get_row(ReportRequest, answer["report_request"])
        template = await get_row(ReportTemplate, request["template"])
        fields = await template_fields(template["id"])
        unit = answer["grid"] if template["level"] == ReportLevel.grid else answer["community"]
        computed = await sources.compute(
            [f["source"] for f in fields if f["source"]],
            template["level"],
            [unit],
            request["period_start"],
            request["period_end"],
        )
        previous = await last_answers(answer, [f["key"] for f in fields if not f["source"]])
        rows = []
        for field in fields:
            value = computed.get((unit, field["source"])) if field["source"] else None
            before = previous.get(field["key"])
            origin = (
                ValueOrigin.data
                if value is not None
                else ValueOrigin.previous
                if before is not None
                else ValueOrigin.hand
            )
            shown = _number_text(value) if value is not None else before or ""
            rows.append(
                ReportValue(
                    answer=answer_id,
                    field=field["id"],
                    community=answer["community"],
                    value=shown,
                    number=value if value is not None else _as_number(field, before),
                    computed=value,
                    previous=before,
                    origin=origin,
                    confirmed=False,
                    corrected=False,
                )
            )
        await ReportValue.insert(*rows).run()
        return await update_row(ReportAnswer, answer_id, {"opened_at": utc_now()})


def _number_text(value: Decimal) -> str:
    return format(value.normalize(), "f") if value == value.to_integral() else str(value)


def _as_number(field: dict[str, Any], text: str | None) -> Decimal | None:
    if text is None or field["kind"] not in NUMERIC_KINDS:
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


async def last_answers(answer: dict[str, Any], keys: list[str]) -> dict[str, str]:
    """The last submitted value of each key in the same community (and grid), any template."""
    if not keys:
        return {}
    rows = await _execute(
        "SELECT DISTINCT ON (f.key) f.key, v.value FROM report_value v"
        " JOIN report_field f ON f.id = v.field JOIN report_answer a ON a.id = v.answer"
        " WHERE a.community = $1 AND a.grid IS NOT DISTINCT FROM $2 AND a.status = 'submitted'"
        " AND f.key = ANY ($3::text[]) AND a.id <> $4 ORDER BY f.key, a.submitted_at DESC",
        answer["community"],
        answer["grid"],
        keys,
        answer["id"],
    )
    return {row["key"]: row["value"] for row in rows}


def parse_value(field: dict[str, Any], raw: Any) -> tuple[str, Decimal | None]:
    """(normalised text, number) of one value, or ValidationFailed naming `values.<key>`."""
    name = f"values.{field['key']}"
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return "", None
    kind = field["kind"]
    if kind in NUMERIC_KINDS:
        if isinstance(raw, bool):
            raise ValidationFailed("is a number field, not yes/no", field=name)
        try:
            number = Decimal(str(raw).strip())
        except InvalidOperation:
            raise ValidationFailed(f"{raw!r} is not a number", field=name) from None
        if not number.is_finite():
            raise ValidationFailed(f"{raw!r} is not a number", field=name)
        if kind == FieldKind.integer and number != number.to_integral():
            raise ValidationFailed(f"{raw!r} is not a whole number", field=name)
        if field["minimum"] is not None and number < field["minimum"]:
            raise ValidationFailed(f"{raw} is below the minimum {field['minimum']}", field=name)
        if field["maximum"] is not None and number > field["maximum"]:
            raise ValidationFailed(f"{raw} is above the maximum {field['maximum']}", field=name)
        return _number_text(number), number
    text = str(raw).strip()
    if kind == FieldKind.yes_no:
        if text.lower() not in YES:
            raise ValidationFailed(f"{raw!r} is not yes or no", field=name)
        return YES[text.lower()], None
    if kind == FieldKind.choice and text not in field["choices"]:
        raise ValidationFailed(f"{raw!r} is not one of: {', '.join(field['choices'])}", field=name)
    if kind == FieldKind.date:
        try:
            return dt.date.fromisoformat(text).isoformat(), None
        except ValueError:
            raise ValidationFailed(f"{raw!r} is not a date (YYYY-MM-DD)", field=name) from None
    return check_text(text, name, 2000), None


async def save_answer(
    answer_id: int, given: dict[str, Any], actor_id: int | None, submit: bool = False
) -> dict[str, Any]:
    """Save values by field key (confirming or correcting pre-filled ones); with `submit`,
    also check that every required field has a value, every pre-filled one is confirmed and
    the sub-totals add up, and submit — late (allowed, marked) after the deadline."""
    async with write_transaction(actor_id):
        answer = await lock_row(ReportAnswer, answer_id)
        if answer["status"] == AnswerStatus.submitted:
            raise InvalidTransition(
                "this answer is submitted; the requester can return it", field="status"
            )
        if answer["opened_at"] is None:
            await open_answer(answer_id, actor_id)
        request = await get_row(ReportRequest, answer["report_request"])
        fields = {f["key"]: f for f in await template_fields(request["template"])}
        for key in given:
            if key not in fields:
                raise ValidationFailed(
                    f"{key!r} is not a field of this template", field=f"values.{key}"
                )
        current = {
            row["field"]: row
            for row in await ReportValue.select().where(ReportValue.answer == answer_id).run()
        }
        changes: dict[int, dict[str, Any]] = {}
        for key, raw in given.items():
            field = fields[key]
            text, number = parse_value(field, raw)
            row = current[field["id"]]
            prefilled = row["origin"] != ValueOrigin.hand
            shown = row["value"] if prefilled else None
            changes[row["id"]] = {
                "value": text,
                "number": number,
                "confirmed": True,
                "corrected": prefilled
                and text
                != (
                    shown
                    if row["origin"] == ValueOrigin.previous
                    else _number_text(row["computed"])
                ),
            }
            row.update(changes[row["id"]])
        if submit:
            _check_complete(fields, current)
        for value_id, change in changes.items():
            await update_row(ReportValue, value_id, change)
        if submit:
            now = utc_now()
            return await update_row(
                ReportAnswer,
                answer_id,
                {
                    "status": AnswerStatus.submitted,
                    "submitted_at": now,
                    "late": now > request["deadline"],
                },
            )
        return answer


def _check_complete(fields: dict[str, dict[str, Any]], values: dict[int, dict[str, Any]]) -> None:
    by_key = {key: values[field["id"]] for key, field in fields.items()}
    for key, field in fields.items():
        row = by_key[key]
        if row["origin"] != ValueOrigin.hand and not row["confirmed"]:
            raise ValidationFailed("confirm or correct the pre-filled value", field=f"values.{key}")
        if field["required"] and not row["value"]:
            raise ValidationFailed("is required", field=f"values.{key}")
    for key, field in fields.items():
        if field["total_of"] and by_key[key]["number"] is not None:
            parts = [by_key[part]["number"] or Decimal(0) for part in field["total_of"]]
            if sum(parts, Decimal(0)) != by_key[key]["number"]:
                raise ValidationFailed(
                    f"{field['title']} ({by_key[key]['number']}) is not the sum of"
                    f" {', '.join(field['total_of'])} ({sum(parts, Decimal(0))})",
                    field=f"values.{key}",
                )


async def return_answer(
    answer_id: int, comment: str, actor_id: int | None, level: str
) -> dict[str, Any]:
    """The requester sends a submitted answer back with a comment; the community fixes it."""
    if level not in ("street", "district"):
        raise Forbidden("only the requesting street returns answers", field="id")
    comment = check_text(comment, "comment", 1000)
    async with write_transaction(actor_id):
        answer = await lock_row(ReportAnswer, answer_id)
        if answer["status"] != AnswerStatus.submitted:
            raise InvalidTransition(
                f"a {answer['status']} answer cannot be returned", field="status"
            )
        return await update_row(
            ReportAnswer, answer_id, {"status": AnswerStatus.returned, "return_comment": comment}
        )


async def answer_values(answer_id: int) -> list[dict[str, Any]]:
    """The values of an answer in column order, each with its field's key, title and unit."""
    return await (
        ReportValue.select(
            *ReportValue.all_columns(),
            ReportValue.field.key.as_alias("key"),
            ReportValue.field.title.as_alias("title"),
            ReportValue.field.kind.as_alias("kind"),
            ReportValue.field.unit.as_alias("unit"),
        )
        .where(ReportValue.answer == answer_id)
        .order_by(ReportValue.field.position)
        .run()
    )


async def inbox() -> list[dict[str, Any]]:
    """Answers the scope sees (a community: its own), open and returned first, by deadline."""
    return list(
        await _execute(
            "SELECT a.*, r.deadline, r.period_start, r.period_end, t.title, d.name AS department_name,"
            " (a.status <> 'submitted' AND r.deadline < now()) AS overdue"
            " FROM report_answer a JOIN report_request r ON r.id = a.report_request"
            " JOIN report_template t ON t.id = r.template JOIN department d ON d.id = r.department"
            " ORDER BY a.status = 'submitted', r.deadline, a.id"
        )
    )


# --- Aggregation and burden ----------------------------------------------------------------


async def aggregate(request_id: int) -> dict[str, Any]:
    """Every unit's answer (status, late) with its values, and the sums of numeric fields
    over submitted answers by street and district."""
    request = await get_row(ReportRequest, request_id)
    fields = await template_fields(request["template"])
    rows = await _execute(
        "SELECT a.id, a.status, a.late, a.submitted_at, c.code AS community_code,"
        " c.name AS community_name, g.code AS grid_code, v.field, v.value, v.number"
        " FROM report_answer a JOIN community c ON c.id = a.community"
        " LEFT JOIN responsibility_grid g ON g.id = a.grid"
        " LEFT JOIN report_value v ON v.answer = a.id WHERE a.report_request = $1"
        " ORDER BY c.code, g.code NULLS FIRST, a.id",
        request_id,
    )
    units: dict[int, dict[str, Any]] = {}
    for row in rows:
        unit = units.setdefault(
            row["id"],
            {
                "answer": row["id"],
                "community_code": row["community_code"],
                "community_name": row["community_name"],
                "grid_code": row["grid_code"],
                "status": row["status"],
                "late": row["late"],
                "values": {},
            },
        )
        if row["field"] is not None:
            unit["values"][row["field"]] = (
                row["number"] if row["number"] is not None else row["value"]
            )
    totals = await _execute(
        "SELECT s.code AS street_code, v.field, sum(v.number) AS total"
        " FROM report_value v JOIN report_answer a ON a.id = v.answer"
        " JOIN community c ON c.id = a.community JOIN street s ON s.id = c.street"
        " WHERE a.report_request = $1 AND a.status = 'submitted' AND v.number IS NOT NULL"
        " GROUP BY s.code, v.field",
        request_id,
    )
    by_street: dict[str, dict[int, Decimal]] = {}
    district: dict[int, Decimal] = {}
    for row in totals:
        by_street.setdefault(row["street_code"], {})[row["field"]] = row["total"]
        district[row["field"]] = district.get(row["field"], Decimal(0)) + row["total"]
    return {
        "request": request,
        "fields": fields,
        "units": list(units.values()),
        "streets": by_street,
        "district": district,
        "submitted": sum(u["status"] == AnswerStatus.submitted for u in units.values()),
        "late": [u["community_code"] for u in units.values() if u["late"]],
    }


async def burden(month: dt.date) -> list[dict[str, Any]]:
    """Per community and department, in the month requests were received: requests, fields
    asked, filled from data, pre-filled, typed by hand (incl. corrections), hours to submit."""
    start = month.replace(day=1)
    end = period_end(start, ReportPeriod.monthly)
    begin, finish = sources.period_bounds(start, end)
    return list(
        await _execute(
            "SELECT a.community, c.name AS community_name, r.department, d.name AS department_name,"
            " count(DISTINCT a.id) AS requests, count(v.id) AS fields_asked,"
            " count(v.id) FILTER (WHERE v.origin = 'data' AND NOT v.corrected) AS from_data,"
            " count(v.id) FILTER (WHERE v.origin = 'previous' AND NOT v.corrected) AS prefilled,"
            " count(v.id) FILTER (WHERE v.origin = 'hand' OR v.corrected) AS by_hand,"
            " round(avg(extract(epoch FROM a.submitted_at - a.opened_at) / 3600)::numeric, 2)"
            "   AS hours_to_submit"
            " FROM report_answer a JOIN report_request r ON r.id = a.report_request"
            " JOIN community c ON c.id = a.community JOIN department d ON d.id = r.department"
            " LEFT JOIN report_value v ON v.answer = a.id"
            " WHERE r.created_at >= $1 AND r.created_at < $2"
            " GROUP BY 1, 2, 3, 4 ORDER BY by_hand DESC, 2",
            begin,
            finish,
        )
    )


async def current_templates(department_id: int | None = None) -> list[dict[str, Any]]:
    """Current template versions the scope sees (a department token: its own), with fields."""
    query = (
        ReportTemplate.select()
        .where(ReportTemplate.current.eq(True))
        .order_by(ReportTemplate.title)
    )
    if department_id is not None:
        query = query.where(ReportTemplate.department == department_id)
    templates = await query.run()
    fields = (
        await ReportField.select()
        .where(ReportField.template.is_in([t["id"] for t in templates] or [0]))
        .order_by(ReportField.position)
        .run()
    )
    for template in templates:
        template["fields"] = [f for f in fields if f["template"] == template["id"]]
    return templates


async def bind_department_token(
    token_id: int, department_id: int, actor_id: int | None
) -> dict[str, Any]:
    """Let a street token act for one department: it then sees and asks only its requests."""
    from tables.statistics import DepartmentToken
    from tables.tokens import ApiToken
    from tables.work import Department

    async with write_transaction(actor_id):
        token = await get_row(ApiToken, token_id, field="token")
        await get_row(Department, department_id, field="department")
        if token["community"] is not None:
            raise ValidationFailed("a department token is a street token", field="token")
        return await insert_row(
            DepartmentToken,
            {"token": token_id, "department": department_id, "street": token["street"]},
        )


async def access_review(year: int) -> list[dict[str, Any]]:
    """The yearly review of the access list (准入清单年度评估): per entry and department, the
    statistics templates it admitted, the requests sent in the year, the answers asked and
    the fields typed by hand they caused — what a street weighs when it slims the list."""
    begin, _ = sources.period_bounds(dt.date(year, 1, 1), dt.date(year, 1, 1))
    finish, _ = sources.period_bounds(dt.date(year + 1, 1, 1), dt.date(year + 1, 1, 1))
    return await _execute(
        "SELECT e.id AS access_entry, e.name AS entry_name, e.status, d.name AS department_name,"
        " count(DISTINCT t.family) AS templates, count(DISTINCT r.id) AS requests,"
        " count(DISTINCT a.id) AS answers,"
        " count(v.id) FILTER (WHERE v.origin = 'hand' OR v.corrected) AS by_hand"
        " FROM access_list_entry e JOIN department d ON d.id = e.department"
        " JOIN report_template t ON t.access_entry = e.id"
        " LEFT JOIN report_request r ON r.template = t.id"
        "   AND r.created_at >= $1 AND r.created_at < $2"
        " LEFT JOIN report_answer a ON a.report_request = r.id"
        " LEFT JOIN report_value v ON v.answer = a.id"
        " GROUP BY 1, 2, 3, 4 ORDER BY requests DESC, by_hand DESC, 2",
        begin,
        finish,
    )
