"""The dashboards: /dashboards/{level}/{code}, and a street's 大屏 (big screen) at
/dashboards/street/{code}/screen with its figures refreshed from …/screen.json.

The handlers load (app/pages/dashboards.py) and hand the figures to the templates under
app/pages/templates/dashboards/; the builders here only say what each chart and table shows.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get

from app.clock import utc_now
from app.errors import NotFound
from app.labels import label
from app.pages import charts
from app.pages.areas import Area, find_area
from app.pages.charts import Chart
from app.pages.dashboards import RED_LINE, Dashboard, load_dashboard, share
from app.pages.html import number, percent
from app.pages.maps import DEFAULT_METRIC, atlas, outline_bounds
from app.pages.responses import staff_json, staff_nav, staff_page
from app.pages.templating import render
from app.scope import Scope
from app.settings import settings
from app.work.items import TERMINAL_STATUSES
from tables.choices import SupervisionKind, WorkStatus

RANKING_TITLES = {"community": "社区排名", "grid": "网格排名", "staff": "人员排名"}
RANKING_CHART_ROWS = 20
SCREEN_REFRESH_SECONDS = 60
# The 大屏's grids are coloured by this month's check-in rate, next to today's check-ins.
SCREEN_MAP_METRIC = "check_in"


@get("/dashboards/{level:str}/{code:str}", include_in_schema=False)
async def dashboard_page(request: Request[Any, Any, Any], level: str, code: str) -> Response[Any]:
    """Trends, rankings, work by stage, refusals and supervision of a street or community."""

    async def page(scope: Scope) -> str:
        area = await find_area(level, code, scope)
        data = await load_dashboard(area, scope)
        return render("dashboards/dashboard.html", **dashboard_context(area, data))

    return await staff_page(request, page)


# The 大屏 paths repeat the dashboard's parameters: Litestar's router does not backtrack, so a
# literal /dashboards/street/… would hide /dashboards/{level}/{code} for streets.
@get("/dashboards/{level:str}/{code:str}/screen", include_in_schema=False)
async def screen_page(
    request: Request[Any, Any, Any], level: str, code: str, refresh: int = 0
) -> Response[Any]:
    """The street's 大屏 for its grid-management centre: full screen, dark, refreshing itself
    every `refresh` seconds (SCREEN_REFRESH_SECONDS unless given)."""

    async def page(scope: Scope) -> str:
        area = await find_street(level, code, scope)
        data = await load_dashboard(area, scope)
        return render(
            "dashboards/screen.html",
            title=f"{area.name} 网格化管理大屏",
            screen=screen_figures(area, data),
            refresh=refresh if refresh > 0 else SCREEN_REFRESH_SECONDS,
            # Watched, not worked on: no 户籍图 (households' care tags on a wall), no editing.
            map=area_map(area, register=False, metric=SCREEN_MAP_METRIC),
            data_url=f"/dashboards/street/{area.row['code']}/screen.json",
            dashboard_url=f"/dashboards/street/{area.row['code']}",
        )

    return await staff_page(request, page)


@get("/dashboards/{level:str}/{code:str}/screen.json", include_in_schema=False)
async def screen_data(request: Request[Any, Any, Any], level: str, code: str) -> Response[Any]:
    """The 大屏's figures and charts, for its page script to redraw."""

    async def load(scope: Scope) -> dict[str, Any]:
        area = await find_street(level, code, scope)
        return screen_figures(area, await load_dashboard(area, scope))

    return await staff_json(request, load)


async def find_street(level: str, code: str, scope: Scope) -> Area:
    """A 大屏 is a street's (its grid-management centre's): no community has one."""
    if level != "street":
        raise NotFound("大屏仅限街道 only streets have a big screen", field="level")
    return await find_area(level, code, scope)


# ---------------------------------------------------------------- what the pages show


def month_labels(data: Dashboard) -> list[str]:
    return [f"{m.year % 100:02d}/{m.month:02d}" for m in data.months]


def trend_chart(data: Dashboard) -> Chart:
    def series(key: str) -> list[float | None]:
        return [data.trend.get(m, {}).get(key) for m in data.months]

    chart = charts.line_chart(
        "trend",
        "签到率与按时办结率（按月）Check-in and on-time rates by month",
        month_labels(data),
        [
            ("签到率", series("check_in_rate")),
            ("按时办结率", series("on_time_rate")),
            ("监督回应率", series("supervision_response_rate")),
            ("群众满意率", series("satisfaction_rate")),
        ],
    )
    chart.notes.append("数据来自月度考核汇总（每月1日生成上月，本月每晚更新）。")
    return chart


def ranking_chart(data: Dashboard, kind: str) -> Chart:
    month_text = f"{data.ranking_month:%Y年%m月}" if data.ranking_month else "—"
    rows = data.rankings.get(kind, [])[:RANKING_CHART_ROWS]
    return charts.bar_chart(
        f"ranking-{kind}",
        f"{month_text} {RANKING_TITLES[kind]}（综合得分）",
        [(str(r["name"]), r["composite_score"]) for r in rows],
        name="综合得分",
        label_header="对象",
        unit="分",
    )


def rankings(data: Dashboard) -> list[dict[str, Any]]:
    """Each ranking: its chart (the top 20 by composite score) and the full table."""
    return [
        {
            "chart": ranking_chart(data, kind),
            "headers": ["名次", "对象", "签到率", "按时办结率", "综合得分", "补贴档次"],
            "rows": [
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
        }
        for kind, rows in data.rankings.items()
    ]


def stages_chart(data: Dashboard) -> Chart:
    return charts.bar_chart(
        "stages",
        "工作事项（按环节）Work items by stage",
        [(label(WorkStatus, s.value), float(data.stages.get(s.value, 0))) for s in WorkStatus],
        name="工作事项",
        label_header="环节",
        unit="件",
        color=charts.PALETTE[2],
        kind="pie",
    )


def work_charts(data: Dashboard) -> list[Chart]:
    refusals = charts.bar_chart(
        "refusals",
        f"准入拒绝（按部门，{data.since:%Y-%m} 起）Refusals per department",
        [(r["department"], float(r["n"])) for r in data.refusals],
        name="拒绝次数",
        label_header="部门",
        unit="次",
        color=charts.PALETTE[1],
    )
    return [stages_chart(data), refusals]


def supervision_charts(data: Dashboard) -> list[Chart]:
    by_kind = charts.bar_chart(
        "supervision",
        "监督记录（按类型）Supervision records by kind",
        [(label(SupervisionKind, r["kind"]), float(r["records"])) for r in data.supervision],
        name="监督记录",
        label_header="类型",
        unit="件",
        color=charts.PALETTE[4],
        kind="pie",
    )
    hours = charts.bar_chart(
        "response-hours",
        "平均答复时长（小时）Average response time (hours)",
        [
            (
                label(SupervisionKind, r["kind"]),
                float(r["hours"]) if r["hours"] is not None else None,
            )
            for r in data.supervision
        ],
        name="平均答复时长",
        label_header="类型",
        unit="小时",
        color=charts.PALETTE[3],
    )
    return [by_kind, hours]


def party_tables(data: Dashboard) -> dict[str, Any] | None:
    """党建覆盖 this month and volunteer service this year, as figures (no names)."""
    if data.party is None:
        return None
    p = data.party

    def row(text: str, part: int, whole: int) -> list[str]:
        return [text, f"{part} / {whole}", percent(share(part, whole))]

    return {
        "figures": [
            row("有党支部/党小组的网格", p.grids_with_branch, p.grids),
            row("网格长为党员的网格", p.grids_with_party_leader, p.grids),
            row("本月参加服务的党员", p.members_served, p.members),
            row("本月参加服务的在职党员（双报到）", p.in_service_served, p.in_service_members),
        ],
        "units": [[unit, n] for unit, n in p.in_service_by_unit.items()],
        "volunteers": [
            [r["name"], r["activities"], number(r["hours"])] for r in data.volunteer_totals
        ],
    }


def statistics_view(data: Dashboard) -> dict[str, Any]:
    """一表通 burden this month: departments ranked by the hand-typed fields they cause, and
    per community requests, fields asked, filled from data, pre-filled, typed, hours."""
    by_department: dict[str, float] = {}
    for row in data.statistics_burden:
        name = row["department_name"]
        by_department[name] = by_department.get(name, 0.0) + float(row["by_hand"])
    ranking = sorted(by_department.items(), key=lambda item: (-item[1], item[0]))
    return {
        "chart": charts.bar_chart(
            "statistics-burden",
            "各部门报表造成的手工填报字段数（本月）",
            ranking,
            name="手工填报字段",
            label_header="部门",
            unit="项",
        ),
        "rows": [
            [
                r["community_name"],
                r["department_name"],
                r["requests"],
                r["fields_asked"],
                r["from_data"],
                r["prefilled"],
                r["by_hand"],
                number(float(r["hours_to_submit"])) if r["hours_to_submit"] is not None else "—",
            ]
            for r in data.statistics_burden
        ],
    }


def statistics_section(data: Dashboard) -> str:
    """The 一表通 part of the dashboard on its own (the same partial the page includes)."""
    return render("dashboards/_statistics.html", statistics=statistics_view(data))


def red_escalations(area: Area, data: Dashboard) -> list[list[Any]] | None:
    """红牌督办 this month: on a street's dashboard, its communities with three or more reds."""
    if area.level != "street":
        return None
    return [
        [r["code"], r["name"], int(r["reds"])]
        for r in data.red_escalations
        if int(r["reds"]) >= RED_LINE
    ]


def export_links(area: Area, data: Dashboard) -> list[dict[str, str]]:
    month = data.ranking_month or data.months[-1]
    kind = "community" if area.level == "street" else "grid"
    links = [
        {
            "text": "排名导出 Excel",
            "href": f"/excel/rollups.xlsx?target_kind={kind}&period_start={month.isoformat()}",
        }
    ]
    if area.level == "street":
        links.append(
            {
                "text": "月度考核报告 Excel",
                "href": f"/excel/reports/{area.row['code']}/{month:%Y-%m}.xlsx",
            }
        )
    return links


def area_map(area: Area, register: bool, metric: str = DEFAULT_METRIC) -> dict[str, Any]:
    """The map component on the area's outline with today's check-ins and tracks; never
    editing (boundaries are redrawn on the map pages)."""
    return atlas(
        "/maps/api/layers",
        outline_bounds([area.row.get("boundary"), *(c["boundary"] for c in area.communities)]),
        metric,
        today_url=f"/maps/api/today/{area.level}/{area.row['code']}",
        register=register,
    )


def dashboard_context(area: Area, data: Dashboard) -> dict[str, Any]:
    code = area.row["code"]
    return {
        "title": f"{area.name} 统计看板",
        "nav": staff_nav(area),
        "screen_url": f"/dashboards/street/{code}/screen" if area.level == "street" else None,
        "map": area_map(area, register=True),
        "trend": trend_chart(data),
        "rankings": rankings(data),
        "work_charts": work_charts(data),
        "red_line": RED_LINE,
        "red_escalations": red_escalations(area, data),
        "party": party_tables(data),
        "statistics": statistics_view(data),
        "supervision_charts": supervision_charts(data),
        "exports": export_links(area, data),
    }


# ---------------------------------------------------------------- the big screen


def screen_figures(area: Area, data: Dashboard) -> dict[str, Any]:
    """The 大屏's key figures and charts, as JSON: the page draws them at first and its script
    redraws them from …/screen.json."""
    this_month = data.trend.get(data.months[-1], {})
    open_items = sum(n for s, n in data.stages.items() if s not in TERMINAL_STATUSES)
    records = sum(int(r["records"]) for r in data.supervision)
    answered = sum(int(r["answered"]) for r in data.supervision)
    grids = data.party.grids if data.party is not None else None
    reds = red_escalations(area, data) or []
    figures = [
        figure("grids", "网格数", grids, "个"),
        figure("check_in_rate", "本月签到率", this_month.get("check_in_rate"), as_percent=True),
        figure("open_work", "在办工作事项", open_items, "件"),
        figure("overdue_work", "逾期工作事项", data.overdue, "件", warn=data.overdue > 0),
        figure("supervision", f"监督记录（{data.since:%Y-%m} 起）", records, "件"),
        figure("supervision_answered", "监督回应率", share(answered, records), as_percent=True),
        figure(
            "satisfaction_rate",
            "本月群众满意率",
            this_month.get("satisfaction_rate"),
            as_percent=True,
        ),
        figure("red_escalations", f"红牌督办 ≥{RED_LINE} 的社区", len(reds), "个", warn=bool(reds)),
    ]
    now = utc_now()
    charts_ = [trend_chart(data), stages_chart(data)]
    if "community" in data.rankings:
        charts_.insert(1, ranking_chart(data, "community"))
    return {
        "street": {"code": area.row["code"], "name": area.name},
        "updated_at": now.isoformat(),
        "updated_text": now.astimezone(settings.timezone).strftime("%Y-%m-%d %H:%M:%S"),
        "figures": figures,
        "charts": [
            {"key": c.key, "spec": c.spec(), "headers": c.headers(), "rows": c.rows()}
            for c in charts_
        ],
    }


def figure(
    key: str,
    text: str,
    value: float | None,
    unit: str = "",
    as_percent: bool = False,
    warn: bool = False,
) -> dict[str, Any]:
    """One key figure of the 大屏: its value (None when not known yet) and how it reads."""
    value = None if value is None else float(value)
    if value is None:
        shown = "—"
    elif as_percent:
        shown = f"{value * 100:.1f}%"
    else:
        shown = (f"{int(value)}" if value.is_integer() else f"{value:.1f}") + unit
    return {"key": key, "label": text, "value": value, "text": shown, "warn": warn}
