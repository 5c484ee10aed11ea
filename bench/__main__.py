"""City-scale benchmark of People's Grid (issue 7).

    python -m bench --scale small          # 1/50 of the city, a few minutes (make bench-small)
    python -m bench --scale full           # 2,500 communities, 8.75M households (make bench)
    python -m bench --scale smoke --seconds 3 --warmup 1

The database `grid_bench_<scale>` on BENCH_SERVER_URL (else TEST_DATABASE_URL, else an
embedded PostgreSQL under .data/bench-pg) is created, migrated and loaded on first use and
reused while it holds the same scale (`--fresh` reloads it). Results go to bench/results/.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import shutil
import sys
from pathlib import Path
from typing import Any

# `product-tuned` (an experiment, bench/peers/product_tuned.py) runs only when named.
SERVERS = ("product-uvicorn", "product-granian", "raw", "raw-scoped", "drf")


def parse(argv: list[str] | None) -> argparse.Namespace:
    from bench.database import add_database_arguments

    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_database_arguments(parser, "small")
    parser.add_argument("--load-only", action="store_true", help="load the data, run nothing")
    parser.add_argument("--workers", type=int, default=1, help="worker processes per server")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--seconds", type=float, default=None, help="measured seconds per run")
    parser.add_argument("--warmup", type=float, default=None, help="warm-up seconds per run")
    parser.add_argument("--servers", default=",".join(SERVERS), help="comma-separated subset")
    parser.add_argument("--skip-jobs", action="store_true", help="no rollup / reminder runs")
    return parser.parse_args(argv)


def server_url(args: argparse.Namespace) -> str:
    from bench.database import server_url_from_env

    url = args.server_url or server_url_from_env()
    if url:
        return url
    from app.database import start_embedded
    from app.settings import settings

    return start_embedded(settings.data_dir / "bench-pg")


async def main(args: argparse.Namespace) -> int:
    from bench.database import ready_database

    scale, url = await ready_database(args)
    if args.load_only:
        return 0
    return await benchmark(url, scale, args)


async def benchmark(url: str, scale: Any, args: argparse.Namespace) -> int:
    import asyncpg

    from app.db import DB
    from bench import jobs, report, run

    full = scale.name == "full"
    options = run.Options(
        workers=args.workers,
        connections=args.connections,
        seconds=args.seconds if args.seconds is not None else (20.0 if full else 10.0),
        warmup=args.warmup if args.warmup is not None else (5.0 if full else 3.0),
        servers=tuple(s for s in args.servers.split(",") if s),
        database_url=url,
    )
    started = dt.datetime.now(dt.UTC)
    await DB.start_connection_pool(min_size=1, max_size=4)
    try:
        city = await run.describe_city(url)
        await run.make_tokens(city)
        conn = await asyncpg.connect(dsn=url)
        try:
            rows = {
                t: await conn.fetchval(f"SELECT count(*) FROM {t}")
                for t in ("household", "check_in", "work_item", "supervision_record")
            }
        finally:
            await conn.close()
        results: dict[str, Any] = {
            "started_at": started.isoformat(timespec="seconds"),
            "scale": scale.describe(),
            "rows": rows,
            "options": options.__dict__,
            "machine": run.machine(),
            "load_tool": "wrk" if shutil.which("wrk") else "python client (httpx)",
        }
        before = await run.last_ids(url)
        try:
            run.run_servers(url, city, options, results)
        finally:
            await run.clean_bench_writes(url, before)
        results["scenarios"] = [
            {"key": s.key, "title": s.title, "target": s.target, "results": s.results}
            for s in run.SCENARIOS
        ]
        run.verdicts(results)
        if not args.skip_jobs:
            print("\n== jobs (in this process)")
            results["monthly_rollup"] = await jobs.monthly_rollup(url)
            print(f"  monthly rollup: {results['monthly_rollup']}")
            results["reminder_scan"] = await jobs.reminder_scan(url)
            print(f"  reminder scan: {results['reminder_scan']}")
    finally:
        await DB.close_connection_pool()
    results["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    json_path, md_path = report.write(results)
    print()
    print(md_path.read_text())
    print(f"Written: {json_path.relative_to(Path.cwd())}, {md_path.relative_to(Path.cwd())}")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main(parse(sys.argv[1:]))))
