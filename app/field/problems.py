"""Errors of /m/api/ as RFC 9457 problem details with a Chinese `detail` (the phone shows it)."""

from __future__ import annotations

from typing import Any

import asyncpg
from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException

from app.errors import DomainError, from_database_error
from app.field.messages import FIELD_NAMES, in_chinese
from app.system.problems import EXCEPTION_HANDLERS as APP_HANDLERS
from app.system.problems import problem_response

HTTP_WORDS = {
    401: "请先登录",
    403: "没有权限",
    404: "找不到这个地址",
    405: "不支持这种请求",
    413: "上传的内容太大",
    429: "请求太频繁，请稍后再试",
}


def domain_problem(request: Request[Any, Any, Any], exc: DomainError) -> Response[Any]:
    """The problem in Chinese, with Retry-After when waiting can help (limits, races)."""
    return problem_response(
        in_chinese(exc).to_problem(instance=request.url.path), headers=exc.headers() or None
    )


def database_problem(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    error = from_database_error(exc)
    if error is None:
        return APP_HANDLERS[asyncpg.PostgresError](request, exc)
    return domain_problem(request, error)


def http_problem(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    """Litestar's own refusals (a query parameter that is not a number, a body too large)."""
    body: dict[str, Any] = {
        "type": "https://peoples-grid.example/problems/http",
        "title": HTTP_WORDS.get(exc.status_code, "请求有误"),
        "status": exc.status_code,
        "detail": HTTP_WORDS.get(exc.status_code, "请求有误"),
        "instance": request.url.path,
        "reason": exc.detail,
    }
    if isinstance(exc, ValidationException) and isinstance(exc.extra, list) and exc.extra:
        first = exc.extra[0] if isinstance(exc.extra[0], dict) else {}
        field = first.get("key") or first.get("source")
        if field:
            body["field"] = field
            body["detail"] = f"{FIELD_NAMES.get(field, field)}格式不对"
    if exc.status_code >= 500:
        return APP_HANDLERS[Exception](request, exc)
    return problem_response(body, headers=getattr(exc, "headers", None))


EXCEPTION_HANDLERS: dict[Any, Any] = {
    **APP_HANDLERS,
    DomainError: domain_problem,
    asyncpg.PostgresError: database_problem,
    HTTPException: http_problem,
}
