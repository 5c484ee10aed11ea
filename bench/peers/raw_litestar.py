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

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
import msgspec
from litestar import Litestar, Request, Response, get, post
from litestar.exceptions import NotFoundException, PermissionDeniedException
from shapely.geometry import Point

from app.areas.rules import size_warning_message
from app.clock import local_date_of, utc_now
from app.crud import _numbered
from app.daily.schemas import CheckInCreate
from app.daily.services import _INSERT_CHECK_IN
from app.geo import contains_point, parse_polygon

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


app = Litestar(
    route_handlers=[health, grids, grid, scoped_grids, scoped_grid, scoped_check_in],
    lifespan=[pool],
    openapi_config=None,
)
