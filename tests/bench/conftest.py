"""A tiny benchmark city loaded into the test database by the benchmark's own loader."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator

import asyncpg
import pytest

from app.clock import local_today
from app.settings import settings
from bench.generate import City, load_city
from bench.scale import tiny


@pytest.fixture
async def city(database: None) -> AsyncIterator[City]:
    """2 communities of 3 grids, 300 households each on average, a week of check-ins."""
    plan = City(tiny(), local_today(), settings.timezone)
    conn = await asyncpg.connect(dsn=os.environ["DATABASE_URL"])
    try:
        await load_city(conn, plan, lambda *_: None, mark=False)
    finally:
        await conn.close()
    yield plan


@pytest.fixture
async def conn(database: None) -> AsyncIterator[asyncpg.Connection]:
    connection = await asyncpg.connect(dsn=os.environ["DATABASE_URL"])
    try:
        yield connection
    finally:
        await connection.close()
