"""Every error leaves the API as RFC 9457 problem details (application/problem+json)."""

from __future__ import annotations

from typing import Any

import asyncpg
from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException

from app.errors import PROBLEM_BASE, DomainError, from_database_error

PROBLEM_JSON = "application/problem+json"


def problem_response(body: dict[str, Any], headers: dict[str, str] | None = None) -> Response[Any]:
    return Response(body, status_code=body["status"], media_type=PROBLEM_JSON, headers=headers)


def domain_error_handler(request: Request[Any, Any, Any], exc: DomainError) -> Response[Any]:
    return problem_response(exc.to_problem(instance=request.url.path))


def database_error_handler(
    request: Request[Any, Any, Any], exc: asyncpg.PostgresError
) -> Response[Any]:
    domain_error = from_database_error(exc)
    if domain_error is None:
        raise exc
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
    asyncpg.PostgresConnectionError,  # class 08, incl. ConnectionDoesNotExistError
    asyncpg.exceptions.OperatorInterventionError,  # 57P01 admin shutdown, 57P03 starting up
    asyncpg.exceptions.TooManyConnectionsError,
    asyncpg.InterfaceError,  # "connection is closed"
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
        raise exc
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
        raise exc
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


EXCEPTION_HANDLERS: dict[Any, Any] = {
    **dict.fromkeys(DATABASE_UNAVAILABLE, database_unavailable_handler),
    OSError: database_unavailable_handler,
    UnicodeDecodeError: undecodable_body_handler,
    RecursionError: undecodable_body_handler,
    DomainError: domain_error_handler,
    asyncpg.PostgresError: database_error_handler,
    HTTPException: http_error_handler,
}
