"""Each benchmark query gives the same answer in the product, its peers and its bound."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
from typing import Any

import asyncpg
import httpx

from app.api.tokens import ApiTokenCreate, create_token
from app.clock import local_today, utc_now
from app.jobs.rollups import MIN_RANK_SAMPLE, period_bounds, rollup_period
from app.scope import Level, Scope
from app.settings import settings
from bench.bound import bound_rows, product_rows, same_figures
from bench.generate import City
from bench.peers import raw_litestar
from tables.tokens import TokenScope


async def street_token(city: City) -> str:
    row = await create_token(
        ApiTokenCreate(name="bench test", scope=TokenScope.street, street=city.streets[0]["id"]),
        Scope(user_id=1, level=Level.district),
    )
    return str(row["token"])


def drf_get(path: str, token: str) -> tuple[int, Any]:
    """The DRF peer in this process (Django's test client, its own DB connection)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.peers.drf.settings")
    import django

    django.setup()
    from django.db import connections
    from django.test import Client

    try:
        response = Client().get(path, HTTP_AUTHORIZATION=f"Bearer {token}")
        return response.status_code, response.json()
    finally:
        connections.close_all()


async def answers(
    client: httpx.AsyncClient, token: str, product: str, peer: str, street: int
) -> list[Any]:
    """The product's, the raw limit's and DRF's answers; the raw limit answers the same
    with and without the product's row-level security (`/raw/scoped/`)."""
    bearer = {"Authorization": f"Bearer {token}"}
    mine = await client.get(f"/api/v1/{product}", headers=bearer)
    raw_litestar.POOL["db"] = await asyncpg.create_pool(
        dsn=os.environ["DATABASE_URL"], min_size=1, max_size=2
    )
    raw_litestar.SCOPE_STREET = str(street)
    try:
        transport = httpx.ASGITransport(app=raw_litestar.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://raw") as raw_client:
            raw = await raw_client.get(f"/raw/{peer}")
            scoped = await raw_client.get(f"/raw/scoped/{peer}")
    finally:
        await raw_litestar.POOL.pop("db").close()
    drf_status, drf = await asyncio.to_thread(drf_get, f"/drf/{peer}", token)
    assert (mine.status_code, raw.status_code, drf_status) == (200, 200, 200)
    assert scoped.status_code == 200 and scoped.json() == raw.json()
    return [mine.json(), raw.json(), drf]


async def test_page_of_grids_is_the_same_in_product_raw_and_drf(
    city: City, client: httpx.AsyncClient
) -> None:
    token = await street_token(city)
    community = city.communities[1]["code"]
    query = f"grids?community={community}&page_size=50"
    product, raw, drf = await answers(client, token, query, query, city.streets[0]["id"])
    assert product == raw == drf
    assert product["total"] == city.scale.grids_per_community
    assert [g["code"] for g in product["items"]] == sorted(
        g.code for g in city.grids if g.community == city.communities[1]["id"]
    )


async def test_one_grid_is_the_same_in_product_raw_and_drf(
    city: City, client: httpx.AsyncClient
) -> None:
    token = await street_token(city)
    code = city.grids[4].code
    product, raw, drf = await answers(
        client, token, f"grids/{code}", f"grids/{code}", city.streets[0]["id"]
    )
    assert product == raw == drf
    assert product["household_count"] == city.grids[4].household_count


async def test_rollups_equal_the_single_sql_bound(city: City, conn: asyncpg.Connection) -> None:
    yesterday = local_today() - dt.timedelta(days=1)
    # A rest day inside the week and a late joiner make the duty days less uniform.
    await conn.execute(
        "INSERT INTO rest_day (day, name) VALUES ($1, 'test')", yesterday - dt.timedelta(days=2)
    )
    await conn.execute(
        "UPDATE staff_member SET created_at = $1 WHERE id = $2",
        utc_now() - dt.timedelta(days=3),
        city.grids[1].worker,
    )
    await conn.execute(
        "UPDATE check_in SET counted = false, inside_grid = false WHERE staff = $1",
        city.grids[1].worker,
    )
    now = utc_now()
    for kind, start in (("day", yesterday), ("month", yesterday.replace(day=1))):
        _, end = period_bounds(kind, start)
        await rollup_period(kind, start, now=now)
        stored = await product_rows(conn, kind, start)
        bound = await bound_rows(
            conn, kind, start, end, settings.timezone_name, MIN_RANK_SAMPLE, now
        )
        assert stored
        assert same_figures(stored, bound), kind
        kinds = {row[0] for row in stored}
        assert kinds == {"staff", "grid", "community", "street"}


async def test_a_check_in_is_stored_alike_by_the_product_and_its_raw_scoped_peer(
    city: City, client: httpx.AsyncClient, conn: asyncpg.Connection
) -> None:
    """The write peer of issue 19 does the product's work: the same row (inside, counted once
    a day) and an audit entry by the token's creator, in the street's scope."""
    row = await create_token(
        ApiTokenCreate(
            name="bench write",
            scope=TokenScope.street,
            street=city.streets[0]["id"],
            can_write=True,
        ),
        Scope(user_id=1, level=Level.district),
    )
    grid = city.grids[0]
    west, south, east, north = grid.bounds
    body = {
        "staff": grid.worker,
        "grid": grid.id,
        "longitude": (west + east) / 2,
        "latitude": (south + north) / 2,
        "note": "bench",
    }
    mine = await client.post(
        "/api/v1/check-ins", json=body, headers={"Authorization": f"Bearer {row['token']}"}
    )
    raw_litestar.POOL["db"] = await asyncpg.create_pool(
        dsn=os.environ["DATABASE_URL"], min_size=1, max_size=2
    )
    raw_litestar.SCOPE_STREET = str(city.streets[0]["id"])
    try:
        transport = httpx.ASGITransport(app=raw_litestar.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://raw") as raw_client:
            peer = await raw_client.post("/raw/scoped/check-ins", json=body)
            refused = await raw_client.post(
                "/raw/scoped/check-ins", json={**body, "grid": city.grids[-1].id}
            )
    finally:
        await raw_litestar.POOL.pop("db").close()
    assert (mine.status_code, peer.status_code, refused.status_code) == (201, 201, 403)
    stored = await conn.fetch(
        "SELECT id, staff, grid, community, local_date, latitude, longitude, inside_grid,"
        " counted, note FROM check_in WHERE id = ANY($1::int[]) ORDER BY id",
        [mine.json()["id"], peer.json()["id"]],
    )
    product_row, peer_row = ({k: v for k, v in r.items() if k != "id"} for r in stored)
    assert product_row == {**peer_row, "counted": product_row["counted"]}
    assert product_row["inside_grid"] and not peer_row["counted"]  # one counted check-in a day
    audited = await conn.fetch(
        "SELECT actor_id FROM audit_log WHERE table_name = 'check_in' AND row_id = ANY($1::int[])",
        [r["id"] for r in stored],
    )
    assert [a["actor_id"] for a in audited] == [1, 1]
