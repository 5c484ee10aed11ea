"""The product and the raw-scoped peer in this process, ready for scoped reads (issue 19).

`bench.call_counts` and `bench.profile_reads` call the two ASGI apps directly on
`grid_bench_<scale>` (loaded by `python -m bench --load-only`), with the bench's street
token: no server and no load generator, so whatever this process spends is the app's.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

SITE_PACKAGES = "site-packages/"  # where a frame's file is shown from, in the profiles


@dataclass(frozen=True)
class Reads:
    """Both apps with the paths of the same 50 reads and the token's header."""

    product: Any
    peer: Any
    product_paths: list[str]
    peer_paths: list[str]
    headers: dict[str, str]

    def side(self, who: str) -> tuple[Any, list[str]]:
        """The app and its paths of `who`: "product" or "peer"."""
        if who == "peer":
            return self.peer, self.peer_paths
        return self.product, self.product_paths


@asynccontextmanager
async def scoped_reads(scale_name: str, read: str) -> AsyncIterator[Reads]:
    """Start the app's pool and the peer's on the bench database; `read` is list or detail."""
    from bench.database import bench_url
    from bench.scale import parse_scale

    server = os.environ.get("BENCH_SERVER_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    os.environ["DATABASE_URL"] = bench_url(server, parse_scale(scale_name))  # before app imports
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

        async with raw_litestar.pool(raw_litestar.app):
            yield Reads(
                product=product,
                peer=raw_litestar.app,
                product_paths=paths("/api/v1/grids"),
                peer_paths=paths(PEER_GRIDS["raw-scoped"]),
                headers={"authorization": f"Bearer {city.read_token}"},
            )
    finally:
        await DB.close_connection_pool()


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


async def warm(app: Any, paths: list[str], headers: dict[str, str]) -> None:
    """Each path once (prepared statements, caches); every answer must be a 200."""
    for path in paths:
        status = await call(app, path, headers)
        assert status == 200, (path, status)
