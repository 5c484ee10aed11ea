"""What every page answers: HTML, the error page, the staff login and scope, the nav bar."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from litestar import Request, Response

from app.errors import DomainError
from app.pages.access import staff_scope
from app.pages.areas import Area
from app.pages.html import esc, page
from app.replica import reading_from_replica
from app.scope import Scope, scoped_transaction

HTML = "text/html"


def html(body: str, status: int = 200) -> Response[str]:
    return Response(body, status_code=status, media_type=HTML)


def error_page(exc: DomainError) -> Response[str]:
    body = f"<section><p>{esc(exc.detail)}</p><p><a href='/maps/'>返回</a></p></section>"
    return html(page(f"{exc.status} {exc.title}", body), exc.status)


async def staff_page(
    request: Request[Any, Any, Any], render: Callable[[Scope], Awaitable[str]]
) -> Response[Any]:
    """Run `render` in the viewer's scope; login redirect, 403 and 404 as HTML pages.

    The login is checked on the primary (a fresh login or logout counts at once); the page
    itself is read from the replica when there is one.
    """
    scope = await staff_scope(request)
    if isinstance(scope, Response):
        return scope
    try:
        async with reading_from_replica(), scoped_transaction(scope):
            return html(await render(scope))
    except DomainError as exc:
        return error_page(exc)


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
