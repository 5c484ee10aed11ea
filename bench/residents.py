"""Residents' submissions at city scale (issue 15), side by side with today's Open311 POST.

    .venv/bin/python -m bench.residents --scale smoke        # make bench-residents (small)

On the benchmark database `grid_bench_<scale>` (loaded and reused as `python -m bench` does),
the product runs under uvicorn (bench/servers.py) and `clients` residents at once, each one
request after another (closed loop), send

- **a resident's report with a 300 KB photo** — `POST /r/api/communities/<code>/submissions`
  (multipart; the proof of work solved beforehand at the production difficulty, as the phone
  does before it sends: its cost is the phone's and is reported on its own; the photo is
  re-encoded and its EXIF dropped; point in polygon; a work item through the access list);
- **the tracking page read** — `GET /r/api/track/<code>` of the codes those reports got;
- **today's Open311 POST** — `POST /open311/v2/requests.json` with a street token (bench/run.py
  `open311_requests`), the same point-in-polygon and access-list path without photo or case.

Each gives p50/p90/p99 and requests per second, with the ratio to the Open311 POST. The abuse
limits per address and phone are raised for the run (one address sends everything). Rows the
run adds are removed afterwards. Results: bench/results/residents-<scale>-<date>T<HHMM>.json/.md.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx

from bench.field import Timings, middle, photo_of_size, ratio, timed, write_results

if TYPE_CHECKING:
    from bench.run import City

RESULTS = Path(__file__).resolve().parent / "results"
PRODUCTION_BITS = 16
WRITTEN = (
    "tracking_code",
    "resident_case",
    "open311_request",
    "work_item_stage",
    "work_item_event",
    "work_item",
    "supervision_record",
)


def solved(count: int, bits: int) -> tuple[list[dict[str, str]], float]:
    """`count` fresh challenges solved as the phone solves them; the median seconds each."""
    from app.residents.challenge import issue, solve

    proofs, seconds = [], []
    for _ in range(count):
        challenge = str(issue()["challenge"])
        t0 = time.perf_counter()
        proofs.append({"challenge": challenge, "nonce": solve(challenge, bits)})
        seconds.append(time.perf_counter() - t0)
    return proofs, statistics.median(seconds)


async def closed(make_client: Any, clients: int, per_client: int, send: Any) -> Timings:
    """`clients` clients at once, each sending `per_client` requests one after another."""
    timings = Timings()
    opened = [make_client() for _ in range(clients)]

    async def run(n: int, client: httpx.AsyncClient) -> None:
        for k in range(per_client):
            await send(timings, client, n * per_client + k)

    t0 = time.perf_counter()
    try:
        await asyncio.gather(*(run(n, c) for n, c in enumerate(opened)))
    finally:
        timings.wall = time.perf_counter() - t0
        await asyncio.gather(*(c.aclose() for c in opened))
    return timings


async def run_residents(
    make_client: Any, city: City, clients: int, per_client: int, bits: int
) -> dict[str, Any]:
    from bench.run import open311_requests

    photo = photo_of_size()
    total = clients * per_client
    proofs, solve_s = solved(total + clients, bits)
    community = city.communities[0]
    codes: list[str] = []
    open311 = open311_requests(city, "product-uvicorn")
    form_headers = {"Content-Type": "application/x-www-form-urlencoded"}

    async def submission(timings: Timings, client: httpx.AsyncClient, n: int) -> None:
        grid = city.grids[n % len(city.grids)]
        point = middle(grid)
        data = {
            **proofs[n],
            "service_code": f"access-{city.access_entry}",
            "attribute[situation]": "elderly_alone",
            "description": f"bench resident report {n}",
            "latitude": str(point["latitude"]),
            "longitude": str(point["longitude"]),
            "phone": f"139{n:08d}",
        }
        files = [("photos", ("photo.jpg", photo, "image/jpeg"))]
        answer = await timed(
            timings,
            lambda: client.post(
                f"/r/api/communities/{community}/submissions", data=data, files=files
            ),
        )
        if answer:
            codes.append(answer["code"])

    async def track(timings: Timings, client: httpx.AsyncClient, n: int) -> None:
        code = codes[n % len(codes)]
        await timed(timings, lambda: client.get(f"/r/api/track/{code}"))

    async def official(timings: Timings, client: httpx.AsyncClient, n: int) -> None:
        _, path, body = open311[n % len(open311)]
        await timed(timings, lambda: client.post(path, content=body, headers=form_headers))

    await closed(make_client, clients, 1, official)  # warm-up
    api = (await closed(make_client, clients, per_client, official)).summary()
    proofs = proofs[clients:] + proofs[:clients]  # the warm-up used none; keep them fresh
    report = (await closed(make_client, clients, per_client, submission)).summary()
    reads = (await closed(make_client, clients, per_client * 4, track)).summary() if codes else {}
    return {
        "clients": clients,
        "photo_bytes": len(photo),
        "proof_of_work": {"bits": bits, "median_solve_s_python": round(solve_s, 4)},
        "open311_post": api,
        "resident_report_with_photo": {**report, "ratio_to_open311": ratio(report, api)},
        "tracking_page_read": {**reads, "ratio_to_open311": ratio(reads, api)} if reads else {},
    }


def markdown(results: dict[str, Any]) -> str:
    rows = [
        ("today's Open311 POST (street token)", results["open311_post"]),
        (
            f"resident report with a {results['photo_bytes'] // 1000} KB photo",
            results["resident_report_with_photo"],
        ),
        ("tracking page read", results["tracking_page_read"]),
    ]
    pow_ = results["proof_of_work"]
    lines = [
        f"# Residents' submissions — scale {results['scale']['name']}, {results['started_at']}",
        "",
        f"{results['clients']} clients at once, closed loop, product under uvicorn (1 worker);"
        f" load average {results['load_average']}. Proof of work at {pow_['bits']} bits:"
        f" {pow_['median_solve_s_python']} s median to solve in CPython (the phone's cost,"
        " before it sends; not in the figures below).",
        "",
        "| scenario | requests | errors | req/s | p50 ms | p99 ms | × Open311 p50 / p99 / req/s |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for title, r in rows:
        if not r:
            continue
        ratios = r.get("ratio_to_open311")
        shown = f"{ratios['p50']} / {ratios['p99']} / {ratios['rps']}" if ratios else "1 / 1 / 1"
        lines.append(
            f"| {title} | {r['requests']} | {r['errors']} | {r['rps']} | {r['p50_ms']} |"
            f" {r['p99_ms']} | {shown} |"
        )
    return "\n".join([*lines, ""])


async def main(args: argparse.Namespace) -> int:
    from bench.database import ready_database

    os.environ["RESIDENT_POW_BITS"] = str(args.bits)
    scale, url = await ready_database(args)
    from app.db import DB
    from bench import run

    started = dt.datetime.now(dt.UTC)
    await DB.start_connection_pool(min_size=1, max_size=4)
    env = {
        "DATABASE_URL": url,
        "DATA_DIR": tempfile.mkdtemp(prefix="grid-bench-media-"),
        "API_RATE_LIMIT": "1000000000",
        "API_IP_RATE_LIMIT": "1000000000",
        "RESIDENT_IP_LIMIT": "1000000000",
        "RESIDENT_PHONE_LIMIT": "1000000000",
        "RESIDENT_POW_BITS": str(args.bits),
    }
    try:
        async with run.product_server(url, env, WRITTEN) as (base, city, _):
            results = await run_residents(
                lambda: httpx.AsyncClient(base_url=base, timeout=60),
                city,
                args.clients,
                args.per_client,
                args.bits,
            )
    finally:
        await DB.close_connection_pool()
    write_results("residents", scale, started, results, markdown)
    return 0


def parse(argv: list[str] | None) -> argparse.Namespace:
    from bench.database import add_database_arguments

    parser = argparse.ArgumentParser(
        prog="python -m bench.residents",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_database_arguments(parser, "smoke")
    parser.add_argument("--clients", type=int, default=16, help="residents at once")
    parser.add_argument("--per-client", type=int, default=10, help="reports per resident")
    parser.add_argument("--bits", type=int, default=PRODUCTION_BITS, help="proof-of-work bits")
    return parser.parse_args(argv)


if __name__ == "__main__":
    sys.exit(asyncio.run(main(parse(None))))
