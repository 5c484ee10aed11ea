"""The world the permission test runs in: two streets, three communities, every kind of row.

Street A has communities A1 and A2, street B has B1 (tests.factories.area_tree). Every table
gets rows at the same places — in A1 (one owned by the grid worker who is a principal, one
by a colleague), in A2, in B1, at street level (A, B) or at district level — so that every
reach of app.permissions is told apart from its neighbours.

Rows are written as the owner (no row-level security) with `insert_row`; each `seed` makes a
fresh row, so writes can be tried on rows nobody else touched.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from app.api.tokens import ApiTokenCreate, create_token
from app.crud import insert_row
from app.permissions import Reach
from app.scope import Level, Scope
from tables.areas import Community, District, ResponsibilityGrid, Street
from tables.assessment import Assessment, AssessmentScore, EvaluationRollup
from tables.daily import CheckIn, DiaryEntry
from tables.jobs import JobSchedule, RestDay, SubsidyGrade, WebhookDelivery, WebhookEndpoint
from tables.notices import PublicNotice
from tables.open311 import ServiceRequest
from tables.people import GridAssignment, Leave, StaffMember
from tables.places import Building, Facility, Household, Organisation, Resident
from tables.supervision import SupervisionRecord
from tables.system import AuditLog, Reminder
from tables.tokens import TokenScope
from tables.work import AccessRefusal, WorkItem, WorkItemEvent
from tests.factories import (
    Tree,
    area_tree,
    make_access_entry,
    make_department,
    make_indicator,
    make_staff,
    make_user,
)
from tests.security import (
    world_field,
    world_party,
    world_residents,
    world_statistics,
    world_worktime,
)

Row = dict[str, Any]
counter = itertools.count(1)


@dataclass(frozen=True)
class Place:
    """Where a row belongs: its street, community and, for personal rows, whose it is."""

    street: str | None = None  # "A" or "B"; None: district level
    community: str | None = None  # "A1", "A2" or "B1"; None: street or district level
    owner: str | None = None  # staff key of the person whose own row it is
    user: str | None = None  # login key (piccolo_user rows)

    def __str__(self) -> str:
        where = self.community or self.street or "district"
        return f"{where}/{self.owner or self.user}" if self.owner or self.user else where


@dataclass(frozen=True)
class Principal:
    """Someone who asks: a login (admin and API) or an API token (API only)."""

    name: str
    level: Level
    street: str | None = None
    community: str | None = None
    staff: str | None = None
    user: str | None = None
    token: bool = False
    read_only: bool = False

    def covers(self, reach: Reach, place: Place) -> bool:
        """Whether `reach` of this principal includes a row at `place`."""
        if reach is Reach.all:
            return True
        if reach is Reach.street:
            return place.street is not None and place.street == self.street
        if reach is Reach.street_communities:
            return place.community is not None and place.street == self.street
        if reach is Reach.community:
            return place.community is not None and place.community == self.community
        if reach is Reach.community_and_street:
            return (place.community is not None and place.community == self.community) or (
                place.community is None and place.street is not None and place.street == self.street
            )
        if reach is Reach.street_and_district:
            return place.community is None and place.street in (None, self.street)
        if reach is Reach.own:
            return (place.owner is not None and place.owner == self.staff) or (
                place.user is not None and place.user == self.user
            )
        return False


PRINCIPALS = [
    Principal("superuser", Level.district, user="root"),
    Principal("street official A", Level.street, "A", staff="jd_A", user="jd_A"),
    Principal("community admin A1", Level.community, "A", "A1", staff="sq_A1", user="sq_A1"),
    Principal("grid worker A1-1", Level.grid, "A", "A1", staff="wg_A1", user="wg_A1"),
    Principal("login without staff", Level.none, user="nobody"),
    Principal("street token A", Level.street, "A", token=True),
    Principal("community token A1", Level.community, "A", "A1", token=True),
    Principal("read-only token A1", Level.community, "A", "A1", token=True, read_only=True),
]

# Staff of the world: key → (role, street, community, grid key)
STAFF = {
    "jd_A": ("street_official", "A", None, None),
    "jd_B": ("street_official", "B", None, None),
    "sq_A1": ("community_admin", "A", "A1", None),
    "sq_A2": ("community_admin", "A", "A2", None),
    "sq_B1": ("community_admin", "B", "B1", None),
    "wg_A1": ("community_worker", "A", "A1", "A1-1"),
    "wg_A1b": ("community_worker", "A", "A1", "A1-2"),
    "wg_A2": ("community_worker", "A", "A2", "A2-1"),
    "wg_B1": ("community_worker", "B", "B1", "B1-1"),
}

# The places rows are seeded at, by kind of table.
IN_COMMUNITIES = [
    Place("A", "A1", owner="wg_A1"),
    Place("A", "A1", owner="wg_A1b"),
    Place("A", "A2", owner="wg_A2"),
    Place("B", "B1", owner="wg_B1"),
]
AT_STREETS = [Place("A"), Place("B")]
AT_DISTRICT = [Place()]
OF_STAFF = [
    Place(STAFF[key][1], STAFF[key][2], owner=key)
    for key in ("jd_A", "jd_B", "sq_A1", "wg_A1", "wg_A1b", "wg_A2", "wg_B1")
]


@dataclass
class World:
    tree: Tree
    staff: dict[str, Row] = field(default_factory=dict)
    users: dict[str, int] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    department: Row = field(default_factory=dict)
    entries: dict[str, Row] = field(default_factory=dict)  # street → approved entry
    indicator: Row = field(default_factory=dict)
    endpoint: Row = field(default_factory=dict)

    # ------------------------------------------------------------------ lookups

    def street(self, key: str) -> Row:
        return self.tree.streets[key]

    def community(self, key: str) -> Row:
        return self.tree.communities[key]

    def grid_of(self, place: Place) -> Row:
        """The owner's grid, else the community's first grid."""
        if place.owner and STAFF[place.owner][3]:
            return self.tree.grids[str(STAFF[place.owner][3])]
        assert place.community, place
        return self.tree.grids[f"{place.community}-1"]

    def staff_at(self, place: Place) -> Row:
        assert place.owner, place
        return self.staff[place.owner]

    def principal_staff(self, principal: Principal) -> Row | None:
        return self.staff.get(principal.staff or "")

    def street_key(self, place: Place) -> str:
        """A street of the tree for seeding at `place` (unknown streets seed into A)."""
        return place.street if place.street in self.tree.streets else "A"


# ---------------------------------------------------------------------- building the world


async def build_world() -> World:
    tree = await area_tree()
    w = World(tree=tree)
    root = await make_user("root", superuser=True)
    w.users["root"] = root["id"]
    w.users["nobody"] = (await make_user("nobody"))["id"]
    for key, (role, street, community, grid) in STAFF.items():
        w.staff[key] = await make_staff(
            key,
            role=role,
            street=tree.streets[street] if role == "street_official" else None,
            community=tree.communities[community] if community else None,
            grids=[tree.grids[grid]] if grid else None,
        )
        w.users[key] = w.staff[key]["user"]
    # As the people services store them: every staff member carries their street.
    await StaffMember.raw(
        "UPDATE staff_member s SET street = c.street FROM community c WHERE c.id = s.community"
    ).run()
    w.department = await make_department()
    for street in ("A", "B"):
        w.entries[street] = await make_access_entry(tree.streets[street], w.department)
    w.indicator = await make_indicator("服务态度")
    w.endpoint = await insert_row(
        WebhookEndpoint, {"name": "短信网关", "url": "http://127.0.0.1:9/hook", "secret": "s" * 32}
    )
    creator = Scope(user_id=root["id"], level=Level.district)
    for name, street, community, can_write in (
        ("street token A", "A", None, True),
        ("community token A1", "A", "A1", True),
        ("read-only token A1", "A", "A1", False),
    ):
        created = await create_token(
            ApiTokenCreate(
                name=name,
                scope=TokenScope.community if community else TokenScope.street,
                street=tree.streets[street]["id"],
                community=tree.communities[community]["id"] if community else None,
                can_write=can_write,
            ),
            creator,
        )
        w.tokens[name] = str(created["token"])
    for table, places in SEED_PLACES.items():
        for place in places:
            await SEEDERS[table](w, place)
    return w


# ---------------------------------------------------------------------- seeders (fresh rows)


def n() -> int:
    return next(counter)


async def seed_district(w: World, place: Place) -> int:
    return int((await insert_row(District, {"code": f"{341000 + n()}", "name": "新区"}))["id"])


async def seed_street(w: World, place: Place) -> int:
    code = w.tree.district["code"] + f"{100 + n() % 800:03d}"
    row = await insert_row(
        Street, {"code": code, "name": "新街道", "district": w.tree.district["id"]}
    )
    return int(row["id"])


async def seed_community(w: World, place: Place) -> int:
    street = w.street(str(place.street))
    code = street["code"] + f"{100 + n() % 800:03d}"
    row = await insert_row(Community, {"code": code, "name": "新社区", "street": street["id"]})
    return int(row["id"])


async def seed_grid(w: World, place: Place) -> int:
    community = w.community(str(place.community))
    row = await insert_row(
        ResponsibilityGrid,
        {
            "code": community["code"] + f"{100 + n() % 800:03d}",
            "name": "新网格",
            "community": community["id"],
            "household_count": 300,
        },
    )
    return int(row["id"])


def point_in(grid: Row) -> dict[str, float]:
    return {"longitude": grid["min_lon"] + 0.001, "latitude": grid["min_lat"] + 0.001}


async def seed_building(w: World, place: Place) -> int:
    grid = w.grid_of(place)
    row = await insert_row(
        Building,
        {
            "code": f"{grid['code']}-{n()}",
            "address": "幸福路1号",
            **point_in(grid),
            "grid": grid["id"],
            "community": grid["community"],
        },
    )
    return int(row["id"])


async def seed_facility(w: World, place: Place) -> int:
    grid = w.grid_of(place)
    row = await insert_row(
        Facility,
        {
            "name": f"设施{n()}",
            "kind": "park",
            **point_in(grid),
            "grid": grid["id"],
            "community": grid["community"],
        },
    )
    return int(row["id"])


async def seed_organisation(w: World, place: Place) -> int:
    grid = w.grid_of(place)
    row = await insert_row(
        Organisation,
        {
            "name": f"单位{n()}",
            "kind": "market",
            "grid": grid["id"],
            "community": grid["community"],
        },
    )
    return int(row["id"])


async def seed_household(w: World, place: Place) -> int:
    grid = w.grid_of(place)
    building = await seed_building(w, place)
    row = await insert_row(
        Household,
        {
            "building": building,
            "room": f"{n()}",
            "grid": grid["id"],
            "community": grid["community"],
        },
    )
    return int(row["id"])


async def seed_resident(w: World, place: Place) -> int:
    household = await seed_household(w, place)
    row = await insert_row(
        Resident,
        {
            "household": household,
            "name": "居民",
            "phone": "13800138000",
            "community": w.community(str(place.community))["id"],
        },
    )
    return int(row["id"])


async def colleague(w: World, key: str, community: str) -> Row:
    """A community worker as the people services store one (with their street)."""
    staff = await make_staff(key, community=w.community(community))
    await StaffMember.raw(
        "UPDATE staff_member SET street = {} WHERE id = {}",
        w.community(community)["street"],
        staff["id"],
    ).run()
    return staff


async def seed_staff(w: World, place: Place) -> int:
    key = f"staff{n()}"
    if place.community is None:
        staff = await make_staff(key, role="street_official", street=w.street(str(place.street)))
    else:
        staff = await colleague(w, key, place.community)
    return int(staff["id"])


async def seed_assignment(w: World, place: Place) -> int:
    grid = w.grid_of(place)
    staff = await colleague(w, f"staff{n()}", str(place.community))
    row = await insert_row(
        GridAssignment,
        {
            "staff": staff["id"],
            "grid": grid["id"],
            "kind": "assistant",
            "community": grid["community"],
        },
    )
    return int(row["id"])


async def seed_leave(w: World, place: Place) -> int:
    starts = dt.date(2030, 1, 1) + dt.timedelta(days=3 * n())
    row = await insert_row(
        Leave,
        {
            "staff": w.staff_at(place)["id"],
            "starts_on": starts,
            "ends_on": starts,
            "reason": "病假",
        },
    )
    return int(row["id"])


async def seed_user(w: World, place: Place) -> int:
    return int((await make_user(f"login{n()}"))["id"])


async def seed_department(w: World, place: Place) -> int:
    return int((await make_department(name=f"部门{n()}"))["id"])


async def seed_access_entry(w: World, place: Place) -> int:
    row = await make_access_entry(
        w.street(w.street_key(place)), w.department, status="proposed", name=f"事项{n()}"
    )
    return int(row["id"])


async def seed_refusal(w: World, place: Place) -> int:
    row = await insert_row(
        AccessRefusal,
        {
            "street": w.street(str(place.street))["id"],
            "community": w.community(place.community)["id"] if place.community else None,
            "department": w.department["id"],
            "pushed_title": f"未准入事项{n()}",
            "reason": "不在准入清单",
        },
    )
    return int(row["id"])


async def seed_work_item(w: World, place: Place) -> int:
    grid = w.grid_of(place)
    row = await insert_row(
        WorkItem,
        {
            "access_entry": w.entries[str(place.street)]["id"],
            "community": grid["community"],
            "grid": grid["id"],
            "title": f"事项{n()}",
            # From dispatch on an item needs its assignee (app.work.items.STAFFED_STATUSES).
            "status": "dispatched" if place.owner else "accepted",
            "assignee": w.staff_at(place)["id"] if place.owner else None,
        },
    )
    return int(row["id"])


async def seed_work_item_event(w: World, place: Place) -> int:
    work_item = await seed_work_item(w, place)
    row = await insert_row(
        WorkItemEvent, {"work_item": work_item, "from_status": None, "to_status": "reported"}
    )
    return int(row["id"])


async def seed_check_in(w: World, place: Place) -> int:
    grid = w.grid_of(place)
    at = dt.datetime(2026, 1, 1, tzinfo=dt.UTC) + dt.timedelta(hours=n())
    row = await insert_row(
        CheckIn,
        {
            "staff": w.staff_at(place)["id"],
            "grid": grid["id"],
            "community": grid["community"],
            "at": at,
            "local_date": at.date(),
            **point_in(grid),
            "inside_grid": True,
            "counted": False,
        },
    )
    return int(row["id"])


async def seed_diary(w: World, place: Place) -> int:
    grid = w.grid_of(place)
    row = await insert_row(
        DiaryEntry,
        {
            "staff": w.staff_at(place)["id"],
            "grid": grid["id"],
            "community": grid["community"],
            "content": "走访",
        },
    )
    return int(row["id"])


async def seed_indicator(w: World, place: Place) -> int:
    return int((await make_indicator(f"指标{n()}"))["id"])


async def seed_assessment(w: World, place: Place) -> int:
    street = w.street(str(place.street))
    start = dt.date(2026, 1, 1) + dt.timedelta(days=n())
    row = await insert_row(
        Assessment,
        {
            "evaluator_kind": "street",
            "evaluator_id": street["id"],
            "target_kind": "community",
            "target_id": w.community("A1" if place.street == "A" else "B1")["id"],
            "direction": "top_down",
            "street": street["id"],
            "period_start": start,
            "period_end": start,
        },
    )
    return int(row["id"])


async def seed_score(w: World, place: Place) -> int:
    assessment = await seed_assessment(w, place)
    row = await insert_row(
        AssessmentScore, {"assessment": assessment, "indicator": w.indicator["id"], "score": 80}
    )
    return int(row["id"])


async def seed_rollup(w: World, place: Place) -> int:
    row = await insert_row(
        EvaluationRollup,
        {
            "target_kind": "staff",
            "target_id": w.staff["wg_A1"]["id"],
            "period_kind": "day",
            "period_start": dt.date(2026, 1, 1) + dt.timedelta(days=n()),
            "sample_size": 1,
            "subsidy_grade": "一档",
        },
    )
    return int(row["id"])


async def seed_supervision(w: World, place: Place) -> int:
    grid = w.grid_of(place)
    row = await insert_row(
        SupervisionRecord,
        {
            "kind": "government_work",
            "subject": "社区服务站",
            "community": grid["community"],
            "grid": grid["id"],
            "raised_by_name": "李四",
            "content": f"办事窗口午休无人{n()}",
        },
    )
    return int(row["id"])


async def seed_notice(w: World, place: Place) -> int:
    row = await insert_row(
        PublicNotice,
        {
            "community": w.community(str(place.community))["id"],
            "title": f"公告{n()}",
            "published_at": dt.datetime.now(dt.UTC),
        },
    )
    return int(row["id"])


async def seed_service_request(w: World, place: Place) -> int:
    supervision = await seed_supervision(w, place)
    row = await insert_row(
        ServiceRequest,
        {
            "street": w.street(str(place.street))["id"],
            "community": w.community(str(place.community))["id"],
            "supervision_record": supervision,
            "service_code": "supervision.government_work",
            "raised_by_name": "王五",
        },
    )
    return int(row["id"])


async def seed_reminder(w: World, place: Place) -> int:
    row = await insert_row(
        Reminder,
        {
            "staff": w.staff_at(place)["id"],
            "date": dt.date(2026, 1, 1),
            "slot": f"check-in@{n()}",
            "message": "今天还没有签到",
        },
    )
    return int(row["id"])


async def seed_audit(w: World, place: Place) -> int:
    row = await insert_row(AuditLog, {"table_name": "district", "action": "INSERT"})
    return int(row["id"])


async def seed_schedule(w: World, place: Place) -> int:
    row = await insert_row(
        JobSchedule,
        {
            "job": "check_in_reminder",
            "street": w.street(place.street)["id"] if place.street else None,
            "at_time": dt.time(8, n() % 60),
            "note": "",
        },
    )
    return int(row["id"])


async def seed_rest_day(w: World, place: Place) -> int:
    day = dt.date(2031, 1, 1) + dt.timedelta(days=n())
    return int((await insert_row(RestDay, {"day": day, "name": "假日"}))["id"])


async def seed_subsidy_grade(w: World, place: Place) -> int:
    row = await insert_row(
        SubsidyGrade,
        {
            "street": w.street(place.street)["id"] if place.street else None,
            "grade": f"档{n()}",
            "min_score": 60,
        },
    )
    return int(row["id"])


async def seed_endpoint(w: World, place: Place) -> int:
    row = await insert_row(
        WebhookEndpoint, {"name": f"网关{n()}", "url": "http://127.0.0.1:9/", "secret": "s" * 32}
    )
    return int(row["id"])


async def seed_delivery(w: World, place: Place) -> int:
    reminder = await seed_reminder(w, Place("A", "A1", owner="wg_A1"))
    row = await insert_row(
        WebhookDelivery,
        {
            "endpoint": w.endpoint["id"],
            "reminder": reminder,
            "event": "reminder.check_in",
            "payload": "{}",
            "next_attempt_at": dt.datetime.now(dt.UTC),
        },
    )
    return int(row["id"])


async def seed_token(w: World, place: Place) -> int:
    root = Scope(user_id=w.users["root"], level=Level.district)
    created = await create_token(
        ApiTokenCreate(
            name=f"令牌{n()}",
            scope=TokenScope.community if place.community else TokenScope.street,
            street=w.street(str(place.street))["id"],
            community=w.community(place.community)["id"] if place.community else None,
        ),
        root,
    )
    return int(created["id"])


Seeder = Callable[[World, Place], Awaitable[int]]

SEEDERS: dict[str, Seeder] = {
    "district": seed_district,
    "street": seed_street,
    "community": seed_community,
    "responsibility_grid": seed_grid,
    "building": seed_building,
    "facility": seed_facility,
    "organisation": seed_organisation,
    "household": seed_household,
    "resident": seed_resident,
    "staff_member": seed_staff,
    "grid_assignment": seed_assignment,
    "leave": seed_leave,
    "piccolo_user": seed_user,
    "department": seed_department,
    "access_list_entry": seed_access_entry,
    "access_refusal": seed_refusal,
    "work_item": seed_work_item,
    "work_item_event": seed_work_item_event,
    "check_in": seed_check_in,
    "diary_entry": seed_diary,
    "indicator": seed_indicator,
    "assessment": seed_assessment,
    "assessment_score": seed_score,
    "evaluation_rollup": seed_rollup,
    "supervision_record": seed_supervision,
    "public_notice": seed_notice,
    "open311_request": seed_service_request,
    "reminder": seed_reminder,
    "audit_log": seed_audit,
    "job_schedule": seed_schedule,
    "rest_day": seed_rest_day,
    "subsidy_grade": seed_subsidy_grade,
    "webhook_endpoint": seed_endpoint,
    "webhook_delivery": seed_delivery,
    "api_token": seed_token,
}

COMMUNITY_OF_STREET = [Place("A", "A1"), Place("A", "A2"), Place("B", "B1")]
# Where each table gets rows besides those the building itself writes (areas, staff, logins,
# the principals' tokens, the audit trail).
SEED_PLACES: dict[str, list[Place]] = {
    "district": AT_DISTRICT,
    "street": AT_DISTRICT,  # a street of nobody's (A and B are in the tree)
    "community": AT_STREETS,  # a community of nobody's in A and in B
    "responsibility_grid": [],
    "building": COMMUNITY_OF_STREET,
    "facility": COMMUNITY_OF_STREET,
    "organisation": COMMUNITY_OF_STREET,
    "household": COMMUNITY_OF_STREET,
    "resident": COMMUNITY_OF_STREET,
    "staff_member": [],
    "grid_assignment": [],
    "leave": OF_STAFF,
    "piccolo_user": [],
    "department": [],
    "access_list_entry": AT_STREETS,
    "access_refusal": [*COMMUNITY_OF_STREET, *AT_STREETS],
    "work_item": IN_COMMUNITIES,
    "work_item_event": IN_COMMUNITIES,
    "check_in": IN_COMMUNITIES,
    "diary_entry": IN_COMMUNITIES,
    "indicator": [],
    "assessment": AT_STREETS,
    "assessment_score": AT_STREETS,
    "evaluation_rollup": AT_DISTRICT,
    "supervision_record": COMMUNITY_OF_STREET,
    "public_notice": COMMUNITY_OF_STREET,
    "open311_request": COMMUNITY_OF_STREET,
    "reminder": OF_STAFF,
    "audit_log": [],
    "job_schedule": [*AT_DISTRICT, *AT_STREETS],
    "rest_day": AT_DISTRICT,
    "subsidy_grade": [*AT_DISTRICT, *AT_STREETS],
    "webhook_endpoint": [],
    "webhook_delivery": AT_DISTRICT,
    "api_token": [Place("B"), Place("B", "B1")],
}


# 党建 and 志愿服务 (tests/security/world_party.py), 时限 (world_worktime.py), 网格通
# (world_field.py) and 一表通 (world_statistics.py)
for module in (world_party, world_worktime, world_field, world_statistics, world_residents):
    SEEDERS.update(module.SEEDERS)
    SEED_PLACES.update(module.seed_places())


# ---------------------------------------------------------------------- where rows are


async def _rows(sql: str) -> list[Row]:
    return list(await District.raw(sql).run())


async def places_of(w: World, table: str) -> dict[int, Place]:
    """Every row of `table` (read as the owner) and its place, derived from its columns."""
    streets = {row["id"]: key for key, row in w.tree.streets.items()}
    communities = {row["id"]: key for key, row in w.tree.communities.items()}
    staff_keys = {row["id"]: key for key, row in w.staff.items()}
    logins = {user_id: key for key, user_id in w.users.items()}
    street_of_community = {
        r["id"]: r["street"] for r in await _rows("SELECT id, street FROM community")
    }

    def place(
        street: int | None,
        community: int | None,
        staff: int | None = None,
        user: int | None = None,
    ) -> Place:
        if street is None and community is not None:
            street = street_of_community[community]
        return Place(
            None if street is None else streets.get(street, f"street#{street}"),
            None if community is None else communities.get(community, f"community#{community}"),
            owner=None if staff is None else staff_keys.get(staff, f"staff#{staff}"),
            user=None if user is None else logins.get(user, f"login#{user}"),
        )

    joins = {
        "district": "SELECT id, NULL AS street, NULL AS community FROM district",
        "street": "SELECT id, id AS street, NULL AS community FROM street",
        "community": "SELECT id, street, id AS community FROM community",
        "staff_member": "SELECT id, street, community, id AS staff FROM staff_member",
        "leave": "SELECT l.id, s.street, s.community, s.id AS staff"
        " FROM leave l JOIN staff_member s ON s.id = l.staff",
        "reminder": "SELECT r.id, s.street, s.community, s.id AS staff"
        " FROM reminder r JOIN staff_member s ON s.id = r.staff",
        "piccolo_user": 'SELECT u.id, s.street, s.community, s.id AS staff, u.id AS "user"'
        ' FROM piccolo_user u LEFT JOIN staff_member s ON s."user" = u.id',
        "work_item": "SELECT id, NULL AS street, community, assignee AS staff FROM work_item",
        "work_item_event": "SELECT e.id, NULL AS street, w.community, w.assignee AS staff"
        " FROM work_item_event e JOIN work_item w ON w.id = e.work_item",
        "check_in": "SELECT id, NULL AS street, community, staff FROM check_in",
        "diary_entry": "SELECT id, NULL AS street, community, staff FROM diary_entry",
        "assessment_score": "SELECT sc.id, a.street, NULL AS community"
        " FROM assessment_score sc JOIN assessment a ON a.id = sc.assessment",
        "grid_assignment": "SELECT id, NULL AS street, community, staff FROM grid_assignment",
        **world_party.JOINS,
        **world_worktime.JOINS,
        **world_field.JOINS,
        **world_statistics.JOINS,
        **world_residents.JOINS,
    }
    columns = {
        r["column_name"]
        for r in await _rows(
            "SELECT column_name FROM information_schema.columns"
            f" WHERE table_schema = 'public' AND table_name = '{table}'"
        )
    }
    sql = joins.get(table) or (
        "SELECT id"
        + (", street" if "street" in columns else ", NULL AS street")
        + (", community" if "community" in columns else ", NULL AS community")
        + f' FROM "{table}"'
    )
    rows = await _rows(sql)
    return {
        int(r["id"]): place(r["street"], r["community"], r.get("staff"), r.get("user"))
        for r in rows
    }
