"""巡查 Patrols: start, a point every PATROL_INTERVAL_S seconds while the page is open, stop.

A patrol belongs to one grid of the worker; its points are kept one row each (no copy of a
point when a batch is sent twice), and its distance and duration are derived from them.
With PATROL_COUNTS_AS_CHECK_IN, stopping a patrol that had a point inside the grid checks
the worker in at that point through the daily check-in service — so the once-a-day rule
stays the one rule (a worker who already checked in gets no second counted check-in).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from shapely.geometry import Point

from app.clock import local_date_of, utc_now
from app.crud import get_row, insert_row, lock_row, update_row
from app.daily.schemas import CheckInCreate
from app.daily.services import check_in
from app.errors import Conflict, ValidationFailed
from app.field.auth import FieldCaller
from app.field.grids import boundary_of, my_grid
from app.field.positions import (
    check_accuracy,
    check_device_time,
    check_position,
    path_length_m,
    queued_offline,
)
from app.field.schemas import PatrolPoints, PatrolStart, PatrolStop
from app.settings import settings
from tables.areas import ResponsibilityGrid
from tables.field import Patrol, PatrolPoint

Row = dict[str, Any]
MAX_POINTS_PER_BATCH = 500
# A point much worse than a check-in's limit still draws the track, roughly.
TRACK_ACCURACY_FACTOR = 3

_INSERT_POINTS = """
INSERT INTO patrol_point (patrol, latitude, longitude, accuracy, at)
SELECT {}, p.latitude, p.longitude, p.accuracy, p.at
FROM unnest({}::float8[], {}::float8[], {}::float8[], {}::timestamptz[])
     AS p(latitude, longitude, accuracy, at)
ON CONFLICT (patrol, at) DO NOTHING
"""
_TRACK = "SELECT latitude, longitude, accuracy, at FROM patrol_point WHERE patrol = {} ORDER BY at"


async def start_patrol(caller: FieldCaller, body: PatrolStart) -> Row:
    """Begin a patrol of one of the caller's grids."""
    staff_id = caller.staff_id()
    started_at = check_device_time(body.started_at, utc_now(), field="started_at")
    grid = await my_grid(caller, body.grid)
    row = await insert_row(
        Patrol,
        {
            "staff": staff_id,
            "grid": grid["id"],
            "community": grid["community"],
            "local_date": local_date_of(started_at),
            "started_at": started_at,
            "created_at": utc_now(),
        },
    )
    return patrol_out(row, [])


async def _my_open_patrol(caller: FieldCaller, patrol_id: int) -> Row:
    patrol = await lock_row(Patrol, patrol_id, field="patrol")
    if patrol["staff"] != caller.scope.staff_id:
        raise ValidationFailed("这不是您的巡查", field="patrol")
    if patrol["ended_at"] is not None:
        raise Conflict("这次巡查已经结束", field="patrol")
    return patrol


async def add_points(caller: FieldCaller, patrol_id: int, body: PatrolPoints) -> Row:
    """Add track points (any order, duplicates ignored); the patrol's totals follow."""
    if not body.points:
        raise ValidationFailed("没有轨迹点", field="points")
    if len(body.points) > MAX_POINTS_PER_BATCH:
        raise ValidationFailed(f"一次最多 {MAX_POINTS_PER_BATCH} 个轨迹点", field="points")
    patrol = await _my_open_patrol(caller, patrol_id)
    now = utc_now()
    latitudes: list[float] = []
    longitudes: list[float] = []
    accuracies: list[float] = []
    instants: list[dt.datetime] = []
    for index, point in enumerate(body.points):
        try:
            position = check_position(point.latitude, point.longitude)
            accuracy = check_accuracy(
                point.accuracy, settings.field_accuracy_max_m * TRACK_ACCURACY_FACTOR
            )
            at = check_device_time(point.at, now, field="at")
        except ValidationFailed as refusal:
            raise ValidationFailed(
                f"第 {index + 1} 个轨迹点：{refusal.detail}",
                field=f"points[{index}].{refusal.field}",
            ) from refusal
        if at < patrol["started_at"]:
            raise ValidationFailed(
                f"第 {index + 1} 个轨迹点早于巡查开始时间", field=f"points[{index}].at"
            )
        latitudes.append(position.y)
        longitudes.append(position.x)
        accuracies.append(accuracy)
        instants.append(at)
    await PatrolPoint.raw(
        _INSERT_POINTS, patrol["id"], latitudes, longitudes, accuracies, instants
    ).run()
    updated = await _refresh_totals(patrol, None)
    return {
        "id": updated["id"],
        "count": updated["point_count"],
        "distance_m": updated["distance_m"],
    }


async def _track(patrol_id: int) -> list[Row]:
    return [dict(row) for row in await PatrolPoint.raw(_TRACK, patrol_id).run()]


async def _refresh_totals(patrol: Row, ended_at: dt.datetime | None) -> Row:
    track = await _track(patrol["id"])
    end = ended_at or (track[-1]["at"] if track else patrol["started_at"])
    return await update_row(
        Patrol,
        patrol["id"],
        {
            "point_count": len(track),
            "distance_m": path_length_m([(p["latitude"], p["longitude"]) for p in track]),
            "duration_s": max(0, int((end - patrol["started_at"]).total_seconds())),
            **({"ended_at": ended_at} if ended_at is not None else {}),
        },
    )


async def stop_patrol(caller: FieldCaller, patrol_id: int, body: PatrolStop) -> Row:
    """End a patrol; with PATROL_COUNTS_AS_CHECK_IN it checks the worker in (see module)."""
    patrol = await _my_open_patrol(caller, patrol_id)
    ended_at = check_device_time(body.ended_at, utc_now(), field="ended_at")
    if ended_at < patrol["started_at"]:
        raise ValidationFailed("结束时间早于开始时间", field="ended_at")
    updated = await _refresh_totals(patrol, ended_at)
    track = await _track(patrol["id"])
    if settings.patrol_counts_as_check_in:
        check_in_id = await _check_in_from(caller, updated, track)
        if check_in_id is not None:
            updated = await update_row(Patrol, patrol["id"], {"check_in": check_in_id})
    return patrol_out(updated, track)


async def _check_in_from(caller: FieldCaller, patrol: Row, track: list[Row]) -> int | None:
    """Check in at the patrol's first good point inside the grid (None: no such point)."""
    grid = await get_row(ResponsibilityGrid, patrol["grid"], field="grid")
    polygon = boundary_of(grid)
    if polygon is None:
        return None
    inside = [
        p
        for p in track
        if p["accuracy"] <= settings.field_accuracy_max_m
        and polygon.covers(Point(p["longitude"], p["latitude"]))
    ]
    if not inside:
        return None
    first = inside[0]
    received_at = utc_now()
    late = queued_offline(first["at"], received_at)
    row = await check_in(
        CheckInCreate(
            staff=patrol["staff"],
            grid=patrol["grid"],
            latitude=first["latitude"],
            longitude=first["longitude"],
            at=first["at"],
            note="巡查签到",
            accuracy=first["accuracy"],
            device_time=first["at"],
            synced_late=late,
        ),
        caller.user_id,
    )
    return int(row["id"]) if row["counted"] else None


def patrol_out(row: Row, track: list[Row]) -> Row:
    return {
        "id": row["id"],
        "grid": row["grid"],
        "local_date": row["local_date"],
        "started_at": row["started_at"],
        "ended_at": row["ended_at"],
        "distance_m": row["distance_m"],
        "duration_s": row["duration_s"],
        "points": row["point_count"],
        "counted_as_check_in": row["check_in"] is not None,
        "check_in": row["check_in"],
        "track": {
            "type": "LineString",
            "coordinates": [[p["longitude"], p["latitude"]] for p in track],
        },
    }


async def my_patrols(caller: FieldCaller, day: dt.date) -> list[Row]:
    """The caller's patrols of a day (without tracks), earliest first."""
    rows = await (
        Patrol.select()
        .where((Patrol.staff == caller.staff_id()) & (Patrol.local_date == day))
        .order_by(Patrol.started_at)
        .run()
    )
    return [{**patrol_out(row, []), "track": None} for row in rows]


async def patrol_detail(caller: FieldCaller, patrol_id: int) -> Row:
    """One patrol with its track (any patrol the caller's scope may see)."""
    row = await get_row(Patrol, patrol_id, field="patrol")
    return patrol_out(row, await _track(patrol_id))
