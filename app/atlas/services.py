"""What the staff map shows, read in the viewer's scoped transaction (row-level security
filters every query), and what is drawn on it: a new grid, and the boundaries of grids,
communities and streets, each judged by the areas' own services.

Layers by zoom: districts, then streets, then communities, then grids (coloured by a
metric of app/pages/maps.py), and from BUILDINGS_FROM_ZOOM buildings and facilities. Each
query is one set-based statement: grids by their bounding-box index, buildings and
facilities by the grids found (their `grid` index) and the box. Polygons are simplified with
Shapely to half a screen pixel at the requested zoom.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from shapely.geometry import box, mapping, shape
from shapely.geometry.base import BaseGeometry
from shapely.ops import unary_union

from app.areas.hierarchy import TABLES
from app.areas.schemas import (
    CommunityUpdate,
    Grid,
    GridCreate,
    GridUpdate,
    StreetUpdate,
    from_row,
)
from app.areas.services import create_grid, update_community, update_grid, update_street
from app.clock import local_date_of, local_today
from app.crud import find_row
from app.errors import Forbidden, NotFound, ValidationFailed
from app.field.schemas import decode
from app.field.visits_due import intervals_of
from app.geo import stored_geojson
from app.labels import label
from app.pages.maps import (
    ADMIN_ROW_URL,
    GRIDS_SQL,
    METRICS,
    ROLLUP_MONTH_SQL,
    colour,
    legend,
    metric_value,
    topology_problems,
)
from app.scope import Level, Scope
from tables.areas import Community
from tables.choices import CareTag, FacilityKind, GridKind
from tables.places import Building

Row = dict[str, Any]

# Which areas are drawn up to which zoom (inclusive); grids from GRIDS_FROM_ZOOM on.
AREA_LEVELS: tuple[tuple[str, int], ...] = (("district", 10), ("street", 12), ("community", 13))
GRIDS_FROM_ZOOM = 14
BUILDINGS_FROM_ZOOM = 16
POINTS_FROM_ZOOM = 13
MAX_ZOOM = 22
# The two colourings: this month's check-in rate, or open work items.
DEFAULT_LAYER_METRIC = "check_in"
# At most this many buildings or facilities per answer (a box at zoom 16 holds far fewer).
POINT_LIMIT = 5000

GRIDS_IN_BOX_SQL = """
SELECT id, community FROM responsibility_grid
WHERE min_lon IS NOT NULL
  AND box(point(min_lon, min_lat), point(max_lon, max_lat)) && box(point({}, {}), point({}, {}))
"""
COMMUNITIES_SQL = """
SELECT id, code, name, street, boundary FROM community WHERE id = ANY({}::int[]) ORDER BY code
"""
# Each level with the boundaries of its communities, drawn as their union where the area
# itself has none (streets and districts are often recorded without one).
AREAS_SQL = {
    "district": """
SELECT d.id, d.code, d.name, d.boundary,
       json_agg(c.boundary) FILTER (WHERE c.boundary IS NOT NULL) AS parts
FROM district d LEFT JOIN street s ON s.district = d.id LEFT JOIN community c ON c.street = s.id
GROUP BY d.id ORDER BY d.code
""",
    "street": """
SELECT s.id, s.code, s.name, s.boundary,
       json_agg(c.boundary) FILTER (WHERE c.boundary IS NOT NULL) AS parts
FROM street s LEFT JOIN community c ON c.street = s.id
GROUP BY s.id ORDER BY s.code
""",
    # Communities with a grid in the box (the grids' bounding-box index), and those with no
    # placed grid at all (their boundary is tested in Shapely).
    "community": """
SELECT c.id, c.code, c.name, c.boundary, NULL::json AS parts FROM community c
WHERE c.boundary IS NOT NULL
  AND (c.id IN (SELECT g.community FROM responsibility_grid g WHERE g.min_lon IS NOT NULL
                AND box(point(g.min_lon, g.min_lat), point(g.max_lon, g.max_lat))
                    && box(point({}, {}), point({}, {})))
       OR NOT EXISTS (SELECT 1 FROM responsibility_grid g
                      WHERE g.community = c.id AND g.min_lon IS NOT NULL))
ORDER BY c.code
""",
}
BUILDINGS_SQL = """
SELECT b.id, b.code, b.address, b.kind, b.floors, b.longitude, b.latitude, b.grid, b.footprint,
       (SELECT count(*) FROM household h WHERE h.building = b.id) AS households
FROM building b
WHERE b.grid = ANY({}::int[]) AND b.longitude BETWEEN {} AND {} AND b.latitude BETWEEN {} AND {}
ORDER BY b.code LIMIT {}
"""
FACILITIES_SQL = """
SELECT id, name, kind, longitude, latitude, grid FROM facility
WHERE grid = ANY({}::int[]) AND longitude BETWEEN {} AND {} AND latitude BETWEEN {} AND {}
ORDER BY name LIMIT {}
"""
# Open work items where the phone reported them (field_report) and residents' and hotline
# reports at their reported position (open311_request; a resident case when it has one).
OPEN_POINTS_SQL = """
SELECT 'work' AS kind, w.id, w.title, w.status, f.longitude, f.latitude, w.grid, NULL::int AS case_id
FROM field_report f JOIN work_item w ON w.id = f.work_item
WHERE f.grid = ANY({}::int[]) AND w.status NOT IN ('closed', 'rejected')
UNION ALL
SELECT 'report', w.id, coalesce(c.summary, w.title), w.status, r.longitude, r.latitude, r.grid, c.id
FROM open311_request r JOIN work_item w ON w.id = r.work_item
LEFT JOIN resident_case c ON c.service_request = r.id
WHERE r.grid = ANY({}::int[]) AND r.latitude IS NOT NULL AND r.longitude IS NOT NULL
  AND w.status NOT IN ('closed', 'rejected')
"""
CHECK_INS_SQL = """
SELECT c.id, c.at, c.longitude, c.latitude, c.counted, c.inside_grid, c.grid,
       s.name AS staff_name
FROM check_in c JOIN staff_member s ON s.id = c.staff
WHERE c.community = ANY({}::int[]) AND c.local_date = {}
ORDER BY c.at
"""
PATROLS_SQL = """
SELECT p.id, p.started_at, p.ended_at, p.distance_m, p.grid, s.name AS staff_name,
       (SELECT json_agg(json_build_array(t.longitude, t.latitude) ORDER BY t.at)
        FROM patrol_point t WHERE t.patrol = p.id) AS track
FROM patrol p JOIN staff_member s ON s.id = p.staff
WHERE p.community = ANY({}::int[]) AND p.local_date = {}
ORDER BY p.started_at
"""
HOUSEHOLDS_SQL = """
SELECT h.id, h.room, h.member_count, h.care_tags,
       (SELECT max(d.created_at) FROM diary_entry d
        WHERE d.household = h.id AND d.category = 'visit') AS last_visit
FROM household h WHERE h.building = {} ORDER BY h.room
"""

FACILITY_COLOUR = "#07c160"
BUILDING_COLOUR = "#1f4e79"
POINT_COLOURS = {"work": "#ff976a", "report": "#d81b60"}


def admin_url(table: str, row_id: Any) -> str:
    return ADMIN_ROW_URL.format(table=table, id=row_id)


# ---------------------------------------------------------------- the view


@dataclass(frozen=True)
class View:
    """The part of the map asked for: a bounding box in WGS84 and a zoom level."""

    west: float
    south: float
    east: float
    north: float
    zoom: int

    @classmethod
    def parse(cls, bbox: str, zoom: int) -> View:
        """`west,south,east,north` and a zoom, or a ValidationFailed naming `bbox` or `zoom`."""
        parts = bbox.split(",")
        try:
            west, south, east, north = (float(p) for p in parts)
        except ValueError as exc:
            raise ValidationFailed(
                "bbox must be four numbers: west,south,east,north", field="bbox"
            ) from exc
        if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
            raise ValidationFailed(
                "bbox must have west < east and south < north, in WGS84 range", field="bbox"
            )
        if not 0 <= zoom <= MAX_ZOOM:
            raise ValidationFailed(f"zoom must be 0–{MAX_ZOOM}", field="zoom")
        return cls(west, south, east, north, zoom)

    @property
    def tolerance(self) -> float:
        """Half a screen pixel at this zoom, in degrees: the simplification no one sees."""
        return 0.5 * 360.0 / (256 * 2**self.zoom)

    @property
    def box_args(self) -> tuple[float, float, float, float]:
        return self.west, self.south, self.east, self.north

    @property
    def shape(self) -> BaseGeometry:
        return box(self.west, self.south, self.east, self.north)

    @property
    def area_level(self) -> str:
        """The area level drawn at this zoom ("grid" from GRIDS_FROM_ZOOM on)."""
        for level, up_to in AREA_LEVELS:
            if self.zoom <= up_to:
                return level
        return "grid"


def simplified(raw: Any, view: View) -> dict[str, Any] | None:
    """The stored GeoJSON polygon simplified for `view` (None when missing, unreadable or
    outside the box)."""
    if raw is None:
        return None
    try:
        geometry = shape(stored_geojson(raw))
    except (ValueError, TypeError, AttributeError, KeyError):
        return None
    if geometry.is_empty or not geometry.intersects(view.shape):
        return None
    thinner = geometry.simplify(view.tolerance, preserve_topology=True)
    return dict(mapping(thinner if not thinner.is_empty else geometry))


def feature(row_id: Any, geometry: dict[str, Any] | None, properties: Row) -> Row:
    return {"type": "Feature", "id": row_id, "geometry": geometry, "properties": properties}


def collection(features: list[Row]) -> Row:
    return {"type": "FeatureCollection", "features": features}


def point(longitude: float, latitude: float) -> Row:
    return {"type": "Point", "coordinates": [longitude, latitude]}


# ---------------------------------------------------------------- layers


LAYER_NAMES = ("areas", "grids", "outlines", "problems", "buildings", "facilities", "points")


def _answer(view: View, level: str, metric: str, **drawn: Row) -> Row:
    """A layers answer: the collections drawn at `level`, every other one empty."""
    return {
        "zoom": view.zoom,
        "level": level,
        "metric": metric,
        **{name: drawn.get(name, collection([])) for name in LAYER_NAMES},
        "legend": [],
    }


async def layers(view: View, metric: str) -> Row:
    """Everything drawn at `view`: the areas of its level (or the grids with the metric's
    colours, their topology problems and legend), buildings, facilities and open items."""
    level = view.area_level
    answer = _answer(view, level, metric)
    if level != "grid":
        answer["areas"] = await _areas(level, view)
    if view.zoom < min(GRIDS_FROM_ZOOM, POINTS_FROM_ZOOM):
        return answer
    found = await Community.raw(GRIDS_IN_BOX_SQL, *view.box_args).run()
    grid_ids = [r["id"] for r in found]
    if not grid_ids:
        return answer
    if view.zoom >= POINTS_FROM_ZOOM:
        answer["points"] = await _open_points(grid_ids)
    if level != "grid":
        return answer
    # Whole communities: their topology (gaps, overlaps) needs every grid of them.
    community_ids = sorted({r["community"] for r in found})
    communities = await Community.raw(COMMUNITIES_SQL, community_ids).run()
    this_month = local_today().replace(day=1)
    month_rows = await Community.raw(ROLLUP_MONTH_SQL, this_month).run()
    month = month_rows[0]["month"] if month_rows else None
    grids = await Community.raw(
        GRIDS_SQL, community_ids, community_ids, month or this_month, community_ids
    ).run()
    answer["grids"], answer["legend"] = _grids(grids, metric, view)
    answer["outlines"] = collection(
        [
            feature(c["id"], geometry, {"level": "community", "code": c["code"], "name": c["name"]})
            for c in communities
            if (geometry := simplified(c["boundary"], view)) is not None
        ]
    )
    answer["rollup_month"] = month.isoformat() if month else None
    answer["problems"] = _problems(communities, grids, view)
    if view.zoom >= BUILDINGS_FROM_ZOOM:
        answer["buildings"] = await _buildings(grid_ids, view)
        answer["facilities"] = await _facilities(grid_ids, view)
    return answer


async def _areas(level: str, view: View) -> Row:
    """Districts, streets or communities the scope sees whose boundary meets the box.

    These levels hold a few dozen to a few hundred rows and have no bounding-box columns,
    so the box is tested in Shapely after one query.
    """
    sql = AREAS_SQL[level]
    rows = await Community.raw(sql, *(view.box_args if "{}" in sql else ())).run()
    features = []
    for row in rows:
        derived = row["boundary"] is None
        raw = row["boundary"] if not derived else _union(stored_geojson(row["parts"]) or [])
        geometry = simplified(raw, view)
        if geometry is None:
            continue
        properties = {
            "level": level,
            "code": row["code"],
            "name": row["name"],
            "derived": derived,
            "admin_url": admin_url(level, row["id"]),
        }
        if level in ("street", "community"):
            properties["map_url"] = f"/maps/{level}/{row['code']}"
        features.append(feature(row["id"], geometry, properties))
    return collection(features)


def _union(parts: list[Any]) -> dict[str, Any] | None:
    """The union of the readable polygons among `parts` as GeoJSON (None when none is)."""
    shapes = []
    for part in parts:
        try:
            shapes.append(shape(part))
        except (ValueError, TypeError, AttributeError, KeyError):
            continue
    return dict(mapping(unary_union(shapes))) if shapes else None


def _grids(grids: list[Row], metric: str, view: View) -> tuple[Row, list[Row]]:
    values = [metric_value(g, metric) for g in grids]
    top = max([v for v in values if v is not None], default=0.0)
    percent = METRICS[metric].percent
    features = []
    for grid, value in zip(grids, values, strict=True):
        geometry = simplified(grid["boundary"], view)
        if geometry is None:
            continue
        shown = "—" if value is None else (f"{value * 100:.0f}%" if percent else f"{value:g}")
        features.append(
            feature(
                grid["id"],
                geometry,
                {
                    "code": grid["code"],
                    "name": grid["name"],
                    "community": grid["community"],
                    "kind": grid["kind"],
                    "household_count": grid["household_count"],
                    "size_warning": grid["size_warning"],
                    "open_items": grid["open_items"],
                    "overdue_items": grid["overdue_items"],
                    "late_stages": grid["late_stages"],
                    "check_in_rate": grid["check_in_rate"],
                    "value": value,
                    "shown": shown,
                    "colour": colour(grid, metric, top),
                    "admin_url": admin_url("responsibility_grid", grid["id"]),
                },
            )
        )
    return collection(features), [{"colour": c, "label": text} for c, text in legend(metric, top)]


def _problems(communities: list[Row], grids: list[Row], view: View) -> Row:
    features = []
    for problem in topology_problems(communities, grids):
        geometry = problem.get("geometry")
        if geometry is None or geometry.is_empty or not geometry.intersects(view.shape):
            continue
        features.append(
            feature(
                None,
                dict(mapping(geometry)),
                {
                    "kind": problem["kind"],
                    "label": problem["label"],
                    "grids": [g["code"] for g in problem["grids"]],
                },
            )
        )
    return collection(features)


async def _points(
    sql: str, grid_ids: list[int], view: View, properties: Callable[[Row], Row]
) -> Row:
    """The points `sql` finds in `grid_ids` within the view (at most POINT_LIMIT)."""
    rows = await Community.raw(
        sql, grid_ids, view.west, view.east, view.south, view.north, POINT_LIMIT
    ).run()
    return collection(
        [feature(r["id"], point(r["longitude"], r["latitude"]), properties(r)) for r in rows]
    )


async def _buildings(grid_ids: list[int], view: View) -> Row:
    return await _points(
        BUILDINGS_SQL,
        grid_ids,
        view,
        lambda r: {
            "code": r["code"],
            "address": r["address"],
            "kind": r["kind"],
            "floors": r["floors"],
            "households": r["households"],
            "grid": r["grid"],
            "admin_url": admin_url("building", r["id"]),
            "register_url": f"/maps/api/buildings/{r['id']}/register",
            "footprint": stored_geojson(r["footprint"]),
        },
    )


async def _facilities(grid_ids: list[int], view: View) -> Row:
    return await _points(
        FACILITIES_SQL,
        grid_ids,
        view,
        lambda r: {
            "name": r["name"],
            "kind": r["kind"],
            "kind_label": label(FacilityKind, r["kind"]),
            "grid": r["grid"],
            "admin_url": admin_url("facility", r["id"]),
        },
    )


async def _open_points(grid_ids: list[int]) -> Row:
    rows = await Community.raw(OPEN_POINTS_SQL, grid_ids, grid_ids).run()
    features = []
    for r in rows:
        is_case = r["case_id"] is not None
        features.append(
            feature(
                f"{r['kind']}-{r['case_id'] or r['id']}",
                point(r["longitude"], r["latitude"]),
                {
                    "kind": r["kind"],
                    "title": r["title"],
                    "status": r["status"],
                    "grid": r["grid"],
                    "colour": POINT_COLOURS[r["kind"]],
                    "admin_url": admin_url(
                        "resident_case" if is_case else "work_item",
                        r["case_id"] if is_case else r["id"],
                    ),
                    "work_item_url": admin_url("work_item", r["id"]),
                },
            )
        )
    return collection(features)


# ---------------------------------------------------------------- the public map

PUBLIC_GRID_COLOUR = "#c5e1a5"
PUBLIC_GRIDS_SQL = """
SELECT g.id, g.code, g.name, g.boundary FROM responsibility_grid g
JOIN community c ON c.id = g.community
WHERE c.code = {} AND g.boundary IS NOT NULL ORDER BY g.code
"""


async def public_layers(community_code: str, view: View) -> Row:
    """A community's outline and grids for its public page: names and shapes only — no
    buildings, households, work items, reports or staff, so nothing about a person."""
    community = await Community.raw(
        "SELECT id, code, name, boundary FROM community WHERE code = {}", community_code
    ).run()
    if not community:
        raise NotFound(f"没有编码为 {community_code} 的社区", field="code")
    outline = community[0]
    grids = await Community.raw(PUBLIC_GRIDS_SQL, community_code).run()
    areas = [
        feature(
            outline["id"],
            geometry,
            {"level": "community", "code": outline["code"], "name": outline["name"]},
        )
        for geometry in [simplified(outline["boundary"], view)]
        if geometry is not None
    ]
    return _answer(
        view,
        "grid",
        "",
        areas=collection(areas),
        grids=collection(
            [
                feature(
                    g["id"],
                    geometry,
                    {
                        "code": g["code"],
                        "name": g["name"],
                        "shown": "",
                        "colour": PUBLIC_GRID_COLOUR,
                    },
                )
                for g in grids
                if (geometry := simplified(g["boundary"], view)) is not None
            ]
        ),
    )


# ---------------------------------------------------------------- today


async def today(community_ids: list[int]) -> Row:
    """Today's check-ins (points) and patrol tracks (lines) in these communities."""
    day = local_today()
    check_ins = await Community.raw(CHECK_INS_SQL, community_ids, day).run()
    patrols = await Community.raw(PATROLS_SQL, community_ids, day).run()
    return {
        "date": day.isoformat(),
        "check_ins": collection(
            [
                feature(
                    c["id"],
                    point(c["longitude"], c["latitude"]),
                    {
                        "staff_name": c["staff_name"],
                        "at": c["at"].isoformat(),
                        "counted": c["counted"],
                        "inside_grid": c["inside_grid"],
                        "grid": c["grid"],
                        "admin_url": admin_url("check_in", c["id"]),
                    },
                )
                for c in check_ins
            ]
        ),
        "patrols": collection(
            [
                feature(
                    p["id"],
                    {"type": "LineString", "coordinates": track},
                    {
                        "staff_name": p["staff_name"],
                        "started_at": p["started_at"].isoformat(),
                        "ended_at": p["ended_at"].isoformat() if p["ended_at"] else None,
                        "distance_m": p["distance_m"],
                        "grid": p["grid"],
                        "admin_url": admin_url("patrol", p["id"]),
                    },
                )
                for p in patrols
                if len(track := stored_geojson(p["track"]) or []) >= 2
            ]
        ),
    }


# ---------------------------------------------------------------- 户籍图

REGISTER_COLOURS = {
    "masked": "#cfd8dc",
    "untagged": "#e3f2fd",
    "visited": "#66bb6a",
    "due": "#e53935",
}
REGISTER_LEGEND = [
    {"colour": REGISTER_COLOURS["untagged"], "label": "无关爱标签"},
    {"colour": REGISTER_COLOURS["visited"], "label": "已按期走访"},
    {"colour": REGISTER_COLOURS["due"], "label": "待走访"},
]
MASKED_LEGEND = [{"colour": REGISTER_COLOURS["masked"], "label": "已登记（个人信息已隐藏）"}]
_ROOM = re.compile(r"^(?:(?P<unit>.*?)[-－_ ])?(?P<number>\d+)$")


def room_place(room: str) -> tuple[int | None, str, str]:
    """(floor, unit, position) of a room such as 3-502 (unit 3, floor 5, position 02) or 1203;
    a room that does not read so has no floor."""
    match = _ROOM.match(room.strip())
    if match is None:
        return None, "", room
    unit, number = match.group("unit") or "", match.group("number")
    if len(number) < 3:
        return 1, unit, number
    return int(number[:-2]), unit, number[-2:]


async def building_register(building_id: int, scope: Scope) -> Row:
    """The 户籍图 of a building: its households as floors × rooms, each with its care tags
    and the days since the last visit, coloured by whether a visit is due.

    For a scope that may not see the personal data of the building's grid
    (`Scope.may_see_personal_data`), tags and visits are not sent at all: a cell only says a
    household is registered there.
    """
    building = await find_row(Building, building_id)
    if building is None:
        raise NotFound(f"没有编号为 {building_id} 的楼栋（或不在您的范围内）", field="id")
    masked = not scope.may_see_personal_data(building["grid"])
    households = await Community.raw(HOUSEHOLDS_SQL, building_id).run()
    intervals = (await intervals_of([building["community"]]))[building["community"]]
    today_ = local_today()
    floors: dict[int | None, list[Row]] = {}
    columns: set[tuple[str, str]] = set()
    for household in households:
        floor, unit, position = room_place(household["room"])
        cell: Row = {
            "id": household["id"],
            "room": household["room"],
            "floor": floor,
            "unit": unit,
            "position": position,
            "member_count": household["member_count"],
            "admin_url": admin_url("household", household["id"]),
        }
        if masked:
            cell.update(care_tags=None, last_visit_days=None, due=None)
            cell["colour"] = REGISTER_COLOURS["masked"]
        else:
            cell.update(_visit_state(household, intervals, today_))
        floors.setdefault(floor, []).append(cell)
        if floor is not None:
            columns.add((unit, position))
    ordered = sorted(columns)
    rows = []
    for floor in sorted((f for f in floors if f is not None), reverse=True):
        by_column = {(c["unit"], c["position"]): c for c in floors[floor]}
        rows.append({"floor": floor, "cells": [by_column.get(key) for key in ordered]})
    return {
        "building": {
            "id": building["id"],
            "code": building["code"],
            "address": building["address"],
            "floors": building["floors"],
            "admin_url": admin_url("building", building["id"]),
        },
        "masked": masked,
        "columns": [{"unit": u, "position": p} for u, p in ordered],
        "rows": rows,
        "unplaced": floors.get(None, []),
        "household_count": len(households),
        "legend": MASKED_LEGEND if masked else REGISTER_LEGEND,
    }


def _visit_state(household: Row, intervals: dict[str, int], today_: dt.date) -> Row:
    """Tags (with labels), days since the last visit and whether one is due (the shortest
    interval of the household's tags, as app/field/visits_due.py counts it)."""
    tags = list(household["care_tags"] or [])
    last = household["last_visit"]
    days = (today_ - local_date_of(last)).days if last else None
    followed = [intervals[t] for t in tags if t in intervals]
    due = bool(followed) and (days is None or days >= min(followed))
    state = "untagged" if not tags else ("due" if due else "visited")
    return {
        "care_tags": [{"tag": t, "label": label(CareTag, t)} for t in tags],
        "last_visit_days": days,
        "due": due,
        "colour": REGISTER_COLOURS[state],
    }


# ---------------------------------------------------------------- drawing

# Who may draw what on the map. Row-level security decides again on every write; this says
# it first and plainly: community staff draw their community's grids, street officials also
# their communities' boundaries, and only the district (superusers) streets'.
BOUNDARY_EDITORS: dict[str, frozenset[Level]] = {
    "grid": frozenset({Level.district, Level.street, Level.community}),
    "community": frozenset({Level.district, Level.street}),
    "street": frozenset({Level.district}),
}
LEVEL_NAMES = {"grid": "网格", "community": "社区", "street": "街道"}
# The areas of the map by the plural of their URL (/maps/api/{plural}/{id}/boundary).
AREA_PATHS = {"grids": "grid", "communities": "community", "streets": "street"}
UPDATERS: dict[str, tuple[type[Any], Callable[..., Awaitable[Row]]]] = {
    "grid": (GridUpdate, update_grid),
    "community": (CommunityUpdate, update_community),
    "street": (StreetUpdate, update_street),
}


def editable_levels(scope: Scope) -> list[str]:
    """The levels whose boundaries this login may draw on the map."""
    if scope.read_only:
        return []
    return [level for level, editors in BOUNDARY_EDITORS.items() if scope.level in editors]


async def drawing_rights(scope: Scope) -> Row:
    """What the map offers this login to draw: the levels, the communities a new grid may go
    in (those its scope sees) and the grid kinds of the new-grid form."""
    levels = editable_levels(scope)
    communities = (
        await Community.select(Community._meta.primary_key, Community.code, Community.name)
        .order_by(Community.code)
        .run()
        if "grid" in levels
        else []
    )
    return {
        "levels": levels,
        "communities": communities,
        "grids_from_zoom": GRIDS_FROM_ZOOM,
        "grid_kinds": [{"value": kind.value, "label": label(GridKind, kind)} for kind in GridKind],
    }


def level_of_path(plural: str) -> str:
    """The level a URL's `grids`/`communities`/`streets` names, or NotFound."""
    if plural not in AREA_PATHS:
        raise NotFound(f"the map draws {', '.join(AREA_PATHS)}, not {plural}", field="level")
    return AREA_PATHS[plural]


def check_may_draw(scope: Scope, level: str) -> None:
    """Forbidden unless this login may draw boundaries of `level` on the map."""
    if level not in editable_levels(scope):
        raise Forbidden(
            f"您的角色不能在地图上绘制{LEVEL_NAMES[level]}边界"
            f" Your role may not draw {level} boundaries on the map",
            field="boundary",
        )


async def stored_boundary(level: str, area_id: int) -> Row:
    """An area's boundary as stored (not simplified): what an edit starts from."""
    row = await find_row(TABLES[level], area_id)
    if row is None:
        raise NotFound(
            f"没有编号为 {area_id} 的{LEVEL_NAMES[level]}（或不在您的范围内）", field="id"
        )
    return _boundary_answer(level, row)


async def save_boundary(level: str, area_id: int, boundary: Any, scope: Scope) -> Row:
    """Save an area's boundary drawn on the map through its update service, so the same
    rules judge it (inside the parent, clear of siblings, around its children); a refusal
    raises with the offending area (app/areas/hierarchy.py) and the caller's transaction
    rolls back."""
    check_may_draw(scope, level)
    schema, update = UPDATERS[level]
    return _boundary_answer(
        level, await update(area_id, schema(boundary=_polygon(boundary)), scope.user_id)
    )


async def create_drawn_grid(body: bytes, scope: Scope) -> Grid:
    """A new grid drawn on the map, created by the grid service (code numbered when blank,
    kind, households, inside the community, clear of its grids)."""
    check_may_draw(scope, "grid")
    data = decode(body, GridCreate)
    data.boundary = _polygon(data.boundary)
    return from_row(Grid, await create_grid(data, scope.user_id))


def _polygon(boundary: Any) -> dict[str, Any]:
    """A drawn boundary must be there: a map never draws "no boundary"."""
    if not isinstance(boundary, dict):
        raise ValidationFailed("must be a GeoJSON object of type Polygon", field="boundary")
    return boundary


def _boundary_answer(level: str, row: Row) -> Row:
    return {
        "level": level,
        "id": row["id"],
        "code": row["code"],
        "name": row["name"],
        "boundary": stored_geojson(row["boundary"]),
    }
