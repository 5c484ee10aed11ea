"""Who calls /api/v1/: a bearer token or the admin session cookie, rate limited, with a scope.

Every handler receives a `Caller` (the `caller` dependency) and runs its queries inside
`scoped_transaction(caller.scope)`, so PostgreSQL's row-level security decides what the caller
sees and changes, exactly as in the admin.

- `Authorization: Bearer pg_…`: an API token (app.api.tokens), its street or community scope.
- The admin session cookie: the login's own scope (`scope_for_user`); writes must echo the
  `csrftoken` cookie in the `X-CSRFToken` header, as the admin's own pages do.
- Rate limits: a sliding window per client IP (checked first, so guessing tokens is limited
  too) and per token or login; over the limit answers 429 with Retry-After.
"""

from __future__ import annotations

import hmac
import math
import time
from collections import deque
from dataclasses import dataclass
from typing import Any

from litestar import Request
from litestar.exceptions import NotAuthorizedException, TooManyRequestsException

from app.api.tokens import TokenRejected, scope_for_token
from app.errors import Forbidden
from app.scope import Scope, scope_for_user
from app.sessions import actor_of
from app.settings import settings

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_COOKIE = "csrftoken"
CSRF_HEADER = "X-CSRFToken"
CSRF_HEADER_KEY = CSRF_HEADER.lower().encode()  # as ASGI servers give header names


@dataclass(frozen=True)
class Caller:
    """The scope of one API request and how the caller proved who they are."""

    scope: Scope
    via: str  # "token" or "session"
    key: str  # what the per-caller rate limit counts: the token prefix or the user id

    @property
    def actor_id(self) -> int | None:
        return self.scope.user_id


class SlidingWindow:
    """At most `limit` hits per `window` seconds per key, remembered in this process."""

    def __init__(self, limit: int, window: float) -> None:
        self.limit = limit
        self.window = window
        self.hits: dict[str, deque[float]] = {}

    def hit(self, key: str) -> float | None:
        """Count a hit; None when allowed, else the seconds until the next one is."""
        now = time.monotonic()
        hits = self.hits.setdefault(key, deque())
        while hits and hits[0] <= now - self.window:
            hits.popleft()
        if len(hits) >= self.limit:
            return hits[0] + self.window - now
        hits.append(now)
        if len(self.hits) > 10_000:
            self._forget_idle(now)
        return None

    def _forget_idle(self, now: float) -> None:
        for key in [k for k, h in self.hits.items() if not h or h[-1] <= now - self.window]:
            del self.hits[key]

    def reset(self) -> None:
        self.hits.clear()


@dataclass
class RateLimits:
    per_ip: SlidingWindow
    per_caller: SlidingWindow

    def reset(self) -> None:
        self.per_ip.reset()
        self.per_caller.reset()


RATE_LIMITS = RateLimits(
    per_ip=SlidingWindow(settings.api_ip_rate_limit, settings.api_rate_window),
    per_caller=SlidingWindow(settings.api_rate_limit, settings.api_rate_window),
)


def check_rate(window: SlidingWindow, key: str, what: str) -> None:
    """429 with Retry-After (whole seconds) when `key` is over `window`'s limit."""
    wait = window.hit(key)
    if wait is not None:
        raise TooManyRequestsException(
            detail=f"rate limit of {window.limit} requests per {window.window:g} s reached"
            f" for this {what}",
            headers={"Retry-After": str(max(1, math.ceil(wait)))},
        )


def check_csrf(request: Request[Any, Any, Any], csrf_token: str | None) -> None:
    """A write with the session cookie must echo the `csrftoken` cookie in X-CSRFToken (as the
    admin's own pages do): another site's form can send the cookie, not read it. The API's
    session callers and the phone app (app/field) share this rule."""
    if request.method in SAFE_METHODS:
        return
    cookie = request.cookies.get(CSRF_COOKIE, "")
    if not cookie or not hmac.compare_digest(cookie, csrf_token or ""):
        raise Forbidden(
            f"a write with the session cookie needs the {CSRF_HEADER} header"
            f" equal to the {CSRF_COOKIE} cookie",
            field=CSRF_HEADER,
        )


def _header(request: Request[Any, Any, Any], name: bytes) -> str | None:
    """The first value of header `name` (lower case), straight from the ASGI scope."""
    for key, value in request.scope["headers"]:
        if key == name:
            return value.decode("latin-1")
    return None


def _unauthorized(detail: str) -> NotAuthorizedException:
    return NotAuthorizedException(detail=detail, headers={"WWW-Authenticate": "Bearer"})


async def provide_caller(request: Request[Any, Any, Any]) -> Caller:
    """Authenticate, rate-limit and scope one API request.

    The two headers are read from the ASGI scope here rather than declared as Litestar header
    parameters, which made every request pay for their extraction and validation (issue 19);
    the OpenAPI document describes them as the `bearer` and `session` security schemes.
    """
    authorization = _header(request, b"authorization")
    client = request.client.host if request.client else "unknown"
    check_rate(RATE_LIMITS.per_ip, f"ip:{client}", "client address")
    if authorization:
        kind, _, token = authorization.partition(" ")
        if kind.lower() != "bearer" or not token.strip():
            raise _unauthorized("the Authorization header must read `Bearer <API token>`")
        try:
            scope = await scope_for_token(token.strip())
        except TokenRejected as exc:
            raise _unauthorized(str(exc)) from exc
        caller = Caller(scope=scope, via="token", key=f"token:{token.strip().split('_')[1]}")
    else:
        user_id = await actor_of(dict(request.scope))
        if user_id is None:
            raise _unauthorized("send `Authorization: Bearer <API token>` or log in to the admin")
        caller = Caller(scope=await scope_for_user(user_id), via="session", key=f"user:{user_id}")
        check_csrf(request, _header(request, CSRF_HEADER_KEY))
    check_rate(RATE_LIMITS.per_caller, caller.key, "token or login")
    if request.method not in SAFE_METHODS and caller.scope.read_only:
        raise Forbidden("this API token is read-only", field="Authorization")
    return caller
