"""Where a scoped read spends its CPU, in one process (issue 19).

    .venv/bin/py-spy record -r 500 -f raw -o /tmp/list.txt -- \
        .venv/bin/python -m bench.profile_reads --scale full --read list --requests 6000
    .venv/bin/python -m bench.profile_reads --summarise /tmp/list.txt

The product (`app.asgi:app`) is called through httpx's ASGI transport in this process, with
the bench's street token, on `grid_bench_<scale>` (loaded by `python -m bench --load-only`):
no server, no load generator, so the process CPU per request is the app's plus httpx's client
side, and a sampling profile of the process shows the app's part under `Litestar.__call__`.
`--summarise` turns py-spy's raw (folded) output into the share of the app's samples spent in
each function, inclusive, the table bench/README.md quotes.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import resource
from collections import Counter
from pathlib import Path
from typing import Any

SITE_PACKAGES = "site-packages/"


def summarise(folded: Path, top: int) -> list[tuple[float, str]]:
    """(share of the app's samples, function) for the `top` functions, inclusive."""
    inclusive: Counter[str] = Counter()
    app_samples = 0
    for line in folded.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        frames = stack.split(";")
        entry = next((i for i, f in enumerate(frames) if "Litestar.__call__" in f), None)
        if entry is None:
            continue
        app_samples += int(count)
        for name in {_function(frame) for frame in frames[entry:]}:
            inclusive[name] += int(count)
    return [(n / app_samples, name) for name, n in inclusive.most_common(top)]


def _function(frame: str) -> str:
    """`name (path:line)` → `name (module path)`, without the line and the venv prefix."""
    name, _, where = frame.partition(" (")
    path = where.split(":")[0].split(SITE_PACKAGES)[-1]
    return f"{name} ({path})"


async def measure(scale_name: str, read: str, requests: int, peer: bool) -> float:
    """User CPU milliseconds per request of `requests` scoped reads (after a warm-up), of
    the product or (`peer`) of the raw-scoped peer (bench/peers/raw_litestar.py)."""
    from bench.database import bench_url
    from bench.scale import parse_scale

    server = os.environ.get("BENCH_SERVER_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    url = bench_url(server, parse_scale(scale_name))
    os.environ["DATABASE_URL"] = url  # before the app's modules read it
    os.environ.setdefault("API_RATE_LIMIT", "100000000")
    os.environ.setdefault("API_IP_RATE_LIMIT", "100000000")
    logging.getLogger("httpx").setLevel(logging.WARNING)

    from app.db import DB, release_connection
    from bench.run import PEER_GRIDS, describe_city, make_tokens

    await DB.start_connection_pool(max_size=20, reset=release_connection)
    try:
        city = await describe_city(url)
        await make_tokens(city)
        os.environ["BENCH_SCOPE_STREET"] = str(city.street_id)  # before the peer reads it
        from app.asgi import app as product
        from bench.peers import raw_litestar

        prefix = PEER_GRIDS["raw-scoped"] if peer else "/api/v1/grids"
        if read == "list":
            paths = [f"{prefix}?community={c}&page_size=50" for c in city.communities[:50]]
        else:
            paths = [f"{prefix}/{g['code']}" for g in city.grids[:50]]
        headers = {"authorization": f"Bearer {city.read_token}"}
        async with raw_litestar.pool(raw_litestar.app):
            return await _cpu_per_request(
                raw_litestar.app if peer else product, paths, headers, requests
            )
    finally:
        await DB.close_connection_pool()


async def _cpu_per_request(
    app: Any, paths: list[str], headers: dict[str, str], requests: int
) -> float:
    import httpx

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        for path in paths:  # warm: prepared statements, caches
            response = await client.get(path, headers=headers)
            response.raise_for_status()
        started = resource.getrusage(resource.RUSAGE_SELF).ru_utime
        for i in range(requests):
            await client.get(paths[i % len(paths)], headers=headers)
        return (resource.getrusage(resource.RUSAGE_SELF).ru_utime - started) / requests * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", default="small")
    parser.add_argument("--read", choices=("list", "detail"), default="list")
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--peer", action="store_true", help="the raw-scoped peer instead")
    parser.add_argument("--summarise", type=Path, help="py-spy raw output to summarise")
    parser.add_argument("--top", type=int, default=40)
    options = parser.parse_args()
    if options.summarise:
        for share, name in summarise(options.summarise, options.top):
            print(f"{share * 100:5.1f}%  {name}")
        return
    ms = asyncio.run(measure(options.scale, options.read, options.requests, options.peer))
    who = "raw-scoped peer" if options.peer else "product"
    print(
        f"{who}, {options.read}: {ms:.3f} ms of user CPU per request (app + httpx client; the kernel's part of socket writes left out, it varies with the machine's load)"
    )


if __name__ == "__main__":
    main()
