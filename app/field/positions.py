"""Positions from a phone: numbers in China, with a believable accuracy and time.

Everything here refuses in Chinese, naming the field, before any service runs: a phone that
sends nonsense changes nothing.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from typing import Any

from shapely.affinity import scale
from shapely.geometry import Point, Polygon

from app.errors import ValidationFailed
from app.settings import settings

# China's bounding box (with the South China Sea islands); WGS84 degrees.
CHINA_LON = (73.4, 135.1)
CHINA_LAT = (3.5, 53.6)
# A phone that says it knows its place to better than a metre, or only to within 10 km, is
# not reporting a position.
ACCURACY_RANGE_M = (0.5, 10_000.0)
# A write sent more than this after the phone made it was queued offline.
LIVE_WITHIN = dt.timedelta(minutes=2)
# Phones and servers disagree by a little; more than this ahead is a made-up time.
CLOCK_SKEW = dt.timedelta(minutes=5)
METRES_PER_DEGREE_LAT = 110_574.0
METRES_PER_DEGREE_LON_AT_EQUATOR = 111_320.0
EARTH_RADIUS_M = 6_371_008.8


def _number(value: Any, field: str, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValidationFailed(f"{name}必须是数字", field=field)
    return float(value)


def check_position(latitude: Any, longitude: Any) -> Point:
    """A point (x = longitude, y = latitude) inside China, or ValidationFailed in Chinese."""
    lat = _number(latitude, "latitude", "纬度")
    lon = _number(longitude, "longitude", "经度")
    if not CHINA_LAT[0] <= lat <= CHINA_LAT[1]:
        raise ValidationFailed(f"纬度 {lat} 不在中国境内，请重新定位", field="latitude")
    if not CHINA_LON[0] <= lon <= CHINA_LON[1]:
        raise ValidationFailed(f"经度 {lon} 不在中国境内，请重新定位", field="longitude")
    return Point(lon, lat)


def check_accuracy(value: Any, limit_m: float | None = None) -> float:
    """The accuracy radius in metres; refused when missing, absurd or worse than the limit."""
    if value is None:
        raise ValidationFailed("缺少定位精度：请允许手机使用精确位置后重试", field="accuracy")
    accuracy = _number(value, "accuracy", "定位精度")
    low, high = ACCURACY_RANGE_M
    if not low <= accuracy <= high:
        raise ValidationFailed(f"定位精度 {accuracy:g} 米不可信，请重新定位", field="accuracy")
    limit = settings.field_accuracy_max_m if limit_m is None else limit_m
    if accuracy > limit:
        raise ValidationFailed(
            f"定位精度 {accuracy:.0f} 米，超过允许的 {limit:.0f} 米：请到室外开阔处重新定位",
            field="accuracy",
        )
    return accuracy


def check_device_time(
    value: Any, received_at: dt.datetime, field: str = "device_time"
) -> dt.datetime:
    """The phone's time of a write: not in the future, not older than OFFLINE_MAX_DELAY_H."""
    if not isinstance(value, dt.datetime):
        raise ValidationFailed("缺少设备时间", field=field)
    if value.tzinfo is None:
        raise ValidationFailed("设备时间须带时区，如 2026-12-06T09:00:00+08:00", field=field)
    if value > received_at + CLOCK_SKEW:
        raise ValidationFailed("设备时间晚于服务器时间：请校准手机时间", field=field)
    if value < received_at - dt.timedelta(hours=settings.offline_max_delay_h):
        raise ValidationFailed(
            f"这条记录是 {settings.offline_max_delay_h:g} 小时以前离线保存的，已超过补传期限",
            field=field,
        )
    return value


def queued_offline(device_time: dt.datetime, received_at: dt.datetime) -> bool:
    """Whether a write reached the server well after the phone made it (queued offline)."""
    return received_at - device_time > LIVE_WITHIN


def _metric(geometry: Any, latitude: float) -> Any:
    """`geometry` in metres around `latitude` (good to a fraction of a percent at grid size)."""
    x = METRES_PER_DEGREE_LON_AT_EQUATOR * math.cos(math.radians(latitude))
    return scale(geometry, xfact=x, yfact=METRES_PER_DEGREE_LAT, origin=(0, 0))


def distance_to_edge_m(polygon: Polygon, point: Point) -> float:
    """0 inside (or on the edge of) the polygon, else metres to its nearest edge."""
    if polygon.covers(point):
        return 0.0
    return round(float(_metric(polygon, point.y).distance(_metric(point, point.y))), 1)


def path_length_m(points: list[tuple[float, float]]) -> float:
    """Length in metres of a track of (latitude, longitude) points (haversine)."""
    total = 0.0
    for (lat1, lon1), (lat2, lon2) in itertools.pairwise(points):
        p1, p2 = math.radians(lat1), math.radians(lat2)
        dp, dl = p2 - p1, math.radians(lon2 - lon1)
        a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
        total += 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))
    return round(total, 1)
