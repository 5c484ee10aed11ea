"""Load the demo district into PostgreSQL in one transaction, bulk-copying the large tables.

Values are valid by construction (tests check them with the domain's own validators): codes
nest, polygons do not overlap, points lie in their grids, ID numbers carry check characters.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from typing import Any

import asyncpg
from piccolo.apps.user.tables import BaseUser

from app.demo import catalogue
from app.demo.field import load_field
from app.demo.hotline import load_hotline
from app.demo.layout import (
    DISTRICT_CODE,
    DISTRICT_NAME,
    GRID_COLUMNS,
    GRID_ROWS,
    CommunityPlan,
    GridPlan,
    StreetPlan,
    plan_district,
    point_inside,
)
from app.demo.names import mobile, person_name
from app.demo.party import load_party_and_volunteers
from app.demo.rows import copy, insert
from app.demo.statistics import load_statistics
from app.demo.worktime import load_time_limits
from app.geo import rectangle
from app.settings import settings
from app.validation import (
    CREDIT_CODE_ALPHABET,
    CREDIT_CODE_WEIGHTS,
    ID_NUMBER_CHECK_CHARS,
    ID_NUMBER_WEIGHTS,
)
from app.work.access import access_refusal_reason

DAYS_OF_CHECK_INS = 30
BUILDINGS_PER_GRID = 8
RESIDENT_SHARE = 0.2  # one registered resident for about a fifth of the households


def id_number(rng: random.Random) -> str:
    born = dt.date(1940, 1, 1) + dt.timedelta(days=rng.randint(0, 365 * 65))
    body = f"{DISTRICT_CODE}{born:%Y%m%d}{rng.randint(0, 999):03d}"
    total = sum(int(d) * w for d, w in zip(body, ID_NUMBER_WEIGHTS, strict=True))
    return body + ID_NUMBER_CHECK_CHARS[total % 11]


def credit_code(rng: random.Random) -> str:
    body = "91" + DISTRICT_CODE + "".join(rng.choice(CREDIT_CODE_ALPHABET) for _ in range(9))
    total = sum(
        CREDIT_CODE_ALPHABET.index(c) * w for c, w in zip(body, CREDIT_CODE_WEIGHTS, strict=True)
    )
    return body + CREDIT_CODE_ALPHABET[(31 - total % 31) % 31]


class DemoLoader:
    """Builds the demo district step by step on one connection inside one transaction."""

    def __init__(self, conn: asyncpg.Connection, today: dt.date) -> None:
        self.conn = conn
        self.today = today
        self.rng = random.Random(2026)
        self.tz = settings.timezone
        self.streets: list[StreetPlan] = plan_district(self.rng)
        self.ids: dict[str, int] = {}  # area code → id
        self.logins: dict[str, str] = {}
        self.workers: dict[str, int] = {}  # grid code → staff id of its primary worker
        self.staff_user: dict[int, int] = {}  # staff id → user id

    def at(self, day: dt.date, hour: float) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(0), self.tz) + dt.timedelta(hours=hour)

    async def load(self) -> dict[str, str]:
        await self.areas()
        await self.places()
        await self.staff()
        await self.access_list()
        await self.daily_work()
        await self.work_items()
        await load_time_limits(self)
        await self.assessments()
        await self.supervision()
        await load_party_and_volunteers(self)
        await load_field(self)
        await load_hotline(self)
        await load_statistics(self)
        return self.logins

    async def areas(self) -> None:
        west, south = self.streets[0].bounds[0], self.streets[0].bounds[1]
        east, north = self.streets[-1].bounds[2], self.streets[-1].bounds[3]
        district = await insert(
            self.conn,
            "district",
            {
                "code": DISTRICT_CODE,
                "name": DISTRICT_NAME,
                "boundary": json.dumps(rectangle(west, south, east, north)),
            },
        )
        for street in self.streets:
            self.ids[street.code] = await insert(
                self.conn,
                "street",
                {
                    "code": street.code,
                    "name": street.name,
                    "district": district,
                    "boundary": json.dumps(rectangle(*street.bounds)),
                },
            )
            for community in street.communities:
                self.ids[community.code] = await insert(
                    self.conn,
                    "community",
                    {
                        "code": community.code,
                        "name": community.name,
                        "street": self.ids[street.code],
                        "boundary": json.dumps(rectangle(*community.bounds)),
                    },
                )
                for grid in community.grids:
                    self.ids[grid.code] = await self.insert_grid(grid, self.ids[community.code])

    async def insert_grid(self, grid: GridPlan, community_id: int) -> int:
        west, south, east, north = grid.bounds
        return await insert(
            self.conn,
            "responsibility_grid",
            {
                "code": grid.code,
                "name": grid.name,
                "community": community_id,
                "kind": grid.kind,
                "household_count": grid.household_count,
                "size_warning": grid.kind == "residential"
                and not 250 <= grid.household_count <= 500,
                "responsible_organisation": grid.responsible_organisation,
                "boundary": json.dumps(grid.boundary),
                "min_lon": west,
                "min_lat": south,
                "max_lon": east,
                "max_lat": north,
                "created_at": self.at(self.today - dt.timedelta(days=400), 9),
            },
        )

    def grids(self) -> list[tuple[StreetPlan, Any, GridPlan]]:
        return [(s, c, g) for s in self.streets for c in s.communities for g in c.grids]

    async def places(self) -> None:
        buildings, facilities, organisations = [], [], []
        for _street, community, grid in self.grids():
            grid_id, community_id = self.ids[grid.code], self.ids[community.code]
            for b in range(BUILDINGS_PER_GRID if grid.kind == "residential" else 2):
                lon, lat = point_inside(self.rng, grid.bounds)
                buildings.append(
                    {
                        "code": f"{grid.code}{b + 1:03d}",
                        "address": f"{community.name[:-2]}小区{b + 1}栋",
                        "kind": "residential" if grid.kind == "residential" else "public",
                        "longitude": lon,
                        "latitude": lat,
                        "floors": self.rng.choice([6, 7, 11, 18, 26]),
                        # residential blocks have an outline (about 20 × 13 m) in the demo;
                        # public buildings stay points, as in data without footprints
                        "footprint": json.dumps(
                            rectangle(lon - 1e-4, lat - 6e-5, lon + 1e-4, lat + 6e-5)
                        )
                        if grid.kind == "residential"
                        else None,
                        "grid": grid_id,
                        "community": community_id,
                    }
                )
            lon, lat = point_inside(self.rng, grid.bounds)
            facilities.append(
                {
                    "name": f"{grid.name}{self.rng.choice(['消防栓', '健身广场', '监控点位', '停车场'])}",
                    "kind": self.rng.choice(
                        ["fire_hydrant", "sports_venue", "surveillance_camera", "parking"]
                    ),
                    "longitude": lon,
                    "latitude": lat,
                    "grid": grid_id,
                    "community": community_id,
                }
            )
            if grid.kind == "unit":
                organisations.append(
                    self.organisation(
                        grid.responsible_organisation, grid.organisation_kind, grid_id, community_id
                    )
                )
        for _street, community, grid in self.grids()[::6]:
            organisations.append(
                self.organisation(
                    f"{community.name}物业服务中心",
                    "property_management",
                    self.ids[grid.code],
                    self.ids[community.code],
                )
            )
        await copy(self.conn, "building", buildings)
        await copy(self.conn, "facility", facilities)
        roads = [road for s in self.streets for c in s.communities for road in self.roads(c)]
        await copy(self.conn, "facility", roads)
        await copy(self.conn, "organisation", organisations)
        await self.households()

    def roads(self, community: CommunityPlan) -> list[dict[str, Any]]:
        """Two roads with a path in each community, by the rule of app/places/services.py: a
        路 west→east through the north row of grids (a slight bend in the middle) and a 街
        north→south through the middle column, each inside the community and registered in
        the grid its first vertex (also its point) lies in. No random draws: the rest of the
        demo stays as it was."""
        west, south, east, north = community.bounds
        width, height = (east - west) / GRID_COLUMNS, (north - south) / GRID_ROWS
        east_west = [
            [west + 0.05 * width, north - 0.55 * height],
            [(west + east) / 2, north - 0.45 * height],
            [east - 0.05 * width, north - 0.55 * height],
        ]
        north_south = [
            [west + 1.5 * width, north - 0.05 * height],
            [west + 1.45 * width, south + 0.05 * height],
        ]
        return [
            {
                "name": f"{community.name[:-2]}{suffix}",
                "kind": "road",
                "longitude": path[0][0],
                "latitude": path[0][1],
                "path": json.dumps({"type": "LineString", "coordinates": path}),
                "grid": self.ids[grid.code],
                "community": self.ids[community.code],
            }
            for suffix, path, grid in (
                ("路", east_west, community.grids[0]),
                ("街", north_south, community.grids[1]),
            )
        ]

    def organisation(self, name: str, kind: str, grid_id: int, community_id: int) -> dict[str, Any]:
        return {
            "name": name,
            "kind": kind,
            "credit_code": credit_code(self.rng),
            "address": name,
            "contact_phone": mobile(self.rng),
            "grid": grid_id,
            "community": community_id,
        }

    async def households(self) -> None:
        rows = await self.conn.fetch(
            "SELECT id, grid, community FROM building WHERE kind = 'residential' ORDER BY id"
        )
        by_grid: dict[int, list[Any]] = {}
        for row in rows:
            by_grid.setdefault(row["grid"], []).append(row)
        households = []
        for _street, _community, grid in self.grids():
            buildings = by_grid.get(self.ids[grid.code], [])
            for n in range(grid.household_count):
                building = buildings[n % len(buildings)]
                floor, door = divmod(n // len(buildings), 4)
                tags = [
                    t
                    for t, p in (
                        ("elderly_alone", 0.05),
                        ("low_income", 0.03),
                        ("disability", 0.02),
                    )
                    if self.rng.random() < p
                ]
                households.append(
                    {
                        "building": building["id"],
                        "room": f"{floor % 3 + 1}-{floor // 3 + 1}{door + 1:02d}",
                        "member_count": self.rng.randint(1, 5),
                        "care_tags": tags,
                        "grid": building["grid"],
                        "community": building["community"],
                    }
                )
        await copy(self.conn, "household", households)
        picked = await self.conn.fetch(
            "SELECT id, community FROM household WHERE random() < $1 ORDER BY id", RESIDENT_SHARE
        )
        residents, seen = [], set()
        for household in picked:
            number = id_number(self.rng)
            if number in seen:
                continue
            seen.add(number)
            residents.append(
                {
                    "household": household["id"],
                    "name": person_name(self.rng),
                    "id_number": number,
                    "phone": mobile(self.rng),
                    "birth_date": dt.date(
                        int(number[6:10]), int(number[10:12]), int(number[12:14])
                    ),
                    "community": household["community"],
                    "created_at": self.at(self.today - dt.timedelta(days=200), 10),
                }
            )
        await copy(self.conn, "resident", residents)

    async def user(self, username: str, password_hash: str, superuser: bool = False) -> int:
        return await insert(
            self.conn,
            "piccolo_user",
            {
                "username": username,
                "password": password_hash,
                "email": f"{username}@demo.grid",
                "active": True,
                "admin": True,
                "superuser": superuser,
                "first_name": "",
                "last_name": "",
            },
        )

    async def staff_member(
        self,
        username: str,
        password_hash: str,
        role: str,
        street: int | None,
        community: int | None,
    ) -> int:
        user_id = await self.user(username, password_hash)
        staff_id = await insert(
            self.conn,
            "staff_member",
            {
                "user": user_id,
                "name": person_name(self.rng),
                "phone": mobile(self.rng),
                "role": role,
                "street": street,
                "community": community,
                "active": True,
                "created_at": self.at(self.today - dt.timedelta(days=365), 9),
            },
        )
        self.staff_user[staff_id] = user_id
        return staff_id

    async def staff(self) -> None:
        # One hash for every demo login: hashing is deliberately slow and these share a password.
        password_hash = BaseUser.hash_password(settings.demo_password)
        self.superuser = await self.user("admin", password_hash, superuser=True)
        self.logins["superuser 区管理员"] = "admin"
        self.street_official: dict[str, int] = {}
        self.community_admin: dict[str, int] = {}
        assignments, worker_no = [], 0
        for s, street in enumerate(self.streets, start=1):
            self.street_official[street.code] = await self.staff_member(
                f"jd{s}", password_hash, "street_official", self.ids[street.code], None
            )
            for community in street.communities:
                c = len(self.community_admin) + 1
                admin_id = await self.staff_member(
                    f"sq{c:02d}", password_hash, "community_admin", None, self.ids[community.code]
                )
                self.community_admin[community.code] = admin_id
                await self.staff_member(
                    f"zy{c:02d}", password_hash, "volunteer", None, self.ids[community.code]
                )
                for grid in community.grids:
                    worker_no += 1
                    worker = await self.staff_member(
                        f"wg{worker_no:03d}",
                        password_hash,
                        "community_worker",
                        None,
                        self.ids[community.code],
                    )
                    self.workers[grid.code] = worker
                    assignments.append(
                        {
                            "staff": worker,
                            "grid": self.ids[grid.code],
                            "kind": "primary",
                            "community": self.ids[community.code],
                        }
                    )
                    assignments.append(
                        {
                            "staff": admin_id,
                            "grid": self.ids[grid.code],
                            "kind": "assistant",
                            "community": self.ids[community.code],
                        }
                    )
        await copy(self.conn, "grid_assignment", assignments)
        self.logins["street official 街道"] = "jd1"
        self.logins["community admin 社区"] = "sq01"
        self.logins["grid worker 网格员"] = "wg001"
        leave_takers = list(self.workers.values())[3::17]
        self.leave = {
            staff: (self.today - dt.timedelta(days=12 + i), self.today - dt.timedelta(days=9 + i))
            for i, staff in enumerate(leave_takers)
        }
        await copy(
            self.conn,
            "leave",
            [
                {"staff": staff, "starts_on": start, "ends_on": end, "reason": "年休假"}
                for staff, (start, end) in self.leave.items()
            ],
        )

    async def access_list(self) -> None:
        self.departments = [
            await insert(self.conn, "department", {"name": n, "line": line})
            for n, line in catalogue.DEPARTMENTS
        ]
        self.approved: dict[str, list[tuple[int, str, int]]] = {}
        for street in self.streets:
            official_user = self.staff_user[self.street_official[street.code]]
            revoked: dict[str, Any] = {}
            for name, dep, category, basis, status in catalogue.ACCESS_ITEMS:
                decided = status != "proposed"
                entry = await insert(
                    self.conn,
                    "access_list_entry",
                    {
                        "street": self.ids[street.code],
                        "name": name,
                        "department": self.departments[dep],
                        "category": category,
                        "legal_basis": basis,
                        "status": status,
                        "decided_by": official_user if decided else None,
                        "decided_at": self.at(self.today - dt.timedelta(days=90), 10)
                        if decided
                        else None,
                        "valid_from": self.today - dt.timedelta(days=90),
                        "valid_to": self.today + dt.timedelta(days=275),
                        "created_at": self.at(self.today - dt.timedelta(days=95), 10),
                    },
                )
                if status == "approved":
                    self.approved.setdefault(street.code, []).append(
                        (entry, name, self.departments[dep])
                    )
                if status == "revoked":
                    revoked = {"id": entry, "name": name, "department": self.departments[dep]}
            await copy(
                self.conn,
                "access_refusal",
                [
                    {
                        "street": self.ids[street.code],
                        "community": self.ids[street.communities[0].code],
                        "department": self.departments[5],
                        "access_entry": None,
                        "pushed_title": "临时机构台账报送",
                        "reason": "not on the street's access list",
                        "refused_at": self.at(self.today - dt.timedelta(days=20), 11),
                    },
                    # A department still pushing an item the street has revoked (减负).
                    {
                        "street": self.ids[street.code],
                        "community": self.ids[street.communities[-1].code],
                        "department": revoked["department"],
                        "access_entry": revoked["id"],
                        "pushed_title": f"{revoked['name']}（季度）",
                        "reason": access_refusal_reason(
                            {**revoked, "street": self.ids[street.code], "status": "revoked"},
                            self.ids[street.code],
                            self.today - dt.timedelta(days=6),
                        ),
                        "refused_at": self.at(self.today - dt.timedelta(days=6), 15),
                    },
                ],
            )

    async def daily_work(self) -> None:
        check_ins, diary = [], []
        households = await self.conn.fetch("SELECT id, grid FROM household WHERE id % 37 = 0")
        household_of: dict[int, list[int]] = {}
        for h in households:
            household_of.setdefault(h["grid"], []).append(h["id"])
        for _street, community, grid in self.grids():
            staff, grid_id, community_id = (
                self.workers[grid.code],
                self.ids[grid.code],
                self.ids[community.code],
            )
            leave = self.leave.get(staff)
            for back in range(DAYS_OF_CHECK_INS, 0, -1):
                day = self.today - dt.timedelta(days=back)
                if (leave and leave[0] <= day <= leave[1]) or self.rng.random() < 0.06:
                    continue
                inside = self.rng.random() > 0.04
                lon, lat = (
                    point_inside(self.rng, grid.bounds)
                    if inside
                    else (grid.bounds[2] + 0.01, grid.bounds[3] + 0.01)
                )
                check_ins.append(
                    {
                        "staff": staff,
                        "grid": grid_id,
                        "community": community_id,
                        "at": self.at(day, self.rng.uniform(8.3, 10.5)),
                        "local_date": day,
                        "latitude": lat,
                        "longitude": lon,
                        "inside_grid": inside,
                        "counted": inside,
                        "note": "" if inside else "外出办事，在网格外签到",
                        "photo": "",
                    }
                )
                if self.rng.random() < 0.35:
                    category = self.rng.choice(list(catalogue.DIARY_TEXTS))
                    options: list[int | None] = [*household_of.get(grid_id, [])] or [None]
                    diary.append(
                        {
                            "staff": staff,
                            "grid": grid_id,
                            "community": community_id,
                            "household": self.rng.choice(options),
                            "category": category,
                            "content": self.rng.choice(catalogue.DIARY_TEXTS[category]),
                            "follow_up_due": self.today + dt.timedelta(days=self.rng.randint(1, 14))
                            if self.rng.random() < 0.2
                            else None,
                            "work_item": None,
                            "created_at": self.at(day, self.rng.uniform(10.5, 17)),
                        }
                    )
        await copy(self.conn, "check_in", check_ins)
        await copy(self.conn, "diary_entry", diary)

    async def work_items(self) -> None:
        path = ["reported", "accepted", "dispatched", "handled", "verified", "closed"]
        events = []
        for n, (street, community, grid) in enumerate(self.grids() * 2):
            entry, name, _department = self.rng.choice(self.approved[street.code])
            final = "rejected" if n % 13 == 0 else path[n % len(path)]
            steps = (
                path[: path.index(final) + 1] if final != "rejected" else ["reported", "rejected"]
            )
            created = self.at(
                self.today - dt.timedelta(days=self.rng.randint(3, 28)), self.rng.uniform(8, 17)
            )
            due = created + dt.timedelta(days=self.rng.choice([3, 7, 15]))
            assignee = self.workers[grid.code] if "dispatched" in steps else None
            times = [created + dt.timedelta(hours=20 * i) for i in range(len(steps))]
            item = await insert(
                self.conn,
                "work_item",
                {
                    "access_entry": entry,
                    "community": self.ids[community.code],
                    "grid": self.ids[grid.code],
                    "title": f"{name}（{grid.name}）",
                    "description": self.rng.choice(catalogue.WORK_TEXTS),
                    "source": self.rng.choice(
                        ["department"] * 4 + ["grid_report", "hotline", "diary"]
                    ),
                    "status": "reported",
                    "assignee": assignee,
                    "due_at": due,
                    "overdue": False,
                    "created_at": created,
                    "closed_at": None,
                },
            )
            if len(steps) > 1:
                await self.advance(item, steps[1:], times[-1] if final == "closed" else None)
            actor = self.staff_user[self.community_admin[community.code]]
            for i, status in enumerate(steps):
                events.append(
                    {
                        "work_item": item,
                        "from_status": steps[i - 1] if i else None,
                        "to_status": status,
                        "actor": actor,
                        "note": "",
                        "at": times[i],
                    }
                )
        await copy(self.conn, "work_item_event", events)

    async def advance(self, item: int, statuses: list[str], closed_at: dt.datetime | None) -> None:
        # Walk the allowed path one stage at a time: the status trigger refuses skipped stages.
        for status in statuses:
            await self.conn.execute("UPDATE work_item SET status = $1 WHERE id = $2", status, item)
        if closed_at:
            await self.conn.execute(
                "UPDATE work_item SET closed_at = $1 WHERE id = $2", closed_at, item
            )

    async def assessments(self) -> None:
        grades = [
            ("一档", 90.0, "每月补贴 800 元"),
            ("二档", 80.0, "每月补贴 500 元"),
            ("三档", 60.0, "每月补贴 300 元"),
        ]
        await copy(
            self.conn,
            "subsidy_grade",
            [{"street": None, "grade": g, "min_score": m, "note": n} for g, m, n in grades],
        )
        indicators = {}
        for name, weight, kind, metric in catalogue.INDICATORS:
            indicators[name] = await insert(
                self.conn,
                "indicator",
                {
                    "name": name,
                    "weight": weight,
                    "kind": kind,
                    "metric": metric,
                    "max_score": 100.0,
                },
            )
        scored = [indicators[n] for n, _, kind, _ in catalogue.INDICATORS if kind == "scored"]
        month_start = (self.today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
        month_end = self.today.replace(day=1) - dt.timedelta(days=1)
        scores = []
        for street in self.streets:
            official_user = self.staff_user[self.street_official[street.code]]
            for community in street.communities:
                pairs = [
                    (
                        "street",
                        self.ids[street.code],
                        "community",
                        self.ids[community.code],
                        "top_down",
                    ),
                    (
                        "community",
                        self.ids[community.code],
                        "street",
                        self.ids[street.code],
                        "bottom_up",
                    ),
                    (
                        "community",
                        self.ids[community.code],
                        "department",
                        self.rng.choice(self.departments),
                        "bottom_up",
                    ),
                ]
                for evaluator_kind, evaluator_id, target_kind, target_id, direction in pairs:
                    assessment = await insert(
                        self.conn,
                        "assessment",
                        {
                            "evaluator_kind": evaluator_kind,
                            "evaluator_id": evaluator_id,
                            "target_kind": target_kind,
                            "target_id": target_id,
                            "direction": direction,
                            "street": self.ids[street.code],
                            "period_start": month_start,
                            "period_end": month_end,
                            "comment": "",
                            "created_by": official_user,
                            "created_at": self.at(
                                self.today - dt.timedelta(days=self.today.day), 16
                            ),
                        },
                    )
                    scores += [
                        {
                            "assessment": assessment,
                            "indicator": i,
                            "score": round(self.rng.uniform(70, 98), 1),
                        }
                        for i in scored
                    ]
        await copy(self.conn, "assessment_score", scores)

    async def supervision(self) -> None:
        records = []
        stages = ["received", "handling", "answered", "closed"]
        for n, (_street, community, grid) in enumerate(self.grids()[::2]):
            kind = list(catalogue.SUPERVISION_TEXTS)[n % 4]
            subject, content = catalogue.SUPERVISION_TEXTS[kind]
            status = stages[n % 4]
            created = self.at(
                self.today - dt.timedelta(days=self.rng.randint(2, 40)), self.rng.uniform(8, 20)
            )
            answered = status in ("answered", "closed")
            anonymous = n % 3 == 0
            records.append(
                {
                    "kind": kind,
                    "subject": subject,
                    "community": self.ids[community.code],
                    "grid": self.ids[grid.code],
                    "raised_by_name": "" if anonymous else person_name(self.rng),
                    "raised_by_contact": "" if anonymous else mobile(self.rng),
                    "anonymous": anonymous,
                    "content": content,
                    "status": status,
                    "answer": "已转交相关部门核实处理，并将结果反馈反映人。" if answered else "",
                    "answered_by": self.staff_user[self.community_admin[community.code]]
                    if answered
                    else None,
                    "answered_at": created + dt.timedelta(days=3) if answered else None,
                    "public": answered and n % 2 == 0,
                    "due_at": created + dt.timedelta(days=15),
                    "overdue": False,
                    "evidence": "",
                    "created_at": created,
                }
            )
        await copy(self.conn, "supervision_record", records)
