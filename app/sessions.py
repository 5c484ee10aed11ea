"""Who is behind a request: the login session cookie (piccolo_api sessions) → user id.

One rule for every part of the product that serves logged-in staff: the admin, the API's
session callers, the staff pages and the phone app all ask `actor_of`.
"""

from __future__ import annotations

from http.cookies import SimpleCookie
from typing import Any

from piccolo_api.session_auth.tables import SessionsBase

SESSION_COOKIE = "id"


async def actor_of(scope: dict[str, Any]) -> int | None:
    """The user id behind the session cookie of this ASGI request, if any."""
    cookies: SimpleCookie = SimpleCookie()
    for name, value in scope.get("headers", []):
        if name == b"cookie":
            cookies.load(value.decode("latin-1"))
    morsel = cookies.get(SESSION_COOKIE)
    return await SessionsBase.get_user_id(morsel.value) if morsel else None
