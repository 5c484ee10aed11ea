"""The staff map over HTTP (issue 14): its JSON against the SVG map page, and ETag revalidation.

    .venv/bin/python -m bench.maps_http --scale small      # --repeat 30 requests of each

On the benchmark database `grid_bench_<scale>` (loaded and reused as `python -m bench` does),
the product runs under uvicorn (one worker, bench/run.py `product_server`). Two logins —
the district's superuser `admin` and street 1's official `jd<id>` — each from its own
keep-alive client, one request at a time, ask:

- `GET /maps/api/layers` for the views of bench/maps.py (zoom 10 … 17, a box around a
  community in the middle of street 1), and for the whole street at zoom 13 (about what the
  street's map opens on);
- `GET /maps/api/today/street/<code>` (today's check-ins and tracks);
- the SVG map pages of the same street and community (`/maps/street/<code>`,
  `/maps/community/<code>`: HTML with the server-drawn SVG and the tables, what the staff
  saw before the map component) — the district has none.

Each is timed fresh (200) and revalidated (`If-None-Match` with the ETag it was given: 304,
no body). The very first request of each is reported apart: the server starts with an
empty shape cache (app/atlas/shape_cache.py), so for the district's views that is the cold
answer, with every polygon read and simplified, and the street's views reuse the shapes the
district's left. Also reported: the body's bytes, the bytes sent (the map's JSON goes gzipped
from 1 KiB, app/atlas/caching.py; the pages go as they are), what gzip level 6 makes of the
body, and the time a blake2b hash of the body takes. The client accepts gzip, as browsers
do. Reads only. Results: bench/results/maps-http-<scale>-<date>T<HHMM>.json/.md.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import gzip
import hashlib
import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import psutil

from bench.field import write_results
from bench.load import cpu_seconds, server_pids
from bench.maps import VIEWS

WARMUP = 2
MakeClient = Callable[[], httpx.AsyncClient]
STREET_ZOOM = 13


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile of `values` (ms, rounded)."""
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(share * len(ordered)))], 1)


def hash_ms(body: bytes) -> float:
    """What hashing `body` costs (the ETag of today's answer hashes its body; the layers'
    hashes their figures, far fewer bytes): the median of 20 blake2b digests, in ms."""
    times = []
    for _ in range(20):
        t0 = time.perf_counter()
        hashlib.blake2b(body, digest_size=16).hexdigest()
        times.append(time.perf_counter() - t0)
    return round(statistics.median(times) * 1000, 3)


@dataclass(frozen=True)
class Server:
    """The server's processes and the database it uses, to count the CPU its answers cost
    (absent when the app runs in the bench's own process, as in the tests)."""

    pids: list[int]
    database_url: str

    def cpu_seconds(self) -> tuple[float, float]:
        """CPU seconds so far of the web processes and of their own PostgreSQL backends."""
        return cpu_seconds(self.pids), cpu_seconds(self.backends())

    def backends(self) -> list[int]:
        """The backends serving the server's connections, found by its sockets' ports, so
        other clients of the same database (another bench, say) are not counted."""
        import psycopg

        ports = [
            c.laddr.port
            for pid in self.pids
            for c in psutil.Process(pid).net_connections(kind="tcp")
            if c.raddr
        ]
        with psycopg.connect(self.database_url, autocommit=True) as conn:
            rows = conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE client_port = ANY(%s)", (ports,)
            ).fetchall()
        return [int(row[0]) for row in rows]


async def timed(
    client: httpx.AsyncClient,
    path: str,
    repeat: int,
    etag: str | None = None,
    server: Server | None = None,
) -> tuple[dict[str, Any], httpx.Response]:
    """p50/p99 in ms of `repeat` GETs of `path` (after WARMUP), the first one's time, the
    statuses, the server's CPU ms per request (web, database) and the last answer."""
    headers = {"If-None-Match": etag} if etag else {}
    times: list[float] = []
    statuses = set()
    first_ms = 0.0
    response: httpx.Response | None = None
    before = (0.0, 0.0)
    for n in range(repeat + WARMUP):
        if n == WARMUP and server:
            before = server.cpu_seconds()
        t0 = time.perf_counter()
        response = await client.get(path, headers=headers)
        elapsed = time.perf_counter() - t0
        statuses.add(response.status_code)
        if n == 0:
            first_ms = round(elapsed * 1000, 1)
        if n >= WARMUP:
            times.append(elapsed * 1000)
    assert response is not None
    figures: dict[str, Any] = {
        "status": sorted(statuses),
        "first_ms": first_ms,
        "p50_ms": percentile(times, 0.5),
        "p99_ms": percentile(times, 0.99),
    }
    if server:
        after = server.cpu_seconds()
        web, db = ((a - b) * 1000 / repeat for a, b in zip(after, before, strict=True))
        figures.update(web_cpu_ms=round(web, 2), db_cpu_ms=round(db, 2))
    return figures, response


async def measured(
    client: httpx.AsyncClient, path: str, repeat: int, server: Server | None = None
) -> dict[str, Any]:
    """`path` fresh and revalidated: sizes, times, CPU and the cost of hashing the body."""
    fresh, response = await timed(client, path, repeat, server=server)
    body = response.content
    row: dict[str, Any] = {
        "path": path,
        **fresh,
        "bytes": len(body),
        "sent_bytes": response.num_bytes_downloaded,
        "content_encoding": response.headers.get("content-encoding"),
        "gzip_bytes": len(gzip.compress(body, compresslevel=6, mtime=0)),
        "cache_control": response.headers.get("cache-control"),
    }
    etag = response.headers.get("etag")
    if etag:
        again, answer = await timed(client, path, repeat, etag, server)
        row["revalidated"] = {**again, "bytes": len(answer.content)}
        row["etag_hash_ms"] = hash_ms(body)
    return row


async def login(make_client: MakeClient, username: str) -> httpx.AsyncClient:
    from bench.generate import PASSWORD

    client = make_client()
    await client.get("/admin/")
    response = await client.post(
        "/admin/public/login/",
        json={"username": username, "password": PASSWORD},
        headers={"X-CSRFToken": client.cookies.get("csrftoken", "")},
    )
    if response.status_code != 200:
        await client.aclose()
        raise RuntimeError(f"login {username}: {response.status_code} {response.text[:200]}")
    return client


async def street_place(url: str, street_id: int) -> dict[str, Any]:
    """Street 1's code and box, and the community in its middle with that community's
    south-west corner (where the views of bench/maps.py start)."""
    import asyncpg

    conn = await asyncpg.connect(dsn=url)
    try:
        street = await conn.fetchrow(
            """SELECT s.code, min(g.min_lon) AS west, min(g.min_lat) AS south,
                      max(g.max_lon) AS east, max(g.max_lat) AS north
               FROM street s JOIN community c ON c.street = s.id
               JOIN responsibility_grid g ON g.community = c.id
               WHERE s.id = $1 GROUP BY s.code""",
            street_id,
        )
        communities = await conn.fetch(
            """SELECT c.code, min(g.min_lon) AS west, min(g.min_lat) AS south
               FROM community c JOIN responsibility_grid g ON g.community = c.id
               WHERE c.street = $1 GROUP BY c.code ORDER BY c.code""",
            street_id,
        )
    finally:
        await conn.close()
    return {"street": dict(street), "community": dict(communities[len(communities) // 2])}


def layers_path(box: tuple[float, float, float, float], zoom: int) -> str:
    return f"/maps/api/layers?bbox={','.join(f'{v:.6f}' for v in box)}&zoom={zoom}&metric=check_in"


async def run_maps_http(
    make_client: MakeClient, url: str, street_id: int, repeat: int, server: Server | None = None
) -> dict[str, Any]:
    place = await street_place(url, street_id)
    street, community = place["street"], place["community"]
    rows: list[dict[str, Any]] = []
    logins = {"district": "admin", "street": f"jd{street_id}"}
    for scope, username in logins.items():
        client = await login(make_client, username)
        try:
            for zoom, width in VIEWS:
                west, south = community["west"], community["south"]
                box = (west, south, west + width, south + width * 0.6)
                row = await measured(client, layers_path(box, zoom), repeat, server)
                rows.append({"scope": scope, "what": "layers", "zoom": zoom, **row})
            whole = (street["west"], street["south"], street["east"], street["north"])
            row = await measured(client, layers_path(whole, STREET_ZOOM), repeat, server)
            rows.append(
                {"scope": scope, "what": "layers, whole street", "zoom": STREET_ZOOM, **row}
            )
            today = await measured(
                client, f"/maps/api/today/street/{street['code']}", repeat, server
            )
            rows.append({"scope": scope, "what": "today", "zoom": None, **today})
            for level, code in (("street", street["code"]), ("community", community["code"])):
                page = await measured(client, f"/maps/{level}/{code}", repeat, server)
                rows.append({"scope": scope, "what": f"SVG page, {level}", "zoom": None, **page})
        finally:
            await client.aclose()
    return {
        "repeat": repeat,
        "street": street["code"],
        "community": community["code"],
        "rows": rows,
    }


def kb(n: int) -> str:
    return f"{n / 1024:,.1f}"


def cpu(figures: dict[str, Any]) -> str:
    """The server's CPU ms per request as `web + database`, or — when not counted."""
    if "web_cpu_ms" not in figures:
        return "—"
    return f"{figures['web_cpu_ms']} + {figures['db_cpu_ms']}"


def markdown(results: dict[str, Any]) -> str:
    lines = [
        f"# Map data over HTTP, scale {results['scale']['name']} ({results['started_at']})",
        "",
        f"Street {results['street']}, community {results['community']}; one uvicorn worker, "
        f"one keep-alive client per login, {results['repeat']} requests each after "
        f"{WARMUP} warm-up, load average {', '.join(str(x) for x in results['load_average'])}. "
        "KiB: the body; sent: on the wire (gzip: the app compressed it); gzip-6: what gzip "
        "level 6 makes of the body. 1st ms: the first request of the row (the district's "
        "with an empty shape cache). CPU: the server's per request, web process + its "
        "PostgreSQL backends (counted in 10 ms clock ticks over the run: ±10 ms ÷ requests). "
        "304: the same request with If-None-Match = the ETag it was given.",
        "",
        "| scope | what | zoom | KiB | sent KiB | gzip-6 KiB | 1st ms | p50 ms | p99 ms "
        "| CPU ms | 304 p50 ms | 304 p99 ms | 304 CPU ms | Cache-Control |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for row in results["rows"]:
        again = row.get("revalidated") or {}
        bad = "" if row["status"] == [200] else f" (status {row['status']})"
        if again and again["status"] != [304]:
            bad += f" (revalidated {again['status']})"
        lines.append(
            f"| {row['scope']} | {row['what']}{bad} | {row['zoom'] or '—'} | {kb(row['bytes'])} "
            f"| {kb(row['sent_bytes'])}{' (gzip)' if row['content_encoding'] else ''} "
            f"| {kb(row['gzip_bytes'])} | {row['first_ms']} | {row['p50_ms']} | {row['p99_ms']} "
            f"| {cpu(row)} | {again.get('p50_ms', '—')} | {again.get('p99_ms', '—')} "
            f"| {cpu(again)} | {row['cache_control'] or '—'} |"
        )
    return "\n".join(lines) + "\n"


async def named_database(args: argparse.Namespace) -> tuple[Any, str]:
    """`--database`: a loaded bench database used as it is, e.g. a copy of a shared one
    (`CREATE DATABASE grid_bench_full_copy TEMPLATE grid_bench_full`). It is migrated to
    this code's tables, and never loaded or dropped."""
    from app.database import with_database
    from bench.__main__ import server_url
    from bench.scale import parse_scale

    if not args.database.startswith("grid_bench_"):
        raise SystemExit("--database names a grid_bench_… database")
    url = with_database(server_url(args), args.database)
    os.environ["DATABASE_URL"] = url
    from app.database import apply_migrations

    await apply_migrations()
    return parse_scale(args.scale), url


async def main(args: argparse.Namespace) -> int:
    from bench.database import ready_database

    scale, url = await (named_database(args) if args.database else ready_database(args))
    from app.db import DB
    from bench import run

    started = dt.datetime.now(dt.UTC)
    await DB.start_connection_pool(min_size=1, max_size=2)
    env = {"DATABASE_URL": url, "ADMIN_LOGIN_LIMIT": "1000000"}
    try:
        async with run.product_server(url, env, ()) as (base, city, _):
            results = await run_maps_http(
                lambda: httpx.AsyncClient(base_url=base, timeout=120),
                url,
                city.street_id,
                args.repeat,
                Server(server_pids(os.getpid())[1:], url),
            )
    finally:
        await DB.close_connection_pool()
    write_results("maps-http", scale, started, results, markdown)
    return 0


def parse(argv: list[str] | None) -> argparse.Namespace:
    from bench.database import add_database_arguments

    parser = argparse.ArgumentParser(
        prog="python -m bench.maps_http",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_database_arguments(parser, "small")
    parser.add_argument("--repeat", type=int, default=30, help="requests of each, measured")
    parser.add_argument(
        "--database",
        default=None,
        help="an already loaded grid_bench_… database of --scale to use instead (a copy)",
    )
    return parser.parse_args(argv)


if __name__ == "__main__":
    sys.exit(asyncio.run(main(parse(sys.argv[1:]))))
