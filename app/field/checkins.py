"""签到 from the phone: the position and its accuracy, the phone's time, an optional photo.

The rules of a check-in — assigned grid, inside the boundary, counted once a day — are
app/daily/services.py `check_in`; this module only adds what a phone brings: a refused
position or accuracy, the offline queue's device time (counted for the device's day, flagged
synced late), and the distance to the grid's edge for the map.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from app.clock import utc_now
from app.daily.schemas import CheckInCreate
from app.daily.services import check_in
from app.field.auth import FieldCaller
from app.field.grids import boundary_of, my_grid
from app.field.photos import copy_to_check_in, my_photos
from app.field.positions import (
    check_accuracy,
    check_device_time,
    check_position,
    distance_to_edge_m,
    queued_offline,
)
from app.field.schemas import CheckInBody
from app.validation import check_text

Row = dict[str, Any]


async def field_check_in(caller: FieldCaller, body: CheckInBody) -> Row:
    """Check in from the phone; the answer says whether it counted, and why not."""
    staff_id = caller.staff_id()
    point = check_position(body.latitude, body.longitude)
    accuracy = check_accuracy(body.accuracy)
    received_at = utc_now()
    device_time = check_device_time(body.device_time, received_at)
    grid = await my_grid(caller, body.grid)
    note = check_text(body.note, "note", 500, required=False)
    photo = ""
    if body.photo:
        (uploaded,) = await my_photos(caller, [body.photo], field="photo")
        photo = copy_to_check_in(uploaded)
    late = queued_offline(device_time, received_at)
    row = await check_in(
        CheckInCreate(
            staff=staff_id,
            grid=grid["id"],
            latitude=point.y,
            longitude=point.x,
            # Live: the server's clock decides the moment. Queued offline: the phone's, so
            # it counts for the day it was made.
            at=device_time if late else None,
            note=note,
            photo=photo,
            accuracy=accuracy,
            device_time=device_time,
            synced_late=late,
        ),
        caller.user_id,
    )
    polygon = boundary_of(grid)
    distance = distance_to_edge_m(polygon, point) if polygon is not None else None
    return check_in_out(row, grid, distance)


def check_in_out(row: Row, grid: Row, distance: float | None) -> Row:
    return {
        "id": row["id"],
        "grid": grid["id"],
        "inside_grid": row["inside_grid"],
        "counted": row["counted"],
        "distance_to_edge_m": distance,
        "synced_late": row["synced_late"],
        "at": row["at"],
        "local_date": row["local_date"],
        "received_at": row["received_at"],
        "accuracy": row["accuracy"],
        "message": _message(row, grid, distance),
    }


def _message(row: Row, grid: Row, distance: float | None) -> str:
    name = f"{grid['name']}（{grid['code']}）"
    day = row["local_date"].isoformat() if isinstance(row["local_date"], dt.date) else ""
    if row["counted"]:
        late = f"（离线补传，计入 {day}）" if row["synced_late"] else ""
        return f"签到成功：{name}{late}"
    if not row["inside_grid"]:
        if distance is None:
            return f"{name}还没有边界，这次签到已记录但不计入"
        return f"您在网格外，距网格边界约 {distance:.0f} 米：这次签到已记录但不计入"
    return f"{day} 已经签到过了：这次签到已记录，不重复计入"
