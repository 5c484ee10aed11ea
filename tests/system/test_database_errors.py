"""Errors PostgreSQL really raises (class 23, 40001, 40P01, 55P03) → one problem-details answer.

Each error is provoked on real connections, then sent through `from_database_error` and the
app's HTTP error handlers; the lock case also end to end through /api/v1 and the admin.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import asyncpg
import httpx
import pytest
from litestar import Litestar, get

from app.errors import Conflict, RetryLater, ValidationFailed, from_database_error
from app.system.problems import EXCEPTION_HANDLERS
from tests.admin.support import admin_login
from tests.api.support import API, assert_problem
from tests.conftest import DB
from tests.factories import area_tree, make_household, make_user


@pytest.fixture
async def connections() -> AsyncIterator[tuple[asyncpg.Connection, asyncpg.Connection]]:
    """Two connections of their own (not the app's pool), as two concurrent requests."""
    url = os.environ["DATABASE_URL"]
    first, second = await asyncpg.connect(url), await asyncpg.connect(url)
    await first.execute(
        "CREATE TABLE IF NOT EXISTS race (id int PRIMARY KEY, n int);"
        " TRUNCATE race; INSERT INTO race VALUES (1, 0), (2, 0)"
    )
    yield first, second
    await first.execute("DROP TABLE race")
    await first.close()
    await second.close()


async def raised(action: Awaitable[Any]) -> asyncpg.PostgresError:
    with pytest.raises(asyncpg.PostgresError) as caught:
        await action
    return caught.value


async def serialization_failure(a: asyncpg.Connection, b: asyncpg.Connection) -> Exception:
    """Two REPEATABLE READ transactions change the same row: the later one must fail."""
    await a.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
    await a.fetchval("SELECT n FROM race WHERE id = 1")
    await b.execute("UPDATE race SET n = n + 1 WHERE id = 1")
    error = await raised(a.execute("UPDATE race SET n = n + 1 WHERE id = 1"))
    await a.execute("ROLLBACK")
    return error


async def deadlock(a: asyncpg.Connection, b: asyncpg.Connection) -> Exception:
    """Each transaction holds the row the other one waits for."""
    await a.execute("BEGIN; UPDATE race SET n = 1 WHERE id = 1")
    await b.execute("BEGIN; UPDATE race SET n = 1 WHERE id = 2")
    results = await asyncio.gather(
        a.execute("UPDATE race SET n = 2 WHERE id = 2"),
        b.execute("UPDATE race SET n = 2 WHERE id = 1"),
        return_exceptions=True,
    )
    await a.execute("ROLLBACK")
    await b.execute("ROLLBACK")
    errors = [result for result in results if isinstance(result, Exception)]
    assert len(errors) == 1, results
    return errors[0]


async def lock_not_available(a: asyncpg.Connection, b: asyncpg.Connection) -> Exception:
    await a.execute("BEGIN; SELECT * FROM race WHERE id = 1 FOR UPDATE")
    error = await raised(b.execute("SELECT * FROM race WHERE id = 1 FOR UPDATE NOWAIT"))
    await a.execute("ROLLBACK")
    return error


async def answer_of(exc: Exception) -> httpx.Response:
    """What the app's error handlers answer when a request meets `exc`."""

    @get("/boom")
    async def boom() -> None:
        raise exc

    app = Litestar([boom], exception_handlers=EXCEPTION_HANDLERS)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        return await http.get("/boom")


RACES: list[tuple[str, Callable[..., Awaitable[Exception]], type[Exception]]] = [
    ("40001", serialization_failure, asyncpg.SerializationError),
    ("40P01", deadlock, asyncpg.DeadlockDetectedError),
    ("55P03", lock_not_available, asyncpg.LockNotAvailableError),
]


@pytest.mark.parametrize(("sqlstate", "provoke", "error_class"), RACES, ids=[r[0] for r in RACES])
async def test_a_lost_race_is_a_409_to_retry(
    connections: tuple[asyncpg.Connection, asyncpg.Connection],
    sqlstate: str,
    provoke: Callable[..., Awaitable[Exception]],
    error_class: type[Exception],
) -> None:
    exc = await provoke(*connections)
    assert isinstance(exc, error_class) and exc.sqlstate == sqlstate  # type: ignore[attr-defined]
    error = from_database_error(exc)
    assert isinstance(error, RetryLater) and error.status == 409
    assert "retry" in error.detail and "重试" in error.detail
    response = await answer_of(exc)
    body = assert_problem(response, 409)
    assert response.headers["retry-after"] == "1"
    assert body["type"].endswith("/concurrent-change")


async def constraint_errors(conn: asyncpg.Connection) -> dict[str, asyncpg.PostgresError]:
    """One real error of each class-23 code, on the app's own tables."""
    await conn.execute(
        "INSERT INTO district (code, name, boundary) VALUES ('340705', '铜官区', NULL)"
    )
    district = await conn.fetchval("SELECT id FROM district")
    await conn.execute(
        "INSERT INTO street (code, name, district, boundary) VALUES ('340705001', '街道', $1, NULL)",
        district,
    )
    return {
        "23505": await raised(
            conn.execute("INSERT INTO district (code, name) VALUES ('340705', '重复')")
        ),
        "23502": await raised(
            conn.execute("INSERT INTO district (code, name) VALUES ('340706', NULL)")
        ),
        "23503": await raised(
            conn.execute("INSERT INTO street (code, name, district) VALUES ('340705002', 'x', 99)")
        ),
        "23001": await raised(conn.execute("DELETE FROM district")),
        # Class 23 codes no statement of ours raises (a RESTRICT refusal on servers that say
        # 23001, a bare 23000), raised as PostgreSQL would, with its fields.
        "23001-raised": await raised(
            conn.execute(
                "DO $$ BEGIN RAISE EXCEPTION 'violates RESTRICT setting' USING"
                " ERRCODE = 'restrict_violation', TABLE = 'household',"
                " CONSTRAINT = 'household_building_fkey',"
                " DETAIL = 'Key (id)=(1) is referenced from table \"household\".'; END $$"
            )
        ),
        "23000": await raised(
            conn.execute(
                "DO $$ BEGIN RAISE EXCEPTION 'refused' USING ERRCODE = '23000',"
                " TABLE = 'street', CONSTRAINT = 'street_code_rule'; END $$"
            )
        ),
    }


async def test_every_integrity_violation_names_its_field_in_words() -> None:
    url = os.environ["DATABASE_URL"]
    conn = await asyncpg.connect(url)
    try:
        errors = await constraint_errors(conn)
        errors["23514"] = await raised(
            conn.execute("UPDATE district SET code = 'abc' WHERE code = '340705'")
        )
    finally:
        await conn.execute("TRUNCATE district, street RESTART IDENTITY CASCADE")
        await conn.close()
    expected: dict[str, tuple[type[Exception], int, str | None, str]] = {
        "23505": (Conflict, 409, "code", "行政区划代码 6-digit GB/T 2260 division code: 已有相同"),
        "23502": (ValidationFailed, 422, "name", "name is required"),
        "23503": (ValidationFailed, 422, "district", "所属区 District: district refers to a"),
        "23001": (Conflict, 409, "street.district", "还有街道（所属区 District）引用这条记录"),
        "23001-raised": (Conflict, 409, "household.building", "还有住户（楼栋 Building）"),
        "23000": (Conflict, 409, "code", "Code: 与已有数据冲突"),
        "23514": (ValidationFailed, 422, "code", "行政区划代码"),
    }
    for code, (kind, status, field, words) in expected.items():
        exc = errors[code]
        assert exc.sqlstate == code.split("-")[0] or code == "23001", (code, exc.sqlstate)
        error = from_database_error(exc)
        assert isinstance(error, kind) and error.status == status, (code, error)
        assert error.field == field, (code, error.field, error.detail)
        assert words in error.detail, (code, error.detail)
        body = assert_problem(await answer_of(exc), status, field)
        assert body["detail"] == error.detail


@pytest.fixture
async def held_building() -> AsyncIterator[dict[str, Any]]:
    """A building whose row another transaction holds locked; the app's connections give up
    waiting after 200 ms (lock_timeout, 55P03) instead of waiting for ever."""
    tree = await area_tree()
    household = await make_household(tree.grids["A1-1"])
    name = (await DB.run_ddl("SELECT current_database() AS name"))[0]["name"]
    await DB.run_ddl(f"ALTER DATABASE \"{name}\" SET lock_timeout = '200ms'")
    await DB.close_connection_pool()
    await DB.start_connection_pool(max_size=10)
    holder = await asyncpg.connect(os.environ["DATABASE_URL"])
    await holder.execute("BEGIN")
    await holder.execute("SELECT * FROM building WHERE id = $1 FOR UPDATE", household["building"])
    try:
        yield {"id": household["building"]}
    finally:
        await holder.execute("ROLLBACK")
        await holder.close()
        await DB.run_ddl(f'ALTER DATABASE "{name}" RESET lock_timeout')
        await DB.close_connection_pool()
        await DB.start_connection_pool(max_size=10)


async def test_a_record_locked_by_another_request_answers_409_with_retry_after(
    client: httpx.AsyncClient, held_building: dict[str, Any]
) -> None:
    await make_user("locked-root", superuser=True)
    headers = await admin_login(client, "locked-root")
    url = f"{API}/buildings/{held_building['id']}"
    response = await client.patch(url, json={"address": "新地址"}, headers=headers)
    body = assert_problem(response, 409)
    assert response.headers["retry-after"] == "1" and "retry" in body["detail"]

    admin = await client.patch(
        f"/admin/api/tables/building/{held_building['id']}/",
        json={"address": "新地址"},
        headers=headers,
    )
    assert admin.status_code == 409, admin.text
    assert admin.headers["retry-after"] == "1"
    assert "重试" in admin.json()["db_error"]
