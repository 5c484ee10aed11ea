"""The demo district's party building and volunteer service: a party tree for every
community (branches built on its grids, a few grids left without one so coverage is not
100%), resident, in-service (双报到) and mobile members, party-member grid workers, and two
months of volunteer activities with sign-ups, check-ins, confirmed hours and points.

Runs after the rest of the demo on the loader's connection, with its own random generator,
so the rest of the demo district stays exactly as it was.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any, Protocol

import asyncpg

from app.demo.layout import StreetPlan, point_inside
from app.settings import settings


class DemoLoader(Protocol):
    """What this step uses of app.demo.loader.DemoLoader (which calls it: no import back)."""

    conn: asyncpg.Connection
    today: dt.date
    streets: list[StreetPlan]
    ids: dict[str, int]
    logins: dict[str, str]
    workers: dict[str, int]
    staff_user: dict[int, int]
    community_admin: dict[str, int]
    street_official: dict[str, int]

    async def staff_member(
        self,
        username: str,
        password_hash: str,
        role: str,
        street: int | None,
        community: int | None,
    ) -> int: ...


UNITS = ["区人民医院", "铜官区教育局", "市供电公司", "区税务局", "市第三中学"]
SKILLS = ["理发", "义诊", "维修", "法律咨询", "文艺", "摄影", "心理疏导"]
ACTIVITIES = [
    ("elderly_care", "为独居老人理发"),
    ("environment", "小区环境整治"),
    ("civilisation", "文明养犬劝导"),
    ("safety_patrol", "夜间平安巡逻"),
    ("publicity", "反诈宣传进楼栋"),
    ("elderly_care", "敬老院陪伴"),
]
MEMBER_SHARE = 0.12  # of the registered residents
IN_SERVICE_SHARE = 0.3  # of those members
ACTIVITY_DAYS = 60
ACTIVITIES_PER_COMMUNITY = 8


def hours_between(start: dt.datetime, end: dt.datetime) -> Decimal:
    return (Decimal((end - start).total_seconds()) / Decimal(3600)).quantize(Decimal("0.01"))


async def load_party_and_volunteers(loader: DemoLoader) -> None:
    rng = random.Random(16)
    conn = loader.conn
    password_hash = await conn.fetchval(
        "SELECT password FROM piccolo_user WHERE username = 'admin'"
    )
    points_rate = Decimal(str(settings.volunteer_points_per_hour))
    for s_no, street in enumerate(loader.streets, start=1):
        street_id = loader.ids[street.code]
        committee = await conn.fetchval(
            "INSERT INTO party_organisation (name, level, parent, street, community, secretary,"
            " created_at) VALUES ($1, 'street_working_committee', NULL, $2, NULL, $3, now())"
            " RETURNING id",
            f"{street.name}党工委",
            street_id,
            loader.street_official[street.code],
        )
        for community in street.communities:
            c_no = list(loader.community_admin).index(community.code) + 1
            community_id = loader.ids[community.code]
            secretary = await loader.staff_member(
                f"sj{c_no:02d}", password_hash, "party_branch_secretary", None, community_id
            )
            top = await conn.fetchval(
                "INSERT INTO party_organisation (name, level, parent, street, community,"
                " secretary, created_at) VALUES ($1, 'community_committee', $2, $3, $4, $5, now())"
                " RETURNING id",
                f"{community.name}党委",
                committee,
                street_id,
                community_id,
                secretary,
            )
            grids = community.grids
            # One branch per two grids; the last grid of every third community has none.
            covered = grids[:-1] if c_no % 3 == 0 else grids
            for b_no, start in enumerate(range(0, len(covered), 2), start=1):
                pair = covered[start : start + 2]
                branch = await conn.fetchval(
                    "INSERT INTO party_organisation (name, level, parent, street, community,"
                    " secretary, created_at) VALUES ($1, 'branch', $2, $3, $4, $5, now())"
                    " RETURNING id",
                    f"{community.name}第{b_no}网格党支部",
                    top,
                    street_id,
                    community_id,
                    loader.workers[pair[0].code],
                )
                group = await conn.fetchval(
                    "INSERT INTO party_organisation (name, level, parent, street, community,"
                    " secretary, created_at) VALUES ($1, 'group', $2, $3, $4, NULL, now())"
                    " RETURNING id",
                    f"{community.name}第{b_no}党小组",
                    branch,
                    street_id,
                    community_id,
                )
                await conn.executemany(
                    "INSERT INTO party_organisation_grid (organisation, grid, community)"
                    " VALUES ($1, $2, $3)",
                    [(branch, loader.ids[g.code], community_id) for g in pair]
                    + [(group, loader.ids[pair[0].code], community_id)],
                )
            await members_of(loader, rng, community_id, top)
        if s_no == 1:
            loader.logins["party secretary 党支部书记"] = "sj01"
    await volunteers_and_activities(loader, rng, points_rate)


async def members_of(loader: DemoLoader, rng: random.Random, community_id: int, top: int) -> None:
    conn = loader.conn
    today = loader.today
    residents = await conn.fetch(
        "SELECT r.id, r.name, h.grid FROM resident r JOIN household h ON h.id = r.household"
        " WHERE r.community = $1 ORDER BY r.id",
        community_id,
    )
    branches = await conn.fetch(
        "SELECT o.id, og.grid FROM party_organisation o"
        " JOIN party_organisation_grid og ON og.organisation = o.id"
        " WHERE o.community = $1 AND o.level = 'branch'",
        community_id,
    )
    branch_of_grid = {b["grid"]: b["id"] for b in branches}
    rows = []
    for resident in residents:
        if rng.random() >= MEMBER_SHARE:
            continue
        roll = rng.random()
        kind = "in_service" if roll < IN_SERVICE_SHARE else "mobile" if roll > 0.95 else "resident"
        rows.append(
            (
                resident["name"],
                resident["id"],
                None,
                kind,
                branch_of_grid.get(resident["grid"], top),
                community_id,
                resident["grid"],
                rng.choice(UNITS) if kind == "in_service" else "",
                today - dt.timedelta(days=rng.randint(20, 700)) if kind == "in_service" else None,
                dt.date(rng.randint(1975, 2020), rng.randint(1, 12), 1),
            )
        )
    # Grid workers who are party members: about two in three, so some grid leaders are not.
    workers = await conn.fetch(
        "SELECT s.id, s.name, ga.grid FROM staff_member s"
        " JOIN grid_assignment ga ON ga.staff = s.id AND ga.kind = 'primary'"
        " WHERE s.community = $1 ORDER BY s.id",
        community_id,
    )
    for worker in workers:
        if rng.random() < 0.67:
            rows.append(
                (
                    worker["name"],
                    None,
                    worker["id"],
                    "resident",
                    branch_of_grid.get(worker["grid"], top),
                    community_id,
                    worker["grid"],
                    "",
                    None,
                    dt.date(rng.randint(1990, 2022), rng.randint(1, 12), 1),
                )
            )
    await conn.executemany(
        "INSERT INTO party_member (member_name, resident, staff, kind, organisation, community,"
        " grid, reporting_unit, reported_on, joined_on, created_at)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, now())",
        rows,
    )


async def volunteers_and_activities(
    loader: DemoLoader, rng: random.Random, points_rate: Decimal
) -> None:
    conn = loader.conn
    tz = settings.timezone
    for street in loader.streets:
        for community in street.communities:
            community_id = loader.ids[community.code]
            team = await conn.fetchval(
                "INSERT INTO volunteer_team (name, kind, community, unit, created_at)"
                " VALUES ($1, 'party_service', $2, '', now()) RETURNING id",
                f"{community.name}党员志愿服务队",
                community_id,
            )
            # The volunteer login of the community, party members who are residents, others.
            login = await conn.fetchrow(
                'SELECT s.name, s."user" FROM staff_member s'
                " WHERE s.community = $1 AND s.role = 'volunteer' ORDER BY s.id LIMIT 1",
                community_id,
            )
            assert login is not None, "every demo community has a volunteer login"
            people = await conn.fetch(
                "SELECT r.id, r.name, (pm.id IS NOT NULL) AS member FROM resident r"
                " LEFT JOIN party_member pm ON pm.resident = r.id"
                " WHERE r.community = $1 ORDER BY (pm.id IS NULL), r.id LIMIT 18",
                community_id,
            )
            volunteer_ids = [
                await conn.fetchval(
                    'INSERT INTO volunteer (name, resident, "user", phone, team, community,'
                    " skills, availability, created_at)"
                    " VALUES ($1, NULL, $2, '', $3, $4, $5, '周末', now()) RETURNING id",
                    login["name"],
                    login["user"],
                    team,
                    community_id,
                    rng.sample(SKILLS, 2),
                )
            ]
            for person in people:
                volunteer_ids.append(
                    await conn.fetchval(
                        'INSERT INTO volunteer (name, resident, "user", phone, team, community,'
                        " skills, availability, created_at)"
                        " VALUES ($1, $2, NULL, '', $3, $4, $5, '工作日晚上', now()) RETURNING id",
                        person["name"],
                        person["id"],
                        team if person["member"] else None,
                        community_id,
                        rng.sample(SKILLS, 1),
                    )
                )
            organiser = loader.community_admin[community.code]
            organiser_user = loader.staff_user[organiser]
            # The clean-up (小区环境整治) serves the community's street-scene work item.
            clean_up_item = await conn.fetchval(
                "SELECT w.id FROM work_item w JOIN access_list_entry e ON e.id = w.access_entry"
                " WHERE w.community = $1 AND e.category = 'urban_management' ORDER BY w.id LIMIT 1",
                community_id,
            )
            for n in range(ACTIVITIES_PER_COMMUNITY):
                kind, title = ACTIVITIES[n % len(ACTIVITIES)]
                grid = rng.choice(community.grids)
                lon, lat = point_inside(rng, grid.bounds)
                # Six in the last two months, two still to come.
                offset = -rng.randint(1, ACTIVITY_DAYS) if n < ACTIVITIES_PER_COMMUNITY - 2 else n
                day = loader.today + dt.timedelta(days=offset)
                starts = dt.datetime.combine(day, dt.time(9), tz)
                ends = starts + dt.timedelta(hours=rng.choice([2, 3]))
                slots = rng.randint(4, 8)
                activity = await conn.fetchval(
                    "INSERT INTO volunteer_activity (title, kind, description, community, grid,"
                    " place, latitude, longitude, radius_m, starts_at, ends_at, slots,"
                    " skills_wanted, status, organiser, work_item, created_at)"
                    " VALUES ($1, $2, '', $3, $4, $5, $6, $7, 200, $8, $9, $10, $11,"
                    " 'published', $12, $13, $14) RETURNING id",
                    title,
                    kind,
                    community_id,
                    loader.ids[grid.code],
                    f"{grid.name}活动点",
                    lat,
                    lon,
                    starts,
                    ends,
                    slots,
                    [SKILLS[n % len(SKILLS)]],
                    organiser,
                    clean_up_item if kind == "environment" else None,
                    starts - dt.timedelta(days=7),
                )
                chosen = rng.sample(volunteer_ids, min(len(volunteer_ids), slots + 2))
                rows: list[tuple[Any, ...]] = []
                for place, volunteer in enumerate(chosen):
                    signed_at = starts - dt.timedelta(days=5, minutes=-place)
                    status = "signed_up" if place < slots else "waiting"
                    served = status == "signed_up" and offset < 0
                    checked_in = starts + dt.timedelta(minutes=rng.randint(-20, 15))
                    checked_out = ends + dt.timedelta(minutes=rng.randint(-30, 40))
                    capped = min(checked_out - checked_in, ends - starts)
                    hours = hours_between(checked_in, checked_in + capped) if served else None
                    rows.append(
                        (
                            activity,
                            volunteer,
                            community_id,
                            status,
                            signed_at,
                            checked_in if served else None,
                            checked_out if served else None,
                            "position" if served else "",
                            hours,
                            (hours * points_rate).quantize(Decimal("0.01")) if hours else None,
                            ends + dt.timedelta(hours=2) if served else None,
                            organiser_user if served else None,
                        )
                    )
                await conn.executemany(
                    "INSERT INTO volunteer_signup (activity, volunteer, community, status,"
                    " signed_up_at, checked_in_at, checked_out_at, check_in_method, hours,"
                    " points, confirmed_at, confirmed_by)"
                    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
                    rows,
                )
            item = await conn.fetchval(
                "SELECT id FROM work_item WHERE community = $1 ORDER BY id LIMIT 1", community_id
            )
            if item is not None:
                hours = Decimal("1.50")
                await conn.execute(
                    "INSERT INTO volunteer_service (work_item, volunteer, community, served_on,"
                    " hours, points, note, recorded_by, created_at)"
                    " VALUES ($1, $2, $3, $4, $5, $6, '陪同网格员探访独居老人', $7, now())",
                    item,
                    volunteer_ids[1] if len(volunteer_ids) > 1 else volunteer_ids[0],
                    community_id,
                    loader.today - dt.timedelta(days=3),
                    hours,
                    (hours * points_rate).quantize(Decimal("0.01")),
                    organiser_user,
                )
