"""The admin login limit, one for all web processes: counted in PostgreSQL.

piccolo-admin limits its password login (`/public/login/`, which also checks MFA codes)
with piccolo-api's rate-limit provider, kept in the memory of one process and synchronous
(`RateLimitProvider.increment` cannot wait for the database): N web processes allowed N ×
ADMIN_LOGIN_LIMIT guesses. `LoginLimit` wraps the admin instead and counts each POST to the
login path, before piccolo-admin sees it, with one atomic upsert into login_attempt_window
(one row per client address and 5-minute window of the database's clock; the rule itself is
app/login_attempts.py, shared with the phone app's login). An attempt that
makes the count exceed the limit is answered 429 "Too many requests" (as piccolo-admin's
limiter did) with Retry-After: the seconds until the window ends, which is how long the
address stays blocked. Every attempt counts, right password or not.

The client address is the ASGI `client` (what piccolo-api's limiter used): behind the load
balancer, uvicorn's `--proxy-headers --forwarded-allow-ips` (README) put the real address
there. The statement runs as the table owner outside any request scope (the counters belong
to no user; grid_app may not touch them), and the first attempt of a window deletes the
windows that have ended. piccolo-admin's own limiter is switched off (`NOT_HERE`), so this is
the one place of the rule.

The API's limits (app/api/auth.py) stay per process: they are throughput limits for
integrators, not a guard of passwords (the API takes tokens only).
"""

from __future__ import annotations

import re
from typing import Any

from piccolo_api.rate_limiting.middleware import RateLimitProvider

from admin.scope_guard import send_body
from app.login_attempts import WINDOW_SECONDS, count_attempt

__all__ = ["NOT_HERE", "WINDOW_SECONDS", "LoginLimit", "count_attempt"]

LOGIN_PATH = re.compile(r"/public/login/?$")


class NotHere(RateLimitProvider):
    """piccolo-admin's own login limiter, switched off: `LoginLimit` counts the attempts."""

    def increment(self, identifier: str) -> None:
        return None


NOT_HERE = NotHere()


class LoginLimit:
    """ASGI wrapper: at most `limit` admin login attempts per client address and window."""

    def __init__(self, app: Any, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        client = scope.get("client")
        if (
            scope["type"] == "http"
            and scope.get("method") == "POST"
            and client
            and LOGIN_PATH.search(scope.get("path", ""))
        ):
            attempts, retry_after = await count_attempt(str(client[0]))
            if attempts > self.limit:
                headers = [
                    (b"content-type", b"text/plain; charset=utf-8"),
                    (b"retry-after", str(retry_after).encode()),
                ]
                await send_body(send, 429, b"Too many requests", headers)
                return
        await self.app(scope, receive, send)
