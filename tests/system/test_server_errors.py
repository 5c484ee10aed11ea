"""What leaves the app when something goes wrong on the server's side: a lost database is a
503 to retry, a bug is a 500 in problem details whose traceback is in the log, and neither
tells the client about the internals."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import asyncpg
import httpx
import pytest
from litestar import Litestar, get

from app.system.problems import EXCEPTION_HANDLERS

FAILURES: dict[str, Exception] = {
    "bug": RuntimeError("secret internals"),
    "file": FileNotFoundError(2, "No such file or directory", "/srv/secret"),
    "unmapped-database-error": asyncpg.exceptions.DataCorruptedError("secret internals"),
    "connection-not-ready": asyncpg.InternalClientError(
        "cannot switch to state 15; another operation (2) is in progress"
    ),
    "connection-closed": asyncpg.InterfaceError("connection is closed"),
    "server-shutting-down": asyncpg.exceptions.CannotConnectNowError(
        "the database system is shutting down"
    ),
}


@get("/fail/{what:str}", sync_to_thread=False)
def fail(what: str) -> None:
    raise FAILURES[what]


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    app = Litestar([fail], exception_handlers=EXCEPTION_HANDLERS)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as client:
        yield client


@pytest.mark.parametrize("what", ["bug", "file", "unmapped-database-error"])
async def test_a_server_bug_is_a_logged_500_in_problem_details(
    http: httpx.AsyncClient, what: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="app.errors"):
        response = await http.get(f"/fail/{what}")
    assert response.status_code == 500
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["type"].endswith("/server-error") and body["instance"] == f"/fail/{what}"
    assert "secret" not in response.text
    [record] = [r for r in caplog.records if r.name == "app.errors"]
    assert f"GET /fail/{what}" in record.getMessage()
    assert record.exc_info is not None and record.exc_info[1] is FAILURES[what]


@pytest.mark.parametrize(
    "what", ["connection-not-ready", "connection-closed", "server-shutting-down"]
)
async def test_a_database_connection_problem_is_a_503_to_retry(
    http: httpx.AsyncClient, what: str, caplog: pytest.LogCaptureFixture
) -> None:
    """These come from the database driver (the handler checks where an OSError came from;
    asyncpg's own exception classes are the driver's by definition)."""
    with caplog.at_level(logging.ERROR, logger="app.errors"):
        response = await http.get(f"/fail/{what}")
    assert response.status_code == 503
    assert response.headers["retry-after"] == "5"
    assert response.json()["type"].endswith("/database-unavailable")
    assert not [r for r in caplog.records if r.name == "app.errors"]
