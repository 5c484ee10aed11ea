"""A benchmark city of any scale, bulk-loaded into PostgreSQL with COPY.

Valid by construction (tests/bench checks it with the product's own validators): codes nest
(6/9/12/15 digits, child = parent + 3 digits), grids tile their community as rectangles that
never overlap and are numbered west→east, north→south, household counts match the households
loaded and `size_warning` is set exactly for residential grids outside 250–500, a check-in
counts only inside its grid and once per staff, grid and local day.

Every id is assigned here (sequences are moved past them at the end), so nothing is read
back and every run of the same scale and day is identical.

The bulk load runs with `session_replication_role = replica`: the audit trigger
(grid_audit_row), the code-prefix triggers and foreign-key triggers stay off for the load
connection only, so loading 9 million check-ins does not also write 9 million audit rows.
Every other connection, including the web processes under load, runs the triggers as in
production. The plain (non-constraint) indexes of the largest tables are dropped before
their COPY and recreated from their own definitions afterwards.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg

from app.demo import catalogue
from app.geo import rectangle
from bench.scale import Scale

PASSWORD = "grid-bench-2026"  # every bench login (admin, jd…, sq…, wg…)
CITY_PREFIX = "4401"  # district codes 440101, 440102 … (GB/T 2260 style)
WEST, NORTH = 113.10, 23.40
GRID_W, GRID_H = 0.003, 0.003  # about 300 m × 330 m
GRID_COLUMNS = 5  # grids per row inside a community
MARKER_TABLE = "bench_marker"
BATCH = 50_000

Progress = Callable[[str, int, int], None]  # (table, rows done now, rows expected)


@dataclass
class GridPlan:
    id: int
    code: str
    community: int
    street: int
    bounds: tuple[float, float, float, float]
    household_count: int
    worker: int = 0  # staff id of its primary worker
    worker_user: int = 0


def household_counts(rng: random.Random, n: int, mean: int) -> list[int]:
    """`n` counts averaging exactly `mean` (pairs mirror each other); ~2% outside 250–500."""
    counts = []
    for i in range(0, n, 2):
        if i % 100 == 0 and mean == 350:
            low, high = 180, 520  # flagged too small / too large
        else:
            spread = rng.randint(0, min(90, mean - 1))
            low, high = mean - spread, mean + spread
        counts += [low, high]
    counts = counts[:n]
    if n % 2:
        counts[-1] = mean
    return counts


class City:
    """The plan of a benchmark city (pure Python) and its rows, table by table."""

    def __init__(self, scale: Scale, today: dt.date, tz: ZoneInfo, seed: int = 7) -> None:
        self.scale = scale
        self.today = today
        self.tz = tz
        self.rng = random.Random(seed)
        self.password_hash = ""
        self.districts: list[dict[str, Any]] = []
        self.streets: list[dict[str, Any]] = []
        self.communities: list[dict[str, Any]] = []
        self.grids: list[GridPlan] = []
        self.users: list[dict[str, Any]] = []
        self.staff: list[dict[str, Any]] = []
        self.plan()

    # ------------------------------------------------------------ geometry and people

    def plan(self) -> None:
        s = self.scale
        grid_rows = -(-s.grids_per_community // GRID_COLUMNS)
        community_w = GRID_COLUMNS * GRID_W
        community_h = grid_rows * GRID_H
        community_columns = max(1, round(s.communities_per_street**0.5))
        community_rows = -(-s.communities_per_street // community_columns)
        street_w, street_h = community_columns * community_w, community_rows * community_h
        counts = household_counts(self.rng, s.grids, s.households_per_grid)
        grid_id = community_id = street_id = 0
        for d in range(s.districts):
            code = f"{CITY_PREFIX}{d + 1:02d}"
            d_north = NORTH - d * street_h
            d_bounds = (WEST, d_north - street_h, WEST + s.streets_per_district * street_w, d_north)
            self.districts.append(
                {"id": d + 1, "code": code, "name": f"第{d + 1}区", "bounds": d_bounds}
            )
            for st in range(s.streets_per_district):
                street_id += 1
                st_code = f"{code}{st + 1:03d}"
                west = WEST + st * street_w
                st_bounds = (west, d_north - street_h, west + street_w, d_north)
                self.streets.append(
                    {
                        "id": street_id,
                        "code": st_code,
                        "name": f"第{street_id}街道",
                        "district": d + 1,
                        "bounds": st_bounds,
                    }
                )
                for c in range(s.communities_per_street):
                    community_id += 1
                    row, column = divmod(c, community_columns)
                    c_west = west + column * community_w
                    c_north = d_north - row * community_h
                    c_bounds = (c_west, c_north - community_h, c_west + community_w, c_north)
                    c_code = f"{st_code}{c + 1:03d}"
                    self.communities.append(
                        {
                            "id": community_id,
                            "code": c_code,
                            "name": f"第{community_id}社区",
                            "street": street_id,
                            "bounds": c_bounds,
                        }
                    )
                    for g in range(s.grids_per_community):
                        g_row, g_column = divmod(g, GRID_COLUMNS)
                        g_west = c_west + g_column * GRID_W
                        g_north = c_north - g_row * GRID_H
                        self.grids.append(
                            GridPlan(
                                id=grid_id + 1,
                                code=f"{c_code}{g + 1:03d}",
                                community=community_id,
                                street=street_id,
                                bounds=(g_west, g_north - GRID_H, g_west + GRID_W, g_north),
                                household_count=counts[grid_id],
                            )
                        )
                        grid_id += 1
        self.plan_people()

    def plan_people(self) -> None:
        created = dt.datetime.combine(
            self.today - dt.timedelta(days=self.scale.days + 30), dt.time(9), self.tz
        )

        def person(
            username: str,
            role: str | None,
            street: int | None,
            community: int | None,
            superuser: bool = False,
        ) -> tuple[int, int]:
            user_id = len(self.users) + 1
            self.users.append(
                {
                    "id": user_id,
                    "username": username,
                    "email": f"{username}@bench.grid",
                    "active": True,
                    "admin": True,
                    "superuser": superuser,
                    "first_name": "",
                    "last_name": "",
                }
            )
            if role is None:
                return user_id, 0
            staff_id = len(self.staff) + 1
            self.staff.append(
                {
                    "id": staff_id,
                    "user": user_id,
                    "name": f"{username}同志",
                    "phone": f"139{staff_id:08d}",
                    "role": role,
                    "street": street,
                    "community": community,
                    "active": True,
                    "created_at": created,
                }
            )
            return user_id, staff_id

        person("admin", None, None, None, superuser=True)
        self.street_official_user: dict[int, int] = {}
        for street in self.streets:
            user_id, _ = person(f"jd{street['id']}", "street_official", street["id"], None)
            self.street_official_user[street["id"]] = user_id
        self.community_admin_user: dict[int, int] = {}
        for community in self.communities:
            user_id, _ = person(f"sq{community['id']}", "community_admin", None, community["id"])
            self.community_admin_user[community["id"]] = user_id
        for grid in self.grids:
            grid.worker_user, grid.worker = person(
                f"wg{grid.id}", "community_worker", None, grid.community
            )

    def user_rows(self) -> Iterator[dict[str, Any]]:
        for user in self.users:
            yield {**user, "password": self.password_hash}

    # ------------------------------------------------------------ rows per table

    def area_rows(self) -> dict[str, list[dict[str, Any]]]:
        created = dt.datetime.combine(self.today - dt.timedelta(days=400), dt.time(9), self.tz)
        return {
            "district": [
                {
                    "id": d["id"],
                    "code": d["code"],
                    "name": d["name"],
                    "boundary": json.dumps(rectangle(*d["bounds"])),
                }
                for d in self.districts
            ],
            "street": [
                {
                    "id": s["id"],
                    "code": s["code"],
                    "name": s["name"],
                    "district": s["district"],
                    "boundary": json.dumps(rectangle(*s["bounds"])),
                }
                for s in self.streets
            ],
            "community": [
                {
                    "id": c["id"],
                    "code": c["code"],
                    "name": c["name"],
                    "street": c["street"],
                    "boundary": json.dumps(rectangle(*c["bounds"])),
                }
                for c in self.communities
            ],
            "responsibility_grid": [
                {
                    "id": g.id,
                    "code": g.code,
                    "name": f"网格{g.code[-6:]}",
                    "community": g.community,
                    "kind": "residential",
                    "household_count": g.household_count,
                    "size_warning": not 250 <= g.household_count <= 500,
                    "responsible_organisation": "",
                    "boundary": json.dumps(rectangle(*g.bounds)),
                    "min_lon": g.bounds[0],
                    "min_lat": g.bounds[1],
                    "max_lon": g.bounds[2],
                    "max_lat": g.bounds[3],
                    "created_at": created,
                }
                for g in self.grids
            ],
        }

    def building_rows(self) -> Iterator[dict[str, Any]]:
        per_grid = self.scale.buildings_per_grid
        for g in self.grids:
            west, south, east, north = g.bounds
            for b in range(per_grid):
                # buildings in a row across the middle of the grid
                yield {
                    "id": (g.id - 1) * per_grid + b + 1,
                    "code": f"{g.code}{b + 1:03d}",
                    "address": f"{g.code}小区{b + 1}栋",
                    "kind": "residential",
                    "longitude": west + (east - west) * (b + 0.5) / per_grid,
                    "latitude": (south + north) / 2,
                    "floors": 18,
                    "grid": g.id,
                    "community": g.community,
                }

    def household_rows(self) -> Iterator[tuple[Any, ...]]:
        """(id, building, room, member_count, care_tags, grid, community) tuples."""
        per_grid = self.scale.buildings_per_grid
        rng = random.Random(11)
        tags = [[]] * 90 + [["elderly_alone"]] * 5 + [["low_income"]] * 3 + [["disability"]] * 2
        household_id = 0
        for g in self.grids:
            first_building = (g.id - 1) * per_grid + 1
            for n in range(g.household_count):
                household_id += 1
                b, k = n % per_grid, n // per_grid
                yield (
                    household_id,
                    first_building + b,
                    f"{k // 4 + 1}-{k % 4 + 1:02d}",
                    rng.randint(1, 5),
                    rng.choice(tags),
                    g.id,
                    g.community,
                )

    def staff_rows(self) -> dict[str, list[dict[str, Any]]]:
        assignments = []
        for g in self.grids:
            assignments.append(
                {
                    "id": len(assignments) + 1,
                    "staff": g.worker,
                    "grid": g.id,
                    "kind": "primary",
                    "community": g.community,
                }
            )
        # Every fifth grid also has its neighbour's worker as an assistant (same community).
        for i, g in enumerate(self.grids):
            neighbour = self.grids[i + 1] if i + 1 < len(self.grids) else None
            if i % 5 == 0 and neighbour is not None and neighbour.community == g.community:
                assignments.append(
                    {
                        "id": len(assignments) + 1,
                        "staff": neighbour.worker,
                        "grid": g.id,
                        "kind": "assistant",
                        "community": g.community,
                    }
                )
        leave = []
        for g in self.grids[3::40]:
            start = self.today - dt.timedelta(days=1 + (g.id * 7) % self.scale.days)
            leave.append(
                {
                    "id": len(leave) + 1,
                    "staff": g.worker,
                    "starts_on": start,
                    "ends_on": start + dt.timedelta(days=4),
                    "reason": "年休假",
                }
            )
        self.leave = {row["staff"]: (row["starts_on"], row["ends_on"]) for row in leave}
        return {"staff_member": self.staff, "grid_assignment": assignments, "leave": leave}

    def first_day(self) -> dt.date:
        return self.today - dt.timedelta(days=self.scale.days)

    def rest_days(self) -> list[dict[str, Any]]:
        days = []
        for year in {self.first_day().year, self.today.year}:
            for n in range(7):
                day = dt.date(year, 10, 1) + dt.timedelta(days=n)
                if self.first_day() <= day < self.today:
                    days.append({"id": len(days) + 1, "day": day, "name": "国庆节"})
        return days

    def check_in_rows(self) -> Iterator[tuple[Any, ...]]:
        """(id, staff, grid, community, at, local_date, latitude, longitude, inside_grid,
        counted, note, photo): each worker in their primary grid on most days of the year."""
        rng = random.Random(13)
        days = [self.first_day() + dt.timedelta(days=n) for n in range(self.scale.days)]
        midnight = [dt.datetime.combine(day, dt.time(0), self.tz) for day in days]
        offsets = [dt.timedelta(hours=8, seconds=15 * k) for k in range(600)]  # 08:00–10:30
        later = dt.timedelta(hours=3)
        rest = {row["day"] for row in self.rest_days()}
        check_in_id = 0
        for g in self.grids:
            west, south, east, north = g.bounds
            dx, dy = (east - west) * 0.8, (north - south) * 0.8
            leave = self.leave.get(g.worker)
            for i, day in enumerate(days):
                if day in rest or (leave and leave[0] <= day <= leave[1]):
                    continue
                roll = rng.random()
                if roll < 0.06:
                    continue  # forgot
                at = midnight[i] + offsets[rng.randrange(600)]
                if roll < 0.10:  # outside the grid: kept as evidence, not counted
                    check_in_id += 1
                    yield (
                        check_in_id,
                        g.worker,
                        g.id,
                        g.community,
                        at,
                        day,
                        north + 0.001,
                        east + 0.001,
                        False,
                        False,
                        "外出办事",
                        "",
                    )
                    continue
                lon = west + (east - west) * 0.1 + dx * rng.random()
                lat = south + (north - south) * 0.1 + dy * rng.random()
                check_in_id += 1
                yield (
                    check_in_id,
                    g.worker,
                    g.id,
                    g.community,
                    at,
                    day,
                    lat,
                    lon,
                    True,
                    True,
                    "",
                    "",
                )
                if roll > 0.98:  # a second one the same day: inside, not counted again
                    check_in_id += 1
                    yield (
                        check_in_id,
                        g.worker,
                        g.id,
                        g.community,
                        at + later,
                        day,
                        lat,
                        lon,
                        True,
                        False,
                        "",
                        "",
                    )

    def work_rows(self) -> dict[str, list[dict[str, Any]]]:
        rng = random.Random(17)
        departments = [
            {"id": i + 1, "name": name, "line": line}
            for i, (name, line) in enumerate(catalogue.DEPARTMENTS)
        ]
        decided = dt.datetime.combine(
            self.first_day() - dt.timedelta(days=10), dt.time(10), self.tz
        )
        entries, approved = [], {}
        for street in self.streets:
            for name, dep, category, basis, status in catalogue.ACCESS_ITEMS:
                entry_id = len(entries) + 1
                entries.append(
                    {
                        "id": entry_id,
                        "street": street["id"],
                        "name": name,
                        "department": dep + 1,
                        "category": category,
                        "legal_basis": basis,
                        "status": status,
                        "decided_by": None
                        if status == "proposed"
                        else self.street_official_user[street["id"]],
                        "decided_at": None if status == "proposed" else decided,
                        "decision_reason": "",
                        "valid_from": self.first_day() - dt.timedelta(days=10),
                        "valid_to": self.today + dt.timedelta(days=365),
                        "created_at": decided,
                    }
                )
                if status == "approved":
                    approved.setdefault(street["id"], []).append((entry_id, name))
        path = ["reported", "accepted", "dispatched", "handled", "verified", "closed"]
        items, events = [], []
        now = dt.datetime.combine(self.today, dt.time(0), self.tz)
        for n in range(self.scale.work_items):
            g = self.grids[rng.randrange(len(self.grids))]
            entry_id, name = rng.choice(approved[g.street])
            created = dt.datetime.combine(
                self.first_day() + dt.timedelta(days=rng.randrange(self.scale.days)),
                dt.time(8),
                self.tz,
            ) + dt.timedelta(minutes=rng.randrange(600))
            due = created + dt.timedelta(days=rng.choice([3, 7, 15]))
            if n % 13 == 0:
                steps = ["reported", "rejected"]
            else:
                steps = path[: (6 if due < now and rng.random() < 0.8 else rng.randint(1, 6))]
            times = [created + dt.timedelta(hours=20 * k) for k in range(len(steps))]
            if steps[-1] == "closed" and rng.random() < 0.15:
                times[-1] = due + dt.timedelta(days=1)  # closed late
            status = steps[-1]
            closed_at = times[-1] if status == "closed" else None
            if closed_at is not None and closed_at > now:
                closed_at = now
            open_item = status not in ("closed", "rejected")
            items.append(
                {
                    "id": n + 1,
                    "access_entry": entry_id,
                    "community": g.community,
                    "grid": g.id,
                    "title": f"{name}（{g.code}）",
                    "description": catalogue.WORK_TEXTS[n % 5],
                    "source": "department",
                    "status": status,
                    "assignee": g.worker if "dispatched" in steps else None,
                    "due_at": due,
                    "overdue": open_item and due < now,
                    "created_at": created,
                    "closed_at": closed_at,
                }
            )
            actor = self.community_admin_user[g.community]
            for k, step in enumerate(steps):
                events.append(
                    {
                        "id": len(events) + 1,
                        "work_item": n + 1,
                        "from_status": steps[k - 1] if k else None,
                        "to_status": step,
                        "actor": actor,
                        "note": "",
                        "at": min(times[k], now),
                    }
                )
        return {
            "department": departments,
            "access_list_entry": entries,
            "work_item": items,
            "work_item_event": events,
        }

    def supervision_rows(self) -> list[dict[str, Any]]:
        rng = random.Random(19)
        kinds = list(catalogue.SUPERVISION_TEXTS)
        stages = ["received", "handling", "answered", "closed"]
        now = dt.datetime.combine(self.today, dt.time(0), self.tz)
        rows = []
        for n in range(self.scale.supervision_records):
            g = self.grids[rng.randrange(len(self.grids))]
            kind = kinds[n % 4]
            subject, content = catalogue.SUPERVISION_TEXTS[kind]
            created = dt.datetime.combine(
                self.first_day() + dt.timedelta(days=rng.randrange(self.scale.days)),
                dt.time(8),
                self.tz,
            ) + dt.timedelta(minutes=rng.randrange(720))
            status = (
                stages[rng.randrange(4)] if created < now - dt.timedelta(days=20) else "received"
            )
            answered = status in ("answered", "closed")
            answered_at = created + dt.timedelta(hours=rng.randint(4, 480)) if answered else None
            anonymous = n % 3 == 0
            due = created + dt.timedelta(days=15)
            rows.append(
                {
                    "id": n + 1,
                    "kind": kind,
                    "subject": subject,
                    "community": g.community,
                    "grid": g.id,
                    "raised_by_name": "" if anonymous else f"居民{n}",
                    "raised_by_contact": "" if anonymous else f"138{n:08d}",
                    "anonymous": anonymous,
                    "content": content,
                    "status": status,
                    "answer": "已转交相关部门核实处理。" if answered else "",
                    "answered_by": self.community_admin_user[g.community] if answered else None,
                    "answered_at": answered_at,
                    "public": answered and n % 2 == 0,
                    "due_at": due,
                    "overdue": not answered and due < now,
                    "evidence": "",
                    "created_at": created,
                }
            )
        return rows

    def assessment_rows(self) -> dict[str, list[dict[str, Any]]]:
        rng = random.Random(23)
        indicators = [
            {
                "id": i + 1,
                "name": name,
                "weight": weight,
                "kind": kind,
                "metric": metric,
                "max_score": 100.0,
            }
            for i, (name, weight, kind, metric) in enumerate(catalogue.INDICATORS)
        ]
        scored = [row["id"] for row in indicators if row["kind"] == "scored"]
        months, first = [], self.first_day().replace(day=1)
        while first < self.today.replace(day=1):
            following = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
            months.append((first, following - dt.timedelta(days=1)))
            first = following
        assessments, scores = [], []
        for community in self.communities:
            street = community["street"]
            for start, end in months[-12:]:
                created = dt.datetime.combine(end, dt.time(16), self.tz)
                for evaluator_kind, evaluator, target_kind, target, direction, by in (
                    (
                        "street",
                        street,
                        "community",
                        community["id"],
                        "top_down",
                        self.street_official_user[street],
                    ),
                    (
                        "community",
                        community["id"],
                        "street",
                        street,
                        "bottom_up",
                        self.community_admin_user[community["id"]],
                    ),
                ):
                    assessment_id = len(assessments) + 1
                    assessments.append(
                        {
                            "id": assessment_id,
                            "evaluator_kind": evaluator_kind,
                            "evaluator_id": evaluator,
                            "target_kind": target_kind,
                            "target_id": target,
                            "direction": direction,
                            "street": street,
                            "period_start": start,
                            "period_end": end,
                            "comment": "",
                            "created_by": by,
                            "created_at": created,
                        }
                    )
                    for indicator in scored:
                        scores.append(
                            {
                                "id": len(scores) + 1,
                                "assessment": assessment_id,
                                "indicator": indicator,
                                "score": round(rng.uniform(70, 98), 1),
                            }
                        )
        grades = [
            {"id": 1, "street": None, "grade": "一档", "min_score": 90.0, "note": ""},
            {"id": 2, "street": None, "grade": "二档", "min_score": 80.0, "note": ""},
            {"id": 3, "street": None, "grade": "三档", "min_score": 60.0, "note": ""},
        ]
        return {
            "indicator": indicators,
            "assessment": assessments,
            "assessment_score": scores,
            "subsidy_grade": grades,
        }


# ---------------------------------------------------------------- loading

HOUSEHOLD_COLUMNS = ("id", "building", "room", "member_count", "care_tags", "grid", "community")
CHECK_IN_COLUMNS = (
    "id",
    "staff",
    "grid",
    "community",
    "at",
    "local_date",
    "latitude",
    "longitude",
    "inside_grid",
    "counted",
    "note",
    "photo",
)
# Loaded in this order (foreign keys point backwards).
SEQUENCED_TABLES = (
    "district",
    "street",
    "community",
    "responsibility_grid",
    "building",
    "household",
    "piccolo_user",
    "staff_member",
    "grid_assignment",
    "leave",
    "rest_day",
    "department",
    "access_list_entry",
    "work_item",
    "work_item_event",
    "supervision_record",
    "indicator",
    "assessment",
    "assessment_score",
    "subsidy_grade",
    "check_in",
)


def batches(rows: Iterator[tuple[Any, ...]], size: int = BATCH) -> Iterator[list[tuple[Any, ...]]]:
    batch: list[tuple[Any, ...]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


async def copy_dicts(
    conn: asyncpg.Connection, table: str, rows: Sequence[dict[str, Any]], progress: Progress
) -> None:
    if not rows:
        return
    columns = list(rows[0])
    for start in range(0, len(rows), BATCH):
        chunk = rows[start : start + BATCH]
        await conn.copy_records_to_table(
            table, records=[tuple(r[c] for c in columns) for r in chunk], columns=columns
        )
        progress(table, len(chunk), len(rows))


async def copy_tuples(
    conn: asyncpg.Connection,
    table: str,
    columns: Sequence[str],
    rows: Iterator[tuple[Any, ...]],
    expected: int,
    progress: Progress,
) -> None:
    done = 0
    for batch in batches(rows):
        await conn.copy_records_to_table(table, records=batch, columns=list(columns))
        done += len(batch)
        progress(table, len(batch), max(expected, done))
    progress(table, 0, done)  # the exact total, now that it is known


@asynccontextmanager
async def indexes_deferred(conn: asyncpg.Connection, table: str) -> AsyncIterator[None]:
    """Drop the table's plain indexes, run the block, recreate them from their definitions."""
    rows = await conn.fetch(
        """SELECT i.indexname, i.indexdef FROM pg_indexes i
           WHERE i.schemaname = 'public' AND i.tablename = $1
             AND NOT EXISTS (SELECT 1 FROM pg_constraint c
                             WHERE c.conname = i.indexname AND c.conrelid = $1::regclass)""",
        table,
    )
    for row in rows:
        await conn.execute(f'DROP INDEX "{row["indexname"]}"')
    yield
    for row in rows:
        await conn.execute(row["indexdef"])


async def loaded_scale(conn: asyncpg.Connection) -> dict[str, Any] | None:
    """The parameters of the scale this database holds completely, if any."""
    exists = await conn.fetchval("SELECT to_regclass($1) IS NOT NULL", MARKER_TABLE)
    if not exists:
        return None
    row = await conn.fetchrow(f"SELECT params, today FROM {MARKER_TABLE} WHERE complete")
    if row is None:
        return None
    return {"params": json.loads(row["params"]), "today": row["today"]}


async def load_city(
    conn: asyncpg.Connection, city: City, progress: Progress, mark: bool = True
) -> None:
    """COPY the whole city into an empty, migrated database and mark it complete."""
    from piccolo.apps.user.tables import BaseUser

    city.password_hash = BaseUser.hash_password(PASSWORD)
    await conn.execute("SET session_replication_role = replica")
    await conn.execute("SET synchronous_commit = off")
    await conn.execute("SET maintenance_work_mem = '256MB'")
    for table, rows in city.area_rows().items():
        await copy_dicts(conn, table, rows, progress)
    scale = city.scale
    await copy_dicts(conn, "building", list(city.building_rows()), progress)
    async with indexes_deferred(conn, "household"):
        await copy_tuples(
            conn, "household", HOUSEHOLD_COLUMNS, city.household_rows(), scale.households, progress
        )
    await copy_dicts(conn, "piccolo_user", list(city.user_rows()), progress)
    for table, rows in city.staff_rows().items():
        await copy_dicts(conn, table, rows, progress)
    await copy_dicts(conn, "rest_day", city.rest_days(), progress)
    for table, rows in city.work_rows().items():
        await copy_dicts(conn, table, rows, progress)
    await copy_dicts(conn, "supervision_record", city.supervision_rows(), progress)
    for table, rows in city.assessment_rows().items():
        await copy_dicts(conn, table, rows, progress)
    async with indexes_deferred(conn, "check_in"):
        await copy_tuples(
            conn,
            "check_in",
            CHECK_IN_COLUMNS,
            city.check_in_rows(),
            scale.workers * scale.days,
            progress,
        )
    for table in SEQUENCED_TABLES:
        await conn.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
            f' GREATEST((SELECT max(id) FROM "{table}"), 1))'
        )
    await conn.execute("RESET session_replication_role")
    progress("vacuum analyze", 0, 1)
    await conn.execute("VACUUM ANALYZE")
    progress("vacuum analyze", 1, 1)
    if mark:
        await mark_complete(conn, city)


async def mark_complete(conn: asyncpg.Connection, city: City) -> None:
    """Record that this database holds the whole city at this scale (checked for reuse)."""
    await conn.execute(
        f"CREATE TABLE IF NOT EXISTS {MARKER_TABLE} (params text NOT NULL, today date NOT NULL,"
        " complete boolean NOT NULL DEFAULT false, loaded_at timestamptz DEFAULT now())"
    )
    await conn.execute(f"DELETE FROM {MARKER_TABLE}")
    await conn.execute(
        f"INSERT INTO {MARKER_TABLE} (params, today, complete) VALUES ($1, $2, true)",
        json.dumps(city.scale.params(), sort_keys=True),
        city.today,
    )
