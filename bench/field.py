"""网格通 field writes at city scale (issue 13), against today's check-in POST.

    .venv/bin/python -m bench.field --scale smoke      # make bench-field (scale small)

On the benchmark database `grid_bench_<scale>` (loaded and reused as `python -m bench` does),
the product runs under uvicorn (bench/servers.py); `workers` grid workers of the city log in
to /m/api/ with their own sessions, each from its own client, and one at a time per
connection (closed loop) they send

- **check-in with position** — `POST /m/api/check-ins` (position, accuracy, device time,
  Idempotency-Key): the polygon test and the once-a-day rule of the admin's check-in;
- **report with a 300 KB photo** — `POST /m/api/photos` (multipart, re-encoded, EXIF
  stripped) then `POST /m/api/reports` (a work item through the access list): timed as one;
- **a queued batch of 100 writes replayed** — the outbox after a day offline: 100 check-ins
  with device times of the last hours, oldest first, each with its key; then the same 100
  again (every answer lost: each must come back from the key, stored once);

and, in the same harness and the same process, **today's check-in POST**
(`POST /api/v1/check-ins` with a street token, bench/run.py `check_in_requests`). Each gives
p50/p90/p99 and requests per second; the field figures carry their ratio to today's POST.
Rows the run adds are removed afterwards (bench/run.py `clean_bench_writes`).
Results: bench/results/field-<scale>-<date>T<HHMM>.json and .md.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import io
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx

if TYPE_CHECKING:
    from bench.run import City

# bench.run and bench.generate import the app (and piccolo_conf, which picks its database on
# import): they are imported inside the functions, once DATABASE_URL names the bench database.

RESULTS = Path(__file__).resolve().parent / "results"
PHOTO_BYTES = 300_000
BATCH = 100
# What a field run adds (removed afterwards; the audit rows stay).
FIELD_TABLES = (
    "check_in",
    "field_photo",
    "field_report",
    "work_item_stage",
    "work_item_event",
    "work_item",
    "idempotency_key",
)
MakeClient = Callable[[], httpx.AsyncClient]


@dataclass
class Phone:
    """One grid worker's logged-in phone: its own client (cookies), grid and CSRF header."""

    username: str
    grid: dict[str, Any]
    client: httpx.AsyncClient
    headers: dict[str, str]
    category: int | None = None


@dataclass
class Timings:
    """Latencies (seconds) of one scenario and the wall time they took."""

    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    wall: float = 0.0

    def summary(self) -> dict[str, Any]:
        ordered = sorted(self.latencies)

        def pct(p: float) -> float:
            if not ordered:
                return 0.0
            return round(ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000, 2)

        return {
            "requests": len(ordered),
            "errors": len(self.errors),
            "error_samples": sorted(set(self.errors))[:5],
            "rps": round(len(ordered) / self.wall, 1) if self.wall else 0.0,
            "p50_ms": pct(50),
            "p90_ms": pct(90),
            "p99_ms": pct(99),
            "mean_ms": round(statistics.fmean(ordered) * 1000, 2) if ordered else 0.0,
            "max_ms": round(ordered[-1] * 1000, 2) if ordered else 0.0,
        }


def photo_of_size(target: int = PHOTO_BYTES) -> bytes:
    """A camera-like JPEG of about `target` bytes (noise does not compress: its size is the
    size sent), already ≤ 1600 px as the phone sends it."""
    from PIL import Image

    side = 200
    while True:
        image = Image.frombytes("RGB", (side * 4 // 3, side), os.urandom(side * 4 // 3 * side * 3))
        out = io.BytesIO()
        image.save(out, "JPEG", quality=80)
        if out.tell() >= target or side >= 1200:
            return out.getvalue()
        side += 40


def middle(grid: dict[str, Any]) -> dict[str, float]:
    west, south, east, north = grid["bounds"]
    return {"latitude": (south + north) / 2, "longitude": (west + east) / 2}


def now_iso(delta: dt.timedelta = dt.timedelta()) -> str:
    return (dt.datetime.now(dt.UTC) + delta).isoformat()


async def usernames(url: str, city: City, count: int) -> list[tuple[str, dict[str, Any]]]:
    """(username, grid) of the first `count` grid workers of the city's street."""
    import asyncpg

    grids = city.grids[:count]
    conn = await asyncpg.connect(dsn=url)
    try:
        rows = await conn.fetch(
            'SELECT s.id, u.username FROM staff_member s JOIN piccolo_user u ON u.id = s."user"'
            " WHERE s.id = ANY($1::int[])",
            [g["worker"] for g in grids],
        )
    finally:
        await conn.close()
    names = {row["id"]: row["username"] for row in rows}
    return [(names[g["worker"]], g) for g in grids if g["worker"] in names]


async def log_in(make_client: MakeClient, username: str, grid: dict[str, Any]) -> Phone:
    from bench.generate import PASSWORD

    client = make_client()
    answer = await client.post("/m/api/login", json={"username": username, "password": PASSWORD})
    if answer.status_code != 200:
        await client.aclose()
        raise RuntimeError(f"login of {username}: {answer.status_code} {answer.text[:200]}")
    phone = Phone(username, grid, client, {"X-CSRFToken": client.cookies.get("csrftoken", "")})
    categories = await client.get("/m/api/report-categories", params={"grid": grid["id"]})
    if categories.status_code == 200 and categories.json():
        phone.category = categories.json()[0]["id"]
    return phone


async def timed(timings: Timings, send: Callable[[], Awaitable[httpx.Response]]) -> Any:
    t0 = time.perf_counter()
    try:
        answer = await send()
    except httpx.HTTPError as exc:
        timings.errors.append(type(exc).__name__)
        return None
    timings.latencies.append(time.perf_counter() - t0)
    if answer.status_code >= 400:
        timings.errors.append(f"{answer.status_code} {answer.text[:160]}")
        return None
    return answer.json()


async def closed_loop(
    phones: list[Phone], per_phone: int, one: Callable[[Phone, int], Awaitable[None]]
) -> float:
    """Every phone sends `per_phone` writes one after another, all phones at once."""

    async def run(phone: Phone) -> None:
        for n in range(per_phone):
            await one(phone, n)

    t0 = time.perf_counter()
    await asyncio.gather(*(run(p) for p in phones))
    return time.perf_counter() - t0


def check_in_body(phone: Phone, device_time: str) -> dict[str, Any]:
    return {
        "grid": phone.grid["id"],
        **middle(phone.grid),
        "accuracy": 10,
        "device_time": device_time,
    }


async def field_check_ins(phones: list[Phone], per_phone: int) -> Timings:
    timings = Timings()

    async def one(phone: Phone, n: int) -> None:
        await timed(
            timings,
            lambda: phone.client.post(
                "/m/api/check-ins",
                json=check_in_body(phone, now_iso()),
                headers={**phone.headers, "Idempotency-Key": str(uuid.uuid4())},
            ),
        )

    timings.wall = await closed_loop(phones, per_phone, one)
    return timings


async def field_reports(phones: list[Phone], per_phone: int, photo: bytes) -> Timings:
    """Photo upload + report, timed together (what the worker waits for)."""
    timings = Timings()

    async def one(phone: Phone, n: int) -> None:
        t0 = time.perf_counter()
        part = Timings()
        stored = await timed(
            part,
            lambda: phone.client.post(
                "/m/api/photos",
                files={"file": ("photo.jpg", photo, "image/jpeg")},
                headers={**phone.headers, "Idempotency-Key": str(uuid.uuid4())},
            ),
        )
        if stored is not None and phone.category is not None:
            body = {
                "grid": phone.grid["id"],
                "category": phone.category,
                "description": f"bench 随手拍 {n}",
                **middle(phone.grid),
                "accuracy": 10,
                "photos": [stored["photo"]],
            }
            await timed(
                part,
                lambda: phone.client.post(
                    "/m/api/reports",
                    json=body,
                    headers={**phone.headers, "Idempotency-Key": str(uuid.uuid4())},
                ),
            )
        elif phone.category is None:
            part.errors.append("no report category for the grid")
        timings.errors += part.errors
        if not part.errors:
            timings.latencies.append(time.perf_counter() - t0)

    timings.wall = await closed_loop(phones, per_phone, one)
    return timings


async def replayed_batches(phones: list[Phone], batch: int) -> dict[str, Any]:
    """Each phone replays its outbox of `batch` queued check-ins, oldest first; then sends
    the same writes again (answers lost): those must come back from their keys."""
    queued = {
        phone.username: [
            (str(uuid.uuid4()), check_in_body(phone, now_iso(-dt.timedelta(minutes=batch - n))))
            for n in range(batch)
        ]
        for phone in phones
    }
    results: dict[str, Any] = {}
    for name in ("first_send", "resend"):
        timings = Timings()
        batch_seconds: list[float] = []

        async def replay(
            phone: Phone, timings: Timings = timings, batch_seconds: list[float] = batch_seconds
        ) -> None:
            t0 = time.perf_counter()
            for key, body in queued[phone.username]:
                await timed(
                    timings,
                    lambda key=key, body=body: phone.client.post(
                        "/m/api/check-ins",
                        json=body,
                        headers={**phone.headers, "Idempotency-Key": key},
                    ),
                )
            batch_seconds.append(time.perf_counter() - t0)

        t0 = time.perf_counter()
        await asyncio.gather(*(replay(p) for p in phones))
        timings.wall = time.perf_counter() - t0
        results[name] = {
            **timings.summary(),
            "batch_of": batch,
            "batches": len(batch_seconds),
            "batch_p50_s": round(statistics.median(batch_seconds), 3) if batch_seconds else 0,
            "batch_max_s": round(max(batch_seconds), 3) if batch_seconds else 0,
        }
    return results


async def api_check_ins(
    make_client: MakeClient, city: City, connections: int, per_connection: int
) -> Timings:
    """Today's check-in POST (/api/v1, street token) under the same closed loop."""
    from bench.run import check_in_requests

    requests = check_in_requests(city, "product-uvicorn")
    timings = Timings()
    headers = {"Authorization": f"Bearer {city.write_token}", "Content-Type": "application/json"}
    clients = [make_client() for _ in range(connections)]

    async def run(n: int, client: httpx.AsyncClient) -> None:
        for k in range(per_connection):
            _, path, body = requests[(n * per_connection + k) % len(requests)]
            await timed(
                timings,
                lambda path=path, body=body: client.post(path, content=body, headers=headers),
            )

    t0 = time.perf_counter()
    try:
        await asyncio.gather(*(run(n, c) for n, c in enumerate(clients)))
    finally:
        timings.wall = time.perf_counter() - t0
        await asyncio.gather(*(c.aclose() for c in clients))
    return timings


def ratio(field_result: dict[str, Any], api: dict[str, Any]) -> dict[str, float | None]:
    def div(a: float, b: float) -> float | None:
        return round(a / b, 2) if b else None

    return {
        "p50": div(field_result["p50_ms"], api["p50_ms"]),
        "p99": div(field_result["p99_ms"], api["p99_ms"]),
        "rps": div(field_result["rps"], api["rps"]),
    }


async def run_field(
    make_client: MakeClient,
    url: str,
    city: City,
    phones_wanted: int = 16,
    per_phone: int = 20,
    reports_per_phone: int = 5,
    batch: int = BATCH,
) -> dict[str, Any]:
    """Every scenario once (after a short warm-up of each), the figures and the ratios."""
    photo = photo_of_size()
    workers = await usernames(url, city, phones_wanted)
    phones = [await log_in(make_client, name, grid) for name, grid in workers]
    try:
        await api_check_ins(make_client, city, len(phones), 2)  # warm-up
        await field_check_ins(phones, 2)
        api = (await api_check_ins(make_client, city, len(phones), per_phone)).summary()
        check_in = (await field_check_ins(phones, per_phone)).summary()
        report = (await field_reports(phones, reports_per_phone, photo)).summary()
        replay = await replayed_batches(phones, batch)
    finally:
        await asyncio.gather(*(p.client.aclose() for p in phones))
    return {
        "phones": len(phones),
        "photo_bytes": len(photo),
        "api_check_in": api,
        "field_check_in": {**check_in, "ratio_to_api_check_in": ratio(check_in, api)},
        "field_report_with_photo": {**report, "ratio_to_api_check_in": ratio(report, api)},
        "queued_batch_replayed": {
            name: {**figures, "ratio_to_api_check_in": ratio(figures, api)}
            for name, figures in replay.items()
        },
    }


def markdown(results: dict[str, Any]) -> str:
    rows = [
        ("today's check-in POST (/api/v1, token)", results["api_check_in"]),
        ("field check-in with position (/m/api)", results["field_check_in"]),
        (
            f"report with a {results['photo_bytes'] // 1000} KB photo",
            results["field_report_with_photo"],
        ),
        (
            f"queued batch of {BATCH} replayed, first send",
            results["queued_batch_replayed"]["first_send"],
        ),
        (
            f"queued batch of {BATCH} replayed again (keys)",
            results["queued_batch_replayed"]["resend"],
        ),
    ]
    lines = [
        f"# 网格通 field writes — scale {results['scale']['name']}, {results['started_at']}",
        "",
        f"{results['phones']} phones (own sessions), closed loop, product under uvicorn "
        f"(1 worker); load average {results['load_average']}.",
        "",
        "| scenario | requests | errors | req/s | p50 ms | p99 ms | × today's check-in p50 / p99 |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for title, r in rows:
        ratios = r.get("ratio_to_api_check_in")
        shown = f"{ratios['p50']} / {ratios['p99']}" if ratios else "1 / 1"
        lines.append(
            f"| {title} | {r['requests']} | {r['errors']} | {r['rps']} | {r['p50_ms']} |"
            f" {r['p99_ms']} | {shown} |"
        )
    first = results["queued_batch_replayed"]["first_send"]
    again = results["queued_batch_replayed"]["resend"]
    lines += [
        "",
        f"Replay of a batch of {BATCH}: median {first['batch_p50_s']} s per phone"
        f" (resend from the keys: {again['batch_p50_s']} s). Stored once: "
        f"{results.get('stored_once')}.",
        "",
    ]
    return "\n".join(lines)


async def main(args: argparse.Namespace) -> int:
    from bench.database import ready_database

    scale, url = await ready_database(args)
    from app.db import DB
    from bench import run

    started = dt.datetime.now(dt.UTC)
    await DB.start_connection_pool(min_size=1, max_size=4)
    media = tempfile.mkdtemp(prefix="grid-bench-media-")
    env = {
        "DATABASE_URL": url,
        "DATA_DIR": media,
        "API_RATE_LIMIT": "1000000000",
        "API_IP_RATE_LIMIT": "1000000000",
        "ADMIN_LOGIN_LIMIT": "1000000",
    }
    try:
        async with run.product_server(url, env, FIELD_TABLES) as (base, city, before):
            results = await run_field(
                lambda: httpx.AsyncClient(base_url=base, timeout=60),
                url,
                city,
                phones_wanted=args.phones,
                per_phone=args.per_phone,
                reports_per_phone=args.reports,
            )
            results["stored_once"] = await stored_once(url, before["check_in"], results)
    finally:
        await DB.close_connection_pool()
        shutil.rmtree(media, ignore_errors=True)  # the photos the run uploaded
    write_results("field", scale, started, results, markdown)
    return 0


def write_results(
    name: str,
    scale: Any,
    started: dt.datetime,
    results: dict[str, Any],
    render: Callable[[dict[str, Any]], str],
) -> None:
    """bench/results/<name>-<scale>-<UTC stamp>.json and .md, with when, what scale and the
    machine's load; the markdown printed."""
    results = {
        "started_at": started.isoformat(timespec="seconds"),
        "scale": scale.describe(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        **results,
    }
    stamp = started.strftime("%Y-%m-%dT%H%M")
    json_path = RESULTS / f"{name}-{scale.name}-{stamp}.json"
    md_path = RESULTS / f"{name}-{scale.name}-{stamp}.md"
    json_path.write_text(json.dumps(results, indent=2, default=str), encoding="utf-8")
    md_path.write_text(render(results), encoding="utf-8")
    print(md_path.read_text(encoding="utf-8"))
    print(f"Written: {json_path}, {md_path}")


async def stored_once(url: str, last_check_in: int, results: dict[str, Any]) -> bool:
    """Whether the check-ins stored are exactly those sent (the resent batch added none)."""
    import asyncpg

    sent = (
        results["api_check_in"]["requests"]
        + results["field_check_in"]["requests"]
        + results["queued_batch_replayed"]["first_send"]["requests"]
    )
    conn = await asyncpg.connect(dsn=url)
    try:
        stored = await conn.fetchval("SELECT count(*) FROM check_in WHERE id > $1", last_check_in)
    finally:
        await conn.close()
    # The warm-up sent 2 per phone on each API as well.
    return bool(stored == sent + 4 * results["phones"])


def parse(argv: list[str] | None) -> argparse.Namespace:
    from bench.database import add_database_arguments

    parser = argparse.ArgumentParser(
        prog="python -m bench.field",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_database_arguments(parser, "smoke")
    parser.add_argument("--phones", type=int, default=16, help="grid workers at once")
    parser.add_argument("--per-phone", type=int, default=20, help="check-ins per phone")
    parser.add_argument("--reports", type=int, default=5, help="photo reports per phone")
    return parser.parse_args(argv)


if __name__ == "__main__":
    sys.exit(asyncio.run(main(parse(sys.argv[1:]))))
