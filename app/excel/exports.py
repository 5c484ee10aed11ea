"""Exports to .xlsx: any table list with the admin's own filters, any rollup, and the monthly
assessment report of a street.

Every export runs inside the caller's scope (row-level security filters the rows) and passes
personal data through `protect_rows`, so a workbook never shows more than the admin would.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from openpyxl import Workbook
from piccolo.columns import Column, ForeignKey
from piccolo.table import Table
from piccolo_api.crud.endpoints import PiccoloCRUD
from piccolo_api.crud.exceptions import MalformedQuery
from starlette.datastructures import QueryParams

from app.clock import local_today
from app.errors import Forbidden, NotFound, ValidationFailed
from app.excel.workbook import DECIMAL, PERCENT, Field, single_table, to_bytes, write_table
from app.jobs.rollups import period_bounds, rollup_report, subsidy_report
from app.labels import LABELS
from app.personal_data import protect_rows
from app.scope import Level, Scope, scoped_transaction
from tables.areas import Community, Street
from tables.choices import PeriodKind, TargetKind
from tables.piccolo_app import ALL_TABLES

MAX_EXPORT_ROWS = 500_000
_CJK = re.compile(r"[\u2e80-\u9fff\uff00-\uffef]+")


def exportable_tables() -> dict[str, type[Table]]:
    return {table._meta.tablename: table for table in ALL_TABLES}


def table_of(name: str) -> type[Table]:
    tables = exportable_tables()
    if name not in tables:
        raise NotFound(f"no table {name!r} to export", field="table")
    return tables[name]


def header_of(column: Column) -> str:
    """The Chinese name a column's help text starts with (or contains), else its name."""
    found = _CJK.findall(column._meta.help_text or "")
    return found[0] if found else column._meta.name


def _choice_labels(column: Column) -> dict[str, str] | None:
    choices = column._meta.choices
    return LABELS.get(choices) if choices is not None else None  # type: ignore[arg-type]


# ---------------------------------------------------------------- any list


async def export_table(
    table_name: str,
    query_string: str,
    scope: Scope,
    progress: Callable[[int], None] | None = None,
) -> tuple[str, bytes]:
    """A table's rows, filtered as the admin list filters them (`name=…&status=…&__order=…`),
    as (file name, .xlsx bytes)."""
    table = table_of(table_name)
    crud = PiccoloCRUD(table, read_only=True, exclude_secrets=True)
    params = crud._clean_data(crud._parse_params(QueryParams(query_string)))
    try:
        split = crud._split_params(params)
    except Exception as exc:  # piccolo_api's ParamException and friends
        raise ValidationFailed(f"filters not understood: {exc}", field="filters") from None
    columns = [c for c in table._meta.columns if not c._meta.secret]
    readables = [table._get_related_readable(c) for c in columns if isinstance(c, ForeignKey)]
    query = table.select(*columns, *readables, exclude_secrets=True)
    try:
        query = crud._apply_filters(query, split)  # type: ignore[assignment]
    except (MalformedQuery, ValueError, TypeError) as exc:
        raise ValidationFailed(f"filters not understood: {exc}", field="filters") from None
    for order in split.order_by or []:
        query = query.order_by(order.column, ascending=order.ascending)
    if not split.order_by:
        query = query.order_by(table._meta.primary_key)
    async with scoped_transaction(scope):
        rows = await query.limit(MAX_EXPORT_ROWS).run()
        rows = await protect_rows(table._meta.tablename, rows, scope)
    fields = [_field(column) for column in columns]
    title = (table._meta.help_text or table._meta.tablename).split(":")[0]
    subtitle = (
        f"筛选 filters: {query_string or '无 none'} · 导出时间 {_now_text()} · 共 {len(rows)} 条"
    )
    data = single_table(title[:31], fields, rows, title=title, subtitle=subtitle, progress=progress)
    return f"{table._meta.tablename}-{local_today().isoformat()}.xlsx", data


def _field(column: Column) -> Field:
    name = column._meta.name
    if isinstance(column, ForeignKey):

        def readable(row: dict[str, Any]) -> Any:
            return row.get(f"{name}_readable") or row.get(name)

        return Field(header_of(column), readable)
    labels = _choice_labels(column)
    if labels:

        def labelled(row: dict[str, Any]) -> Any:
            value = row.get(name)
            return labels.get(value, value) if labels and isinstance(value, str) else value

        return Field(header_of(column), labelled)
    return Field(header_of(column), name)


def _now_text() -> str:
    from app.settings import settings

    return dt.datetime.now(settings.timezone).strftime("%Y-%m-%d %H:%M")


# ---------------------------------------------------------------- rollups

ROLLUP_FIELDS = [
    Field("名次", "rank", width=6),
    Field("对象", "name", width=28),
    Field("所属", "parent_name", width=14),
    Field("签到率", "check_in_rate", PERCENT),
    Field("按时办结率", "on_time_rate", PERCENT),
    Field("监督回应率", "supervision_response_rate", PERCENT),
    Field("平均回应时长(小时)", "avg_response_hours", DECIMAL),
    Field("群众满意率", "satisfaction_rate", PERCENT),
    Field("评价数", "ratings"),
    Field("自上而下评分", "top_down_score", DECIMAL),
    Field("自下而上评分", "bottom_up_score", DECIMAL),
    Field("综合得分", "composite_score", DECIMAL),
    Field("样本量", "sample_size"),
    Field("补贴档次", "subsidy_grade"),
]
KIND_NAMES = {"street": "街道", "community": "社区", "grid": "网格", "staff": "人员"}


def street_for(scope: Scope, street_id: int | None) -> int | None:
    """The street a scoped report may cover: a street official's or staff member's own;
    a superuser's choice (None = every street)."""
    if scope.is_superuser:
        return street_id
    if scope.level is Level.none or scope.street_id is None:
        raise Forbidden("your login has no street or community scope", field="street")
    if street_id is not None and street_id != scope.street_id:
        raise Forbidden("this street is outside your scope", field="street")
    return scope.street_id


def in_scope(rows: list[dict[str, Any]], scope: Scope) -> list[dict[str, Any]]:
    """Rollup rows a community-level scope may see: its community and what lies inside it."""
    if scope.level not in (Level.community, Level.grid):
        return rows
    own = scope.community_id
    return [
        row
        for row in rows
        if (row["target_kind"] == "community" and row["target_id"] == own)
        or (row["parent_kind"] == "community" and row["parent_id"] == own)
    ]


async def rollup_rows(
    scope: Scope,
    period_kind: str,
    period_start: dt.date,
    target_kind: str,
    street_id: int | None = None,
) -> list[dict[str, Any]]:
    street = street_for(scope, street_id)
    rows = await rollup_report(period_kind, period_start, target_kind, street)
    return in_scope(rows, scope)


async def export_rollup(
    scope: Scope,
    period_kind: str,
    period_start: dt.date,
    target_kind: str,
    street_id: int | None = None,
) -> tuple[str, bytes]:
    """One period's rollup rows of one kind (ranked within their parent) as a workbook."""
    rows = await rollup_rows(scope, period_kind, period_start, target_kind, street_id)
    kind_name = KIND_NAMES.get(target_kind, target_kind)
    period = _period_text(period_kind, period_start)
    title = f"{period} {kind_name}考核汇总"
    data = single_table(
        f"{kind_name}汇总", ROLLUP_FIELDS, rows, title=title, subtitle=f"导出时间 {_now_text()}"
    )
    return f"rollup-{target_kind}-{period_kind}-{period_start.isoformat()}.xlsx", data


def _period_text(period_kind: str, start: dt.date) -> str:
    return (
        f"{start.year}年{start.month}月" if period_kind == PeriodKind.month else start.isoformat()
    )


# ---------------------------------------------------------------- monthly report

REFUSALS_SQL = """
SELECT COALESCE(d.name, '（未注明部门）') AS department, count(*) AS refusals,
       count(DISTINCT r.pushed_title) AS titles
FROM access_refusal r
LEFT JOIN department d ON d.id = r.department
LEFT JOIN community c ON c.id = r.community
WHERE COALESCE(r.street, c.street) = {} AND r.refused_at >= {} AND r.refused_at < {}
GROUP BY 1 ORDER BY refusals DESC, department
"""


async def monthly_report(scope: Scope, street_code: str, month: dt.date) -> tuple[str, bytes]:
    """The monthly assessment report of a street: summary and community ranking, grids,
    community workers with their subsidy grade, and access-list refusals per department."""
    start, end = period_bounds(PeriodKind.month, month)
    async with scoped_transaction(scope):
        street = await Street.select().where(Street.code == street_code).first().run()
        if street is None:
            raise NotFound(f"no street with code {street_code} in your scope", field="street")
        if scope.level not in (Level.district, Level.street):
            raise Forbidden("the street report is for street officials", field="street")
        from app.settings import settings

        zone = settings.timezone
        refusals = await Community.raw(
            REFUSALS_SQL,
            street["id"],
            dt.datetime.combine(start, dt.time(), zone),
            dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), zone),
        ).run()
    street_rows = await rollup_rows(scope, PeriodKind.month, start, TargetKind.street, street["id"])
    own = [r for r in street_rows if r["target_id"] == street["id"]]
    communities = await rollup_rows(
        scope, PeriodKind.month, start, TargetKind.community, street["id"]
    )
    grids = await rollup_rows(scope, PeriodKind.month, start, TargetKind.grid, street["id"])
    workers = await subsidy_report(start, street["id"])

    workbook = Workbook()
    summary = workbook.active
    assert summary is not None
    summary.title = "汇总"
    period = _period_text(PeriodKind.month, start)
    note = "" if own else "（本月尚无汇总：月度汇总于次月1日生成）"
    write_table(
        summary,
        ROLLUP_FIELDS[1:2] + ROLLUP_FIELDS[3:11],
        own,
        title=f"{street['name']} {period} 考核报告{note}",
        subtitle=f"街道编码 {street['code']} · 生成时间 {_now_text()}",
    )
    sheet = workbook.create_sheet("社区排名")
    write_table(sheet, ROLLUP_FIELDS[:11], communities, title=f"{period} 社区排名")
    sheet = workbook.create_sheet("网格排名")
    write_table(sheet, ROLLUP_FIELDS[:11], grids, title=f"{period} 网格排名（社区内）")
    sheet = workbook.create_sheet("网格员考核与补贴")
    write_table(sheet, ROLLUP_FIELDS, workers, title=f"{period} 网格员考核与绩效补贴档次")
    sheet = workbook.create_sheet("准入拒绝")
    write_table(
        sheet,
        [
            Field("部门", "department", width=24),
            Field("拒绝次数", "refusals"),
            Field("涉及事项数", "titles"),
        ],
        refusals,
        title=f"{period} 未列入准入清单而被拒绝的工作事项（按部门）",
    )
    return f"assessment-{street['code']}-{start.strftime('%Y-%m')}.xlsx", to_bytes(workbook)
