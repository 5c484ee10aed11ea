"""One benchmark run: every server in turn on the same data, then the jobs, then the report.

The product runs under uvicorn and granian; the limit (bare Litestar + raw asyncpg) under
uvicorn; the alternative (Django REST framework) under gunicorn; all with the same number of
worker processes and the same database pool size. A scenario whose product endpoint is not
in the product's OpenAPI document yet is reported as "not available yet" (its peers still run).
"""

from __future__ import annotations

import json
import platform
import statistics
import subprocess
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import asyncpg
import httpx

from bench.generate import PASSWORD
from bench.load import Request, measure
from bench.servers import free_port, running, specs

NOT_AVAILABLE = "not available yet"
PRODUCT_SERVERS = ("product-uvicorn", "product-granian", "product-tuned")


@dataclass
class Options:
    workers: int = 1
    connections: int = 64
    seconds: float = 10.0
    warmup: float = 3.0
    servers: tuple[str, ...] = ("product-uvicorn", "product-granian", "raw", "raw-scoped", "drf")
    pool_max: int = 20
    admin_requests: int = 15
    database_url: str | None = None  # for the CPU of the servers' PostgreSQL backends


@dataclass
class City:
    """What the scenarios need to know about the loaded data (street 1 of the city)."""

    street_id: int
    street_code: str
    access_entry: int  # an approved access-list entry of the street (Open311 service)
    communities: list[str]
    grids: list[dict[str, Any]]  # code, id, bounds, worker staff id
    read_token: str | None = None
    write_token: str | None = None
    staff_filter: int = 0
    day_filter: str = ""


@dataclass
class HttpScenario:
    key: str
    title: str
    target: str
    product_paths: tuple[str, ...]  # OpenAPI paths that must exist in the product
    requests: Callable[[City, str], list[Request]]  # (city, server key) → requests
    peers: tuple[str, ...] = ()
    write: bool = False
    results: dict[str, Any] = field(default_factory=dict)


PEER_GRIDS = {"raw": "/raw/grids", "raw-scoped": "/raw/scoped/grids", "drf": "/drf/grids"}
PEER_CHECK_INS = {"raw-scoped": "/raw/scoped/check-ins"}
PEER_OPEN311 = {"raw-scoped": "/raw/scoped/open311/requests.json"}


def grid_list_requests(city: City, server: str) -> list[Request]:
    prefix = PEER_GRIDS.get(server, "/api/v1/grids")
    return [("GET", f"{prefix}?community={code}&page_size=50", "") for code in city.communities]


def grid_detail_requests(city: City, server: str) -> list[Request]:
    prefix = PEER_GRIDS.get(server, "/api/v1/grids")
    return [("GET", f"{prefix}/{g['code']}", "") for g in city.grids]


def check_in_requests(city: City, server: str) -> list[Request]:
    requests = []
    for g in city.grids:
        west, south, east, north = g["bounds"]
        body = {
            "staff": g["worker"],
            "grid": g["id"],
            "longitude": (west + east) / 2,
            "latitude": (south + north) / 2,
            "note": "bench",
        }
        requests.append(("POST", PEER_CHECK_INS.get(server, "/api/v1/check-ins"), json.dumps(body)))
    return requests


def open311_requests(city: City, server: str) -> list[Request]:
    """A 12345-style report at the middle of each grid: half become work items through the
    street's access list, half supervision records."""
    requests = []
    for n, g in enumerate(city.grids):
        west, south, east, north = g["bounds"]
        fields = {
            "api_key": city.write_token or "",
            "jurisdiction_id": city.street_code,
            "lat": f"{(south + north) / 2:.6f}",
            "long": f"{(west + east) / 2:.6f}",
            "description": f"bench report {n}",
            "first_name": "bench",
        }
        if n % 2:
            fields["service_code"] = "supervision-residents_rights"
            fields["attribute[subject]"] = "某物业服务公司"
        else:
            fields["service_code"] = f"access-{city.access_entry}"
        path = PEER_OPEN311.get(server, "/open311/v2/requests.json")
        requests.append(("POST", path, urlencode(fields)))
    return requests


SCENARIOS = [
    HttpScenario(
        "grid_list",
        "GET a page of 50 grids of one community (token, scoped)",
        "≥ 2.5× DRF, ≥ 70% of raw, p99 < 50 ms",
        ("/api/v1/grids",),
        grid_list_requests,
        peers=("raw", "raw-scoped", "drf"),
    ),
    HttpScenario(
        "grid_detail",
        "GET one grid by code (token, scoped)",
        "≥ 2.5× DRF, ≥ 70% of raw, p99 < 50 ms",
        ("/api/v1/grids/{code}",),
        grid_detail_requests,
        peers=("raw", "raw-scoped", "drf"),
    ),
    HttpScenario(
        "check_in",
        "POST check-ins (polygon + once a day, token, scoped)",
        "≥ 500/s, p99 < 100 ms",
        ("/api/v1/check-ins",),
        check_in_requests,
        peers=("raw-scoped",),
        write=True,
    ),
    HttpScenario(
        "open311",
        "Open311 POST request (point-in-polygon among all grids)",
        "≥ 300/s, ≥ 0.7× raw-scoped",
        ("/open311/v2/requests.json",),
        open311_requests,
        peers=("raw-scoped",),
        write=True,
    ),
]


# ---------------------------------------------------------------- preparation


async def describe_city(url: str) -> City:
    conn = await asyncpg.connect(dsn=url)
    try:
        street = await conn.fetchval("SELECT min(id) FROM street")
        street_code = await conn.fetchval("SELECT code FROM street WHERE id = $1", street)
        entry = await conn.fetchval(
            "SELECT min(id) FROM access_list_entry WHERE street = $1 AND status = 'approved'"
            " AND category = 'civil_affairs'",
            street,
        )
        communities = [
            r["code"]
            for r in await conn.fetch(
                "SELECT code FROM community WHERE street = $1 ORDER BY code", street
            )
        ]
        rows = await conn.fetch(
            """SELECT g.id, g.code, g.min_lon, g.min_lat, g.max_lon, g.max_lat, ga.staff
               FROM responsibility_grid g
               JOIN community c ON c.id = g.community
               JOIN grid_assignment ga ON ga.grid = g.id AND ga.kind = 'primary'
               WHERE c.street = $1 ORDER BY g.code""",
            street,
        )
        staff = rows[0]["staff"]
        day = await conn.fetchval("SELECT max(local_date) - 30 FROM check_in")
    finally:
        await conn.close()
    return City(
        street_id=street,
        street_code=street_code,
        access_entry=entry,
        communities=communities,
        grids=[
            {
                "id": r["id"],
                "code": r["code"],
                "worker": r["staff"],
                "bounds": (r["min_lon"], r["min_lat"], r["max_lon"], r["max_lat"]),
            }
            for r in rows
        ],
        staff_filter=staff,
        day_filter=day.isoformat(),
    )


async def make_tokens(city: City) -> None:
    """A read-only and a read-write street token, made by the product's own service."""
    try:
        from app.api.tokens import ApiTokenCreate, create_token
        from app.scope import Level, Scope
        from tables.tokens import TokenScope
    except ImportError:
        return
    admin = Scope(user_id=1, level=Level.district)
    for attribute, can_write in (("read_token", False), ("write_token", True)):
        row = await create_token(
            ApiTokenCreate(
                name=f"bench {attribute}",
                scope=TokenScope.street,
                street=city.street_id,
                can_write=can_write,
            ),
            admin,
        )
        setattr(city, attribute, row["token"])


WRITTEN_TABLES = (
    "open311_request",
    "work_item_event",
    "work_item_stage",
    "work_item",
    "supervision_record",
    "check_in",
)


async def last_ids(url: str, tables: tuple[str, ...] = WRITTEN_TABLES) -> dict[str, int]:
    """The highest id of each table the write scenarios add to (before they run)."""
    conn = await asyncpg.connect(dsn=url)
    try:
        ids = {}
        for table in tables:
            if await conn.fetchval("SELECT to_regclass($1) IS NOT NULL", table):
                ids[table] = await conn.fetchval(f"SELECT coalesce(max(id), 0) FROM {table}")
        return ids
    finally:
        await conn.close()


async def clean_bench_writes(url: str, before: dict[str, int]) -> None:
    """Remove the rows the write scenarios added, so the next run starts from the same data
    (their audit rows stay: the audit log is append-only)."""
    conn = await asyncpg.connect(dsn=url)
    try:
        async with conn.transaction():
            await conn.execute("SET LOCAL session_replication_role = replica")
            for table, last in before.items():
                await conn.execute(f"DELETE FROM {table} WHERE id > $1", last)
    finally:
        await conn.close()


# ---------------------------------------------------------------- HTTP


def product_paths(base: str) -> set[str]:
    try:
        return set(httpx.get(f"{base}/schema/openapi.json", timeout=30).json()["paths"])
    except (httpx.HTTPError, ValueError, KeyError):
        return set()


def sample_errors(base: str, requests: list[Request], headers: dict[str, str]) -> list[str]:
    """Send a spread of the requests once and describe the distinct error answers."""
    seen: dict[int, str] = {}
    step = max(1, len(requests) // 20)
    with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
        for method, path, body in requests[::step]:
            response = client.request(method, path, content=body or None)
            if response.status_code >= 400 and response.status_code not in seen:
                seen[response.status_code] = (
                    f"{method} {path[:80]} → {response.status_code}: {response.text[:300]}"
                )
    return list(seen.values())


def admin_list(base: str, city: City, requests: int) -> dict[str, Any]:
    """First page and filtered pages of the check-in table as the admin UI loads them."""
    table = f"{base}/admin/api/tables/check_in"
    page = "__page=1&__page_size=15&__order=-id&__readable=true"
    pages = {
        "first page": "",
        "filtered by staff": f"staff={city.staff_filter}&",
        "filtered by day": f"local_date={city.day_filter}&",
    }
    results: dict[str, Any] = {}
    for username in ("admin", "sq1"):
        with httpx.Client(timeout=60) as client:
            client.get(f"{base}/admin/")
            csrf = client.cookies.get("csrftoken", "")
            login = client.post(
                f"{base}/admin/public/login/",
                json={"username": username, "password": PASSWORD},
                headers={"X-CSRFToken": csrf},
            )
            if login.status_code != 200:
                results[username] = {"error": f"login {login.status_code}"}
                continue
            for name, query in pages.items():
                times, status = [], set()
                for n in range(requests + 2):
                    t0 = time.perf_counter()
                    rows = client.get(f"{table}/?{query}{page}")
                    count = client.get(f"{table}/count/?{query}__order=-id")
                    if n >= 2:  # two warm-up loads
                        times.append((time.perf_counter() - t0) * 1000)
                    status |= {rows.status_code, count.status_code}
                times.sort()
                results[f"{username}: {name}"] = {
                    "status": sorted(status),
                    "rows_total": count.json().get("count") if count.status_code == 200 else None,
                    "p50_ms": round(statistics.median(times), 1),
                    "max_ms": round(times[-1], 1),
                }
    worst = max((r["max_ms"] for r in results.values() if "max_ms" in r), default=None)
    ok = all(r.get("status") == [200] for r in results.values())
    return {"pages": results, "worst_ms": worst, "met": ok and worst is not None and worst < 500}


def run_servers(url: str, city: City, options: Options, report: dict[str, Any]) -> None:
    env = {
        "DATABASE_URL": url,
        "DB_POOL_MAX": str(options.pool_max),
        # The production limits (600 requests a minute per token) would refuse a benchmark.
        "API_RATE_LIMIT": "1000000000",
        "API_IP_RATE_LIMIT": "1000000000",
        "DJANGO_SETTINGS_MODULE": "bench.peers.drf.settings",
        # raw-scoped runs as the bench street token does (bench/peers/raw_litestar.py).
        "BENCH_SCOPE_STREET": str(city.street_id),
    }
    tokens = {"Authorization": f"Bearer {city.read_token}"} if city.read_token else {}
    write_headers = {"Content-Type": "application/json"}
    if city.write_token:
        write_headers["Authorization"] = f"Bearer {city.write_token}"

    def headers_for(scenario: HttpScenario, key: str) -> dict[str, str]:
        headers = dict(write_headers if scenario.write else tokens)
        if scenario.key == "open311":
            headers = {"Content-Type": "application/x-www-form-urlencoded"}
        if key in ("raw", "raw-scoped"):
            headers.pop("Authorization", None)
        return headers

    for key in options.servers:
        port = free_port()
        spec = specs(options.workers, port)[key]
        base = f"http://127.0.0.1:{port}"
        print(f"\n== {spec.label}")
        try:
            with running(spec, port, env) as process:
                run_scenarios(key, base, process.pid, city, options, headers_for, report)
        except RuntimeError as exc:
            print(f"  {exc}")
            for scenario in SCENARIOS:
                if key in PRODUCT_SERVERS or key in scenario.peers:
                    scenario.results[key] = f"server failed to start ({exc})"


def run_scenarios(
    key: str,
    base: str,
    pid: int,
    city: City,
    options: Options,
    headers_for: Callable[[HttpScenario, str], dict[str, str]],
    report: dict[str, Any],
) -> None:
    available = product_paths(base) if key in PRODUCT_SERVERS else set()
    for scenario in SCENARIOS:
        if key not in PRODUCT_SERVERS and key not in scenario.peers:
            continue
        if key in PRODUCT_SERVERS and not set(scenario.product_paths) <= available:
            scenario.results[key] = NOT_AVAILABLE
            print(f"  {scenario.key}: {NOT_AVAILABLE}")
            continue
        requests, headers = scenario.requests(city, key), headers_for(scenario, key)
        bad = sample_errors(base, requests, headers)
        result = measure(
            base,
            requests,
            headers,
            options.connections,
            options.seconds,
            options.warmup,
            pid,
            options.database_url,
        )
        result.notes += bad
        scenario.results[key] = result.as_dict()
        for note in bad:
            print(f"  {scenario.key}: {note}")
        print(
            f"  {scenario.key}: {result.rps:.0f} req/s, p50 {result.p50_ms} ms,"
            f" p99 {result.p99_ms} ms, errors {result.errors},"
            f" CPU/request web {result.web_cpu_ms} + db {result.db_cpu_ms} ms,"
            f" peak RSS {result.peak_rss_mb} MB"
        )
    if key == "product-uvicorn":
        report["admin_list"] = admin_list(base, city, options.admin_requests)
        print(f"  admin list: worst {report['admin_list']['worst_ms']} ms")


# ---------------------------------------------------------------- verdicts


def verdicts(report: dict[str, Any]) -> None:
    for scenario in report["scenarios"]:
        results = scenario["results"]
        scenario["ratios"] = {}
        scenario["met"] = {}
        for server in PRODUCT_SERVERS:
            product = results.get(server)
            if not isinstance(product, dict):
                continue
            ok = product["errors"] == 0
            ratios: dict[str, float] = {}
            for peer in ("raw", "raw-scoped", "drf"):
                other = results.get(peer)
                if isinstance(other, dict) and other["rps"]:
                    ratios[f"vs_{peer}"] = round(product["rps"] / other["rps"], 2)
            if scenario["key"] in ("grid_list", "grid_detail"):
                ok = (
                    ok
                    and ratios.get("vs_drf", 0) >= 2.5
                    and ratios.get("vs_raw", 0) >= 0.7
                    and product["p99_ms"] < 50
                )
            elif scenario["key"] == "check_in":
                ok = ok and product["rps"] >= 500 and product["p99_ms"] < 100
            elif scenario["key"] == "open311":
                ok = ok and product["rps"] >= 300 and ratios.get("vs_raw-scoped", 0.7) >= 0.7
            scenario["ratios"][server] = ratios
            scenario["met"][server] = ok
    peaks = [
        r["peak_rss_mb"]
        for s in report["scenarios"]
        for server, r in s["results"].items()
        if server in PRODUCT_SERVERS and isinstance(r, dict)
    ]
    report["peak_rss"] = {
        "product_worker_mb": max(peaks, default=None),
        "met": bool(peaks) and max(peaks) < 200,
    }


def machine() -> dict[str, Any]:
    import os

    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "commit": commit,
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }


@asynccontextmanager
async def product_server(
    url: str, env: dict[str, str], tables: tuple[str, ...]
) -> AsyncIterator[tuple[str, City, dict[str, int]]]:
    """The product under uvicorn (one worker) on the bench database `url` with `env`:
    (its base URL, the city with its tokens, the last ids of `tables` before the run). The
    rows the run adds to `tables` are removed afterwards."""
    city = await describe_city(url)
    await make_tokens(city)
    before = await last_ids(url, tables)
    port = free_port()
    try:
        with running(specs(1, port)["product-uvicorn"], port, env):
            yield f"http://127.0.0.1:{port}", city, before
    finally:
        await clean_bench_writes(url, before)
