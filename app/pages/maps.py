"""Grid maps as server-side SVG: boundaries from the stored polygons, coloured by a metric,
buildings as points, topology problems drawn on top. Works offline (no tiles, no script).

Projection: equirectangular around the map's middle latitude — x = (lon − west)·cos(φ₀)·s,
y = (north − lat)·s — which at a street's scale is indistinguishable from the real shape.
The SVG carries its parameters (data-west, data-north, data-kx, data-scale, data-pad), so
anyone (the tests included) can turn drawn points back into longitude and latitude.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

from shapely.geometry import Polygon
from shapely.ops import unary_union

from app.clock import local_today
from app.errors import DomainError
from app.geo import CONTAINMENT_BUFFER_DEG, OVERLAP_TOLERANCE_DEG2, parse_polygon
from app.pages.html import FONT_STACK, esc
from tables.areas import Community

# Uncovered community area smaller than this (about 10 m²) is a drawing artefact, not a gap.
GAP_TOLERANCE_DEG2 = 1e-9
ADMIN_ROW_URL = "/admin/#/{table}/{id}/"


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    unit: str
    percent: bool = False


METRICS: dict[str, Metric] = {
    metric.key: metric
    for metric in (
        Metric("size", "规模预警户数 Households (size warning)", "户"),
        Metric("check_in", "本月签到率 Check-in rate this month", "", percent=True),
        Metric("open", "未办结事项 Open work items", "件"),
        Metric("overdue", "逾期事项 Overdue work items", "件"),
        Metric("late_stage", "环节超时 Open stages past their deadline", "件"),
    )
}
DEFAULT_METRIC = "size"


# ---------------------------------------------------------------- data

GRIDS_SQL = """
WITH work AS (
    SELECT grid,
           count(*) FILTER (WHERE status NOT IN ('closed', 'rejected')) AS open_items,
           count(*) FILTER (WHERE status NOT IN ('closed', 'rejected')
                            AND (overdue OR due_at < now())) AS overdue_items
    FROM work_item
    WHERE community = ANY({}::int[]) AND grid IS NOT NULL
    GROUP BY grid
),
late AS (
    -- open stages past their working-time deadline (app/worktime), per grid
    SELECT w.grid, count(*) AS late_stages
    FROM work_item_stage st JOIN work_item w ON w.id = st.work_item
    WHERE st.community = ANY({}::int[]) AND st.finished_at IS NULL AND st.due_at < now()
      AND w.grid IS NOT NULL
    GROUP BY w.grid
)
SELECT g.id, g.code, g.name, g.community, g.kind, g.household_count, g.size_warning, g.boundary,
       COALESCE(w.open_items, 0) AS open_items, COALESCE(w.overdue_items, 0) AS overdue_items,
       COALESCE(l.late_stages, 0) AS late_stages, r.check_in_rate
FROM responsibility_grid g
LEFT JOIN work w ON w.grid = g.id
LEFT JOIN late l ON l.grid = g.id
LEFT JOIN evaluation_rollup r ON r.target_kind = 'grid' AND r.target_id = g.id
     AND r.period_kind = 'month' AND r.period_start = {}
WHERE g.community = ANY({}::int[])
ORDER BY g.code
"""
BUILDINGS_SQL = """
SELECT id, code, address, longitude, latitude, grid FROM building
WHERE community = ANY({}::int[]) ORDER BY code
"""
# The latest month with grid rollups, up to this one.
ROLLUP_MONTH_SQL = """
SELECT max(period_start) AS month FROM evaluation_rollup
WHERE target_kind = 'grid' AND period_kind = 'month' AND period_start <= {}
"""


@dataclass
class MapData:
    title: str
    communities: list[dict[str, Any]]
    grids: list[dict[str, Any]]
    buildings: list[dict[str, Any]]
    rollup_month: dt.date | None
    problems: list[dict[str, Any]] = field(default_factory=list)


async def load_map(title: str, communities: list[dict[str, Any]]) -> MapData:
    """Grids (with their metrics) and buildings of `communities`; run inside the scope."""
    ids = [c["id"] for c in communities]
    this_month = local_today().replace(day=1)
    found = await Community.raw(ROLLUP_MONTH_SQL, this_month).run()
    month = found[0]["month"] if found else None
    grids = await Community.raw(GRIDS_SQL, ids, ids, month or this_month, ids).run()
    buildings = await Community.raw(BUILDINGS_SQL, ids).run()
    data = MapData(title, communities, grids, buildings, month)
    data.problems = topology_problems(communities, grids)
    return data


def metric_value(grid: dict[str, Any], metric: str) -> float | None:
    if metric == "size":
        return float(grid["household_count"]) if grid["kind"] == "residential" else None
    if metric == "check_in":
        return grid["check_in_rate"]
    if metric == "open":
        return float(grid["open_items"])
    if metric == "late_stage":
        return float(grid["late_stages"])
    return float(grid["overdue_items"])


# ---------------------------------------------------------------- topology


def _polygon(raw: Any) -> Polygon | None:
    try:
        return parse_polygon(raw) if raw is not None else None
    except DomainError:
        return None


def topology_problems(
    communities: list[dict[str, Any]], grids: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Overlaps between sibling grids, community area no grid covers, grids sticking out of
    their community, and grids without a (valid) boundary — each with its geometry."""
    problems: list[dict[str, Any]] = []
    by_community: dict[int, list[tuple[dict[str, Any], Polygon]]] = {}
    for grid in grids:
        polygon = _polygon(grid["boundary"])
        if polygon is None:
            reason = (
                "无边界 no boundary" if grid["boundary"] is None else "边界无效 invalid boundary"
            )
            problems.append({"kind": "missing", "label": reason, "grids": [grid], "geometry": None})
            continue
        by_community.setdefault(grid["community"], []).append((grid, polygon))
    for community in communities:
        members = by_community.get(community["id"], [])
        for i, (a, pa) in enumerate(members):
            for b, pb in members[i + 1 :]:
                shared = pa.intersection(pb)
                if shared.area > OVERLAP_TOLERANCE_DEG2:
                    problems.append(
                        {
                            "kind": "overlap",
                            "label": "网格重叠 overlap",
                            "grids": [a, b],
                            "geometry": shared,
                            "area": shared.area,
                        }
                    )
        outline = _polygon(community.get("boundary"))
        if outline is None:
            continue
        for grid, polygon in members:
            outside = polygon.difference(outline.buffer(CONTAINMENT_BUFFER_DEG))
            if outside.area > OVERLAP_TOLERANCE_DEG2:
                problems.append(
                    {
                        "kind": "outside",
                        "label": "超出社区 outside the community",
                        "grids": [grid],
                        "geometry": outside,
                        "area": outside.area,
                    }
                )
        covered = unary_union([p for _, p in members]) if members else None
        gap = outline.difference(covered) if covered is not None else outline
        if gap.area > GAP_TOLERANCE_DEG2:
            problems.append(
                {
                    "kind": "gap",
                    "label": "未覆盖区域 gap",
                    "grids": [],
                    "community": community,
                    "geometry": gap,
                    "area": gap.area,
                }
            )
    return problems


def square_metres(area_deg2: float, latitude: float) -> float:
    """An area in degrees² near `latitude`, in square metres (for the problem list)."""
    metres_per_degree = 111_320.0
    return area_deg2 * metres_per_degree**2 * math.cos(math.radians(latitude))


# ---------------------------------------------------------------- projection


@dataclass(frozen=True)
class Projection:
    west: float
    north: float
    kx: float  # cos(middle latitude)
    scale: float  # pixels per degree of latitude
    pad: float
    width: float
    height: float

    @classmethod
    def fit(
        cls, bounds: tuple[float, float, float, float], width: float = 960, pad: float = 24
    ) -> Projection:
        west, south, east, north = bounds
        kx = math.cos(math.radians((south + north) / 2))
        span_x = max((east - west) * kx, 1e-9)
        scale = (width - 2 * pad) / span_x
        height = (north - south) * scale + 2 * pad
        return cls(west, north, kx, scale, pad, width, max(height, 2 * pad + 1))

    def xy(self, lon: float, lat: float) -> tuple[float, float]:
        return (
            round(self.pad + (lon - self.west) * self.kx * self.scale, 2),
            round(self.pad + (self.north - lat) * self.scale, 2),
        )

    def lon_lat(self, x: float, y: float) -> tuple[float, float]:
        """The inverse of `xy` (for reading a drawn map back)."""
        return (
            self.west + (x - self.pad) / (self.kx * self.scale),
            self.north - (y - self.pad) / self.scale,
        )

    def path(self, geometry: Any) -> str:
        """SVG path data of a Polygon or MultiPolygon (every ring, closed)."""
        polygons = getattr(geometry, "geoms", [geometry])
        parts = []
        for polygon in polygons:
            if polygon.geom_type != "Polygon" or polygon.is_empty:
                continue
            for ring in [polygon.exterior, *polygon.interiors]:
                points = [self.xy(x, y) for x, y in list(ring.coords)[:-1]]
                parts.append("M" + " L".join(f"{x},{y}" for x, y in points) + " Z")
        return " ".join(parts)


def map_bounds(data: MapData) -> tuple[float, float, float, float] | None:
    shapes = [_polygon(c.get("boundary")) for c in data.communities]
    shapes += [_polygon(g["boundary"]) for g in data.grids]
    present = [s for s in shapes if s is not None]
    if not present:
        return None
    west, south, east, north = unary_union(present).bounds
    return west, south, east, north


def outline_bounds(boundaries: list[Any]) -> list[float]:
    """[west, south, east, north] around the stored boundaries given (none: [])."""
    present = [shape for shape in map(_polygon, boundaries) if shape is not None]
    return list(unary_union(present).bounds) if present else []


def atlas(
    layers_url: str,
    bounds: list[float],
    metric: str = DEFAULT_METRIC,
    today_url: str | None = None,
    register: bool = False,
    can_edit: bool = False,
    coloured: bool = True,
) -> dict[str, Any]:
    """What templates/maps/_map.html's `atlas` macro takes: the one map component of the
    map pages, the dashboards and the public page (`coloured` False: no metric to colour
    the grids by, as the public layers carry none)."""
    return {
        "layers_url": layers_url,
        "bounds": bounds,
        "metric": metric,
        "metrics": [{"key": k, "label": m.label} for k, m in METRICS.items()] if coloured else [],
        "today_url": today_url,
        "register": register,
        "can_edit": can_edit,
    }


# ---------------------------------------------------------------- colours


def _mix(low: tuple[int, int, int], high: tuple[int, int, int], t: float) -> str:
    t = min(max(t, 0.0), 1.0)
    return "#" + "".join(f"{round(a + (b - a) * t):02x}" for a, b in zip(low, high, strict=True))


NO_DATA = "#d9dde3"


def colour(grid: dict[str, Any], metric: str, top: float) -> str:
    value = metric_value(grid, metric)
    if value is None:
        return NO_DATA
    if metric == "size":
        return "#f28b82" if grid["size_warning"] else "#9fd5a8"
    if metric == "check_in":
        # red (0 %) → amber (75 %) → green (100 %)
        if value < 0.75:
            return _mix((0xE0, 0x4F, 0x4F), (0xF6, 0xC3, 0x4F), value / 0.75)
        return _mix((0xF6, 0xC3, 0x4F), (0x4C, 0xAF, 0x6A), (value - 0.75) / 0.25)
    if top <= 0 or value == 0:
        return "#eef6ee"
    return _mix((0xFD, 0xE6, 0xC4), (0xC6, 0x28, 0x28), value / top)


def legend(metric: str, top: float) -> list[tuple[str, str]]:
    if metric == "size":
        return [("#9fd5a8", "250–500 户"), ("#f28b82", "规模预警"), (NO_DATA, "单位网格")]
    if metric == "check_in":
        return [
            (_mix((0xE0, 0x4F, 0x4F), (0xF6, 0xC3, 0x4F), 0), "0%"),
            ("#f6c34f", "75%"),
            ("#4caf6a", "100%"),
            (NO_DATA, "无汇总"),
        ]
    return [("#eef6ee", "0"), (_mix((0xFD, 0xE6, 0xC4), (0xC6, 0x28, 0x28), 1), f"{top:g}")]


# ---------------------------------------------------------------- SVG


def render_svg(data: MapData, metric: str, width: int = 960) -> str:
    """The map as one SVG element."""
    bounds = map_bounds(data)
    if bounds is None:
        return '<p class="muted">没有可绘制的边界 No boundaries to draw.</p>'
    projection = Projection.fit(bounds, width)
    values = [metric_value(g, metric) for g in data.grids]
    top = max([v for v in values if v is not None], default=0.0)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" id="grid-map" width="{projection.width:.0f}" '
        f'height="{projection.height:.0f}" viewBox="0 0 {projection.width:.0f} '
        f'{projection.height:.0f}" font-family="{esc(FONT_STACK)}" '
        f'data-west="{projection.west!r}" data-north="{projection.north!r}" '
        f'data-kx="{projection.kx!r}" data-scale="{projection.scale!r}" data-pad="{projection.pad}">',
        "<defs>"
        '<pattern id="hatch-gap" width="8" height="8" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="8" height="8" fill="#fff3e0"/>'
        '<line x1="0" y1="0" x2="0" y2="8" stroke="#ef6c00" stroke-width="3"/></pattern>'
        '<pattern id="hatch-bad" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(-45)"><rect width="6" height="6" fill="#ffebee"/>'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="#c62828" stroke-width="3"/></pattern>'
        "</defs>",
        '<rect width="100%" height="100%" fill="#f8fafc"/>',
    ]
    for community in data.communities:
        outline = _polygon(community.get("boundary"))
        if outline is not None:
            out.append(
                f'<path class="community" data-community-id="{community["id"]}" '
                f'd="{projection.path(outline)}" fill="#ffffff" stroke="none"/>'
            )
    for grid in data.grids:
        polygon = _polygon(grid["boundary"])
        if polygon is None:
            continue
        value = metric_value(grid, metric)
        shown = (
            "—"
            if value is None
            else (f"{value * 100:.1f}%" if METRICS[metric].percent else f"{value:g}")
        )
        href = ADMIN_ROW_URL.format(table="responsibility_grid", id=grid["id"])
        out.append(
            f'<a href="{href}" target="_top" class="grid-link">'
            f'<path class="grid" data-grid-id="{grid["id"]}" data-code="{esc(grid["code"])}" '
            f'd="{projection.path(polygon)}" fill="{colour(grid, metric, top)}" '
            f'stroke="#37474f" stroke-width="1.2" fill-rule="evenodd">'
            f"<title>{esc(grid['code'])} {esc(grid['name'])}: {esc(shown)}</title></path></a>"
        )
    for problem in data.problems:
        geometry = problem.get("geometry")
        if geometry is None or geometry.is_empty:
            continue
        fill = "url(#hatch-gap)" if problem["kind"] == "gap" else "url(#hatch-bad)"
        stroke = "#ef6c00" if problem["kind"] == "gap" else "#c62828"
        out.append(
            f'<path class="topology {problem["kind"]}" d="{projection.path(geometry)}" '
            f'fill="{fill}" fill-opacity="0.85" stroke="{stroke}" stroke-width="2" '
            f'stroke-dasharray="5 3" pointer-events="none"><title>{esc(problem["label"])}</title></path>'
        )
    for community in data.communities:
        outline = _polygon(community.get("boundary"))
        if outline is not None:
            out.append(
                f'<path d="{projection.path(outline)}" fill="none" stroke="#1f4e79" '
                f'stroke-width="3" pointer-events="none"/>'
            )
    for building in data.buildings:
        x, y = projection.xy(building["longitude"], building["latitude"])
        out.append(
            f'<circle class="building" cx="{x}" cy="{y}" r="2.6" fill="#263238" '
            f'fill-opacity="0.75" pointer-events="none"><title>{esc(building["code"])} '
            f"{esc(building['address'])}</title></circle>"
        )
    for grid in data.grids:
        polygon = _polygon(grid["boundary"])
        if polygon is None:
            continue
        point = polygon.representative_point()
        x, y = projection.xy(point.x, point.y)
        minx, _, maxx, _ = polygon.bounds
        span = (maxx - minx) * projection.kx * projection.scale
        size = max(8.0, min(13.0, span / 9))
        value = metric_value(grid, metric)
        shown = (
            "—"
            if value is None
            else (
                f"{value * 100:.0f}%"
                if METRICS[metric].percent
                else f"{value:g}{METRICS[metric].unit}"
            )
        )
        out.append(
            f'<g class="label" pointer-events="none" text-anchor="middle" '
            f'stroke="#ffffff" stroke-width="3" paint-order="stroke">'
            f'<text x="{x}" y="{y - size * 0.6:.1f}" font-size="{size:.1f}" font-weight="bold">'
            f"{esc(grid['name'])}</text>"
            f'<text x="{x}" y="{y + size * 0.6:.1f}" font-size="{size * 0.8:.1f}">{esc(grid["code"])}</text>'
            f'<text x="{x}" y="{y + size * 1.7:.1f}" font-size="{size * 0.85:.1f}" fill="#1f4e79">'
            f"{esc(shown)}</text></g>"
        )
    out.append("</svg>")
    return "".join(out)
