"""The staff map's layers at city scale (issue 14): what `GET /maps/api/layers` runs, per zoom.

    .venv/bin/python -m bench.maps --scale smoke

On the benchmark database `grid_bench_<scale>` (loaded and reused as `python -m bench` does),
for a district, a street and a community scope and for each zoom step of the map (districts
at 10, streets at 12, communities at 13, grids at 15, buildings at 17), a box around one
community of the middle of the city is read `--repeat` times with `app.atlas.services.layers`
inside the scope's `scoped_transaction` — the SQL, row-level security and Shapely
simplification the handler runs, in this process; HTTP, the session lookup and the JSON
encoding are not in the figures. The 户籍图 of the building with most households and the
community's today are timed the same way. Reads only: nothing is written.
Results: bench/results/maps-<scale>-<date>T<HHMM>.json/.md.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any

from bench.field import write_results

# (zoom, box width in degrees): what a 1,000-pixel-wide map shows at that zoom, about.
VIEWS = ((10, 0.8), (12, 0.2), (13, 0.1), (15, 0.03), (17, 0.008))


async def timed(
    scope: Any, read: Callable[[], Awaitable[dict[str, Any]]], repeat: int
) -> dict[str, Any]:
    """p50 and max in ms of `read` in `scope`'s transaction, and the features of the answer."""
    from app.scope import scoped_transaction

    seconds = []
    answer: dict[str, Any] = {}
    for _ in range(repeat):
        t0 = time.perf_counter()
        async with scoped_transaction(scope):
            answer = await read()
        seconds.append(time.perf_counter() - t0)
    features = {
        name: len(value["features"])
        for name, value in answer.items()
        if isinstance(value, dict) and "features" in value and value["features"]
    }
    return {
        "p50_ms": round(statistics.median(seconds) * 1000, 1),
        "max_ms": round(max(seconds) * 1000, 1),
        "features": features,
    }


async def run_maps(repeat: int) -> dict[str, Any]:
    from app.atlas.register import building_register
    from app.atlas.services import View, layers, today
    from app.scope import SUPERUSER_SCOPE, Level, Scope
    from tables.areas import Community

    [place] = await Community.raw(
        """SELECT c.id, c.street, min(g.min_lon) AS west, min(g.min_lat) AS south
           FROM community c JOIN responsibility_grid g ON g.community = c.id
           GROUP BY c.id ORDER BY c.id
           LIMIT 1 OFFSET (SELECT count(*) / 2 FROM community)"""
    ).run()
    scopes = {
        "district": SUPERUSER_SCOPE,
        "street": Scope(user_id=None, level=Level.street, street_id=place["street"]),
        "community": Scope(
            user_id=None,
            level=Level.community,
            community_id=place["id"],
            street_id=place["street"],
        ),
    }
    rows = []
    for name, scope in scopes.items():
        for zoom, width in VIEWS:
            view = View(place["west"], place["south"], place["west"] + width,
                        place["south"] + width * 0.6, zoom)  # fmt: skip
            result = await timed(scope, lambda v=view: layers(v, "check_in"), repeat)
            rows.append({"scope": name, "zoom": zoom, "level": view.area_level, **result})
    [building] = await Community.raw(
        """SELECT h.building FROM household h WHERE h.community = {}
           GROUP BY h.building ORDER BY count(*) DESC LIMIT 1""",
        place["id"],
    ).run()
    community = scopes["community"]
    register = await timed(
        community, lambda: building_register(building["building"], community), repeat
    )
    todays = await timed(community, lambda: today([place["id"]]), repeat)
    return {"repeat": repeat, "layers": rows, "register": register, "today": todays}


def markdown(results: dict[str, Any]) -> str:
    lines = [
        f"# Map layers, scale {results['scale']['name']} ({results['started_at']})",
        "",
        f"In-process service timings (SQL, row-level security, Shapely; no HTTP or JSON "
        f"encoding), {results['repeat']} reads each, load average "
        f"{', '.join(str(x) for x in results['load_average'])}.",
        "",
        "| scope | zoom | level | p50 ms | max ms | features |",
        "|---|---|---|---|---|---|",
    ]
    for row in results["layers"]:
        shown = ", ".join(f"{k} {v}" for k, v in row["features"].items()) or "—"
        lines.append(
            f"| {row['scope']} | {row['zoom']} | {row['level']} | {row['p50_ms']} "
            f"| {row['max_ms']} | {shown} |"
        )
    for name in ("register", "today"):
        r = results[name]
        lines.append(f"| community | — | {name} | {r['p50_ms']} | {r['max_ms']} | — |")
    return "\n".join(lines) + "\n"


async def main(args: argparse.Namespace) -> int:
    from bench.database import ready_database

    scale, _ = await ready_database(args)
    from app.db import DB

    started = dt.datetime.now(dt.UTC)
    await DB.start_connection_pool(min_size=1, max_size=2)
    try:
        results = await run_maps(args.repeat)
    finally:
        await DB.close_connection_pool()
    write_results("maps", scale, started, results, markdown)
    return 0


def parse(argv: list[str] | None) -> argparse.Namespace:
    from bench.database import add_database_arguments

    parser = argparse.ArgumentParser(
        prog="python -m bench.maps",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_database_arguments(parser, "smoke")
    parser.add_argument("--repeat", type=int, default=9, help="reads of each view")
    return parser.parse_args(argv)


if __name__ == "__main__":
    sys.exit(asyncio.run(main(parse(sys.argv[1:]))))
