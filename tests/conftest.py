"""The test harness: a fresh PostgreSQL database per run, migrated, truncated between tests.

With TEST_DATABASE_URL the database is created on that server (and dropped afterwards);
without it an embedded PostgreSQL is started in a temporary folder and removed at exit.
This must run before anything imports piccolo_conf, so it happens at import time.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

_TEST_DB = f"grid_test_{uuid.uuid4().hex[:10]}"
_server_url = os.environ.get("TEST_DATABASE_URL", "")
if not _server_url:
    from app.database import start_embedded

    _server_url = start_embedded(Path(tempfile.mkdtemp(prefix="grid-pg-")), cleanup_mode="delete")

from app.database import apply_migrations, create_database, drop_database  # noqa: E402

os.environ["DATABASE_URL"] = asyncio.run(create_database(_server_url, _TEST_DB))
os.environ.setdefault("TIMEZONE", "Asia/Shanghai")
# Every test logs in afresh from the same address; the limit itself is tested on its own.
os.environ.setdefault("ADMIN_LOGIN_LIMIT", "100000")
# The residents' proof of work at 8 bits (256 hashes) instead of 16: tests solve thousands.
os.environ.setdefault("RESIDENT_POW_BITS", "8")

from piccolo.apps.user.tables import BaseUser  # noqa: E402

from tables.piccolo_app import ALL_TABLES, SYSTEM_TABLES  # noqa: E402

# Password hashing is deliberately slow (600k PBKDF2 rounds); tests create many logins. The
# round count is stored in each hash, so logins still verify exactly as in production.
BaseUser._pbkdf2_iteration_count = 1_000

DB = ALL_TABLES[0]._meta.db
_TABLES = [
    *(t._meta.tablename for t in [*ALL_TABLES, *SYSTEM_TABLES]),
    "piccolo_user",
    "sessions",
    "authenticator_secret",
]
# Emptying the tables between tests: TRUNCATE of all ~65 tables makes new files for each and
# took 0.4-0.6 s per test (a third of the suite). So only the tables that hold rows are
# emptied, by DELETE with the triggers and foreign keys off for the statement
# (session_replication_role = replica: the audit triggers stay silent, the order does not
# matter); every sequence that was used starts again, as TRUNCATE ... RESTART IDENTITY did.
_FILLED_TABLES = (
    "SELECT array_remove(ARRAY["
    + ", ".join(
        f"CASE WHEN EXISTS (SELECT 1 FROM \"{name}\") THEN '{name}' END" for name in _TABLES
    )
    + "], NULL)"
)
_RESTART_SEQUENCES = """
DO $$
DECLARE used record;
BEGIN
    FOR used IN SELECT schemaname, sequencename FROM pg_sequences
                WHERE schemaname = 'public' AND last_value IS NOT NULL LOOP
        EXECUTE format('ALTER SEQUENCE %I.%I RESTART', used.schemaname, used.sequencename);
    END LOOP;
END $$
"""


@pytest.fixture(scope="session", autouse=True)
async def database() -> AsyncIterator[None]:
    await apply_migrations()
    await DB.start_connection_pool(max_size=10)
    yield
    await DB.close_connection_pool()
    await drop_database(_server_url, _TEST_DB)


async def truncate_all() -> None:
    """Empty every table the tests write to and restart the ids (see `_FILLED_TABLES`)."""
    async with DB.transaction() as transaction:
        connection = transaction.connection
        filled = await connection.fetchval(_FILLED_TABLES)
        if filled:
            await connection.execute("SET LOCAL session_replication_role = replica")
            await connection.execute("; ".join(f'DELETE FROM "{name}"' for name in filled))
        await connection.execute(_RESTART_SEQUENCES)


@pytest.fixture(autouse=True)
async def clean_tables(request: pytest.FixtureRequest, database: None) -> AsyncIterator[None]:
    """Each test starts from empty tables; tests marked `shared_data` keep their module's data
    (a module fixture loads it once and truncates when the module ends)."""
    yield
    if request.node.get_closest_marker("shared_data") is None:
        await truncate_all()


@pytest.fixture
async def client(database: None) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client talking to the app in this process (same loop, same pool)."""
    from app.asgi import app

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http
