"""Geometry of grids and places: GeoJSON polygons in WGS84 checked with Shapely.

Longitude/latitude degrees are used as planar coordinates; at a community's scale the
distortion is far below the tolerances used here.
"""

from __future__ import annotations

import json
from typing import Any

import msgspec
from shapely.geometry import LineString, Point, Polygon, mapping, shape
from shapely.geometry.base import BaseGeometry
from shapely.validation import explain_validity

from app.errors import ValidationFailed

# Shared edges drawn by hand overlap by a hair; about 1 m² of overlap is tolerated.
OVERLAP_TOLERANCE_DEG2 = 1e-10
# A grid may stick out of its community by about 0.1 m along a shared edge.
CONTAINMENT_BUFFER_DEG = 1e-6
# A road through a community needs far fewer vertices (one every 2 m along 4 km).
MAX_LINE_POSITIONS = 2000


def feature(row_id: Any, geometry: Any, properties: dict[str, Any]) -> dict[str, Any]:
    """A GeoJSON Feature; `geometry` as an object or encoded once (a cached map Shape's)."""
    return {"type": "Feature", "id": row_id, "geometry": geometry, "properties": properties}


def collection(features: list[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": features}


def point(longitude: float, latitude: float) -> dict[str, Any]:
    return {"type": "Point", "coordinates": [longitude, latitude]}


def stored_geojson(raw: Any) -> Any:
    """A GeoJSON column as read (JSONB comes back as text) decoded to plain objects; None and
    decoded values pass through. msgspec decodes a polygon several times faster than `json`,
    which counts when a page of 50 grids is served."""
    return msgspec.json.decode(raw) if isinstance(raw, str | bytes) else raw


def parse_polygon(geojson: Any, field: str = "boundary") -> Polygon:
    """A valid, closed GeoJSON Polygon in WGS84, or a ValidationFailed naming `field`.

    Accepts the JSON text Piccolo returns for JSONB columns as well as a decoded object.
    """
    geojson = _geojson_of_type(geojson, "Polygon", field)
    rings = geojson.get("coordinates")
    if not isinstance(rings, list) or not rings or not all(isinstance(r, list) for r in rings):
        raise ValidationFailed("coordinates must be a list of linear rings", field=field)
    for ring in rings:
        if len(ring) < 4:
            raise ValidationFailed("each ring needs at least 4 positions", field=field)
        if ring[0] != ring[-1]:
            raise ValidationFailed("each ring must be closed (first position = last)", field=field)
        for position in ring:
            _check_position(position, field)
    try:
        polygon = shape(geojson)
    except (ValueError, TypeError, AttributeError) as exc:
        raise ValidationFailed(f"not a readable polygon: {exc}", field=field) from exc
    if not polygon.is_valid:
        raise ValidationFailed(f"invalid polygon: {explain_validity(polygon)}", field=field)
    if polygon.area <= 0:
        raise ValidationFailed("polygon has no area", field=field)
    return polygon


def parse_line(geojson: Any, field: str = "path") -> LineString:
    """A GeoJSON LineString in WGS84 of 2 to MAX_LINE_POSITIONS positions, not all the same
    point, or a ValidationFailed naming `field`. JSON text is accepted as by `parse_polygon`."""
    geojson = _geojson_of_type(geojson, "LineString", field)
    positions = geojson.get("coordinates")
    if not isinstance(positions, list) or len(positions) < 2:
        raise ValidationFailed("coordinates must be a list of at least 2 positions", field=field)
    if len(positions) > MAX_LINE_POSITIONS:
        raise ValidationFailed(
            f"has {len(positions)} positions; at most {MAX_LINE_POSITIONS} are taken", field=field
        )
    for position in positions:
        _check_position(position, field)
    line = LineString([(float(p[0]), float(p[1])) for p in positions])
    if line.length == 0:
        raise ValidationFailed("needs at least 2 distinct positions", field=field)
    return line


def _geojson_of_type(geojson: Any, kind: str, field: str) -> Any:
    """`geojson` (an object or its JSON text) decoded, when it is a GeoJSON object of `kind`."""
    if isinstance(geojson, str | bytes):
        try:
            geojson = json.loads(geojson)
        except ValueError as exc:
            raise ValidationFailed("is not valid JSON", field=field) from exc
    if not isinstance(geojson, dict) or geojson.get("type") != kind:
        raise ValidationFailed(f"must be a GeoJSON object of type {kind}", field=field)
    return geojson


def _check_position(position: Any, field: str) -> None:
    if (
        not isinstance(position, list | tuple)
        or len(position) < 2
        or not all(isinstance(c, int | float) and not isinstance(c, bool) for c in position[:2])
    ):
        raise ValidationFailed("each position must be [longitude, latitude]", field=field)
    lon, lat = position[0], position[1]
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise ValidationFailed(f"position {position} is outside WGS84 range", field=field)


def check_point(longitude: Any, latitude: Any, field: str = "location") -> Point:
    """A point in WGS84 range, or a ValidationFailed naming `field`."""
    _check_position([longitude, latitude], field)
    return Point(float(longitude), float(latitude))


def overlaps(a: Polygon, b: Polygon) -> bool:
    """True when two polygons share more than a hairline of area."""
    return bool(a.intersection(b).area > OVERLAP_TOLERANCE_DEG2)


def lies_within(inner: BaseGeometry, outer: Polygon) -> bool:
    """True when `inner` (a polygon, a line) is inside `outer`, allowing for shared edges."""
    return bool(outer.buffer(CONTAINMENT_BUFFER_DEG).contains(inner))


def meets(polygon: Polygon, line: BaseGeometry) -> bool:
    """True when `line` crosses or touches `polygon` (a hair outside its edge counts)."""
    return bool(polygon.buffer(CONTAINMENT_BUFFER_DEG).intersects(line))


def contains_point(polygon: Polygon, point: Point) -> bool:
    """Point inside the polygon or on its edge."""
    return bool(polygon.covers(point))


def bbox(polygon: Polygon) -> dict[str, float]:
    min_lon, min_lat, max_lon, max_lat = polygon.bounds
    return {"min_lon": min_lon, "min_lat": min_lat, "max_lon": max_lon, "max_lat": max_lat}


def rectangle(west: float, south: float, east: float, north: float) -> dict[str, Any]:
    """GeoJSON Polygon of an axis-aligned rectangle (demo data, tests, imports)."""
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return {"type": "Polygon", "coordinates": [ring]}


def to_geojson(polygon: Polygon) -> dict[str, Any]:
    return dict(mapping(polygon))
