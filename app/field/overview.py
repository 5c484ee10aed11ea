"""What the phone shows first: who I am and my grids (me), my day (today), my grid's map."""

from __future__ import annotations

import datetime as dt
from typing import Any

from piccolo.apps.user.tables import BaseUser

from app.clock import local_today
from app.field.auth import FieldCaller
from app.field.cards import OPEN, cards
from app.field.households import readable_grid
from app.field.photos import PHOTO_MAX_PX
from app.field.visits_due import visits_due
from app.geo import collection, feature, point, stored_geojson
from app.labels import label
from app.settings import settings
from tables.areas import Community, ResponsibilityGrid
from tables.choices import FacilityKind, StaffRole
from tables.daily import CheckIn
from tables.people import StaffMember
from tables.places import Building, Facility
from tables.system import Reminder

Row = dict[str, Any]
DUE_SOON = dt.timedelta(days=3)
REPORTS_SHOWN_DAYS = 30

_GRIDS = """
SELECT g.id, g.code, g.name, g.boundary, c.id AS community_id, c.code AS community_code,
       c.name AS community_name
FROM responsibility_grid g JOIN community c ON c.id = g.community
WHERE g.id = ANY({}) ORDER BY g.code
"""


async def my_grids(caller: FieldCaller) -> list[Row]:
    rows = await ResponsibilityGrid.raw(_GRIDS, sorted(caller.scope.grid_ids)).run()
    return [
        {
            "id": r["id"],
            "code": r["code"],
            "name": r["name"],
            "community": {
                "id": r["community_id"],
                "code": r["community_code"],
                "name": r["community_name"],
            },
            "boundary": stored_geojson(r["boundary"]),
        }
        for r in rows
    ]


async def me(caller: FieldCaller) -> Row:
    staff = None
    if caller.scope.staff_id is not None:
        row = (
            await StaffMember.select(
                StaffMember._meta.primary_key, StaffMember.name, StaffMember.role
            )
            .where(StaffMember._meta.primary_key == caller.scope.staff_id)
            .first()
        )
        if row is not None:
            staff = {**row, "role_label": label(StaffRole, row["role"])}
    user = await _username(caller.user_id)
    community = None
    if caller.scope.community_id is not None:
        community = (
            await Community.select(Community.code, Community.name)
            .where(Community._meta.primary_key == caller.scope.community_id)
            .first()
        )
    return {
        "user": {"id": caller.user_id, "username": user},
        "staff": staff,
        "community": community,
        "level": caller.scope.level.value,
        "grids": await my_grids(caller),
        "settings": {
            "accuracy_max_m": settings.field_accuracy_max_m,
            "patrol_interval_s": settings.patrol_interval_s,
            "offline_max_delay_h": settings.offline_max_delay_h,
            "patrol_counts_as_check_in": settings.patrol_counts_as_check_in,
            "photo_max_px": PHOTO_MAX_PX,
            "photo_max_bytes": settings.photo_max_bytes,
        },
    }


async def _username(user_id: int) -> str:
    row = await BaseUser.select(BaseUser.username).where(BaseUser.id == user_id).first()
    return row["username"] if row else ""


async def today(caller: FieldCaller) -> Row:
    """My day: check-ins per grid, reminders, due and overdue work, visits due, my reports."""
    day = local_today()
    grids = await my_grids(caller)
    counted = (
        {
            row["grid"]: row["at"]
            for row in await CheckIn.select(CheckIn.grid, CheckIn.at)
            .where(
                (CheckIn.staff == caller.scope.staff_id)
                & (CheckIn.local_date == day)
                & (CheckIn.counted.eq(True))
            )
            .run()
        }
        if caller.scope.staff_id is not None
        else {}
    )
    reminders = (
        await Reminder.select(
            Reminder._meta.primary_key, Reminder.message, Reminder.date, Reminder.status
        )
        .where(
            (Reminder.staff == caller.scope.staff_id)
            & (Reminder.date >= day - dt.timedelta(days=7))
        )
        .order_by(Reminder.date, ascending=False)
        .limit(20)
        .run()
        if caller.scope.staff_id is not None
        else []
    )
    mine = await cards(f"w.assignee = {{}} AND {OPEN}", caller.scope.staff_id)
    overdue = [c for c in mine if c["overdue"]]
    soon = dt.datetime.now(dt.UTC) + DUE_SOON
    due = [c for c in mine if not c["overdue"] and c["due_at"] is not None and c["due_at"] <= soon]
    since = dt.datetime.now(dt.UTC) - dt.timedelta(days=REPORTS_SHOWN_DAYS)
    reports = await cards(
        f"r.staff = {{}} AND (w.created_at >= {{}} OR {OPEN})", caller.scope.staff_id, since
    )
    return {
        "date": day,
        "grids": [
            {
                "id": g["id"],
                "code": g["code"],
                "name": g["name"],
                "checked_in": g["id"] in counted,
                "counted_at": counted.get(g["id"]),
            }
            for g in grids
        ],
        "reminders": reminders,
        "work_items": {"due": due, "overdue": overdue},
        "visits_due": await visits_due(sorted(caller.scope.grid_ids), day),
        "my_reports": reports,
    }


async def grid_map(caller: FieldCaller, grid_id: Any) -> Row:
    """A grid's boundary, buildings (points with their footprints), facilities (roads as lines)
    and open reports as GeoJSON."""
    grid = await readable_grid(caller, grid_id)
    buildings = (
        await Building.select(
            Building._meta.primary_key,
            Building.code,
            Building.address,
            Building.longitude,
            Building.latitude,
            Building.footprint,
        )
        .where(Building.grid == grid["id"])
        .run()
    )
    facilities = (
        await Facility.select(
            Facility._meta.primary_key,
            Facility.name,
            Facility.kind,
            Facility.longitude,
            Facility.latitude,
            Facility.path,
        )
        .where(Facility.grid == grid["id"])
        .run()
    )
    reports = await cards(f"w.grid = {{}} AND {OPEN} AND r.latitude IS NOT NULL", grid["id"])
    return {
        "grid": {"id": grid["id"], "code": grid["code"], "name": grid["name"]},
        "boundary": stored_geojson(grid["boundary"]),
        "buildings": collection(
            [
                feature(
                    b["id"],
                    point(b["longitude"], b["latitude"]),
                    {
                        "id": b["id"],
                        "code": b["code"],
                        "address": b["address"],
                        "footprint": stored_geojson(b["footprint"]),
                    },
                )
                for b in buildings
            ]
        ),
        "facilities": collection([_facility(f) for f in facilities]),
        "open_reports": collection(
            [
                feature(
                    r["id"],
                    point(r["longitude"], r["latitude"]),
                    {k: v for k, v in r.items() if k not in ("latitude", "longitude")},
                )
                for r in reports
            ]
        ),
    }


def _facility(row: Row) -> Row:
    """A facility as its point, or a road (any facility with a path) as its line."""
    properties = {
        "id": row["id"],
        "name": row["name"],
        "kind": row["kind"],
        "kind_label": label(FacilityKind, row["kind"]),
    }
    geometry = (
        point(row["longitude"], row["latitude"])
        if row["path"] is None
        else stored_geojson(row["path"])
    )
    return feature(row["id"], geometry, properties)
