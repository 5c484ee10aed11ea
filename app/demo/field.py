"""The demo district's 网格通 (the grid worker's phone): patrols with their tracks, the
care-visit intervals the communities set, diary entries linked to work and the admins'
reviews of diaries, field reports (随手拍) with their photos, and yesterday's check-in
reminders.

Runs after the work items, on the loader's connection, with its own random generator. Only
the photo rows are written: the demo has no picture files (their links show nothing).
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from typing import Any

from app.demo.layout import GridPlan, point_inside
from app.demo.rows import copy, insert
from app.demo.steps import DemoLoader
from app.field.positions import path_length_m
from app.jobs.reminders import check_in_slot
from app.settings import settings

Row = dict[str, Any]
PATROL_DAYS = 2  # yesterday and the day before
PATROLLING_GRIDS = 3  # the workers of the first three grids of each street's first community
PATROL_MINUTES = (25, 50)
STEP_DEGREES = 0.00012  # about 12 m between points 30 s apart: a slow walk with stops
REVIEWS_PER_COMMUNITY = 2
PHOTOS_OF_STEPS = 4
REVIEWS = [
    ("excellent", "记录详实，跟进及时，值得大家学习。"),
    ("good", "情况记录清楚，注意按期回访。"),
    ("needs_follow_up", "请在跟进期限前再次上门，并把结果补记到日记里。"),
]
DIARY_OF_WORK = "居民反映的问题已上报为工作事项，持续跟进办理进度。"


async def load_field(loader: DemoLoader) -> None:
    rng = random.Random(311)
    grids = {loader.ids[g.code]: g for _s, _c, g in loader.grids()}
    await patrols(loader, rng)
    await care_visit_intervals(loader)
    await diaries(loader)
    await field_reports(loader, rng, grids)
    await check_in_reminders(loader)


def walk(rng: random.Random, grid: GridPlan, start: tuple[float, float], steps: int) -> list:
    """(longitude, latitude) of a walk from `start` that stays well inside the grid."""
    west, south, east, north = grid.bounds
    margin_x, margin_y = (east - west) * 0.05, (north - south) * 0.05
    lon, lat = start
    track = [(lon, lat)]
    for _ in range(steps - 1):
        lon = min(max(lon + rng.uniform(-1, 1) * STEP_DEGREES, west + margin_x), east - margin_x)
        lat = min(max(lat + rng.uniform(-1, 1) * STEP_DEGREES, south + margin_y), north - margin_y)
        track.append((lon, lat))
    return track


async def patrols(loader: DemoLoader, rng: random.Random) -> None:
    """Some workers of each street's first community walked their grids on the days they
    worked of the last two; a morning patrol that began at the check-in counted as it
    (PATROL_COUNTS_AS_CHECK_IN), an afternoon one did not."""
    conn = loader.conn
    interval = dt.timedelta(seconds=settings.patrol_interval_s)
    points: list[Row] = []
    for street in loader.streets:
        community = street.communities[0]
        for n, grid in enumerate(community.grids[:PATROLLING_GRIDS]):
            staff, grid_id = loader.workers[grid.code], loader.ids[grid.code]
            for back in range(1, PATROL_DAYS + 1):
                day = loader.today - dt.timedelta(days=back)
                check_in = await conn.fetchrow(
                    "SELECT id, at, latitude, longitude FROM check_in"
                    " WHERE staff = $1 AND local_date = $2 AND counted",
                    staff,
                    day,
                )
                if check_in is None:
                    continue  # on leave or away that day
                morning = n % 2 == back % 2
                if morning:
                    first_at = check_in["at"]
                    start = (check_in["longitude"], check_in["latitude"])
                else:
                    first_at = loader.at(day, rng.uniform(14.5, 16))
                    start = point_inside(rng, grid.bounds)
                minutes = rng.randint(*PATROL_MINUTES)
                track = walk(rng, grid, start, minutes * 60 // settings.patrol_interval_s)
                ended_at = first_at + interval * (len(track) - 1)
                patrol = await insert(
                    conn,
                    "patrol",
                    {
                        "staff": staff,
                        "grid": grid_id,
                        "community": loader.ids[community.code],
                        "local_date": day,
                        "started_at": first_at - dt.timedelta(seconds=20),
                        "ended_at": ended_at,
                        "distance_m": path_length_m([(lat, lon) for lon, lat in track]),
                        "duration_s": int((ended_at - first_at).total_seconds()) + 20,
                        "point_count": len(track),
                        "check_in": check_in["id"] if morning else None,
                        "created_at": first_at - dt.timedelta(seconds=20),
                    },
                )
                if morning:
                    await conn.execute(
                        "UPDATE check_in SET note = '巡查签到', accuracy = 8 WHERE id = $1",
                        check_in["id"],
                    )
                points += [
                    {
                        "patrol": patrol,
                        "latitude": lat,
                        "longitude": lon,
                        "accuracy": round(rng.uniform(5, 20), 1),
                        "at": first_at + interval * i,
                    }
                    for i, (lon, lat) in enumerate(track)
                ]
    await copy(conn, "patrol_point", points)


async def care_visit_intervals(loader: DemoLoader) -> None:
    """Every community visits elderly people living alone weekly (the busier ones every five
    days); every third also sets a fortnightly visit of households with a disability."""
    rows = []
    for n, community in enumerate((c for s in loader.streets for c in s.communities), start=1):
        community_id = loader.ids[community.code]
        rows.append(
            {"community": community_id, "tag": "elderly_alone", "interval_days": 7 - 2 * (n % 2)}
        )
        if n % 3 == 0:
            rows.append({"community": community_id, "tag": "disability", "interval_days": 10})
    await copy(loader.conn, "care_visit_interval", rows)


async def diaries(loader: DemoLoader) -> None:
    """Items raised from the diary have the entry that raised them; each community admin
    reviewed the two latest diary entries of the community."""
    conn = loader.conn
    items = await conn.fetch(
        "SELECT w.id, w.grid, w.community, w.created_at FROM work_item w"
        " WHERE w.source = 'diary' AND w.grid IS NOT NULL ORDER BY w.id"
    )
    grid_worker = {loader.ids[code]: staff for code, staff in loader.workers.items()}
    await copy(
        conn,
        "diary_entry",
        [
            {
                "staff": grid_worker[item["grid"]],
                "grid": item["grid"],
                "community": item["community"],
                "household": None,
                "category": "other",
                "content": DIARY_OF_WORK,
                "follow_up_due": None,
                "work_item": item["id"],
                "created_at": item["created_at"] - dt.timedelta(hours=1),
            }
            for item in items
        ],
    )
    reviews: list[Row] = []
    for code, admin in loader.community_admin.items():
        entries = await conn.fetch(
            "SELECT id, created_at FROM diary_entry WHERE community = $1 AND work_item IS NULL"
            " ORDER BY created_at DESC, id DESC LIMIT $2",
            loader.ids[code],
            REVIEWS_PER_COMMUNITY,
        )
        for n, entry in enumerate(entries):
            mark, comment = REVIEWS[(n + len(reviews)) % len(REVIEWS)]
            reviews.append(
                {
                    "diary_entry": entry["id"],
                    "community": loader.ids[code],
                    "reviewed_by": loader.staff_user[admin],
                    "mark": mark,
                    "comment": comment,
                    "created_at": entry["created_at"] + dt.timedelta(hours=1, minutes=20),
                }
            )
    await copy(conn, "diary_review", reviews)


def photo(rng: random.Random, staff: int, community: int, at: dt.datetime) -> Row:
    return {
        "staff": staff,
        "community": community,
        "file": f"{uuid.UUID(int=rng.getrandbits(128)).hex}.jpg",
        "width": 1600,
        "height": 1200,
        "taken_at": f"{at.astimezone(settings.timezone):%Y:%m:%d %H:%M:%S}",
        "created_at": at,
    }


async def field_reports(loader: DemoLoader, rng: random.Random, grids: dict[int, GridPlan]) -> None:
    """Every item a grid worker reported from the phone has its report and a photo; a few
    handled items have the photo of the handling step (处置照片)."""
    conn = loader.conn
    grid_worker = {loader.ids[code]: staff for code, staff in loader.workers.items()}
    reports, photos = [], []
    for item in await conn.fetch(
        "SELECT id, grid, community, created_at FROM work_item"
        " WHERE source = 'grid_report' AND grid IS NOT NULL ORDER BY id"
    ):
        lon, lat = point_inside(rng, grids[item["grid"]].bounds)
        staff = grid_worker[item["grid"]]
        reports.append(
            {
                "work_item": item["id"],
                "staff": staff,
                "grid": item["grid"],
                "community": item["community"],
                "latitude": lat,
                "longitude": lon,
                "accuracy": round(rng.uniform(6, 30), 1),
                "created_at": item["created_at"],
            }
        )
        taken = item["created_at"] - dt.timedelta(minutes=2)
        photos.append(
            photo(rng, staff, item["community"], taken)
            | {"work_item": item["id"], "work_item_event": None}
        )
    steps = await conn.fetch(
        "SELECT e.id, e.work_item, e.at, w.assignee, w.community FROM work_item_event e"
        " JOIN work_item w ON w.id = e.work_item"
        " WHERE e.to_status = 'handled' AND w.assignee IS NOT NULL ORDER BY e.id LIMIT $1",
        PHOTOS_OF_STEPS,
    )
    for step in steps:
        photos.append(
            photo(rng, step["assignee"], step["community"], step["at"] - dt.timedelta(minutes=5))
            | {"work_item": step["work_item"], "work_item_event": step["id"]}
        )
    await copy(conn, "field_report", reports)
    await copy(conn, "field_photo", photos)


async def check_in_reminders(loader: DemoLoader) -> None:
    """Yesterday's 10:00 round: grid workers not on leave without a counted check-in."""
    conn = loader.conn
    day = loader.today - dt.timedelta(days=1)
    on_leave = [staff for staff, (start, end) in loader.leave.items() if start <= day <= end]
    rows = await conn.fetch(
        "SELECT s.id, s.name FROM staff_member s WHERE s.id = ANY($1::int[])"
        " AND NOT (s.id = ANY($2::int[])) AND NOT EXISTS (SELECT 1 FROM check_in c"
        " WHERE c.staff = s.id AND c.local_date = $3 AND c.counted) ORDER BY s.id",
        list(loader.workers.values()),
        on_leave,
        day,
    )
    await copy(
        conn,
        "reminder",
        [
            {
                "staff": row["id"],
                "date": day,
                "slot": check_in_slot(dt.time(10)),
                "channel": "in_app",
                "status": "read",
                "message": f"签到提醒：{row['name']}，今天（{day:%Y-%m-%d}）您还没有在责任网格"
                "签到，请尽快到网格签到。 Check-in reminder: you have not checked in to your"
                " grid today.",
                "attempts": 1,
                "created_at": loader.at(day, 10),
            }
            for row in rows
        ],
    )
