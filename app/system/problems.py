"""Every error leaves the API as RFC 9457 problem details (application/problem+json)."""

from __future__ import annotations

import logging
from typing import Any

import asyncpg
from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException

from app.errors import PROBLEM_BASE, DomainError, from_database_error
from app.transaction import CONNECTION_BROKEN

PROBLEM_JSON = "application/problem+json"

log = logging.getLogger("app.errors")


def problem_response(body: dict[str, Any], headers: dict[str, str] | None = None) -> Response[Any]:
    return Response(body, status_code=body["status"], media_type=PROBLEM_JSON, headers=headers)


def domain_error_handler(request: Request[Any, Any, Any], exc: DomainError) -> Response[Any]:
    return problem_response(exc.to_problem(instance=request.url.path), headers=exc.headers())


def database_error_handler(
    request: Request[Any, Any, Any], exc: asyncpg.PostgresError
) -> Response[Any]:
    domain_error = from_database_error(exc)
    if domain_error is None:
        return server_error_handler(request, exc)
    return domain_error_handler(request, domain_error)


def http_error_handler(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    """Litestar's own errors (bad parameters, 404 routes, 405 …) in the same shape."""
    body: dict[str, Any] = {
        "type": PROBLEM_BASE
        + ("validation-failed" if isinstance(exc, ValidationException) else "http"),
        "title": exc.detail if exc.status_code < 500 else "Server error",
        "status": exc.status_code,
        "detail": exc.detail,
        "instance": request.url.path,
    }
    if isinstance(exc, ValidationException) and isinstance(exc.extra, list):
        body["errors"] = [
            {"field": item.get("key") or item.get("source"), "message": item.get("message")}
            for item in exc.extra
            if isinstance(item, dict)
        ]
        if body["errors"]:
            body["field"] = body["errors"][0]["field"]
    return problem_response(body, headers=getattr(exc, "headers", None))


# The database is down, restarting or refusing connections: the request may be retried.
DATABASE_UNAVAILABLE: tuple[type[Exception], ...] = (
    *CONNECTION_BROKEN,
    asyncpg.exceptions.TooManyConnectionsError,
)
RETRY_AFTER_SECONDS = 5


def _from_database_driver(exc: BaseException) -> bool:
    frame = exc.__traceback__
    while frame is not None:
        if "/asyncpg/" in frame.tb_frame.f_code.co_filename:
            return True
        frame = frame.tb_next
    return False


def database_unavailable_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """503 with Retry-After when PostgreSQL cannot be reached (restart, failover, full): the
    pool drops dead connections and reconnects by itself, so a retry soon succeeds. An OSError
    that did not come from the database driver stays a server error."""
    if isinstance(exc, OSError) and not _from_database_driver(exc):
        return server_error_handler(request, exc)
    return problem_response(
        {
            "type": PROBLEM_BASE + "database-unavailable",
            "title": "Service temporarily unavailable",
            "status": 503,
            "detail": "the database cannot be reached right now; retry in a few seconds",
            "instance": request.url.path,
        },
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )


def undecodable_body_handler(
    request: Request[Any, Any, Any], exc: UnicodeDecodeError | RecursionError
) -> Response[Any]:
    """A body that is not UTF-8, or JSON nested deeper than the decoder goes: the client's
    fault (400), not a server error. Any other RecursionError stays a 500."""
    if isinstance(exc, RecursionError) and "deserializing" not in str(exc):
        return server_error_handler(request, exc)
    detail = (
        "the request body is not valid UTF-8"
        if isinstance(exc, UnicodeDecodeError)
        else "the JSON body is nested too deeply"
    )
    return problem_response(
        {
            "type": PROBLEM_BASE + "validation-failed",
            "title": detail,
            "status": 400,
            "detail": detail,
            "instance": request.url.path,
        }
    )


def server_error_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """A bug, not the client's fault: 500 problem details without internals, and the full
    traceback in the log (logger `app.errors`) so that operators can find it."""
    log.error("server error on %s %s", request.method, request.url.path, exc_info=exc)
    return problem_response(
        {
            "type": PROBLEM_BASE + "server-error",
            "title": "Server error",
            "status": 500,
            "detail": "an unexpected error occurred; it has been logged",
            "instance": request.url.path,
        }
    )


EXCEPTION_HANDLERS: dict[Any, Any] = {
    Exception: server_error_handler,
    **dict.fromkeys(DATABASE_UNAVAILABLE, database_unavailable_handler),
    UnicodeDecodeError: undecodable_body_handler,
    RecursionError: undecodable_body_handler,
    DomainError: domain_error_handler,
    asyncpg.PostgresError: database_error_handler,
    HTTPException: http_error_handler,
}
