"""The permission world's rows of 网格通, the phone app: tests/security/world.py builds the
world; this adds seeders, bodies and places for the tables of tables/field.py (the
idempotency keys are bookkeeping, not in ALL_TABLES)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from app.crud import insert_row
from tables.choices import CareTag
from tables.field import (
    CareVisitInterval,
    DiaryReview,
    FieldPhoto,
    FieldReport,
    Patrol,
    PatrolPoint,
)

Row = dict[str, Any]
STARTED = dt.datetime(2026, 1, 5, 1, 0, tzinfo=dt.UTC)


def _w() -> Any:
    from tests.security import world

    return world


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


async def patrol_at(w: Any, place: Any) -> Row:
    """A finished patrol of the place's worker in their grid."""
    grid = w.grid_of(place)
    started = STARTED + dt.timedelta(hours=_w().n())
    return await insert_row(
        Patrol,
        {
            "staff": w.staff_at(place)["id"],
            "grid": grid["id"],
            "community": grid["community"],
            "local_date": started.date(),
            "started_at": started,
            "ended_at": started + dt.timedelta(minutes=30),
            "distance_m": 800.0,
            "duration_s": 1800,
            "point_count": 1,
            "created_at": now(),
        },
    )


async def seed_patrol(w: Any, place: Any) -> int:
    return int((await patrol_at(w, place))["id"])


async def seed_patrol_point(w: Any, place: Any) -> int:
    patrol = await patrol_at(w, place)
    row = await insert_row(
        PatrolPoint,
        {
            "patrol": patrol["id"],
            **_w().point_in(w.grid_of(place)),
            "accuracy": 10.0,
            "at": patrol["started_at"],
        },
    )
    return int(row["id"])


async def free_tag(w: Any, place: Any) -> str:
    """A care tag the place's community has no interval for; a community has six tags, so
    when all are set the newest interval makes room (rows written and left by earlier tests)."""
    community = w.community(str(place.community))["id"]
    rows = await CareVisitInterval.raw(
        "SELECT id, tag FROM care_visit_interval WHERE community = {} ORDER BY id", community
    ).run()
    taken = {r["tag"] for r in rows}
    free = [tag.value for tag in CareTag if tag not in taken]
    if free:
        return free[0]
    await CareVisitInterval.raw("DELETE FROM care_visit_interval WHERE id = {}", rows[-1]["id"])
    return str(rows[-1]["tag"])


async def seed_care_visit_interval(w: Any, place: Any) -> int:
    row = await insert_row(
        CareVisitInterval,
        {
            "community": w.community(str(place.community))["id"],
            "tag": await free_tag(w, place),
            "interval_days": 30,
        },
    )
    return int(row["id"])


def reviewer(w: Any, place: Any) -> int:
    """The login of the community's admin, who reviews its diaries."""
    return int(w.users[f"sq_{place.community}"])


async def seed_diary_review(w: Any, place: Any) -> int:
    entry = await _w().seed_diary(w, _worker_of(place))
    row = await insert_row(
        DiaryReview,
        {
            "diary_entry": entry,
            "community": w.community(str(place.community))["id"],
            "reviewed_by": reviewer(w, place),
            "mark": "good",
            "comment": "",
            "created_at": now(),
        },
    )
    return int(row["id"])


def _worker_of(place: Any) -> Any:
    """The place with a grid worker of its community as owner (diaries are a worker's)."""
    if place.owner:
        return place
    workers = {"A1": "wg_A1", "A2": "wg_A2", "B1": "wg_B1"}
    return _w().Place(place.street, place.community, owner=workers[str(place.community)])


async def seed_field_photo(w: Any, place: Any) -> int:
    row = await insert_row(
        FieldPhoto,
        {
            "staff": w.staff_at(place)["id"],
            "community": w.community(str(place.community))["id"],
            "file": f"field_photo/file/seed{_w().n()}.jpg",
            "width": 640,
            "height": 480,
            "taken_at": "",
            "created_at": now(),
        },
    )
    return int(row["id"])


async def seed_field_report(w: Any, place: Any) -> int:
    grid = w.grid_of(place)
    row = await insert_row(
        FieldReport,
        {
            "work_item": await _w().seed_work_item(w, place),
            "staff": w.staff_at(place)["id"],
            "grid": grid["id"],
            "community": grid["community"],
            **_w().point_in(grid),
            "accuracy": 15.0,
            "created_at": now(),
        },
    )
    return int(row["id"])


SEEDERS = {
    "patrol": seed_patrol,
    "patrol_point": seed_patrol_point,
    "care_visit_interval": seed_care_visit_interval,
    "diary_review": seed_diary_review,
    "field_photo": seed_field_photo,
    "field_report": seed_field_report,
}


def seed_places() -> dict[str, list[Any]]:
    w = _w()
    return {
        "patrol": w.IN_COMMUNITIES,
        "patrol_point": w.IN_COMMUNITIES,
        "care_visit_interval": w.COMMUNITY_OF_STREET,
        "diary_review": w.COMMUNITY_OF_STREET,
        "field_photo": w.IN_COMMUNITIES,
        "field_report": w.IN_COMMUNITIES,
    }


# A worker's patrols, their points, photos and reports are the worker's own rows.
JOINS = {
    "patrol": "SELECT id, NULL AS street, community, staff FROM patrol",
    "patrol_point": "SELECT pp.id, NULL AS street, p.community, p.staff"
    " FROM patrol_point pp JOIN patrol p ON p.id = pp.patrol",
    "field_photo": "SELECT id, NULL AS street, community, staff FROM field_photo",
    "field_report": "SELECT id, NULL AS street, community, staff FROM field_report",
}


# ---------------------------------------------------------------- bodies for creating


async def body_patrol(w: Any, place: Any, p: Any, mark: int) -> Row:
    grid = w.grid_of(place)
    started = STARTED + dt.timedelta(days=1, hours=mark)
    return {
        "staff": w.staff_at(place)["id"],
        "grid": grid["id"],
        "community": grid["community"],
        "local_date": started.date().isoformat(),
        "started_at": started.isoformat(),
        "distance_m": 0.0,
        "duration_s": 0,
        "point_count": 10_000 + mark,
        "created_at": now().isoformat(),
    }


async def body_patrol_point(w: Any, place: Any, p: Any, mark: int) -> Row:
    patrol = await patrol_at(w, place)
    return {
        "patrol": patrol["id"],
        **_w().point_in(w.grid_of(place)),
        "accuracy": float(1000 + mark),
        "at": now().isoformat(),
    }


async def body_care_visit_interval(w: Any, place: Any, p: Any, mark: int) -> Row:
    return {
        "community": w.community(str(place.community))["id"],
        "tag": await free_tag(w, place),
        "interval_days": 1 + mark % 366,
    }


async def body_diary_review(w: Any, place: Any, p: Any, mark: int) -> Row:
    entry = await _w().seed_diary(w, _worker_of(place))
    return {
        "diary_entry": entry,
        "community": w.community(str(place.community))["id"],
        "reviewed_by": reviewer(w, place),
        "mark": "excellent",
        "comment": f"新点评{mark}",
        "created_at": now().isoformat(),
    }


async def body_field_photo(w: Any, place: Any, p: Any, mark: int) -> Row:
    return {
        "staff": w.staff_at(place)["id"],
        "community": w.community(str(place.community))["id"],
        "file": f"field_photo/file/new{mark}.jpg",
        "width": 640,
        "height": 480,
        "taken_at": "",
        "created_at": now().isoformat(),
    }


async def body_field_report(w: Any, place: Any, p: Any, mark: int) -> Row:
    grid = w.grid_of(place)
    return {
        "work_item": await _w().seed_work_item(w, place),
        "staff": w.staff_at(place)["id"],
        "grid": grid["id"],
        "community": grid["community"],
        **_w().point_in(grid),
        "accuracy": float(1000 + mark),
        "created_at": now().isoformat(),
    }
