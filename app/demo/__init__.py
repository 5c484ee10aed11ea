"""The demo district (铜官区): loaded by `make run` into an empty database, or on its own."""

from __future__ import annotations

import datetime as dt

from app.db import DB
from app.settings import settings


async def database_is_empty() -> bool:
    rows = await DB.run_ddl("SELECT NOT EXISTS (SELECT 1 FROM district) AS empty")
    return bool(rows[0]["empty"])


async def load_demo(today: dt.date | None = None) -> dict[str, str]:
    """Write the whole demo district in one transaction; returns the demo logins by role.

    Then the scheduled work is set up as in production: default schedules, and the rollups of
    last month and this month so far, computed by the same jobs that compute them nightly.
    """
    from app.demo.loader import DemoLoader
    from app.demo.residents import load_residents
    from app.jobs.rollups import run_rollup
    from app.jobs.schedules import ensure_default_schedules
    from app.jobs.schemas import RollupRun

    today = today or dt.datetime.now(settings.timezone).date()
    conn = await DB.get_new_connection()
    try:
        async with conn.transaction():
            await conn.execute("SELECT set_config('app.actor_id', '', true)")
            loader = DemoLoader(conn, today)
            logins = await loader.load()
        # Residents' cases go through the services, after the district is committed.
        await load_residents(loader)
    finally:
        await conn.close()
    await ensure_default_schedules()
    this_month = today.replace(day=1)
    last_month = (this_month - dt.timedelta(days=1)).replace(day=1)
    for start in (last_month, this_month):
        await run_rollup(RollupRun(period_kind="month", period_start=start))
    return logins


async def load_demo_if_empty() -> dict[str, str] | None:
    """Load the demo only into an empty database (never over real data)."""
    if not await database_is_empty():
        return None
    return await load_demo()


async def load_demo_command() -> None:
    from app.database import apply_migrations

    await apply_migrations()
    logins = await load_demo_if_empty()
    if logins is None:
        print("The database already holds data; the demo is only loaded into an empty database.")
        return
    print(f"Demo district loaded. Logins (password {settings.demo_password}):")
    for role, username in logins.items():
        print(f"  {role:<22} {username}")
