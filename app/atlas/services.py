"""What the staff map and the public map show, read in the viewer's scoped transaction
(row-level security filters every query): the layers and today's check-ins and tracks.
The 户籍图 is app/atlas/register.py; drawing on the map is app/atlas/drawing.py.

Layers by zoom: districts, then streets, then communities, then grids (coloured by a
metric of app/pages/maps.py), and from BUILDINGS_FROM_ZOOM buildings and facilities. Each
query is one set-based statement: grids by their bounding-box index, buildings and
facilities by the grids found (their `grid` index) and the box. Polygons are simplified with
Shapely to half a screen pixel at the requested zoom.

A layers answer is built in two halves. `layer_figures` runs the light queries: each
area's and grid's id and version (xmin), the names, the metrics and the points, and no
polygon. Their hash is the ETag, so a revalidation is answered from them alone
(app/atlas/caching.py). `draw_layers` then takes the shapes from the process's shape cache
(app/atlas/shape_cache.py). Only rows whose version is new at that zoom are read and
simplified.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from litestar.serialization import encode_json
from shapely.geometry import box, mapping, shape
from shapely.geometry.base import BaseGeometry
from shapely.ops import unary_union

from app.atlas.shape_cache import (
    MISSING,
    SHAPES,
    Boundaries,
    Shape,
    cached_shapes,
    versions_key,
    weight_of,
)
from app.clock import local_today
from app.errors import NotFound, ValidationFailed
from app.geo import collection, feature, point, stored_geojson
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
from tables.areas import Community
from tables.choices import FacilityKind

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
# The light queries select each row's version (xmin: a new one with every UPDATE of the row)
# in place of its polygon. The polygons come from the shape cache, or are read by
# app/atlas/shape_cache.py for the rows whose version it has not seen.
COMMUNITIES_SQL = """
SELECT id, code, name, street, xmin AS version FROM community WHERE id = ANY({}::int[])
ORDER BY code
"""
# Each level's areas. One without a boundary of its own (streets and districts are often
# recorded without one) is drawn as the union of its communities, listed with versions.
AREAS_SQL = {
    "district": """
SELECT d.id, d.code, d.name, d.xmin AS version, d.boundary IS NULL AS derived,
       array_agg(c.id ORDER BY c.id) FILTER (WHERE d.boundary IS NULL AND c.boundary IS NOT NULL)
           AS part_ids,
       array_agg(c.xmin ORDER BY c.id) FILTER (WHERE d.boundary IS NULL AND c.boundary IS NOT NULL)
           AS part_versions
FROM district d LEFT JOIN street s ON s.district = d.id LEFT JOIN community c ON c.street = s.id
GROUP BY d.id ORDER BY d.code
""",
    "street": """
SELECT s.id, s.code, s.name, s.xmin AS version, s.boundary IS NULL AS derived,
       array_agg(c.id ORDER BY c.id) FILTER (WHERE s.boundary IS NULL AND c.boundary IS NOT NULL)
           AS part_ids,
       array_agg(c.xmin ORDER BY c.id) FILTER (WHERE s.boundary IS NULL AND c.boundary IS NOT NULL)
           AS part_versions
FROM street s LEFT JOIN community c ON c.street = s.id
GROUP BY s.id ORDER BY s.code
""",
    # Communities with a grid in the box (the grids' bounding-box index), and those with no
    # placed grid at all (their boundary is tested in Shapely).
    "community": """
SELECT c.id, c.code, c.name, c.xmin AS version, false AS derived,
       NULL::int[] AS part_ids, NULL::int[] AS part_versions
FROM community c
WHERE c.boundary IS NOT NULL
  AND (c.id IN (SELECT g.community FROM responsibility_grid g WHERE g.min_lon IS NOT NULL
                AND box(point(g.min_lon, g.min_lat), point(g.max_lon, g.max_lat))
                    && box(point({}, {}), point({}, {})))
       OR NOT EXISTS (SELECT 1 FROM responsibility_grid g
                      WHERE g.community = c.id AND g.min_lon IS NOT NULL))
ORDER BY c.code
""",
}
# The grids' figures as app/pages/maps.py counts them for the SVG, each with its version
# in place of its boundary.
GRID_FIGURES_SQL = (
    """
SELECT q.id, q.code, q.name, q.community, q.kind, q.household_count, q.size_warning,
       q.open_items, q.overdue_items, q.late_stages, q.check_in_rate, g.xmin AS version
FROM ("""
    + GRIDS_SQL
    + """) AS q JOIN responsibility_grid g ON g.id = q.id
ORDER BY q.code
"""
)
BUILDINGS_SQL = """
SELECT b.id, b.code, b.address, b.kind, b.floors, b.longitude, b.latitude, b.grid, b.footprint,
       (SELECT count(*) FROM household h WHERE h.building = b.id) AS households
FROM building b
WHERE b.grid = ANY({}::int[]) AND b.longitude BETWEEN {} AND {} AND b.latitude BETWEEN {} AND {}
ORDER BY b.code LIMIT {}
"""
# Facilities by their point in the box, and those with a path (roads) in the communities of
# the grids found: a road may run on beyond its grid (its line is tested against the box).
FACILITIES_SQL = """
SELECT id, name, kind, longitude, latitude, grid, path FROM facility
WHERE (path IS NULL AND grid = ANY({}::int[])
       AND longitude BETWEEN {} AND {} AND latitude BETWEEN {} AND {})
   OR (path IS NOT NULL
       AND community IN (SELECT community FROM responsibility_grid WHERE id = ANY({}::int[])))
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


def _readable(raw: Any) -> BaseGeometry | None:
    """The stored GeoJSON as a geometry (None when missing, unreadable or empty)."""
    if raw is None:
        return None
    try:
        geometry = shape(stored_geojson(raw))
    except (ValueError, TypeError, AttributeError, KeyError):
        return None
    return None if geometry.is_empty else geometry


def thinned(geometry: BaseGeometry, view: View) -> BaseGeometry:
    """`geometry` simplified to half a pixel at the view's zoom: the one Shapely
    simplification of the map (the shape cache keeps what it makes)."""
    thinner = geometry.simplify(view.tolerance, preserve_topology=True)
    return geometry if thinner.is_empty else thinner


def simplified(raw: Any, view: View) -> dict[str, Any] | None:
    """The stored GeoJSON geometry simplified for `view` (None when missing, unreadable or
    outside the box), made on every call."""
    geometry = _readable(raw)
    if geometry is None or not geometry.intersects(view.shape):
        return None
    return dict(mapping(thinned(geometry, view)))


def drawn_shape(raw: Any, view: View) -> Shape | None:
    """The stored polygon as drawn at the view's zoom, for the shape cache. The box is
    tested against this drawn shape, which lies within half a pixel of the stored one."""
    geometry = _readable(raw)
    return None if geometry is None else Shape.of(thinned(geometry, view))


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


@dataclass
class LayerFigures:
    """What a layers answer is made of, read by the light queries without any polygon: the
    areas' and grids' ids and versions, names and metrics, and the points. The answer
    depends on these and on the code alone, so their hash is its ETag, known before any
    shape is simplified. `grids` is None where the view reads no grids."""

    view: View
    metric: str
    level: str
    areas: list[Row] = field(default_factory=list)
    communities: list[Row] = field(default_factory=list)
    grids: list[Row] | None = None
    month: dt.date | None = None
    points: dict[str, Row] = field(default_factory=dict)

    def fingerprint(self) -> bytes:
        return encode_json(self)


async def layers(view: View, metric: str) -> Row:
    """Everything drawn at `view`: the areas of its level (or the grids with the metric's
    colours, their topology problems and legend), buildings, facilities and open items."""
    return await draw_layers(await layer_figures(view, metric))


async def layer_figures(view: View, metric: str) -> LayerFigures:
    """The light half of `layers`: every row the answer shows, with its version in place of
    its polygon, and the point layers (open items, buildings, facilities) as drawn."""
    figures = LayerFigures(view, metric, view.area_level)
    if figures.level != "grid":
        sql = AREAS_SQL[figures.level]
        figures.areas = await Community.raw(sql, *(view.box_args if "{}" in sql else ())).run()
    if view.zoom < min(GRIDS_FROM_ZOOM, POINTS_FROM_ZOOM):
        return figures
    found = await Community.raw(GRIDS_IN_BOX_SQL, *view.box_args).run()
    grid_ids = [r["id"] for r in found]
    if not grid_ids:
        return figures
    if view.zoom >= POINTS_FROM_ZOOM:
        figures.points["points"] = await _open_points(grid_ids)
    if figures.level != "grid":
        return figures
    # Whole communities: their topology (gaps, overlaps) needs every grid of them.
    community_ids = sorted({r["community"] for r in found})
    figures.communities = await Community.raw(COMMUNITIES_SQL, community_ids).run()
    this_month = local_today().replace(day=1)
    month_rows = await Community.raw(ROLLUP_MONTH_SQL, this_month).run()
    figures.month = month_rows[0]["month"] if month_rows else None
    figures.grids = await Community.raw(
        GRID_FIGURES_SQL, community_ids, community_ids, figures.month or this_month, community_ids
    ).run()
    if view.zoom >= BUILDINGS_FROM_ZOOM:
        figures.points["buildings"] = await _buildings(grid_ids, view)
        figures.points["facilities"] = await _facilities(grid_ids, view)
    return figures


async def draw_layers(figures: LayerFigures) -> Row:
    """The answer made of `figures`, with its polygons from the shape cache. Only the rows
    whose version is new at this zoom are read and simplified."""
    view, boundaries = figures.view, Boundaries()
    answer = _answer(view, figures.level, figures.metric, **figures.points)
    if figures.level != "grid":
        answer["areas"] = await _areas(figures, boundaries)
    if figures.grids is None:
        return answer
    shapes = await _shapes_in_view(boundaries, "responsibility_grid", figures.grids, view)
    answer["grids"], answer["legend"] = _grids(figures.grids, shapes, figures.metric)
    outlines = await _shapes_in_view(boundaries, "community", figures.communities, view)
    answer["outlines"] = collection(
        [
            feature(c["id"], outlines[c["id"]].geojson, _outline_properties(c))
            for c in figures.communities
            if c["id"] in outlines
        ]
    )
    answer["rollup_month"] = figures.month.isoformat() if figures.month else None
    answer["problems"] = await _problems(figures, boundaries)
    return answer


def _outline_properties(community: Row) -> Row:
    return {"level": "community", "code": community["code"], "name": community["name"]}


async def _shapes_in_view(
    boundaries: Boundaries, table: str, rows: list[Row], view: View
) -> dict[int, Shape]:
    """The shapes at the view's zoom of those of `rows` that meet its box (from the cache;
    the others read and simplified)."""
    shapes = await cached_shapes(
        boundaries, table, rows, view.zoom, lambda raw: drawn_shape(raw, view)
    )
    frame = view.shape
    return {i: s for i, s in shapes.items() if s is not None and s.meets(frame)}


async def _areas(figures: LayerFigures, boundaries: Boundaries) -> Row:
    """Districts, streets or communities the scope sees whose boundary meets the box.

    These levels hold a few dozen to a few hundred rows and have no bounding-box columns,
    so the box is tested in Shapely on the drawn shapes.
    """
    level, view = figures.level, figures.view
    own = await _shapes_in_view(
        boundaries, level, [r for r in figures.areas if not r["derived"]], view
    )
    features = []
    for row in figures.areas:
        drawn = (
            await _derived(level, row, view, boundaries) if row["derived"] else own.get(row["id"])
        )
        if drawn is None:
            continue
        properties = {
            "level": level,
            "code": row["code"],
            "name": row["name"],
            "derived": row["derived"],
            "admin_url": admin_url(level, row["id"]),
        }
        if level in ("street", "community"):
            properties["map_url"] = f"/maps/{level}/{row['code']}"
        features.append(feature(row["id"], drawn.geojson, properties))
    return collection(features)


async def _derived(level: str, row: Row, view: View, boundaries: Boundaries) -> Shape | None:
    """A street or district without a boundary of its own, drawn as its communities'
    union where that meets the box. It is cached under the parts it was made of (the
    scope's communities and their versions), so a narrower scope never gets a union of
    communities it does not see."""
    ids, versions = row["part_ids"] or [], row["part_versions"] or []
    parts = [{"id": i, "version": v} for i, v in zip(ids, versions, strict=True)]
    drawn = SHAPES.get(("union", level, row["id"], versions_key(parts), view.zoom))
    if drawn is MISSING:
        read = await boundaries.of("community", ids)
        union = _union([r["boundary"] for r in read.values()])
        drawn = None if union is None else Shape.of(thinned(union, view))
        key = ("union", level, row["id"], versions_key(read.values()), view.zoom)
        SHAPES.put(key, drawn, weight_of([drawn]))
    return drawn if drawn is not None and drawn.meets(view.shape) else None


def _union(parts: list[Any]) -> BaseGeometry | None:
    """The union of the readable polygons among the stored `parts` (None when none is)."""
    shapes = [g for g in map(_readable, parts) if g is not None]
    return unary_union(shapes) if shapes else None


def _grids(grids: list[Row], shapes: dict[int, Shape], metric: str) -> tuple[Row, list[Row]]:
    values = [metric_value(g, metric) for g in grids]
    top = max([v for v in values if v is not None], default=0.0)
    percent = METRICS[metric].percent
    features = []
    for grid, value in zip(grids, values, strict=True):
        drawn = shapes.get(grid["id"])
        if drawn is None:
            continue
        shown = "—" if value is None else (f"{value * 100:.0f}%" if percent else f"{value:g}")
        features.append(
            feature(
                grid["id"],
                drawn.geojson,
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


Problems = tuple[tuple[Row, Shape], ...]


async def _problems(figures: LayerFigures, boundaries: Boundaries) -> Row:
    """The topology problems (overlaps, gaps, grids outside) of the communities drawn that
    meet the box."""
    by_community: dict[int, list[Row]] = {}
    for grid in figures.grids or []:
        by_community.setdefault(grid["community"], []).append(grid)
    features = [
        feature(None, drawn.geojson, properties)
        for community in figures.communities
        for properties, drawn in await _community_problems(
            community, by_community.get(community["id"], []), boundaries
        )
        if drawn.meets(figures.view.shape)
    ]
    return collection(features)


async def _community_problems(community: Row, grids: list[Row], boundaries: Boundaries) -> Problems:
    """One community's topology problems, worked out once for each version of the community
    and its grids (the cache key). Results read while a row changed are not kept."""
    key = ("problems", community["id"], community["version"], versions_key(grids))
    found = SHAPES.get(key)
    if found is not MISSING:
        return found
    outline = (await boundaries.of("community", [community["id"]])).get(community["id"])
    stored = await boundaries.of("responsibility_grid", [g["id"] for g in grids])
    read = [{**g, "boundary": stored[g["id"]]["boundary"]} for g in grids if g["id"] in stored]
    problems: Problems = tuple(
        (
            {
                "kind": problem["kind"],
                "label": problem["label"],
                "grids": [g["code"] for g in problem["grids"]],
            },
            Shape.of(geometry),
        )
        for problem in topology_problems(
            [{**community, "boundary": outline["boundary"] if outline else None}], read
        )
        if (geometry := problem.get("geometry")) is not None and not geometry.is_empty
    )
    unchanged = outline is not None and outline["version"] == community["version"]
    if unchanged and all(stored.get(g["id"], {}).get("version") == g["version"] for g in grids):
        SHAPES.put(key, problems, weight_of(drawn for _, drawn in problems))
    return problems


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
    """Facilities as points, and those with a path (roads) as their line simplified for the
    zoom, where it meets the box (at most POINT_LIMIT)."""
    box = (view.west, view.east, view.south, view.north)
    rows = await Community.raw(FACILITIES_SQL, grid_ids, *box, grid_ids, POINT_LIMIT).run()
    features = []
    for r in rows:
        geometry = (
            point(r["longitude"], r["latitude"])
            if r["path"] is None
            else simplified(r["path"], view)
        )
        if geometry is None:
            continue
        properties = {
            "name": r["name"],
            "kind": r["kind"],
            "kind_label": label(FacilityKind, r["kind"]),
            "grid": r["grid"],
            "admin_url": admin_url("facility", r["id"]),
        }
        features.append(feature(r["id"], geometry, properties))
    return collection(features)


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
PUBLIC_COMMUNITY_SQL = "SELECT id, code, name, xmin AS version FROM community WHERE code = {}"
PUBLIC_GRIDS_SQL = """
SELECT g.id, g.code, g.name, g.xmin AS version FROM responsibility_grid g
JOIN community c ON c.id = g.community
WHERE c.code = {} AND g.boundary IS NOT NULL ORDER BY g.code
"""


async def public_figures(community_code: str, view: View) -> LayerFigures:
    """The light half of a community's public map: its outline's and grids' ids, versions,
    codes and names (NotFound for an unknown code)."""
    community = await Community.raw(PUBLIC_COMMUNITY_SQL, community_code).run()
    if not community:
        raise NotFound(f"没有编码为 {community_code} 的社区", field="code")
    grids = await Community.raw(PUBLIC_GRIDS_SQL, community_code).run()
    return LayerFigures(view, "", "grid", communities=community, grids=grids)


async def draw_public_layers(figures: LayerFigures) -> Row:
    """A community's outline and grids for its public page: names and shapes only — no
    buildings, households, work items, reports or staff, so nothing about a person."""
    view, boundaries = figures.view, Boundaries()
    outline = await _shapes_in_view(boundaries, "community", figures.communities, view)
    grids = await _shapes_in_view(boundaries, "responsibility_grid", figures.grids or [], view)
    return _answer(
        view,
        "grid",
        "",
        areas=collection(
            [
                feature(c["id"], outline[c["id"]].geojson, _outline_properties(c))
                for c in figures.communities
                if c["id"] in outline
            ]
        ),
        grids=collection(
            [
                feature(
                    g["id"],
                    grids[g["id"]].geojson,
                    {
                        "code": g["code"],
                        "name": g["name"],
                        "shown": "",
                        "colour": PUBLIC_GRID_COLOUR,
                    },
                )
                for g in figures.grids or []
                if g["id"] in grids
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
