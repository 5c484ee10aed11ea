"""Two web processes share one admin login limit (admin/login_limit.py counts in PostgreSQL).

With piccolo-admin's in-memory limiter each process allowed ADMIN_LOGIN_LIMIT attempts per
address, so two processes behind a balancer allowed twice as many guesses. Failed logins
alternate between the processes here: the (limit + 1)-th attempt overall is refused, whichever
process gets it.
"""

from __future__ import annotations

from pathlib import Path

import httpx

from tables.system import LoginAttemptWindow
from tests.admin.test_login_limit_shared import clear_of_window_end
from tests.factories import PASSWORD, make_user
from tests.faults.support import app_env, free_port, processes, wait_healthy

LIMIT = 6


async def login(http: httpx.AsyncClient, password: str) -> httpx.Response:
    return await http.post(
        "/admin/public/login/",
        json={"username": "root", "password": password},
        headers={"X-CSRFToken": http.cookies.get("csrftoken", "")},
    )


async def test_failed_logins_alternating_between_processes_share_one_limit(
    tmp_path: Path,
) -> None:
    await make_user("root", superuser=True)
    # The test's own database (tests/conftest.py puts it in DATABASE_URL, app_env passes it on).
    env = app_env(ADMIN_LOGIN_LIMIT=str(LIMIT))
    with processes(tmp_path) as group:
        bases = [group.uvicorn(f"web{i}", free_port(), env) for i in (1, 2)]
        for base in bases:
            await wait_healthy(base)
        clients = [httpx.AsyncClient(base_url=base, timeout=10) for base in bases]
        try:
            for http in clients:
                assert (await http.get("/admin/")).status_code == 200
                assert http.cookies.get("csrftoken")
            await clear_of_window_end()
            answers = []
            for attempt in range(LIMIT + 2):
                http = clients[attempt % 2]
                response = await login(http, "wrong-password")
                answers.append((http.base_url.port, response.status_code))
            refused = await login(clients[1], PASSWORD)
        finally:
            for http in clients:
                await http.aclose()
    ports = [httpx.URL(base).port for base in bases]
    # Each process saw only LIMIT / 2 + 1 attempts: alone, it would have let all of them try.
    assert answers == [(ports[i % 2], 401) for i in range(LIMIT)] + [
        (ports[0], 429),
        (ports[1], 429),
    ], answers
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1
    rows = await LoginAttemptWindow.select(LoginAttemptWindow.attempts).where(
        LoginAttemptWindow.client == "127.0.0.1"
    )
    assert rows == [{"attempts": LIMIT + 3}]
