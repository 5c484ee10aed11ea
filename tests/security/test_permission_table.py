"""Every cell of app.permissions, through the admin's table API and /api/v1: no leak.

For each resource (table) and action the test asks as every principal — superuser, street
official, community admin, grid worker, a login without a staff record, and street,
community and read-only community API tokens — against rows in two streets and three
communities, and compares what happened in the database with the permission table:

- read: the rows listed are exactly those the reach covers; others' rows read one by one
  are not found;
- update / delete: a row outside the reach is unchanged / still there, one inside is
  changed / gone;
- create: nothing is created outside the reach; inside, the row is created.

An interface that does not offer an action at all (e.g. check-ins are created by a form,
not the admin's table API; the API has no resource for public notices) is recognised by
no principal ever succeeding there; a cell the table allows must then succeed through the
other interface (`test_every_allowed_cell_is_exercised`).
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
from collections import defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from app.api.auth import RATE_LIMITS
from app.api.resources import Resource
from app.api.router import RESOURCES
from app.permissions import KNOWN_GAPS, PERMISSIONS, Action, Reach, reach
from app.scope import Level
from tables.areas import District
from tables.piccolo_app import ALL_TABLES
from tests.admin.support import admin_login
from tests.conftest import truncate_all
from tests.security import world_field as wf
from tests.security import world_party as wp
from tests.security import world_residents as wr
from tests.security import world_statistics as wst
from tests.security import world_worktime as ww
from tests.security.world import (
    IN_COMMUNITIES,
    OF_STAFF,
    PRINCIPALS,
    SEED_PLACES,
    SEEDERS,
    Place,
    Principal,
    World,
    build_world,
    colleague,
    places_of,
)

pytestmark = pytest.mark.shared_data

ADMIN = "admin"
API = "api"
TABLES = sorted(PERMISSIONS)
RESOURCE_OF: dict[str, Resource] = {resource.tablename: resource for resource in RESOURCES}
GAPS = {(gap.table, gap.level, gap.action): gap for gap in KNOWN_GAPS}
marker = itertools.count(1)

Row = dict[str, Any]


def test_the_table_covers_every_table_and_level() -> None:
    tables = {t._meta.tablename for t in ALL_TABLES} | {"piccolo_user"}
    assert set(PERMISSIONS) == tables
    for table, grants in PERMISSIONS.items():
        assert set(grants) == set(Level), table
    for gap in KNOWN_GAPS:
        assert PERMISSIONS[gap.table][gap.level].reach(gap.action) != gap.implemented, gap


def effective(table: str, principal: Principal, action: Action) -> Reach:
    """The reach the implementation is expected to have: the table's, or a listed gap's."""
    stated = reach(
        table, principal.level, action, read_only=principal.read_only, token=principal.token
    )
    gap = GAPS.get((table, principal.level, action))
    if gap is not None and stated is not Reach.none:
        return gap.implemented
    return stated


# ---------------------------------------------------------------------- callers


@dataclass
class Caller:
    principal: Principal
    http: httpx.AsyncClient
    headers: dict[str, str]

    @property
    def interfaces(self) -> list[str]:
        return [API] if self.principal.token else [ADMIN, API]


@dataclass
class Outcomes:
    """What happened, for the final coverage check."""

    succeeded: set[tuple[str, str, str]] = field(default_factory=set)  # interface, table, action
    by_level: set[tuple[str, str, str]] = field(default_factory=set)  # table, action, level


OUTCOMES = Outcomes()


@pytest.fixture(scope="module")
async def world(database: None) -> AsyncIterator[World]:
    built = await build_world()
    per_ip, per_caller = RATE_LIMITS.per_ip.limit, RATE_LIMITS.per_caller.limit
    RATE_LIMITS.per_ip.limit = RATE_LIMITS.per_caller.limit = 10**9
    yield built
    RATE_LIMITS.per_ip.limit, RATE_LIMITS.per_caller.limit = per_ip, per_caller
    RATE_LIMITS.reset()  # thousands of hits from one address: not for later tests to pay
    await truncate_all()


@pytest.fixture(scope="module")
async def callers(world: World) -> AsyncIterator[list[Caller]]:
    from app.asgi import app

    made = []
    for principal in PRINCIPALS:
        http = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://testserver"
        )
        if principal.token:
            headers = {"Authorization": f"Bearer {world.tokens[principal.name]}"}
        else:
            headers = await admin_login(http, str(principal.user))
        made.append(Caller(principal, http, headers))
    yield made
    for caller in made:
        await caller.http.aclose()


# ---------------------------------------------------------------------- reading


async def admin_ids(caller: Caller, table: str) -> set[int]:
    ids: set[int] = set()
    for page in itertools.count(1):
        response = await caller.http.get(
            f"/admin/api/tables/{table}/", params={"__page_size": 1000, "__page": page}
        )
        if response.status_code != 200:
            return ids
        rows = response.json()["rows"]
        ids |= {int(row["id"]) for row in rows}
        if len(rows) < 1000:
            return ids
    raise AssertionError("unreachable")


async def api_ids(caller: Caller, resource: Resource) -> set[int]:
    ids: set[int] = set()
    for page in itertools.count(1):
        response = await caller.http.get(
            f"/api/v1/{resource.path}",
            params={"page_size": 500, "page": page},
            headers=caller.headers,
        )
        if response.status_code != 200:
            assert response.status_code in (401, 403), response.text
            return ids
        items = response.json()["items"]
        ids |= {int(item["id"]) for item in items}
        if len(items) < 500:
            return ids
    raise AssertionError("unreachable")


async def key_of(resource: Resource, row_id: int) -> str:
    if resource.key == "id":
        return str(row_id)
    rows = await District.raw(
        f'SELECT "{resource.key}" AS key FROM "{resource.tablename}" WHERE id = {{}}', row_id
    ).run()
    return str(rows[0]["key"])


async def detail_found(caller: Caller, interface: str, table: str, row_id: int) -> bool:
    if interface == ADMIN:
        response = await caller.http.get(f"/admin/api/tables/{table}/{row_id}/")
    else:
        resource = RESOURCE_OF[table]
        key = await key_of(resource, row_id)
        response = await caller.http.get(f"/api/v1/{resource.path}/{key}", headers=caller.headers)
    if response.status_code == 200:
        return True
    assert response.status_code in (401, 403, 404, 405), (interface, table, response.text)
    return False


def interfaces_for(caller: Caller, table: str) -> list[str]:
    return [i for i in caller.interfaces if i == ADMIN or table in RESOURCE_OF]


@pytest.mark.parametrize("table", TABLES)
async def test_reads_return_exactly_the_rows_in_reach(
    world: World, callers: list[Caller], table: str
) -> None:
    problems = []
    for caller in callers:
        principal = caller.principal
        wanted = effective(table, principal, Action.read)
        for interface in interfaces_for(caller, table):
            seen = (
                await admin_ids(caller, table)
                if interface == ADMIN
                else await api_ids(caller, RESOURCE_OF[table])
            )
            places = await places_of(world, table)
            expected = {i for i, place in places.items() if principal.covers(wanted, place)}
            if seen != expected:
                extra = {i: str(places.get(i)) for i in seen - expected}
                missing = {i: str(places[i]) for i in expected - seen}
                problems.append(
                    f"{principal.name} via {interface} (reach {wanted}): "
                    f"leaked {extra or '-'}, missing {missing or '-'}"
                )
            if seen:
                OUTCOMES.succeeded.add((interface, table, "read"))
                OUTCOMES.by_level.add((table, "read", principal.level))
            hidden = sorted(set(places) - expected)
            for row_id in hidden[:1] + hidden[-1:]:
                if await detail_found(caller, interface, table, row_id):
                    problems.append(
                        f"{principal.name} via {interface} read {table} {row_id}"
                        f" at {places[row_id]} one by one"
                    )
    assert not problems, "\n".join(problems)


# ---------------------------------------------------------------------- updating


@dataclass(frozen=True)
class Change:
    """How to change a row harmlessly, and how to see that it changed."""

    column: str
    value: Callable[[int], Any]  # marker → new value

    def admin(self, mark: int) -> Row:
        return {self.column: self.value(mark)}


def text(prefix: str) -> Callable[[int], str]:
    return lambda mark: f"{prefix}{mark}"


CHANGES: dict[str, Change] = {
    "district": Change("name", text("区")),
    "street": Change("name", text("街道")),
    "community": Change("name", text("社区")),
    "responsibility_grid": Change("name", text("网格")),
    "building": Change("address", text("幸福路")),
    "facility": Change("name", text("设施")),
    "organisation": Change("name", text("单位")),
    "household": Change("member_count", lambda mark: 100 + mark % 100),
    "resident": Change("name", text("居民")),
    "staff_member": Change("name", text("员工")),
    "grid_assignment": Change("kind", lambda mark: ("primary", "assistant")[mark % 2]),
    "leave": Change("reason", text("事假")),
    "piccolo_user": Change("first_name", text("名")),
    "department": Change("name", text("部门")),
    "access_list_entry": Change("legal_basis", text("依据")),
    "access_refusal": Change("reason", text("理由")),
    "work_item": Change("description", text("说明")),
    "work_item_event": Change("note", text("备注")),
    "check_in": Change("note", text("备注")),
    "diary_entry": Change("content", text("走访")),
    "indicator": Change("name", text("指标")),
    "assessment": Change("comment", text("评语")),
    "assessment_score": Change("score", lambda mark: float(mark % 100)),
    "evaluation_rollup": Change("sample_size", lambda mark: 1000 + mark),
    "supervision_record": Change("subject", text("对象")),
    "public_notice": Change("title", text("公告")),
    "open311_request": Change("address_string", text("地址")),
    "resident_case": Change("reply", text("答复")),
    "tracking_code": Change("rating_comment", text("意见")),
    "reminder": Change("message", text("提醒")),
    "audit_log": Change("table_name", text("t")),
    "job_schedule": Change("note", text("备注")),
    "rest_day": Change("name", text("节日")),
    "subsidy_grade": Change("note", text("备注")),
    "webhook_endpoint": Change("name", text("网关")),
    "webhook_delivery": Change("last_error", text("错误")),
    "api_token": Change("name", text("令牌")),
    "party_organisation": Change("name", text("党组织")),
    "party_organisation_grid": Change("community", lambda mark: None),  # links are not edited
    "party_member": Change("reporting_unit", text("单位")),
    "volunteer_team": Change("name", text("服务队")),
    "volunteer": Change("name", text("志愿者")),
    "volunteer_activity": Change("title", text("活动")),
    "volunteer_signup": Change("status", lambda mark: "cancelled"),  # POST …/cancel
    "volunteer_service": Change("note", text("探访")),
    "work_calendar_day": Change("name", text("节日")),
    "time_limit_standard": Change("note", text("依据")),
    "work_item_stage": Change("limit_minutes", lambda mark: 1000 + mark),
    "extension_request": Change("reason", text("理由")),
    "escalation_step": Change("level", lambda mark: "red"),  # seeded yellow
    "patrol": Change("point_count", lambda mark: 10_000 + mark),
    "patrol_point": Change("accuracy", lambda mark: float(mark)),
    "care_visit_interval": Change("interval_days", lambda mark: 1 + mark % 366),
    "diary_review": Change("comment", text("点评")),
    "field_photo": Change("taken_at", text("2026:01:01 ")),
    "field_report": Change("accuracy", lambda mark: float(mark)),
    "report_template": Change("title", text("报表")),
    "report_field": Change("title", text("字段")),
    "report_request": Change("note", text("说明")),
    "report_answer": Change("return_comment", text("意见")),
    "report_value": Change("value", text("值")),
    "department_token": Change("street", lambda mark: None),  # bindings are not edited
}


async def column_value(table: str, row_id: int, column: str) -> Any:
    rows = await District.raw(
        f'SELECT "{column}" AS v FROM "{table}" WHERE id = {{}}', row_id
    ).run()
    return rows[0]["v"] if rows else None


async def row_exists(table: str, row_id: int) -> bool:
    return bool(await District.raw(f'SELECT 1 FROM "{table}" WHERE id = {{}}', row_id).run())


# Actions of the API that are the update of a resource (the rest PATCH the row).
async def api_update(caller: Caller, table: str, row_id: int, change: Change, mark: int) -> None:
    resource = RESOURCE_OF[table]
    if table == "api_token":
        await caller.http.post(f"/api/v1/tokens/{row_id}/revoke", headers=caller.headers)
    elif table == "reminder":
        await caller.http.post(f"/api/v1/reminders/{row_id}/read", headers=caller.headers)
    elif table == "volunteer_signup":
        await caller.http.post(f"/api/v1/volunteer-signups/{row_id}/cancel", headers=caller.headers)
    else:
        key = await key_of(resource, row_id)
        await caller.http.patch(
            f"/api/v1/{resource.path}/{key}",
            json={change.column: change.value(mark)},
            headers=caller.headers,
        )


async def api_changed(table: str, row_id: int, change: Change, mark: int, before: Any) -> bool:
    if table == "api_token":
        return await column_value(table, row_id, "revoked_at") is not None
    if table == "reminder":
        return await column_value(table, row_id, "status") == "read"
    if table == "volunteer_signup":
        return await column_value(table, row_id, "status") == "cancelled"
    after = await column_value(table, row_id, change.column)
    return bool(after != before and after == change.value(mark))


def api_offers(table: str, action: Action) -> bool:
    resource = RESOURCE_OF.get(table)
    if resource is None:
        return False
    if action is Action.update and table in ("api_token", "reminder", "volunteer_signup"):
        return (
            True  # POST /tokens/{id}/revoke, /reminders/{id}/read, /volunteer-signups/{id}/cancel
        )
    if action is Action.create and table == "api_token":
        return True  # POST /tokens
    return getattr(resource, action.value) is not None


# Where fresh rows are made for writing; the tree's own rows are written too (updates).
TARGETS: dict[str, list[Place]] = {
    table: places or [Place("A", "A1"), Place("A", "A2"), Place("B", "B1")]
    for table, places in SEED_PLACES.items()
}
TARGETS.update(
    {
        "district": [Place()],
        "street": [Place()],
        "community": [Place("A"), Place("B")],
        "staff_member": [
            Place("A", "A1"),
            Place("A", "A2"),
            Place("B", "B1"),
            Place("A"),
            Place("B"),
        ],
        "piccolo_user": [Place()],
        "department": [Place()],
        "indicator": [Place()],
        "access_list_entry": [Place("A"), Place("B")],
        "audit_log": [Place()],
        "webhook_endpoint": [Place()],
        "api_token": [Place("A"), Place("A", "A1"), Place("A", "A2"), Place("B"), Place("B", "B1")],
        "reminder": OF_STAFF,
        "leave": OF_STAFF,
        "work_item": IN_COMMUNITIES,
    }
)


# Actions an interface offers for one's own rows only, whatever the caller's wider reach.
OWN_ONLY = {(API, "reminder", Action.update)}  # POST /reminders/{id}/read: one's own notices


class Judge:
    """Compares outcomes with the table; collects leaks and refusals of allowed actions."""

    def __init__(self, table: str, action: Action) -> None:
        self.table, self.action = table, action
        self.leaks: list[str] = []
        self.refused: dict[str, list[str]] = defaultdict(list)  # interface → refusals

    def record(
        self, caller: Caller, interface: str, place: Place, happened: bool, detail: str = ""
    ) -> None:
        principal = caller.principal
        wanted = effective(self.table, principal, self.action)
        if (interface, self.table, self.action) in OWN_ONLY and wanted is not Reach.none:
            wanted = Reach.own
        allowed = principal.covers(wanted, place)
        if happened:
            OUTCOMES.succeeded.add((interface, self.table, self.action.value))
            OUTCOMES.by_level.add((self.table, self.action.value, principal.level))
        if happened and not allowed:
            self.leaks.append(
                f"LEAK {principal.name} via {interface} could {self.action} {self.table}"
                f" at {place} (reach {wanted}) {detail}"
            )
        elif allowed and not happened:
            self.refused[interface].append(
                f"{principal.name} via {interface} could not {self.action} {self.table}"
                f" at {place} (reach {wanted}) {detail}"
            )

    def verdict(self) -> None:
        """No leak; and an interface that lets anyone do it lets everyone in reach do it."""
        problems = list(self.leaks)
        for interface, refusals in self.refused.items():
            if (interface, self.table, self.action.value) in OUTCOMES.succeeded:
                problems += refusals
        assert not problems, "\n".join(problems)


@pytest.mark.parametrize("table", TABLES)
async def test_updates_change_only_rows_in_reach(
    world: World, callers: list[Caller], table: str
) -> None:
    change = CHANGES[table]
    judge = Judge(table, Action.update)
    existing = await places_of(world, table)
    targets: dict[Place, int] = {}
    for row_id, place in sorted(existing.items()):
        targets[place] = row_id  # the newest row of each place (e.g. a proposed entry)
    for caller in callers:
        for interface in interfaces_for(caller, table):
            if interface == API and not api_offers(table, Action.update):
                continue
            for place, row_id in targets.items():
                if interface == API and table in ("api_token", "reminder", "volunteer_signup"):
                    row_id = await SEEDERS[table](world, place)  # one-way changes: fresh rows
                before = await column_value(table, row_id, change.column)
                mark = next(marker)
                while change.value(mark) == before:  # a change must change something
                    mark = next(marker)
                if interface == ADMIN:
                    response = await caller.http.patch(
                        f"/admin/api/tables/{table}/{row_id}/",
                        json=change.admin(mark),
                        headers=caller.headers,
                    )
                    after = await column_value(table, row_id, change.column)
                    happened = after != before and after == change.value(mark)
                    detail = f"[{response.status_code}]"
                else:
                    await api_update(caller, table, row_id, change, mark)
                    happened = await api_changed(table, row_id, change, mark, before)
                    detail = ""
                judge.record(caller, interface, place, happened, detail)
    judge.verdict()


# ---------------------------------------------------------------------- deleting


@pytest.mark.parametrize("table", TABLES)
async def test_deletes_remove_only_rows_in_reach(
    world: World, callers: list[Caller], table: str
) -> None:
    judge = Judge(table, Action.delete)
    for caller in callers:
        for interface in interfaces_for(caller, table):
            if interface == API and not api_offers(table, Action.delete):
                continue
            for target in TARGETS[table]:
                row_id = await SEEDERS[table](world, target)
                place = (await places_of(world, table))[row_id]
                if interface == ADMIN:
                    response = await caller.http.delete(
                        f"/admin/api/tables/{table}/{row_id}/", headers=caller.headers
                    )
                    detail = f"[{response.status_code}]"
                else:
                    resource = RESOURCE_OF[table]
                    key = await key_of(resource, row_id)
                    response = await caller.http.delete(
                        f"/api/v1/{resource.path}/{key}", headers=caller.headers
                    )
                    detail = f"[{response.status_code}]"
                judge.record(caller, interface, place, not await row_exists(table, row_id), detail)
    judge.verdict()


# ---------------------------------------------------------------------- creating


@dataclass(frozen=True)
class Creation:
    """Bodies that create a row of a table at a place, and the column that finds it again."""

    column: str
    admin: Callable[[World, Place, Principal, int], Awaitable[Row | None]] | None
    api: Callable[[World, Place, Principal, int], Awaitable[Row | None]] | None = None


def grid_of(w: World, place: Place) -> Row:
    return w.grid_of(place)


def point(w: World, place: Place) -> dict[str, float]:
    grid = grid_of(w, place)
    return {"longitude": grid["min_lon"] + 0.002, "latitude": grid["min_lat"] + 0.002}


def staff_for(w: World, place: Place, principal: Principal) -> Row:
    """The worker a daily record is for: the principal themself when they work there."""
    if principal.staff and principal.staff == place.owner:
        return w.staff[principal.staff]
    return w.staff[str(place.owner)]


def same(body: Row) -> Callable[[World, Place, Principal, int], Awaitable[Row]]:
    async def build(w: World, place: Place, principal: Principal, mark: int) -> Row:
        return body

    return build


async def body_district(w: World, place: Place, p: Principal, mark: int) -> Row:
    return {"code": f"{350000 + mark}", "name": f"新区{mark}"}


async def body_street(w: World, place: Place, p: Principal, mark: int) -> Row:
    return {
        "code": f"{w.tree.district['code']}{500 + mark % 400:03d}",
        "name": f"新街道{mark}",
        "district": w.tree.district["id"],
    }


async def body_community(w: World, place: Place, p: Principal, mark: int) -> Row:
    street = w.street(str(place.street))
    return {
        "code": f"{street['code']}{500 + mark % 400:03d}",
        "name": f"新社区{mark}",
        "street": street["id"],
    }


async def body_grid(w: World, place: Place, p: Principal, mark: int) -> Row:
    community = w.community(str(place.community))
    return {
        "code": f"{community['code']}{500 + mark % 400:03d}",
        "name": f"新网格{mark}",
        "community": community["id"],
        "kind": "residential",
        "household_count": 300,
    }


async def body_building(w: World, place: Place, p: Principal, mark: int) -> Row:
    grid = grid_of(w, place)
    return {
        "code": f"{grid['code']}-n{mark}",
        "address": f"新楼{mark}",
        **point(w, place),
        "grid": grid["id"],
        "community": grid["community"],
        "kind": "residential",
    }


async def body_facility(w: World, place: Place, p: Principal, mark: int) -> Row:
    grid = grid_of(w, place)
    return {
        "name": f"新设施{mark}",
        "kind": "park",
        **point(w, place),
        "grid": grid["id"],
        "community": grid["community"],
    }


async def body_organisation(w: World, place: Place, p: Principal, mark: int) -> Row:
    grid = grid_of(w, place)
    return {
        "name": f"新单位{mark}",
        "kind": "market",
        "grid": grid["id"],
        "community": grid["community"],
        "address": "",
        "contact_phone": "",
    }


async def body_household(w: World, place: Place, p: Principal, mark: int) -> Row:
    grid = grid_of(w, place)
    building = await SEEDERS["building"](w, place)
    return {
        "building": building,
        "room": f"新{mark}",
        "member_count": 2,
        "grid": grid["id"],
        "community": grid["community"],
        "care_tags": [],
    }


async def body_resident(w: World, place: Place, p: Principal, mark: int) -> Row:
    household = await SEEDERS["household"](w, place)
    return {
        "household": household,
        "name": f"新居民{mark}",
        "phone": "",
        "community": w.community(str(place.community))["id"],
    }


async def body_staff(w: World, place: Place, p: Principal, mark: int) -> Row:
    from tests.factories import make_user

    user = await make_user(f"new{mark}")
    return {
        "user": user["id"],
        "name": f"新员工{mark}",
        "phone": "",
        "active": True,
        **_staff_scope(w, place),
    }


def _staff_scope(w: World, place: Place) -> Row:
    if place.community is None:
        return {
            "role": "street_official",
            "street": w.street(str(place.street))["id"],
            "community": None,
        }
    return {
        "role": "community_worker",
        "street": None,
        "community": w.community(place.community)["id"],
    }


async def api_staff(w: World, place: Place, p: Principal, mark: int) -> Row:
    return {
        "username": f"api{mark}",
        "password": "a-long-password",
        "name": f"新员工{mark}",
        **_staff_scope(w, place),
    }


async def body_assignment(w: World, place: Place, p: Principal, mark: int) -> Row:
    grid = grid_of(w, place)
    staff = await colleague(w, f"as{mark}", str(place.community))
    return {
        "staff": staff["id"],
        "grid": grid["id"],
        "kind": "assistant",
        "community": grid["community"],
    }


async def body_leave(w: World, place: Place, p: Principal, mark: int) -> Row:
    starts = dt.date(2035, 1, 1) + dt.timedelta(days=3 * mark)
    return {
        "staff": w.staff[str(place.owner)]["id"],
        "starts_on": starts.isoformat(),
        "ends_on": starts.isoformat(),
        "reason": f"新假{mark}",
    }


async def body_user(w: World, place: Place, p: Principal, mark: int) -> Row:
    return {
        "username": f"user{mark}",
        "password": "a-long-password",
        "email": f"u{mark}@x.org",
        "active": True,
        "admin": True,
        "superuser": False,
        "first_name": f"新{mark}",
    }


async def body_department(w: World, place: Place, p: Principal, mark: int) -> Row:
    return {"name": f"新部门{mark}", "line": "民政"}


async def body_entry(w: World, place: Place, p: Principal, mark: int) -> Row:
    return {
        "street": w.street(str(place.street))["id"],
        "name": f"新事项{mark}",
        "department": w.department["id"],
        "category": "civil_affairs",
        "legal_basis": "《条例》",
        "valid_from": dt.date.today().isoformat(),
    }


async def body_refusal(w: World, place: Place, p: Principal, mark: int) -> Row:
    return {
        "street": w.street(str(place.street))["id"],
        "community": w.community(place.community)["id"] if place.community else None,
        "pushed_title": f"新拒绝{mark}",
        "reason": "",
    }


async def body_work_item(w: World, place: Place, p: Principal, mark: int) -> Row:
    grid = grid_of(w, place)
    return {
        "access_entry": w.entries[str(place.street)]["id"],
        "community": grid["community"],
        "grid": grid["id"],
        "title": f"新事项{mark}",
        "source": "department",
    }


async def body_event(w: World, place: Place, p: Principal, mark: int) -> Row:
    work_item = await SEEDERS["work_item"](w, place)
    return {"work_item": work_item, "to_status": "accepted", "note": f"新事件{mark}"}


async def body_check_in(w: World, place: Place, p: Principal, mark: int) -> Row:
    return {
        "staff": staff_for(w, place, p)["id"],
        "grid": grid_of(w, place)["id"],
        **point(w, place),
        "note": f"新签到{mark}",
    }


async def body_diary(w: World, place: Place, p: Principal, mark: int) -> Row:
    return {
        "staff": staff_for(w, place, p)["id"],
        "grid": grid_of(w, place)["id"],
        "content": f"新日记{mark}",
        "category": "visit",
    }


async def body_indicator(w: World, place: Place, p: Principal, mark: int) -> Row:
    return {"name": f"新指标{mark}", "weight": 1.0, "kind": "scored", "max_score": 100.0}


async def body_assessment(w: World, place: Place, p: Principal, mark: int) -> Row:
    street = w.street(str(place.street))
    start = (dt.date(2027, 1, 1) + dt.timedelta(days=mark)).isoformat()
    target = w.community("A1" if place.street == "A" else "B1")
    return {
        "evaluator_kind": "street",
        "evaluator_id": street["id"],
        "target_kind": "community",
        "target_id": target["id"],
        "period_start": start,
        "period_end": start,
        "comment": f"新评价{mark}",
        "street": street["id"],
        "direction": "top_down",
    }


async def api_assessment(w: World, place: Place, p: Principal, mark: int) -> Row:
    body = await body_assessment(w, place, p, mark)
    for key in ("street", "direction"):
        body.pop(key)
    return {**body, "scores": [{"indicator": w.indicator["id"], "score": 80}]}


async def body_score(w: World, place: Place, p: Principal, mark: int) -> Row:
    assessment = await SEEDERS["assessment"](w, place)
    return {"assessment": assessment, "indicator": w.indicator["id"], "score": 50 + mark % 50}


async def body_rollup(w: World, place: Place, p: Principal, mark: int) -> Row:
    return {
        "target_kind": "grid",
        "target_id": 1,
        "period_kind": "day",
        "period_start": (dt.date(2028, 1, 1) + dt.timedelta(days=mark)).isoformat(),
        "sample_size": 10_000 + mark,
    }


async def body_supervision(w: World, place: Place, p: Principal, mark: int) -> Row:
    grid = grid_of(w, place)
    return {
        "kind": "government_work",
        "subject": f"新对象{mark}",
        "community": grid["community"],
        "grid": grid["id"],
        "content": "办事难",
        "raised_by_name": "赵六",
    }


async def body_notice(w: World, place: Place, p: Principal, mark: int) -> Row:
    return {
        "community": w.community(str(place.community))["id"],
        "title": f"新公告{mark}",
        "body": "",
        "published_at": dt.datetime.now(dt.UTC).isoformat(),
        "visible": True,
    }


async def body_request(w: World, place: Place, p: Principal, mark: int) -> Row:
    supervision = await SEEDERS["supervision_record"](w, place)
    return {
        "street": w.street(str(place.street))["id"],
        "community": w.community(str(place.community))["id"],
        "supervision_record": supervision,
        "service_code": f"code{mark}",
    }


async def body_reminder(w: World, place: Place, p: Principal, mark: int) -> Row:
    return {
        "staff": w.staff[str(place.owner)]["id"],
        "date": "2026-02-01",
        "slot": f"新提醒{mark}",
        "message": "",
    }


async def body_audit(w: World, place: Place, p: Principal, mark: int) -> Row:
    return {"table_name": f"forged{mark}", "action": "DELETE"}


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat()


async def body_schedule(w: World, place: Place, p: Principal, mark: int) -> Row:
    return {
        "updated_at": now(),
        "job": "check_in_reminder",
        "street": w.street(place.street)["id"] if place.street else None,
        "at_time": f"07:{mark % 60:02d}:00",
        "enabled": True,
        "note": f"新计划{mark}",
    }


async def body_rest_day(w: World, place: Place, p: Principal, mark: int) -> Row:
    return {
        "day": (dt.date(2032, 1, 1) + dt.timedelta(days=mark)).isoformat(),
        "name": f"新假日{mark}",
    }


async def body_grade(w: World, place: Place, p: Principal, mark: int) -> Row:
    return {
        "street": w.street(place.street)["id"] if place.street else None,
        "grade": f"新档{mark}",
        "min_score": 70.0,
        "note": "",
    }


async def body_endpoint(w: World, place: Place, p: Principal, mark: int) -> Row:
    return {
        "created_at": now(),
        "name": f"新网关{mark}",
        "url": "http://127.0.0.1:9/",
        "secret": "s" * 32,
        "events": [],
        "active": True,
    }


async def body_delivery(w: World, place: Place, p: Principal, mark: int) -> Row:
    reminder = await SEEDERS["reminder"](w, Place("A", "A1", owner="wg_A1"))
    return {
        "endpoint": w.endpoint["id"],
        "reminder": reminder,
        "event": f"新事件{mark}",
        "payload": {},
    }


async def body_token(w: World, place: Place, p: Principal, mark: int) -> Row:
    return {
        "name": f"新令牌{mark}",
        "scope": "community" if place.community else "street",
        "street": w.street(str(place.street))["id"],
        "community": w.community(place.community)["id"] if place.community else None,
        "can_write": False,
    }


def without(*keys: str) -> Callable[[Callable[..., Awaitable[Row]]], Callable[..., Awaitable[Row]]]:
    def wrap(build: Callable[..., Awaitable[Row]]) -> Callable[..., Awaitable[Row]]:
        async def api(w: World, place: Place, p: Principal, mark: int) -> Row:
            return {k: v for k, v in (await build(w, place, p, mark)).items() if k not in keys}

        return api

    return wrap


CREATIONS: dict[str, Creation] = {
    "district": Creation("name", body_district, body_district),
    "street": Creation("name", body_street, body_street),
    "community": Creation("name", body_community, body_community),
    "responsibility_grid": Creation("name", body_grid, without("kind")(body_grid)),
    "building": Creation("address", body_building, without("community")(body_building)),
    "facility": Creation("name", body_facility, without("community")(body_facility)),
    "organisation": Creation("name", body_organisation, body_organisation),
    "household": Creation("room", body_household, without("grid", "community")(body_household)),
    "resident": Creation("name", body_resident, without("community")(body_resident)),
    "staff_member": Creation("name", body_staff, api_staff),
    "grid_assignment": Creation("kind", body_assignment, without("community")(body_assignment)),
    "leave": Creation("reason", body_leave, body_leave),
    "piccolo_user": Creation("first_name", body_user),
    "department": Creation("name", body_department, body_department),
    "access_list_entry": Creation("name", body_entry, body_entry),
    "access_refusal": Creation("pushed_title", body_refusal),
    "work_item": Creation("title", body_work_item, body_work_item),
    "work_item_event": Creation("note", body_event),
    "check_in": Creation("note", body_check_in, body_check_in),
    "diary_entry": Creation("content", body_diary, body_diary),
    "indicator": Creation("name", body_indicator, body_indicator),
    "assessment": Creation("comment", body_assessment, api_assessment),
    "assessment_score": Creation("score", body_score),
    "evaluation_rollup": Creation("sample_size", body_rollup),
    "supervision_record": Creation("subject", body_supervision, body_supervision),
    "public_notice": Creation("title", body_notice),
    "open311_request": Creation("service_code", body_request),
    "resident_case": Creation("summary", wr.body_resident_case),
    "tracking_code": Creation("code_hash", wr.body_tracking_code),
    "reminder": Creation("slot", body_reminder),
    "audit_log": Creation("table_name", body_audit),
    "job_schedule": Creation("note", body_schedule),
    "rest_day": Creation("name", body_rest_day),
    "subsidy_grade": Creation("grade", body_grade),
    "webhook_endpoint": Creation("name", body_endpoint),
    "webhook_delivery": Creation("event", body_delivery),
    "api_token": Creation("name", body_token, body_token),
    "party_organisation": Creation("name", wp.body_party_organisation, wp.body_party_organisation),
    "party_organisation_grid": Creation("organisation", wp.body_party_organisation_grid),
    "party_member": Creation(
        "reporting_unit",
        wp.body_party_member,
        without("member_name", "community")(wp.body_party_member),
    ),
    "volunteer_team": Creation("name", wp.body_volunteer_team, wp.body_volunteer_team),
    "volunteer": Creation("name", wp.body_volunteer, without("community")(wp.body_volunteer)),
    "volunteer_activity": Creation("title", None, wp.body_volunteer_activity),
    "volunteer_signup": Creation("activity", None, wp.body_volunteer_signup),
    "volunteer_service": Creation(
        "note", wp.body_volunteer_service, without("community")(wp.body_volunteer_service)
    ),
    "work_calendar_day": Creation("name", ww.body_work_calendar_day),
    "time_limit_standard": Creation("note", ww.body_time_limit_standard),
    "work_item_stage": Creation("limit_minutes", ww.body_work_item_stage),
    "extension_request": Creation("reason", ww.body_extension_request),
    "escalation_step": Creation("stage", ww.body_escalation_step),
    "patrol": Creation("point_count", wf.body_patrol),
    "patrol_point": Creation("patrol", wf.body_patrol_point),
    "care_visit_interval": Creation("interval_days", wf.body_care_visit_interval),
    "diary_review": Creation("comment", wf.body_diary_review),
    "field_photo": Creation("file", wf.body_field_photo),
    "field_report": Creation("work_item", wf.body_field_report),
    "report_template": Creation("family", wst.body_report_template),
    "report_field": Creation("key", wst.body_report_field),
    "report_request": Creation("note", wst.body_report_request),
    "report_answer": Creation("return_comment", wst.body_report_answer),
    "report_value": Creation("value", wst.body_report_value),
    "department_token": Creation("token", wst.body_department_token),
}


async def created_id(table: str, column: str, before: set[int], body: Row) -> int | None:
    """The id of a row created by the attempt: new, and carrying the body's marker."""
    value = body.get(column)
    if column in ("username",):
        value = body["username"]
    rows = await District.raw(f'SELECT id, "{column}"::text AS v FROM "{table}"').run()
    for row in rows:
        if row["id"] not in before and value is not None and str(row["v"]) == _text(value):
            return int(row["id"])
    new = [int(row["id"]) for row in rows if row["id"] not in before]
    return new[0] if new and table in ("grid_assignment", "assessment_score") else None


def _text(value: Any) -> str:
    if isinstance(value, float):
        return str(value) if value != int(value) else str(int(value))
    return str(value)


@pytest.mark.parametrize("table", TABLES)
async def test_creates_land_only_in_reach(world: World, callers: list[Caller], table: str) -> None:
    creation = CREATIONS[table]
    judge = Judge(table, Action.create)
    for caller in callers:
        for interface in interfaces_for(caller, table):
            build = creation.admin if interface == ADMIN else creation.api
            if build is None or (interface == API and not api_offers(table, Action.create)):
                continue
            for target in TARGETS[table]:
                mark = next(marker)
                body = await build(world, target, caller.principal, mark)
                assert body is not None
                before = set(await places_of(world, table))
                if interface == ADMIN:
                    response = await caller.http.post(
                        f"/admin/api/tables/{table}/",
                        content=json.dumps(body, default=str),
                        headers={**caller.headers, "content-type": "application/json"},
                    )
                else:
                    resource = RESOURCE_OF[table]
                    response = await caller.http.post(
                        f"/api/v1/{resource.path}", json=body, headers=caller.headers
                    )
                column = creation.column
                if interface == API and table == "staff_member":
                    column = "name"
                new = await created_id(table, column, before, body)
                place = (await places_of(world, table))[new] if new is not None else target
                judge.record(caller, interface, place, new is not None, f"[{response.status_code}]")
    judge.verdict()


# ---------------------------------------------------------------------- coverage


def test_every_allowed_cell_is_exercised() -> None:
    """A cell the table allows happened at least once, through one interface or the other
    (otherwise the table promises something nobody can do)."""
    missing = []
    for table, grants in PERMISSIONS.items():
        for level, grant in grants.items():
            for action in Action:
                stated = grant.reach(action)
                gap = GAPS.get((table, level, action))
                if (gap.implemented if gap else stated) is Reach.none:
                    continue
                if (table, action.value, level) not in OUTCOMES.by_level:
                    missing.append(f"{level} {action} {table} ({stated})")
    assert not missing, "allowed by the table but never done:\n" + "\n".join(missing)
