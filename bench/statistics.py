"""一表通 at city scale: every bound field of the 20-field test template for every community.

The product: `app.statistics.sources.compute_sql` for the twelve bound sources of
tests/statistics (households by care tag, residents by age band, buildings, facilities,
units, work items of the month), one statement over all communities. The bound: one plain
`count(*) … GROUP BY community` over each of the same tables (what reading them once costs).
Run: `python -m bench.statistics <database url>` on a loaded benchmark database (bench/README).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import sys
import time
from typing import Any

import asyncpg

BOUND_TABLES = ("household", "resident", "building", "facility", "organisation", "work_item")


def bound_sql() -> str:
    return " UNION ALL ".join(
        f"SELECT community, count(*) FROM {table} GROUP BY community" for table in BOUND_TABLES
    )


async def bound_fields(url: str, repeats: int = 3) -> dict[str, Any]:
    """Seconds of the product's computation and of the bound, and their ratio."""
    from app.clock import local_today
    from app.statistics.services import period_end
    from app.statistics.sources import compute_sql, period_bounds
    from tests.statistics.conftest import BOUND

    start = local_today().replace(day=1)
    end = period_end(start, "monthly")
    begin, finish = period_bounds(start, end)
    sql = compute_sql([source for _, _, source in BOUND], "community")
    conn = await asyncpg.connect(dsn=url)
    try:
        ids = [row["id"] for row in await conn.fetch("SELECT id FROM community")]
        product_times, bound_times, rows = [], [], 0
        for _ in range(repeats):
            t0 = time.perf_counter()
            rows = len(await conn.fetch(sql, ids, begin, finish, start, end, "community"))
            product_times.append(time.perf_counter() - t0)
        for _ in range(repeats):
            t0 = time.perf_counter()
            await conn.fetch(bound_sql())
            bound_times.append(time.perf_counter() - t0)
    finally:
        await conn.close()
    best, best_bound = min(product_times), min(bound_times)
    return {
        "communities": len(ids),
        "values": rows,
        "product_seconds": [round(t, 3) for t in product_times],
        "bound_seconds": [round(t, 3) for t in bound_times],
        "ratio_to_bound": round(best / best_bound, 2) if best_bound else None,
        "period_start": dt.date.isoformat(start),
    }


if __name__ == "__main__":
    print(json.dumps(asyncio.run(bound_fields(sys.argv[1])), indent=2))
