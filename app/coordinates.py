"""Coordinate systems of Chinese web maps, converted to the WGS84 everything is stored in.

Data copied from AMap (高德) or Tencent maps is in GCJ-02 (国测局坐标, "Mars coordinates"): WGS84
shifted by an obfuscating offset of a few hundred metres inside China. Baidu adds its own
BD-09 shift on top of GCJ-02. Tianditu and GPS receivers give CGCS2000/WGS84, which agree to
well under a metre and need no conversion.

The forward formulas (WGS84 → GCJ-02 → BD-09) are the published ones (googollee/eviltransform
and its ports). They have no closed inverse, so GCJ-02 → WGS84 inverts them by fixed-point
iteration until the forward conversion reproduces the input to ~1e-9° (≈ 0.1 mm); BD-09 →
GCJ-02 is refined the same way. Outside China (a bounding box, as every implementation uses)
neither system applies an offset, so points there pass unchanged. Polygons (building
footprints, area boundaries) and lines (roads' paths) are converted vertex by vertex with the
same point rule.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, Literal, get_args

from app.errors import ValidationFailed
from app.geo import parse_line, parse_polygon, stored_geojson

CoordinateSystem = Literal["WGS84", "GCJ-02", "BD-09"]
SYSTEMS: tuple[str, ...] = get_args(CoordinateSystem)
WGS84: CoordinateSystem = "WGS84"

# Spellings people type in a spreadsheet cell, for each system (compared without case,
# spaces, "-" and "_").
ALIASES: dict[str, CoordinateSystem] = {
    **dict.fromkeys(["wgs84", "gps", "cgcs2000", "天地图", "国家2000"], "WGS84"),
    **dict.fromkeys(["gcj02", "高德", "腾讯", "火星坐标", "国测局"], "GCJ-02"),
    **dict.fromkeys(["bd09", "bd09ll", "百度"], "BD-09"),
}

_A = 6378245.0  # semi-major axis of Krasovsky 1940, as the GCJ-02 formula uses
_EE = 0.00669342162296594323  # its first eccentricity squared
_X_PI = math.pi * 3000.0 / 180.0
_PRECISION_DEG = 1e-10
_MAX_STEPS = 30

Point = tuple[float, float]  # (longitude, latitude)


def system_of(text: Any, field: str = "coordinate_system") -> CoordinateSystem | None:
    """The coordinate system a cell or parameter names (None when blank), or ValidationFailed
    naming `field` and the accepted values."""
    if text is None or (isinstance(text, str) and not text.strip()):
        return None
    key = str(text).strip().lower().replace("-", "").replace("_", "").replace(" ", "")
    found = ALIASES.get(key)
    if found is None:
        raise ValidationFailed(
            f"坐标系须为 WGS84、GCJ-02（高德/腾讯）或 BD-09（百度），不是 {text!r} "
            f"coordinate system must be one of {', '.join(SYSTEMS)}",
            field=field,
        )
    return found


def out_of_china(longitude: float, latitude: float) -> bool:
    return not (72.004 <= longitude <= 137.8347 and 0.8293 <= latitude <= 55.8271)


def _gcj_offset(longitude: float, latitude: float) -> Point:
    x, y = longitude - 105.0, latitude - 35.0
    waves = (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    d_lat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    d_lat += waves
    d_lat += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    d_lat += (160.0 * math.sin(y / 12.0 * math.pi) + 320 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    d_lon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    d_lon += waves
    d_lon += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    d_lon += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2 / 3
    rad_lat = latitude / 180.0 * math.pi
    magic = 1 - _EE * math.sin(rad_lat) ** 2
    sqrt_magic = math.sqrt(magic)
    d_lat = (d_lat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrt_magic) * math.pi)
    d_lon = (d_lon * 180.0) / (_A / sqrt_magic * math.cos(rad_lat) * math.pi)
    return d_lon, d_lat


def wgs84_to_gcj02(longitude: float, latitude: float) -> Point:
    if out_of_china(longitude, latitude):
        return longitude, latitude
    d_lon, d_lat = _gcj_offset(longitude, latitude)
    return longitude + d_lon, latitude + d_lat


def _invert(forward: Any, target: Point, start: Point) -> Point:
    """The point `forward` maps onto `target`, by fixed-point iteration from `start` (the
    offsets vary slowly, so each step removes almost all of the remaining error)."""
    lon, lat = start
    for _ in range(_MAX_STEPS):
        got_lon, got_lat = forward(lon, lat)
        err_lon, err_lat = target[0] - got_lon, target[1] - got_lat
        if abs(err_lon) < _PRECISION_DEG and abs(err_lat) < _PRECISION_DEG:
            break
        lon, lat = lon + err_lon, lat + err_lat
    return lon, lat


def gcj02_to_wgs84(longitude: float, latitude: float) -> Point:
    if out_of_china(longitude, latitude):
        return longitude, latitude
    d_lon, d_lat = _gcj_offset(longitude, latitude)
    return _invert(wgs84_to_gcj02, (longitude, latitude), (longitude - d_lon, latitude - d_lat))


def gcj02_to_bd09(longitude: float, latitude: float) -> Point:
    if out_of_china(longitude, latitude):
        return longitude, latitude
    z = math.hypot(longitude, latitude) + 0.00002 * math.sin(latitude * _X_PI)
    theta = math.atan2(latitude, longitude) + 0.000003 * math.cos(longitude * _X_PI)
    return z * math.cos(theta) + 0.0065, z * math.sin(theta) + 0.006


def bd09_to_gcj02(longitude: float, latitude: float) -> Point:
    if out_of_china(longitude, latitude):
        return longitude, latitude
    x, y = longitude - 0.0065, latitude - 0.006
    z = math.hypot(x, y) - 0.00002 * math.sin(y * _X_PI)
    theta = math.atan2(y, x) - 0.000003 * math.cos(x * _X_PI)
    start = (z * math.cos(theta), z * math.sin(theta))
    return _invert(gcj02_to_bd09, (longitude, latitude), start)


def wgs84_to_bd09(longitude: float, latitude: float) -> Point:
    return gcj02_to_bd09(*wgs84_to_gcj02(longitude, latitude))


def bd09_to_wgs84(longitude: float, latitude: float) -> Point:
    return gcj02_to_wgs84(*bd09_to_gcj02(longitude, latitude))


def to_wgs84(longitude: float, latitude: float, system: str | None) -> Point:
    """A point given in `system` (WGS84 when None) as WGS84."""
    if system in (None, "WGS84"):
        return longitude, latitude
    if system == "GCJ-02":
        return gcj02_to_wgs84(longitude, latitude)
    if system == "BD-09":
        return bd09_to_wgs84(longitude, latitude)
    raise ValidationFailed(
        f"coordinate system must be one of {', '.join(SYSTEMS)}", field="coordinate_system"
    )


def from_wgs84(longitude: float, latitude: float, system: str | None) -> Point:
    """A stored WGS84 point as `system` shows it (for exports to AMap or Baidu users)."""
    if system in (None, "WGS84"):
        return longitude, latitude
    if system == "GCJ-02":
        return wgs84_to_gcj02(longitude, latitude)
    if system == "BD-09":
        return wgs84_to_bd09(longitude, latitude)
    raise ValidationFailed(
        f"coordinate system must be one of {', '.join(SYSTEMS)}", field="coordinate_system"
    )


def polygon_to_wgs84(geojson: Any, system: str | None, field: str = "boundary") -> Any:
    """A GeoJSON Polygon given in `system` with every vertex converted by the point rule
    (`to_wgs84`); equal vertices convert alike, so closed rings stay closed.

    The shape is checked first (`parse_polygon`, refusal naming `field`), so a malformed one is
    refused with the message the service would give; the service then runs its topology
    checks on the converted shape.
    """
    return _shape_to_wgs84(geojson, system, parse_polygon, field)


def line_to_wgs84(geojson: Any, system: str | None, field: str = "path") -> Any:
    """A GeoJSON LineString given in `system` with every vertex converted by the point rule,
    checked first as `polygon_to_wgs84` checks a polygon (`parse_line`)."""
    return _shape_to_wgs84(geojson, system, parse_line, field)


def _shape_to_wgs84(
    geojson: Any, system: str | None, parse: Callable[..., object], field: str
) -> Any:
    if geojson is None or system in (None, WGS84):
        return geojson
    parse(geojson, field=field)
    given = stored_geojson(geojson)
    return {**given, "coordinates": _positions_in_wgs84(given["coordinates"], system)}


def _positions_in_wgs84(coordinates: list[Any], system: str) -> list[Any]:
    """GeoJSON coordinates of any depth (a position, a line, rings) converted position by
    position; a position keeps its altitude."""
    if isinstance(coordinates[0], int | float):
        return [*to_wgs84(float(coordinates[0]), float(coordinates[1]), system), *coordinates[2:]]
    return [_positions_in_wgs84(part, system) for part in coordinates]


def in_wgs84(
    values: dict[str, Any], polygon: str | None = None, line: str | None = None
) -> dict[str, Any]:
    """Service input with its `coordinate_system` taken out, and its point (longitude,
    latitude), the GeoJSON Polygon field `polygon` (a footprint, a boundary) and the GeoJSON
    LineString field `line` (a road's path) converted to WGS84. A point in GCJ-02 or BD-09
    needs both coordinates: its offset depends on both, so one of them cannot be changed
    alone."""
    values = dict(values)
    system = system_of(values.pop("coordinate_system", None))
    if system in (None, WGS84):
        return values
    if polygon is not None and values.get(polygon) is not None:
        values[polygon] = polygon_to_wgs84(values[polygon], system, field=polygon)
    if line is not None and values.get(line) is not None:
        values[line] = line_to_wgs84(values[line], system, field=line)
    given = [name for name in ("longitude", "latitude") if values.get(name) is not None]
    if not given:
        return values
    if len(given) == 1:
        missing = "latitude" if given == ["longitude"] else "longitude"
        raise ValidationFailed(
            f"a point in {system} needs both longitude and latitude", field=missing
        )
    if not all(isinstance(values[name], int | float) for name in given):
        return values  # the service's own check names the wrongly typed field
    values["longitude"], values["latitude"] = to_wgs84(
        float(values["longitude"]), float(values["latitude"]), system
    )
    return values
