"""The dashboards: /dashboards/{level}/{code}."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get

from app.labels import label
from app.pages import charts
from app.pages.areas import Area, find_area
from app.pages.dashboards import (
    RED_LINE,
    Dashboard,
    load_dashboard,
    party_section,
    statistics_section,
)
from app.pages.html import esc, number, page, percent, table
from app.pages.responses import staff_nav, staff_page
from app.scope import Scope
from tables.choices import (
    SupervisionKind,
    WorkStatus,
)


@get("/dashboards/{level:str}/{code:str}", include_in_schema=False)
async def dashboard_page(request: Request[Any, Any, Any], level: str, code: str) -> Response[Any]:
    """Trends, rankings, work by stage, refusals and supervision of a street or community."""

    async def render(scope: Scope) -> str:
        area = await find_area(level, code, scope)
        data = await load_dashboard(area, scope)
        return page(f"{area.name} 统计看板", dashboard_body(area, data), staff_nav(area))

    return await staff_page(request, render)


def dashboard_body(area: Area, data: Dashboard) -> str:
    labels = [f"{m.year % 100:02d}/{m.month:02d}" for m in data.months]
    trend = charts.line_chart(
        "签到率与按时办结率（按月）Check-in and on-time rates by month",
        labels,
        [
            ("签到率", [data.trend.get(m, {}).get("check_in_rate") for m in data.months]),
            ("按时办结率", [data.trend.get(m, {}).get("on_time_rate") for m in data.months]),
            (
                "监督回应率",
                [data.trend.get(m, {}).get("supervision_response_rate") for m in data.months],
            ),
            (
                "群众满意率",
                [data.trend.get(m, {}).get("satisfaction_rate") for m in data.months],
            ),
        ],
        width=900,
    )
    sections = [
        f'<section>{trend}<p class="muted">数据来自月度考核汇总（每月1日生成上月）。</p></section>'
    ]
    month_text = f"{data.ranking_month:%Y年%m月}" if data.ranking_month else "—"
    ranking_titles = {"community": "社区排名", "grid": "网格排名", "staff": "人员排名"}
    rank_sections = []
    for kind, rows in data.rankings.items():
        chart = charts.bar_chart(
            f"{month_text} {ranking_titles[kind]}（综合得分）",
            [(str(r["name"]), r["composite_score"]) for r in rows[:20]],
            unit="分",
            width=560,
            label_width=200,
        )
        rank_table = table(
            ["名次", "对象", "签到率", "按时办结率", "综合得分", "补贴档次"],
            [
                [
                    r["rank"] or "—",
                    r["name"],
                    percent(r["check_in_rate"]),
                    percent(r["on_time_rate"]),
                    number(r["composite_score"]),
                    r["subsidy_grade"] or "",
                ]
                for r in rows
            ],
        )
        rank_sections.append(f"<section>{chart}{rank_table}</section>")
    if not rank_sections:
        rank_sections.append(
            "<section><h2>排名 Rankings</h2><p class='muted'>尚无月度汇总 no monthly rollups yet</p></section>"
        )
    sections.append('<div class="grid2">' + "".join(rank_sections) + "</div>")
    stages = charts.bar_chart(
        "工作事项（按环节）Work items by stage",
        [(label(WorkStatus, s.value), float(data.stages.get(s.value, 0))) for s in WorkStatus],
        unit="件",
        color=charts.PALETTE[2],
    )
    refusals = charts.bar_chart(
        f"准入拒绝（按部门，{data.since:%Y-%m} 起）Refusals per department",
        [(r["department"], float(r["n"])) for r in data.refusals],
        unit="次",
        color=charts.PALETTE[1],
    )
    sections.append(
        f'<div class="grid2"><section>{stages}</section><section>{refusals}</section></div>'
    )
    sections.append(red_escalations_section(area, data))
    sections.append(party_section(data))
    sections.append(statistics_section(data))
    by_kind = charts.bar_chart(
        "监督记录（按类型）Supervision records by kind",
        [(label(SupervisionKind, r["kind"]), float(r["records"])) for r in data.supervision],
        unit="件",
        color=charts.PALETTE[4],
    )
    hours = charts.bar_chart(
        "平均答复时长（小时）Average response time (hours)",
        [
            (
                label(SupervisionKind, r["kind"]),
                round(float(r["hours"]), 1) if r["hours"] is not None else None,
            )
            for r in data.supervision
        ],
        unit="小时",
        color=charts.PALETTE[3],
    )
    sections.append(
        f'<div class="grid2"><section>{by_kind}</section><section>{hours}</section></div>'
    )
    export = (
        f'<section><h2>导出 Export</h2><p><a href="/excel/rollups.xlsx?target_kind='
        f"{'community' if area.level == 'street' else 'grid'}&period_start="
        f'{(data.ranking_month or data.months[-1]).isoformat()}">排名导出 Excel</a>'
    )
    if area.level == "street":
        month = (data.ranking_month or data.months[-1]).strftime("%Y-%m")
        export += f' · <a href="/excel/reports/{esc(area.row["code"])}/{month}.xlsx">月度考核报告 Excel</a>'
    sections.append(export + "</p></section>")
    return "".join(sections)


def red_escalations_section(area: Area, data: Dashboard) -> str:
    """红牌督办 this month: on a street's dashboard, its communities with three or more reds."""
    if area.level != "street":
        return ""
    flagged = [r for r in data.red_escalations if int(r["reds"]) >= RED_LINE]
    rows = [[r["code"], r["name"], int(r["reds"])] for r in flagged]
    body = (
        table(["社区代码", "社区", "本月红牌"], rows)
        if rows
        else f"<p class='muted'>本月没有社区达到 {RED_LINE} 次红牌督办 none this month</p>"
    )
    return f"<section><h2>红牌督办 Red escalations (≥ {RED_LINE} this month)</h2>{body}</section>"


# ---------------------------------------------------------------- public
