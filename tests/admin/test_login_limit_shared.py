"""The admin login limit is counted in PostgreSQL (admin/login_limit.py): one count per client
address for every admin instance, i.e. every web process (tests/faults/test_login_limit_processes.py
runs it with real processes)."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt

import asyncpg
import httpx
import pytest

from admin.login_limit import WINDOW_SECONDS
from app.db import DB
from app.settings import settings
from tables.system import LoginAttemptWindow
from tests.factories import PASSWORD, make_user

LIMIT = 3


@pytest.fixture
def limited_admins(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Two admin instances with ADMIN_LOGIN_LIMIT=3, as two web processes would have."""
    import admin.site

    monkeypatch.setattr(
        admin.site, "settings", dataclasses.replace(settings, admin_login_limit=LIMIT)
    )
    return [admin.site.build_admin.__wrapped__() for _ in range(2)]


async def clear_of_window_end(margin: float = 30) -> None:
    """Wait, if need be, until the database's current 5-minute window has `margin` seconds
    left, so that the attempts of a test are counted in one window."""
    (row,) = await DB.run_ddl(
        f"SELECT {WINDOW_SECONDS} - mod(extract(epoch FROM now()), {WINDOW_SECONDS})::float AS left"
    )
    if row["left"] < margin:
        await asyncio.sleep(row["left"] + 0.5)


def client_of(app: object, address: str) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, client=(address, 40000))  # type: ignore[arg-type]
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


async def login(http: httpx.AsyncClient, password: str) -> httpx.Response:
    if "csrftoken" not in http.cookies:
        await http.get("/")
    return await http.post(
        "/public/login/",
        json={"username": "root", "password": password},
        headers={"X-CSRFToken": http.cookies.get("csrftoken", "")},
    )


async def attempts_of(address: str) -> list[int]:
    rows = await LoginAttemptWindow.select(LoginAttemptWindow.attempts).where(
        LoginAttemptWindow.client == address
    )
    return [row["attempts"] for row in rows]


async def test_failed_logins_beyond_the_limit_are_refused_and_counted_in_the_database(
    limited_admins: list[object],
) -> None:
    await make_user("root", superuser=True)
    await clear_of_window_end()
    async with client_of(limited_admins[0], "203.0.113.9") as attacker:
        for guess in ("123456", "password", "grid2026"):
            assert (await login(attacker, guess)).status_code == 401
        blocked = await login(attacker, PASSWORD)
    assert blocked.status_code == 429, blocked.text
    assert blocked.text == "Too many requests"
    assert 1 <= int(blocked.headers["retry-after"]) <= 300
    assert "id" not in blocked.cookies
    assert await attempts_of("203.0.113.9") == [LIMIT + 1]
    async with client_of(limited_admins[0], "198.51.100.3") as colleague:
        assert (await login(colleague, PASSWORD)).status_code == 200
    assert await attempts_of("198.51.100.3") == [1]


async def test_attempts_through_different_admin_instances_add_up(
    limited_admins: list[object],
) -> None:
    """What each process allowed on its own (LIMIT each) is now LIMIT for all of them."""
    await make_user("root", superuser=True)
    await clear_of_window_end()
    first, second = (client_of(app, "203.0.113.10") for app in limited_admins)
    async with first, second:
        answers = [(await login((first, second)[i % 2], "wrong")).status_code for i in range(5)]
    assert answers == [401] * LIMIT + [429] * 2
    assert await attempts_of("203.0.113.10") == [5]


async def test_the_first_attempt_of_a_window_deletes_the_windows_that_ended(
    limited_admins: list[object],
) -> None:
    long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    await LoginAttemptWindow.insert(
        LoginAttemptWindow(client="192.0.2.1", window_start=long_ago, attempts=50)
    )
    async with client_of(limited_admins[0], "203.0.113.11") as http:
        assert (await login(http, "wrong")).status_code == 401
    assert await attempts_of("192.0.2.1") == []
    assert await attempts_of("203.0.113.11") == [1]


async def test_the_application_role_cannot_read_or_write_the_counters() -> None:
    rows = await DB.run_ddl(
        "SELECT relrowsecurity FROM pg_class WHERE relname = 'login_attempt_window'"
    )
    assert [dict(row) for row in rows] == [{"relrowsecurity": True}]
    for statement in (
        "SELECT * FROM login_attempt_window",
        "INSERT INTO login_attempt_window (client, window_start, attempts) VALUES ('x', now(), 0)",
        "DELETE FROM login_attempt_window",
    ):
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            async with DB.transaction():
                await DB.run_ddl("SET LOCAL ROLE grid_app")
                await DB.run_ddl(statement)
