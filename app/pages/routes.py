"""The page routes: /maps/…, /dashboards/… (admin login, scoped) and /public/… (no login).

Every page here only reads, and none needs to show a write made a moment before, so each is
read from the streaming replica when there is one (app/replica.py).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from litestar import Request, Response, Router, get

from app.errors import DomainError
from app.labels import label
from app.pages import charts
from app.pages.access import staff_scope
from app.pages.areas import Area, areas_in_scope, find_area
from app.pages.dashboards import (
    RED_LINE,
    Dashboard,
    load_dashboard,
    party_section,
    statistics_section,
)
from app.pages.html import Markup, esc, link, number, page, percent, table
from app.pages.maps import DEFAULT_METRIC, METRICS, load_map, render_svg, square_metres
from app.pages.public import (
    OpennessPage,
    load_openness,
    local_time,
    resident_cases_section,
    volunteering_section,
)
from app.replica import reading_from_replica
from app.scope import Level, Scope, scoped_transaction
from tables.choices import (
    SupervisionKind,
    SupervisionStatus,
    WorkCategory,
    WorkStage,
    WorkStatus,
)

HTML = "text/html"


def html(body: str, status: int = 200) -> Response[str]:
    return Response(body, status_code=status, media_type=HTML)


def error_page(exc: DomainError) -> Response[str]:
    body = f"<section><p>{esc(exc.detail)}</p><p><a href='/maps/'>返回</a></p></section>"
    return html(page(f"{exc.status} {exc.title}", body), exc.status)


async def staff_page(
    request: Request[Any, Any, Any], render: Callable[[Scope], Awaitable[str]]
) -> Response[Any]:
    """Run `render` in the viewer's scope; login redirect, 403 and 404 as HTML pages.

    The login is checked on the primary (a fresh login or logout counts at once); the page
    itself is read from the replica when there is one.
    """
    scope = await staff_scope(request)
    if isinstance(scope, Response):
        return scope
    try:
        async with reading_from_replica(), scoped_transaction(scope):
            return html(await render(scope))
    except DomainError as exc:
        return error_page(exc)


def staff_nav(area: Area | None = None) -> list[tuple[str, str]]:
    nav = [
        ("地图首页 Maps", "/maps/"),
        ("Excel 导入导出", "/excel/"),
        ("管理后台 Admin", "/admin/"),
    ]
    if area is not None:
        code = area.row["code"]
        nav[1:1] = [
            ("地图 Map", f"/maps/{area.level}/{code}"),
            ("看板 Dashboard", f"/dashboards/{area.level}/{code}"),
        ]
        if area.level == "community":
            nav.insert(3, ("公开页 Public page", f"/public/communities/{code}"))
    return nav


# ---------------------------------------------------------------- index


@get("/maps/", include_in_schema=False)
async def maps_index(request: Request[Any, Any, Any]) -> Response[Any]:
    """The streets and communities of the viewer's scope, with their map and dashboard."""

    async def render(scope: Scope) -> str:
        streets, communities = await areas_in_scope()
        rows: list[list[Any]] = []
        if scope.level in (Level.district, Level.street):
            rows += [
                [
                    "街道",
                    s["code"],
                    s["name"],
                    link("地图", f"/maps/street/{s['code']}"),
                    link("看板", f"/dashboards/street/{s['code']}"),
                    "",
                ]
                for s in streets
            ]
        rows += [
            [
                "社区",
                c["code"],
                c["name"],
                link("地图", f"/maps/community/{c['code']}"),
                link("看板", f"/dashboards/community/{c['code']}"),
                link("公开页", f"/public/communities/{c['code']}"),
            ]
            for c in communities
        ]
        body = (
            "<section><h2>我的范围 Areas in my scope</h2>"
            + table(["层级", "编码", "名称", "网格地图", "统计看板", "公开页"], rows)
            + "</section>"
        )
        return page("网格地图与看板 Maps & dashboards", body, staff_nav())

    return await staff_page(request, render)


# ---------------------------------------------------------------- maps


@get("/maps/{level:str}/{code:str}", include_in_schema=False)
async def map_page(
    request: Request[Any, Any, Any], level: str, code: str, metric: str = DEFAULT_METRIC
) -> Response[Any]:
    """The grid map of a street or community, coloured by `metric`."""
    metric = metric if metric in METRICS else DEFAULT_METRIC

    async def render(scope: Scope) -> str:
        area = await find_area(level, code, scope)
        data = await load_map(area.name, area.communities)
        pills = "".join(
            f'<a class="{"on" if key == metric else ""}" href="?metric={key}">{esc(m.label)}</a>'
            for key, m in METRICS.items()
        )
        note = ""
        if metric == "check_in":
            note = (
                f"签到率取自 {data.rollup_month:%Y年%m月} 月度汇总（本月每晚更新至前一日）"
                if data.rollup_month
                else "尚无月度汇总 no monthly rollup yet"
            )
        problems = [
            [
                p["label"],
                "、".join(f"{g['code']} {g['name']}" for g in p["grids"])
                or (p.get("community") or {}).get("name", ""),
                f"{square_metres(p['area'], p['geometry'].centroid.y):,.0f} m²"
                if p.get("area")
                else "",
            ]
            for p in data.problems
        ]
        grid_rows = [
            [
                link(g["code"], f"/admin/#/responsibility_grid/{g['id']}/"),
                g["name"],
                "单位网格" if g["kind"] == "unit" else "居民区网格",
                g["household_count"],
                Markup('<span class="warn">规模预警</span>') if g["size_warning"] else "",
                percent(g["check_in_rate"]),
                g["open_items"],
                g["overdue_items"],
            ]
            for g in data.grids
        ]
        body = (
            f'<section><div class="pills">{pills}</div><p class="muted">{esc(note)} '
            "点击网格打开其管理页面 Click a grid to open it in the admin. "
            "橙色斜线=未覆盖区域，红色斜线=重叠或超出社区。</p>"
            f"{render_svg(data, metric)}</section>"
            f"<section><h2>拓扑检查 Topology ({len(problems)})</h2>"
            + table(
                ["问题", "涉及", "面积"], problems, empty="未发现重叠、缺口或越界 No problems found"
            )
            + "</section><section><h2>网格 Grids</h2>"
            + table(
                ["编码", "名称", "类型", "户数", "预警", "本月签到率", "未办结", "逾期"], grid_rows
            )
            + "</section>"
        )
        return page(f"{area.name} 网格地图", body, staff_nav(area))

    return await staff_page(request, render)


# ---------------------------------------------------------------- dashboards


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


@get("/public/communities/{code:str}", include_in_schema=False)
async def openness_page(code: str) -> Response[str]:
    """The community's public openness page (社区公开), in Chinese, without login."""
    try:
        async with reading_from_replica():
            data = await load_openness(code)
    except DomainError as exc:
        return html(page("社区公开", f"<section><p>{esc(exc.detail)}</p></section>"), exc.status)
    return html(
        page(
            f"{data.street['name']} {data.community['name']} 社区公开",
            openness_body(data),
            [("社区列表", "/public/")],
        )
    )


def openness_body(data: OpennessPage) -> str:
    notices = (
        "".join(
            f"<article><h3>{esc(n['title'])}</h3><p class='muted'>{esc(local_time(n['published_at']))}</p>"
            f"<p>{esc(n['body'])}</p></article>"
            for n in data.notices
        )
        or "<p class='muted'>暂无公告</p>"
    )
    access = table(
        ["事项名称", "职能部门", "类别", "法律依据", "有效期"],
        [
            [
                e["name"],
                e["department"],
                label(WorkCategory, e["category"]),
                e["legal_basis"],
                f"{e['valid_from']} 至 {e['valid_to'] or '长期'}",
            ]
            for e in data.access_list
        ],
        empty="暂无准入事项",
    )
    records = table(
        ["类型", "监督对象", "反映内容", "办理阶段", "答复", "受理时间", "答复时间"],
        [
            [
                label(SupervisionKind, r["kind"]),
                r["subject"],
                r["content"],
                label(SupervisionStatus, r["status"]),
                r["answer"] or "—",
                local_time(r["created_at"]),
                local_time(r["answered_at"]),
            ]
            for r in data.records
        ],
        empty="暂无公开的监督记录",
    )
    rollups = table(
        [
            "月份",
            "网格员签到率",
            "工作按时办结率",
            "监督回应率",
            "群众满意率",
            "平均回应时长(小时)",
            "综合得分",
            "街道内排名",
        ],
        [
            [
                f"{r['period_start']:%Y年%m月}",
                percent(r["check_in_rate"]),
                percent(r["on_time_rate"]),
                percent(r["supervision_response_rate"]),
                percent(r["satisfaction_rate"]),
                number(r["avg_response_hours"]),
                number(r["composite_score"]),
                r["rank"] or "—",
            ]
            for r in data.rollups
        ],
        empty="暂无月度汇总",
    )
    return (
        f"<section><h2>社区公告</h2>{notices}</section>"
        f"<section><h2>准入清单：可以进入社区的工作事项</h2><p class='muted'>"
        f"由{esc(data.street['name'])}审定；清单以外的工作事项，社区有权拒绝。</p>{access}</section>"
        f"<section><h2>监督记录公开</h2>{records}<p class='muted'>为保护反映人，公开内容不含反映人信息。</p></section>"
        f"<section><h2>月度考核数据</h2>{rollups}</section>"
        f"{stage_deadlines_section(data)}"
        f"{resident_cases_section(data)}"
        f"{volunteering_section(data)}"
    )


def stage_deadlines_section(data: OpennessPage) -> str:
    """时限公开: each stage's deadline (working time) and whether it was met, never who."""

    def shown(stage: dict[str, Any] | None) -> str:
        if stage is None:
            return "—"
        verdict = {True: "按时", False: "超时", None: "办理中"}[stage["met"]]
        return f"{local_time(stage['due_at'])}（{verdict}）"

    rows = []
    for item in data.stage_deadlines:
        by_stage = {s["stage"]: s for s in item["stages"]}
        rows.append(
            [
                item["ref"],
                item["service_name"],
                label(WorkStatus, item["status"]),
                local_time(item["created_at"]),
                *(shown(by_stage.get(stage.value)) for stage in WorkStage),
            ]
        )
    body = table(
        ["编号", "事项", "状态", "受理时间", "受理期限", "派遣期限", "处置期限", "核查期限"],
        rows,
        empty="暂无有时限的工作事项",
    )
    return (
        f"<section><h2>办理时限公开</h2>{body}<p class='muted'>期限按工作时间计算"
        "（不含休息日、法定节假日）；只公开是否按时，不公开经办人。</p></section>"
    )


@get("/public/", include_in_schema=False)
async def public_index() -> Response[str]:
    """Every community's public page."""
    from tables.areas import Community, Street

    async with reading_from_replica():
        streets = {
            s["id"]: s["name"]
            for s in await Street.select(Street._meta.primary_key, Street.name).run()
        }
        communities = (
            await Community.select(Community.code, Community.name, Community.street)
            .order_by(Community.code)
            .run()
        )
    body = (
        "<section><h2>社区公开 Community openness pages</h2>"
        + table(
            ["街道", "社区", "编码"],
            [
                [
                    streets.get(c["street"], ""),
                    link(c["name"], f"/public/communities/{c['code']}"),
                    c["code"],
                ]
                for c in communities
            ],
        )
        + "</section>"
    )
    return html(page("社区公开", body))


pages_router = Router(
    path="/",
    route_handlers=[maps_index, map_page, dashboard_page, openness_page, public_index],
    include_in_schema=False,
)
