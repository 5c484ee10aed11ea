"""The map pages: /maps/ (the viewer's areas) and /maps/{level}/{code} (a street's or community's
grids on the map component, with the SVG for browsers without JavaScript)."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get
from markupsafe import Markup

from app.atlas.drawing import editable_levels
from app.pages.areas import areas_in_scope, find_area
from app.pages.html import percent
from app.pages.maps import (
    ADMIN_ROW_URL,
    DEFAULT_METRIC,
    METRICS,
    atlas,
    load_map,
    map_bounds,
    render_svg,
    square_metres,
)
from app.pages.responses import staff_nav, staff_page
from app.pages.templating import render
from app.scope import Level, Scope


def cell(text: Any, href: str) -> dict[str, Any]:
    return {"text": text, "href": href}


@get("/maps/", include_in_schema=False)
async def maps_index(request: Request[Any, Any, Any]) -> Response[Any]:
    """The streets and communities of the viewer's scope, with their map and dashboard."""

    async def page(scope: Scope) -> str:
        streets, communities = await areas_in_scope()
        rows: list[list[Any]] = []
        if scope.level in (Level.district, Level.street):
            rows += [
                [
                    "街道",
                    s["code"],
                    s["name"],
                    cell("地图", f"/maps/street/{s['code']}"),
                    cell("看板", f"/dashboards/street/{s['code']}"),
                    "",
                ]
                for s in streets
            ]
        rows += [
            [
                "社区",
                c["code"],
                c["name"],
                cell("地图", f"/maps/community/{c['code']}"),
                cell("看板", f"/dashboards/community/{c['code']}"),
                cell("公开页", f"/public/communities/{c['code']}"),
            ]
            for c in communities
        ]
        return render(
            "maps/index.html", title="网格地图与看板 Maps & dashboards", nav=staff_nav(), rows=rows
        )

    return await staff_page(request, page)


@get("/maps/{level:str}/{code:str}", include_in_schema=False)
async def map_page(
    request: Request[Any, Any, Any], level: str, code: str, metric: str = DEFAULT_METRIC
) -> Response[Any]:
    """The grid map of a street or community, coloured by `metric`."""
    metric = metric if metric in METRICS else DEFAULT_METRIC

    async def page(scope: Scope) -> str:
        area = await find_area(level, code, scope)
        data = await load_map(area.name, area.communities)
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
                cell(g["code"], ADMIN_ROW_URL.format(table="responsibility_grid", id=g["id"])),
                g["name"],
                "单位网格" if g["kind"] == "unit" else "居民区网格",
                g["household_count"],
                "规模预警" if g["size_warning"] else "",
                percent(g["check_in_rate"]),
                g["open_items"],
                g["overdue_items"],
            ]
            for g in data.grids
        ]
        bounds = map_bounds(data)
        component = atlas(
            "/maps/api/layers",
            list(bounds) if bounds else [],
            metric,
            today_url=f"/maps/api/today/{area.level}/{area.row['code']}",
            register=True,
            can_edit=bool(editable_levels(scope)),
        )
        return render(
            "maps/map.html",
            title=f"{area.name} 网格地图",
            nav=staff_nav(area),
            metric=metric,
            metric_pills=[(key, m.label) for key, m in METRICS.items()],
            note=note,
            map=component,
            svg=Markup(render_svg(data, metric)),
            problems=problems,
            grid_rows=grid_rows,
        )

    return await staff_page(request, page)
