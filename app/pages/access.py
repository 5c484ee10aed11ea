"""Who is looking at a staff page: the admin session's user and their database scope.

Staff pages (maps, dashboards, Excel) use the admin login: no session sends the browser to
the admin's login page; a login without a staff scope gets 403. Queries then run inside
`scoped_transaction(scope)`, so row-level security limits them as it limits the admin.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, Response
from litestar.response import Redirect

from app.pages.templating import render
from app.scope import Level, Scope, scope_for_user
from app.sessions import actor_of

LOGIN_URL = "/admin/"


async def scope_of_request(request: Request[Any, Any, Any]) -> Scope | None:
    """The scope of the admin session behind the request, or None when nobody is logged in."""
    user_id = await actor_of(dict(request.scope))
    return None if user_id is None else await scope_for_user(user_id)


def forbidden(message: str) -> Response[str]:
    body = render(
        "error.html",
        title="无权访问 Forbidden",
        nav=[],
        detail=message,
        back_text="返回管理后台",
        back_href=LOGIN_URL,
    )
    return Response(body, status_code=403, media_type="text/html")


async def staff_scope(request: Request[Any, Any, Any]) -> Scope | Response[Any]:
    """The staff scope of the request, or the response to send instead (login / 403)."""
    scope = await scope_of_request(request)
    if scope is None:
        return Redirect(LOGIN_URL, status_code=303)
    if scope.level is Level.none:
        return forbidden(
            "您的账号没有街道或社区的工作范围 Your login has no street or community scope."
        )
    return scope
