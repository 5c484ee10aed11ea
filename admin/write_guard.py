"""Run each admin write in one transaction that knows its actor, and speak domain errors.

piccolo-admin saves rows itself; wrapping its ASGI app lets the audit trigger see who wrote,
lets the hooks (which call the domain cleaners) share that transaction, and turns a refused
rule into a readable 4xx instead of a 500. The response is held back until the transaction
has committed, so a write the user saw succeed cannot be lost afterwards.
"""

from __future__ import annotations

import json
from http.cookies import SimpleCookie
from typing import Any

from piccolo_api.session_auth.tables import SessionsBase

from app.db import write_transaction
from app.errors import DomainError

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
SESSION_COOKIE = "id"
# Paths that create or end sessions must not be wrapped (they write the sessions table only).
UNGUARDED_SUFFIXES = ("/public/login/", "/public/logout/")


class _RollBack(Exception):
    """The wrapped app answered with an error: undo whatever it wrote."""


async def actor_of(scope: dict[str, Any]) -> int | None:
    """The user id behind the admin session cookie of this request, if any."""
    cookies = SimpleCookie()
    for name, value in scope.get("headers", []):
        if name == b"cookie":
            cookies.load(value.decode("latin-1"))
    morsel = cookies.get(SESSION_COOKIE)
    return await SessionsBase.get_user_id(morsel.value) if morsel else None


def domain_error_body(exc: DomainError) -> bytes:
    problem = exc.to_problem()
    # The admin front end shows `db_error` to the user.
    label = f"{exc.field}: " if exc.field else ""
    problem["db_error"] = f"{label}{exc.detail}"
    return json.dumps(problem, ensure_ascii=False).encode()


class WriteGuard:
    """ASGI wrapper: transaction + actor + domain errors around every admin write."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        path = scope.get("path", "")
        if (
            scope["type"] != "http"
            or scope.get("method") not in WRITE_METHODS
            or path.endswith(UNGUARDED_SUFFIXES)
        ):
            await self.app(scope, receive, send)
            return
        held: list[dict[str, Any]] = []

        async def hold(message: dict[str, Any]) -> None:
            held.append(message)

        try:
            async with write_transaction(await actor_of(scope)):
                await self.app(scope, receive, hold)
                if held and held[0].get("status", 200) >= 400:
                    raise _RollBack
        except _RollBack:
            pass
        except DomainError as exc:
            await _send_json(send, exc.status, domain_error_body(exc))
            return
        for message in held:
            await send(message)


async def _send_json(send: Any, status: int, body: bytes) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
