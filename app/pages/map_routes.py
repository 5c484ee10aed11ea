"""The map pages: /maps/ (the viewer's areas) and /maps/{level}/{code} (a street's or community's grids)."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get

from app.pages.areas import areas_in_scope, find_area
from app.pages.html import Markup, esc, link, page, percent, table
from app.pages.maps import DEFAULT_METRIC, METRICS, load_map, render_svg, square_metres
from app.pages.responses import staff_nav, staff_page
from app.scope import Level, Scope


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
