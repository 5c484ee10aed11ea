"""What every page answers: HTML, the error page, the staff login and scope, the nav bar."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from litestar import Request, Response

from app.errors import DomainError, Forbidden, Unauthorised
from app.pages.access import scope_of_request, staff_scope
from app.pages.areas import Area
from app.pages.templating import render
from app.replica import reading_from_replica
from app.scope import Level, Scope, scoped_transaction

HTML = "text/html"
Rendered = str | Response[Any]


def html(body: str, status: int = 200) -> Response[str]:
    return Response(body, status_code=status, media_type=HTML)


def error_page(
    exc: DomainError, back: tuple[str, str] = ("返回", "/maps/"), title: str | None = None
) -> Response[str]:
    body = render(
        "error.html",
        title=title or f"{exc.status} {exc.title}",
        nav=[],
        detail=exc.detail,
        back_text=back[0],
        back_href=back[1],
    )
    return html(body, exc.status)


async def staff_page(
    request: Request[Any, Any, Any], render: Callable[[Scope], Awaitable[Rendered]]
) -> Response[Any]:
    """Run `render` in the viewer's scope; login redirect, 403 and 404 as HTML pages.

    `render` returns the page's HTML (or a whole response). The login is checked on the
    primary (a fresh login or logout counts at once); the page itself is read from the
    replica when there is one.
    """
    scope = await staff_scope(request)
    if isinstance(scope, Response):
        return scope
    try:
        async with reading_from_replica(), scoped_transaction(scope):
            result = await render(scope)
    except DomainError as exc:
        return error_page(exc)
    return result if isinstance(result, Response) else html(result)


async def staff_json(
    request: Request[Any, Any, Any], load: Callable[[Scope], Awaitable[dict[str, Any]]]
) -> Response[Any]:
    """`staff_page` for the pages' own JSON (the 大屏's refresh): problem details instead of
    pages, and 401 instead of the login redirect, since a script, not a person, asks."""
    scope = await scope_of_request(request)
    try:
        if scope is None:
            raise Unauthorised("请先登录管理后台 log in to the admin first")
        if scope.level is Level.none:
            raise Forbidden("您的账号没有街道或社区的工作范围 Your login has no scope.")
        async with reading_from_replica(), scoped_transaction(scope):
            body = await load(scope)
    except DomainError as exc:
        return Response(
            exc.to_problem(str(request.url.path)),
            status_code=exc.status,
            media_type="application/problem+json",
        )
    return Response(body, headers={"Cache-Control": "no-store"})


def staff_nav(area: Area | None = None) -> list[tuple[str, str]]:
    nav = [
        ("地图首页 Maps", "/maps/"),
        ("Excel 导入导出", "/excel/"),
        ("管理后台 Admin", "/admin/"),
    ]
    if area is not None:
        code = area.row["code"]
        nav[1:1] = [
            ("地图 Map", f"/maps/{area.level}/{code}"),
            ("看板 Dashboard", f"/dashboards/{area.level}/{code}"),
        ]
        if area.level == "community":
            nav.insert(3, ("公开页 Public page", f"/public/communities/{code}"))
    return nav


# ---------------------------------------------------------------- index
