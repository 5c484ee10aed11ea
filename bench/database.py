"""The benchmark's own database: created, migrated and loaded once per scale, then reused.

Only databases named `grid_bench_<scale>` are ever created or dropped here.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import time
from typing import Any

import asyncpg

from app.database import with_database
from bench.scale import Scale


def server_url_from_env() -> str:
    """BENCH_SERVER_URL, else TEST_DATABASE_URL, else '' (the embedded server)."""
    return os.environ.get("BENCH_SERVER_URL") or os.environ.get("TEST_DATABASE_URL") or ""


def bench_url(server_url: str, scale: Scale) -> str:
    if not scale.database.startswith("grid_bench_"):
        raise ValueError("benchmark databases are named grid_bench_<scale>")
    return with_database(server_url, scale.database)


async def prepare_database(server_url: str, scale: Scale, fresh: bool = False) -> bool:
    """Make sure `grid_bench_<scale>` exists; drop it first when `fresh` or when it holds
    another scale or an incomplete load. True when it already holds this scale."""
    from bench.generate import loaded_scale

    name = scale.database
    admin = await asyncpg.connect(dsn=with_database(server_url, "postgres"))
    try:
        exists = await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
        if exists and not fresh:
            conn = await asyncpg.connect(dsn=bench_url(server_url, scale))
            try:
                loaded = await loaded_scale(conn)
            finally:
                await conn.close()
            if loaded and loaded["params"] == json.loads(json.dumps(scale.params())):
                return True
        if exists:
            await admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{name}"')
        return False
    finally:
        await admin.close()


async def load(url: str, scale: Scale, today: dt.date) -> float:
    """Migrate (the process's piccolo engine must point at `url`) and COPY the city in."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from app.database import apply_migrations
    from app.settings import settings
    from bench.generate import City, load_city

    started = time.perf_counter()
    await apply_migrations()
    city = City(scale, today, settings.timezone)
    tasks: dict[str, Any] = {}
    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    ) as bar:

        def progress(table: str, done: int, expected: int) -> None:
            if table not in tasks:
                tasks[table] = bar.add_task(table, total=expected)
            bar.update(tasks[table], advance=done, total=max(expected, 1))

        conn = await asyncpg.connect(dsn=url)
        try:
            await load_city(conn, city, progress)
        finally:
            await conn.close()
    return time.perf_counter() - started


async def marker_today(url: str) -> dt.date:
    """The day the loaded city was generated for (its check-ins end the day before)."""
    conn = await asyncpg.connect(dsn=url)
    try:
        return await conn.fetchval("SELECT today FROM bench_marker WHERE complete")  # type: ignore[no-any-return]
    finally:
        await conn.close()


async def ready_database(args: argparse.Namespace) -> tuple[Scale, str]:
    """The bench database of `args.scale` on `args`' server, (scale, url): reused and migrated
    while it holds that scale, else (or with `args.fresh`) loaded. DATABASE_URL is set to it
    first, so everything the caller imports afterwards (piccolo_conf, the services) uses it."""
    from bench.__main__ import server_url
    from bench.scale import parse_scale

    scale = parse_scale(args.scale)
    server = server_url(args)
    url = bench_url(server, scale)
    os.environ["DATABASE_URL"] = url
    from app.clock import local_today
    from app.database import apply_migrations

    if await prepare_database(server, scale, fresh=args.fresh):
        print(f"Reusing {scale.database}: it holds scale {scale.name}.")
        await apply_migrations()
    else:
        print(f"Loading scale {scale.name} into {scale.database} …")
        seconds = await load(url, scale, local_today())
        print(f"Loaded in {seconds:.0f} s.")
    return scale, url


def add_database_arguments(parser: argparse.ArgumentParser, scale: str) -> None:
    """--scale (default `scale`), --server-url and --fresh, as `ready_database` reads them."""
    parser.add_argument("--scale", default=scale, help="full, small, smoke or a fraction")
    parser.add_argument("--server-url", default=None, help="PostgreSQL server URL")
    parser.add_argument("--fresh", action="store_true", help="drop and reload the data")
