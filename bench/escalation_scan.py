"""The escalation scan (督办) over many work items, against one indexed SELECT of late stages.

    .venv/bin/python -m bench.escalation_scan --items 6000 [--server postgresql://…]

Creates a scratch database on the server (dropped afterwards), migrates it, loads `items`
work items of one street (every item has its four stage rows, like an item that has gone
through the flow; a fifth of them wait in the handle stage with their yellow or red time
passed or to come), then times

- the product: `escalate_overdue(now)` — its stage ladder is one statement that finds the
  open stages whose yellow or red time has come, writes each step once and its notices; and
- the bound: one SELECT of the open stages whose yellow or red time has come, over the same
  partial indexes (what any implementation must at least read),

each as the median of `repeats` runs after a first run that writes the steps (later runs
find the steps written and send nothing: the steady state every 10 minutes). City scale is
300,000 items; the 1 s target is for that size.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time
import uuid
from typing import Any

BOUND_SQL = """
SELECT id, 'yellow' AS level FROM work_item_stage
WHERE finished_at IS NULL AND yellow_at IS NOT NULL AND yellow_at <= $1
UNION ALL
SELECT id, 'red' FROM work_item_stage
WHERE finished_at IS NULL AND red_at IS NOT NULL AND red_at <= $1
"""

# $1 items. One street, one community, one worker and admin; items in four stages each.
SEED = [
    "INSERT INTO district (code, name) VALUES ('340705', '铜官区')",
    "INSERT INTO street (code, name, district) VALUES ('340705001', '幸福街道', 1)",
    "INSERT INTO community (code, name, street) VALUES ('340705001001', '一社区', 1)",
    "INSERT INTO department (name, line) VALUES ('区民政局', '民政')",
    """INSERT INTO access_list_entry (street, name, department, category, legal_basis, status,
           valid_from, created_at)
       VALUES (1, '高龄津贴', 1, 'civil_affairs', '法', 'approved', '2020-01-01', now())""",
    """INSERT INTO piccolo_user (username, password, email, active, admin, superuser)
       VALUES ('wg', 'x', 'wg@example.org', true, true, false),
              ('sq', 'x', 'sq@example.org', true, true, false)""",
    """INSERT INTO staff_member ("user", name, role, community, created_at)
       VALUES (1, 'wg', 'community_worker', 1, now()), (2, 'sq', 'community_admin', 1, now())""",
    """INSERT INTO work_item (access_entry, community, title, status, assignee, created_at)
       SELECT 1, 1, '事项 ' || i, CASE WHEN i % 5 = 0 THEN 'dispatched' ELSE 'closed' END, 1,
              now() - (i % 400) * interval '1 day'
       FROM generate_series(1, $1) AS i""",
    # Finished stages for closed items; the handle stage of every fifth item still open with
    # its deadline spread over the last and next weeks.
    """INSERT INTO work_item_stage (work_item, community, stage, entered_at, limit_minutes,
           extended_minutes, due_at, yellow_at, red_at, finished_at, late, late_by_minutes)
       SELECT w.id, 1, s.stage, w.created_at, 420, 0,
              w.created_at + interval '1 day', w.created_at + interval '2 days',
              w.created_at + interval '3 days',
              CASE WHEN w.status = 'dispatched' AND s.stage = 'handle' THEN NULL
                   ELSE w.created_at + interval '20 hours' END,
              CASE WHEN w.status = 'dispatched' AND s.stage = 'handle' THEN NULL ELSE false END,
              CASE WHEN w.status = 'dispatched' AND s.stage = 'handle' THEN NULL ELSE 0 END
       FROM work_item w
       CROSS JOIN (VALUES ('accept'), ('dispatch'), ('handle'), ('verify')) AS s(stage)
       WHERE w.status = 'closed' OR s.stage IN ('accept', 'dispatch', 'handle')""",
    """UPDATE work_item_stage st SET due_at = now() + (st.work_item % 14 - 7) * interval '1 day',
           yellow_at = now() + (st.work_item % 14 - 6) * interval '1 day',
           red_at = now() + (st.work_item % 14 - 5) * interval '1 day'
       WHERE st.finished_at IS NULL""",
    "ANALYZE",
]


async def _timed(run: Any, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        await run()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


async def measure(server: str, items: int, repeats: int) -> dict[str, Any]:
    from app.database import create_database, drop_database

    name = f"grid_bench_scan_{uuid.uuid4().hex[:8]}"
    os.environ["DATABASE_URL"] = await create_database(server, name)
    try:
        import asyncpg

        from app.database import apply_migrations
        from app.db import DB
        from app.jobs.common import utc_now
        from app.jobs.escalation import escalate_overdue

        await apply_migrations()
        conn = await asyncpg.connect(dsn=os.environ["DATABASE_URL"])
        try:
            async with conn.transaction():
                # The load is not audited (the audit trigger would triple its time).
                await conn.execute("SET LOCAL session_replication_role = replica")
                for statement in SEED:
                    await (
                        conn.execute(statement, items)
                        if "$1" in statement
                        else conn.execute(statement)
                    )
            await DB.start_connection_pool(min_size=1, max_size=4)
            now = utc_now()
            t0 = time.perf_counter()
            first = await escalate_overdue(now=now)
            first_run = time.perf_counter() - t0
            product = await _timed(lambda: escalate_overdue(now=now), repeats)
            bound = await _timed(lambda: conn.fetch(BOUND_SQL, now), repeats)
            late = len(await conn.fetch(BOUND_SQL, now))
            await DB.close_connection_pool()
        finally:
            await conn.close()
    finally:
        await drop_database(server, name)
    return {
        "items": items,
        "late_stage_steps": late,
        "first_run_s": round(first_run, 4),
        "first_run_steps": first.stage_steps,
        "steady_scan_s": round(product, 4),
        "bound_select_s": round(bound, 4),
        "ratio": round(product / bound, 2) if bound else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=6000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument(
        "--server",
        default=os.environ.get("BENCH_SERVER_URL", "postgresql://postgres@127.0.0.1:5432/postgres"),
    )
    args = parser.parse_args()
    print(asyncio.run(measure(args.server, args.items, args.repeats)))


if __name__ == "__main__":
    main()
