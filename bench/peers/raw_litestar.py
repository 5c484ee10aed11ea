"""The limit: a bare Litestar app running the product's queries with raw asyncpg.

No ORM, no authentication, no row-level security, no output Structs: JSON columns are passed
through as they are stored. Whatever the product spends beyond this is its own overhead.

`/raw/scoped/…` answers the same with the product's row-level security as the bench token
has it (a street scope as role grid_app): BEGIN, the scope settings in one statement, the
query, COMMIT. The difference between the two is the price of scoping in the database; the
difference between the product and `/raw/scoped/` is the framework's (Litestar DI, Piccolo,
msgspec, the token check). Like the product, the pool does not send asyncpg's RESET ALL
round trip on every release (nothing here outlives a transaction).

    DATABASE_URL=postgresql://… uvicorn bench.peers.raw_litestar:app
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import lru_cache, partial
from typing import Any

import asyncpg
import msgspec
from litestar import Litestar, Request, Response, get, post
from litestar.exceptions import NotFoundException, PermissionDeniedException
from shapely.geometry import Point

from app.areas.rules import size_warning_message
from app.areas.services import GRIDS_AT_POINT_SQL
from app.clock import local_date_of, local_today, utc_now
from app.crud import _numbered, _select_where, changes_of
from app.daily.schemas import CheckInCreate
from app.daily.services import _INSERT_CHECK_IN
from app.db import _set_statement
from app.errors import AccessRefused, DomainError, ValidationFailed
from app.geo import check_point, contains_point, parse_polygon
from app.open311 import services as open311
from app.open311.controllers import database_error, domain_error
from app.open311.formats import Format, render
from app.open311.params import ReportForm, parse_form, read_report
from app.open311.schemas import RequestCreated
from app.scope import SUPERUSER_SCOPE, Level, Scope, _transaction_settings
from app.supervision.services import ANSWER_PERIOD
from app.validation import check_choice, check_text
from app.work.access import access_refusal_reason
from app.work.items import _future_instant
from app.worktime.calendar import WorkCalendar, calendar_of
from app.worktime.stages import _STANDARD, STAGE_OF_STATUS, deadlines
from tables.choices import (
    CalendarDayKind,
    SupervisionKind,
    SupervisionStatus,
    WorkPriority,
    WorkSource,
    WorkStatus,
)
from tables.open311 import ServiceRequest
from tables.supervision import SupervisionRecord
from tables.work import AccessListEntry, WorkItem, WorkItemEvent
from tables.worktime import WorkItemStage

POOL: dict[str, asyncpg.Pool] = {}
JSON = "application/json"

GRID_COLUMNS = (
    "id, code, name, community, kind, household_count, size_warning, responsible_organisation,"
    " boundary, min_lon, min_lat, max_lon, max_lat, created_at"
)
# The same statements as the product's list: a page in code order, and a count only when
# the page does not tell the total (a full page, or an empty one past the first).
GRID_COUNT = (
    "SELECT count(*) FROM responsibility_grid"
    " WHERE community = (SELECT id FROM community WHERE code = $1)"
)
GRID_PAGE = (
    f"SELECT {GRID_COLUMNS} FROM responsibility_grid"
    " WHERE community = (SELECT id FROM community WHERE code = $1)"
    " ORDER BY code ASC NULLS LAST, id ASC LIMIT $2 OFFSET $3"
)
GRID_ONE = f"SELECT {GRID_COLUMNS} FROM responsibility_grid WHERE code = $1"
# The product's scope settings (app/scope.py) for a street token created by user 1.
SCOPE = (
    "SELECT set_config('app.actor_id', '1', true), set_config('app.level', 'street', true),"
    " set_config('app.staff_id', '', true), set_config('app.street_id', $1, true),"
    " set_config('app.community_id', '', true), set_config('app.grid_ids', '{}', true),"
    " set_config('app.read_only', 'on', true), set_config('role', 'grid_app', true)"
)
SCOPE_STREET = os.environ.get("BENCH_SCOPE_STREET", "1")
# The bench's write token: the same street, not read-only.
WRITE_SCOPE = SCOPE.replace("'app.read_only', 'on'", "'app.read_only', 'off'")
# The product's check-in (app/daily/services.py): the grid if the staff member is assigned
# to it and active (require_grid_worker's query), then the one INSERT that counts the first
# inside check-in of the day.
GRID_OF_WORKER = (
    "SELECT g.id, g.community, g.boundary FROM responsibility_grid g"
    " JOIN grid_assignment a ON a.grid = g.id"
    " JOIN staff_member s ON s.id = a.staff AND s.active WHERE g.id = $1 AND s.id = $2"
)
# The product's own INSERT, its `{}` placeholders numbered as asyncpg wants them.
INSERT_CHECK_IN = _numbered(_INSERT_CHECK_IN)
# The product's Open311 reads (app/open311/services.py and what it calls): the grids whose
# box holds the point (find_grid_at), the access-list entry by id (crud.find_row), the same
# FOR SHARE in the key's scope (check_access), the time-limit standard of the stage.
GRIDS_AT_POINT = _numbered(GRIDS_AT_POINT_SQL + " ORDER BY code")
ENTRY = _numbered(_select_where(AccessListEntry, "id"))
ENTRY_FOR_SHARE = ENTRY + " FOR SHARE"
STANDARD = _numbered(_STANDARD)
# load_calendar's two reads in one statement.
CALENDAR = (
    "SELECT day, 'rest' AS kind FROM rest_day WHERE day >= $1"
    " UNION ALL SELECT day, kind FROM work_calendar_day WHERE day >= $1"
)


def grid_out(row: asyncpg.Record) -> dict[str, Any]:
    values = dict(row)
    boundary = values["boundary"]
    values["boundary"] = msgspec.Raw(boundary.encode()) if boundary is not None else None
    values["size_warning_message"] = size_warning_message(row["kind"], row["household_count"])
    return values


async def light_reset(connection: asyncpg.Connection) -> None:
    if connection.is_in_transaction():
        await connection.execute("ROLLBACK")


@asynccontextmanager
async def pool(app: Litestar) -> AsyncIterator[None]:
    POOL["db"] = await asyncpg.create_pool(
        dsn=os.environ["DATABASE_URL"],
        min_size=1,
        max_size=int(os.environ.get("DB_POOL_MAX", "20")),
        reset=light_reset,
    )
    try:
        yield
    finally:
        await POOL.pop("db").close()


@get("/health")
async def health() -> Response[bytes]:
    return Response(b'{"status":"ok"}', media_type=JSON)


async def _grid_page(
    conn: asyncpg.Connection, community: str, page: int, page_size: int
) -> Response[bytes]:
    offset = (page - 1) * page_size
    rows = await conn.fetch(GRID_PAGE, community, page_size, offset)
    if 0 < len(rows) < page_size or (offset == 0 and not rows):
        total = offset + len(rows)
    else:
        total = await conn.fetchval(GRID_COUNT, community)
    body = {
        "items": [grid_out(r) for r in rows],
        "total": total,
        "page": page,
        "page_size": page_size,
    }
    return Response(msgspec.json.encode(body), media_type=JSON)


async def _grid_one(conn: asyncpg.Connection, code: str) -> Response[bytes]:
    row = await conn.fetchrow(GRID_ONE, code)
    if row is None:
        raise NotFoundException(f"no grid with code {code}")
    return Response(msgspec.json.encode(grid_out(row)), media_type=JSON)


@get("/raw/grids")
async def grids(community: str, page: int = 1, page_size: int = 50) -> Response[bytes]:
    async with POOL["db"].acquire() as conn:
        return await _grid_page(conn, community, page, page_size)


@get("/raw/grids/{code:str}")
async def grid(code: str) -> Response[bytes]:
    async with POOL["db"].acquire() as conn:
        return await _grid_one(conn, code)


@get("/raw/scoped/grids")
async def scoped_grids(community: str, page: int = 1, page_size: int = 50) -> Response[bytes]:
    async with POOL["db"].acquire() as conn, conn.transaction():
        await conn.execute(SCOPE, SCOPE_STREET)
        return await _grid_page(conn, community, page, page_size)


@get("/raw/scoped/grids/{code:str}")
async def scoped_grid(code: str) -> Response[bytes]:
    async with POOL["db"].acquire() as conn, conn.transaction():
        await conn.execute(SCOPE, SCOPE_STREET)
        return await _grid_one(conn, code)


@post("/raw/scoped/check-ins")
async def scoped_check_in(request: Request[Any, Any, Any]) -> Response[bytes]:
    """The product's check-in POST in one scoped transaction, without the framework: the body
    decoded into the same Struct, the same checks, the same statements."""
    data = msgspec.json.decode(await request.body(), type=CheckInCreate)
    async with POOL["db"].acquire() as conn, conn.transaction():
        await conn.execute(WRITE_SCOPE, SCOPE_STREET)
        grid = await conn.fetchrow(GRID_OF_WORKER, data.grid, data.staff)
        if grid is None:
            raise PermissionDeniedException("not assigned to this grid")
        point = Point(data.longitude, data.latitude)
        inside = grid["boundary"] is not None and contains_point(
            parse_polygon(grid["boundary"]), point
        )
        now = utc_now()
        row = await conn.fetchrow(
            INSERT_CHECK_IN,
            *(data.staff, data.grid, grid["community"], now, local_date_of(now)),
            *(data.latitude, data.longitude, inside, inside),
            *(data.staff, data.grid, local_date_of(now)),
            *(data.note, data.photo, data.accuracy, data.device_time, now, data.synced_late),
        )
    return Response(msgspec.json.encode(dict(row) if row else {}), status_code=201, media_type=JSON)


def open311_key() -> Scope:
    """The bench's write token as the product resolves it: street scope, created by user 1."""
    return Scope(user_id=1, level=Level.street, street_id=int(SCOPE_STREET), read_only=False)


@lru_cache(maxsize=64)
def switch_scope(before: Scope | None, after: Scope) -> tuple[str, ...]:
    """The statement and arguments that move a transaction from `before`'s settings to
    `after`'s, as the product's scoped_transaction / switch_scope send them: the same
    settings (app.scope), only those that differ, in the same set_config statement."""
    old = _transaction_settings(before) if before is not None else {}
    changed = {k: v for k, v in _transaction_settings(after).items() if old.get(k) != v}
    return (_set_statement(tuple(changed)), *changed.values())


@lru_cache(maxsize=64)
def insert_statement(table: str, columns: tuple[str, ...]) -> str:
    names = ", ".join(f'"{column}"' for column in columns)
    values = ", ".join(f"${n}" for n in range(1, len(columns) + 1))
    return f'INSERT INTO "{table}" ({names}) VALUES ({values}) RETURNING *'


async def insert(
    conn: asyncpg.Connection, table: type[Any], values: dict[str, Any]
) -> asyncpg.Record:
    """One row of `table` (the product's table class names it) with `values`; the rest of
    its columns get their defaults."""
    args = [msgspec.json.encode(v).decode() if isinstance(v, dict) else v for v in values.values()]
    return await conn.fetchrow(insert_statement(table._meta.tablename, tuple(values)), *args)


async def rows_of(conn: asyncpg.Connection, sql: str, *args: Any) -> list[dict[str, Any]]:
    """A statement of the product (Piccolo's `{}` placeholders) on the peer's connection."""
    return [dict(row) for row in await conn.fetch(_numbered(sql), *args)]


async def entry_by_id(conn: asyncpg.Connection, entry_id: int) -> dict[str, Any] | None:
    row = await conn.fetchrow(ENTRY, entry_id)
    return dict(row) if row is not None else None


async def grid_at(
    conn: asyncpg.Connection, longitude: float, latitude: float
) -> dict[str, Any] | None:
    """find_grid_at's query and test: the first grid by code whose boundary covers the point."""
    point = check_point(longitude, latitude)
    for row in await conn.fetch(GRIDS_AT_POINT, point.x, point.y):
        if contains_point(parse_polygon(row["boundary"]), point):
            return dict(row)
    return None


async def calendar_since(conn: asyncpg.Connection, since: dt.date) -> WorkCalendar:
    days = await conn.fetch(CALENDAR, since)
    return calendar_of(
        rest_days={d["day"] for d in days if d["kind"] == "rest"},
        holidays={d["day"] for d in days if d["kind"] == CalendarDayKind.holiday},
        make_up_days={d["day"] for d in days if d["kind"] == CalendarDayKind.make_up_workday},
    )


async def push_work(
    conn: asyncpg.Connection,
    form: ReportForm,
    report: open311.WorkReport,
    place: open311.Place,
    street: dict[str, Any],
    actor_id: int | None,
) -> RequestCreated:
    """push_work_item's checks and rows for the push the product builds (work_item_of):
    the entry locked and judged, the item as clean_work_item leaves it, its first event,
    its first stage with the deadline of the time-limit standard, then the open311_request.
    The place's grid and community come from this transaction's grid lookup, so the
    product's re-reads of them (get_row of the community twice, of the grid once) are not
    repeated; a refused push is not kept as an AccessRefusal here (the bench sends none)."""
    values = changes_of(open311.work_item_of(form, report, place))
    values.pop("department", None)
    entry = await conn.fetchrow(ENTRY_FOR_SHARE, values["access_entry"])
    if entry is None:
        raise AccessRefused(
            f"access-list entry {values['access_entry']} does not exist", field="access_entry"
        )
    reason = access_refusal_reason(dict(entry), street["id"], local_today())
    if reason is not None:
        raise AccessRefused(reason, field="access_entry")
    if values["due_at"] is not None:
        values["due_at"] = _future_instant(values["due_at"], "due_at")
    item = await insert(
        conn,
        WorkItem,
        {
            **values,
            "title": check_text(values["title"], "title", 200),
            "description": check_text(values["description"], "description", required=False),
            "source": check_choice(values["source"] or WorkSource.department, WorkSource, "source"),
            "priority": check_choice(values["priority"], WorkPriority, "priority"),
            "status": WorkStatus.reported,
            "created_at": utc_now(),
        },
    )
    at = item["created_at"]
    await insert(
        conn,
        WorkItemEvent,
        {"work_item": item["id"], "to_status": item["status"], "actor": actor_id, "at": at},
    )
    stage = STAGE_OF_STATUS[item["status"]]
    calendar = await calendar_since(conn, (at - dt.timedelta(days=2)).date())
    standard = await conn.fetchrow(STANDARD, stage, WorkPriority.normal.value, item["id"])
    limit = calendar.minutes_of(standard["amount"], standard["unit"]) if standard else None
    # The row stages._enter writes (it reads and inserts through Piccolo, so not callable here).
    due = calendar.add_working_minutes(at, limit) if limit is not None else None
    times = {"due_at": due, **deadlines(calendar, due, limit)} if limit and due else {}
    await insert(
        conn,
        WorkItemStage,
        {"work_item": item["id"], "community": item["community"], "stage": stage}
        | {"entered_at": at, "limit_minutes": limit, **times},
    )
    request = open311.request_row(form, street, place, report.answers, work_item=item["id"])
    await insert(conn, ServiceRequest, request)
    return open311.work_created(form, report, item["id"])


async def raise_record(
    conn: asyncpg.Connection,
    form: ReportForm,
    report: open311.SupervisionReport,
    place: open311.Place,
    street: dict[str, Any],
) -> RequestCreated:
    """raise_supervision's checks and row for the record the product builds
    (supervision_record_of), as clean_supervision_record leaves it, then the open311_request."""
    values = changes_of(open311.supervision_record_of(form, report, place))
    created_at = dt.datetime.now(dt.UTC)
    anonymous = bool(values["anonymous"])
    name = check_text(values["raised_by_name"], "raised_by_name", 50, required=False)
    contact = check_text(values["raised_by_contact"], "raised_by_contact", 50, required=False)
    record = await insert(
        conn,
        SupervisionRecord,
        {
            **values,
            "kind": check_choice(values["kind"], SupervisionKind, "kind"),
            "subject": check_text(values["subject"] or "", "subject", max_length=200),
            "content": check_text(values["content"] or "", "content"),
            "raised_by_name": "" if anonymous else name,
            "raised_by_contact": "" if anonymous else contact,
            "status": SupervisionStatus.received,
            "answer": "",
            "created_at": created_at,
            "due_at": values["due_at"] or created_at + ANSWER_PERIOD,
        },
    )
    request = open311.request_row(
        form, street, place, report.answers, supervision_record=record["id"]
    )
    await insert(conn, ServiceRequest, request)
    return open311.supervision_created(form, report, record["id"])


@post(
    "/raw/scoped/open311/requests.json",
    exception_handlers={DomainError: domain_error, asyncpg.PostgresError: database_error},
)
async def scoped_open311_request(request: Request[Any, Any, Any]) -> Response[bytes]:
    """The product's Open311 POST (app.open311.services.submit_request) in one transaction
    without the framework: the form read by the product's parser, the same three scopes
    (every street for the jurisdiction, the street's public scope for the service and the
    place, the key's for the write), the product's statements and rules, the same rows and
    audit entries, the same answer. The key is the bench's write token (not looked up, as
    the check-in peer does not look up its token); located by lat/long only."""
    form = read_report(parse_form(await request.body()))
    if form.point is None:
        raise ValidationFailed("this peer locates reports by lat and long only", field="lat")
    key = open311_key()
    async with POOL["db"].acquire() as conn, conn.transaction():
        await conn.execute(*switch_scope(None, SUPERUSER_SCOPE))
        street = await open311._find_jurisdiction(form.jurisdiction_id, partial(rows_of, conn))
        open311.check_reach(key, street)
        public = open311.public_scope(street["id"])
        await conn.execute(*switch_scope(SUPERUSER_SCOPE, public))
        where = f" of jurisdiction {street['code']}"
        report = await open311.read_report(form, where, partial(entry_by_id, conn))
        place = await open311.locate(form, street, partial(grid_at, conn))
        await conn.execute(*switch_scope(public, key))
        if isinstance(report, open311.WorkReport):
            created = await push_work(conn, form, report, place, street, key.user_id)
        else:
            created = await raise_record(conn, form, report, place, street)
    return render(Format.json, "service_requests", [created], status_code=201)


app = Litestar(
    route_handlers=[
        health,
        grids,
        grid,
        scoped_grids,
        scoped_grid,
        scoped_check_in,
        scoped_open311_request,
    ],
    lifespan=[pool],
    openapi_config=None,
)
