"""Each benchmark query gives the same answer in the product, its peers and its bound."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import json
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
import httpx

from app.api.tokens import ApiTokenCreate, create_token
from app.clock import local_today, utc_now
from app.jobs.rollups import MIN_RANK_SAMPLE, period_bounds, rollup_period
from app.scope import Level, Scope
from app.settings import settings
from bench import run
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


@asynccontextmanager
async def raw_peer(street: int) -> AsyncIterator[httpx.AsyncClient]:
    """A client of the raw peer in this process, scoped as the bench's token of `street`."""
    raw_litestar.POOL["db"] = await asyncpg.create_pool(
        dsn=os.environ["DATABASE_URL"], min_size=1, max_size=2
    )
    raw_litestar.SCOPE_STREET = str(street)
    try:
        transport = httpx.ASGITransport(app=raw_litestar.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://raw") as raw_client:
            yield raw_client
    finally:
        await raw_litestar.POOL.pop("db").close()


async def answers(
    client: httpx.AsyncClient, token: str, product: str, peer: str, street: int
) -> list[Any]:
    """The product's, the raw limit's and DRF's answers; the raw limit answers the same
    with and without the product's row-level security (`/raw/scoped/`)."""
    bearer = {"Authorization": f"Bearer {token}"}
    mine = await client.get(f"/api/v1/{product}", headers=bearer)
    async with raw_peer(street) as raw_client:
        raw = await raw_client.get(f"/raw/{peer}")
        scoped = await raw_client.get(f"/raw/scoped/{peer}")
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
    async with raw_peer(city.streets[0]["id"]) as raw_client:
        peer = await raw_client.post("/raw/scoped/check-ins", json=body)
        refused = await raw_client.post(
            "/raw/scoped/check-ins", json={**body, "grid": city.grids[-1].id}
        )
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


def without_keys(row: Any) -> dict[str, Any]:
    """A stored row or audit image without what differs between two equal writes: ids, the
    rows it points to that the write created, and moments."""
    return {
        k: v
        for k, v in dict(row).items()
        if k not in ("id", "row_id", "work_item", "supervision_record")
        and not isinstance(v, dt.datetime)
        and not (isinstance(v, str) and k.endswith(("_at", "at")) and v[:2] == "20")
    }


async def rows_after(
    conn: asyncpg.Connection, before: dict[str, int], after: dict[str, int] | None = None
) -> dict[str, list[dict[str, Any]]]:
    """The rows each written table and the audit log got after `before` (up to `after`)."""
    rows = {}
    for table, last in before.items():
        upto = (after or {}).get(table, 2**31 - 1)
        found = await conn.fetch(
            f"SELECT * FROM {table} WHERE id > $1 AND id <= $2 ORDER BY id", last, upto
        )
        if table == "audit_log":
            rows[table] = sorted(
                ({**dict(r), "after": without_keys(json.loads(r["after"] or "{}"))} for r in found),
                key=lambda r: (r["table_name"], r["action"]),
            )
        else:
            rows[table] = list(found)
    return {table: [without_keys(r) for r in found] for table, found in rows.items()}


async def test_an_open311_request_is_stored_alike_by_the_product_and_its_raw_scoped_peer(
    city: City, client: httpx.AsyncClient, conn: asyncpg.Connection
) -> None:
    """The Open311 peer of issue 19 does the product's work: the bench's two kinds of report
    (a work item through the access list, a supervision record) store the same rows in
    every table and the same audit entries, and answer the same."""
    url = os.environ["DATABASE_URL"]
    bench_city = await run.describe_city(url)
    await run.make_tokens(bench_city)
    # A district standard for the first stage, so that the stage row gets its deadlines.
    await conn.execute(
        "INSERT INTO time_limit_standard (street, category, stage, priority, amount, unit)"
        " VALUES (NULL, 'civil_affairs', 'accept', 'normal', 2, 'hours')"
    )
    tables = (*run.WRITTEN_TABLES, "audit_log")
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    answers: dict[str, list[httpx.Response]] = {}
    stored = []
    async with raw_peer(bench_city.street_id) as raw_client:
        for server, http in (("product-uvicorn", client), ("raw-scoped", raw_client)):
            before = await run.last_ids(url, tables)
            posts = run.open311_requests(bench_city, server)[:2]  # a work item, a record
            answers[server] = [
                await http.post(path, content=body, headers=form) for _, path, body in posts
            ]
            stored.append((before, await run.last_ids(url, tables)))
        elsewhere = dataclasses.replace(bench_city, street_code="999999999")
        refusals = [
            await http.post(path, content=body, headers=form)
            for server, http in (("product-uvicorn", client), ("raw-scoped", raw_client))
            for _, path, body in run.open311_requests(elsewhere, server)[:1]
        ]
    for responses in answers.values():
        assert [r.status_code for r in responses] == [201, 201], [r.text for r in responses]
    mine, peer = ([r.json()[0] for r in responses] for responses in answers.values())
    assert [a["service_request_id"][0] for a in mine] == ["W", "S"]
    assert [{**a, "service_request_id": a["service_request_id"][0]} for a in mine] == [
        {**a, "service_request_id": a["service_request_id"][0]} for a in peer
    ]
    assert refusals[0].status_code == refusals[1].status_code == 404
    assert refusals[0].json() == refusals[1].json()
    (product_before, product_after), (peer_before, _) = stored
    stored_mine = await rows_after(conn, product_before, product_after)
    stored_peer = await rows_after(conn, peer_before)
    assert stored_mine == stored_peer
    counts = {table: len(rows) for table, rows in stored_mine.items()}
    assert counts == {
        "open311_request": 2,
        "work_item_event": 1,
        "work_item_stage": 1,
        "work_item": 1,
        "supervision_record": 1,
        "check_in": 0,
        "audit_log": counts["audit_log"],
    }
    assert stored_mine["work_item_stage"][0]["limit_minutes"] == 120
    assert {a["actor_id"] for a in stored_mine["audit_log"]} == {1}
    assert {a["table_name"] for a in stored_mine["audit_log"]} >= {
        "work_item",
        "supervision_record",
        "open311_request",
    }
