"""The shape of every error of /api/v1/ in the OpenAPI document (RFC 9457 problem details).

The bodies themselves are made by app.system.problems (DomainError, HTTPException, asyncpg
errors); this module only describes them, so integrators see every error a route can give.
"""

from __future__ import annotations

import re
from typing import Any

import msgspec
from litestar import Request, Response
from litestar.exceptions import ValidationException
from litestar.openapi.datastructures import ResponseSpec

from app.system.problems import PROBLEM_JSON, http_error_handler


class ProblemField(msgspec.Struct, kw_only=True):
    field: str | None = None
    message: str | None = None


class ProblemDetails(msgspec.Struct, kw_only=True):
    """RFC 9457 problem details; `field` names the offending input when there is one."""

    type: str
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    field: str | None = None
    errors: list[ProblemField] | None = None


def _problem(description: str) -> ResponseSpec:
    return ResponseSpec(
        data_container=ProblemDetails,
        description=description,
        media_type=PROBLEM_JSON,
        generate_examples=False,
    )


BAD_REQUEST = _problem("A parameter or the body does not parse (the field is named)")
UNAUTHORIZED = _problem("No valid bearer token or session (expired, revoked or unknown)")
FORBIDDEN = _problem("Outside the caller's scope or role, a read-only token, or a refused rule")
NOT_FOUND = _problem("No such record in the caller's scope")
CONFLICT = _problem("Conflicts with existing data or with the record's status")
UNPROCESSABLE = _problem("A field breaks a rule of the domain (the field is named)")
TOO_MANY = _problem("Rate limit reached; retry after the seconds in Retry-After")

READ_ERRORS: dict[int, ResponseSpec] = {
    400: BAD_REQUEST,
    401: UNAUTHORIZED,
    403: FORBIDDEN,
    404: NOT_FOUND,
    422: UNPROCESSABLE,
    429: TOO_MANY,
}
WRITE_ERRORS: dict[int, ResponseSpec] = {**READ_ERRORS, 409: CONFLICT}


def errors_for(method: str) -> dict[int, Any]:
    """The documented error responses of a route with HTTP `method`."""
    return dict(READ_ERRORS if method == "GET" else WRITE_ERRORS)


_MISSING = re.compile(r"missing required field `(?P<field>[^`]+)`")
_AT = re.compile(r"at `\$\.(?P<path>[^`]+)`")


def name_the_field(request: Request[Any, Any, Any], exc: ValidationException) -> Response[Any]:
    """Litestar's body errors name `data`; name the field inside the body instead."""
    if isinstance(exc.extra, list):
        for item in exc.extra:
            if not isinstance(item, dict) or item.get("key") not in (None, "data"):
                continue
            message = str(item.get("message", ""))
            match = _MISSING.search(message) or _AT.search(message)
            if match:
                item["key"] = match.group(match.lastgroup or 0)
    return http_error_handler(request, exc)


EXCEPTION_HANDLERS: dict[Any, Any] = {ValidationException: name_the_field}
