"""Function calls per scoped read, product against the raw-scoped peer (issue 19).

    .venv/bin/python -m bench.call_counts --scale small --read detail [--by-file]

CPU time per request on this shared 2-core machine moves by ±30 % between runs of the same
code, more than most single changes save. The number of Python and C function calls (and
coroutine resumptions) per request does not move: `sys.setprofile` counts them while the
ASGI apps are called directly (no client, no server), warm, on `grid_bench_<scale>`. A change
that removes calls from the product's path shows here at once; its CPU effect is then
measured side by side with `python -m bench --servers product-uvicorn,raw-scoped`.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections import Counter
from types import FrameType
from typing import Any

SITE_PACKAGES = "site-packages/"


def http_scope(path: str, headers: dict[str, str]) -> dict[str, Any]:
    """An ASGI HTTP scope for a GET of `path` (with its query string)."""
    route, _, query = path.partition("?")
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": route,
        "raw_path": route.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()]
        + [(b"host", b"bench")],
        "client": ("127.0.0.1", 5000),
        "server": ("127.0.0.1", 80),
        "state": {},
    }


async def call(app: Any, path: str, headers: dict[str, str]) -> int:
    """The status of one GET sent straight to the ASGI `app`."""
    status = 0

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    await app(http_scope(path, headers), receive, send)
    return status


def where(frame: FrameType) -> str:
    return frame.f_code.co_filename.split(SITE_PACKAGES)[-1]


async def count_calls(app: Any, paths: list[str], headers: dict[str, str], n: int) -> Counter[str]:
    """Calls per file (C functions as `C:<name>`) over `n` requests, after a warm-up."""
    for path in paths:
        status = await call(app, path, headers)
        assert status == 200, (path, status)
    counts: Counter[str] = Counter()

    def profile(frame: FrameType, event: str, arg: Any) -> None:
        if event == "call":
            counts[where(frame)] += 1
        elif event == "c_call":
            counts[f"C:{getattr(arg, '__qualname__', arg)}"] += 1

    sys.setprofile(profile)
    try:
        for i in range(n):
            await call(app, paths[i % len(paths)], headers)
    finally:
        sys.setprofile(None)
    return counts


async def measure(scale_name: str, read: str, n: int) -> dict[str, Counter[str]]:
    from bench.database import bench_url
    from bench.scale import parse_scale

    server = os.environ.get("BENCH_SERVER_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    os.environ["DATABASE_URL"] = bench_url(server, parse_scale(scale_name))
    os.environ.setdefault("API_RATE_LIMIT", "100000000")
    os.environ.setdefault("API_IP_RATE_LIMIT", "100000000")

    from app.db import DB, release_connection
    from bench.run import PEER_GRIDS, describe_city, make_tokens

    await DB.start_connection_pool(max_size=20, reset=release_connection)
    try:
        city = await describe_city(os.environ["DATABASE_URL"])
        await make_tokens(city)
        os.environ["BENCH_SCOPE_STREET"] = str(city.street_id)  # before the peer reads it
        from app.asgi import app as product
        from bench.peers import raw_litestar

        def paths(prefix: str) -> list[str]:
            if read == "list":
                return [f"{prefix}?community={c}&page_size=50" for c in city.communities[:50]]
            return [f"{prefix}/{g['code']}" for g in city.grids[:50]]

        token = {"authorization": f"Bearer {city.read_token}"}
        async with raw_litestar.pool(raw_litestar.app):
            return {
                "product": await count_calls(product, paths("/api/v1/grids"), token, n),
                "peer": await count_calls(raw_litestar.app, paths(PEER_GRIDS["raw-scoped"]), {}, n),
            }
    finally:
        await DB.close_connection_pool()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", default="small")
    parser.add_argument("--read", choices=("list", "detail"), default="detail")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--by-file", action="store_true", help="where the extra calls are")
    options = parser.parse_args()
    counts = asyncio.run(measure(options.scale, options.read, options.requests))
    n = options.requests
    for who, counted in counts.items():
        print(f"{who}, {options.read}: {sum(counted.values()) / n:.0f} calls per request")
    if options.by_file:
        product, peer = counts["product"], counts["peer"]
        extra = sorted(product, key=lambda k: peer.get(k, 0) - product[k])[:40]
        for key in extra:
            print(f"  {product[key] / n:7.1f} {peer.get(key, 0) / n:7.1f}  {key}")


if __name__ == "__main__":
    main()
