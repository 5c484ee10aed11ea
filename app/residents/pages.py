"""The residents' pages (/r/): one app shell for every community page and tracking page, the
QR codes that lead to them, and the poster the admin prints for each community's notice board.

The app is the phone app's kind (app/field/pages.py: vendored Vue and Vant, render functions,
static files addressed by the bundle's hash, gzipped); residents need no login, no service
worker and no offline queue, so the shell loads only what their screens use.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from litestar import Request, Response, Router, get

from app.errors import NotFound
from app.field.pages import REVALIDATE, render_shell, send
from app.pages.html import esc, link, page, table
from app.qr import qr_svg
from app.residents.api import resident_api_router
from app.residents.codes import normalise
from app.residents.intake import find_community
from app.scope import SUPERUSER_SCOPE, scoped_transaction
from tables.areas import Community, ResponsibilityGrid

TEMPLATES = Path(__file__).parent / "templates"
SHELL_CSS = ["vendor/vant/index.css", "app/app.css", "app/resident/resident.css"]
SHELL_JS = [
    "vendor/vue/vue.runtime.global.prod.js",
    "vendor/vant/vant.min.js",
    "app/util.js",
    "app/device.js",
    "app/widgets.js",
    "app/basemap.js",
    "app/resident/sha256.js",
    "app/resident/api.js",
    "app/resident/report.js",
    "app/resident/track.js",
    "app/resident/main.js",
]


@cache
def shell_html() -> str:
    return render_shell(TEMPLATES / "shell.html", SHELL_CSS, SHELL_JS)


def shell(request: Request[Any, Any, Any]) -> Response[bytes]:
    return send(request, shell_html().encode(), "text/html; charset=utf-8", REVALIDATE)


@get(["/{community:str}", "/t/{code:str}"], include_in_schema=False)
async def resident_shell(request: Request[Any, Any, Any]) -> Response[bytes]:
    """A community's page (我要反映 / 我要监督 / 查进度) or a tracking page: the same shell,
    the app reads the path."""
    return shell(request)


def base_url(request: Request[Any, Any, Any]) -> str:
    return str(request.base_url).rstrip("/")


def svg(content: str) -> Response[bytes]:
    return Response(
        content.encode(),
        media_type="image/svg+xml",
        headers={"cache-control": "public, max-age=86400"},
    )


@get("/qr/community/{code:str}", include_in_schema=False)
async def community_qr(request: Request[Any, Any, Any], code: str) -> Response[bytes]:
    async with scoped_transaction(SUPERUSER_SCOPE):
        community = await find_community(code)
    return svg(qr_svg(f"{base_url(request)}/r/{community['code']}"))


@get("/qr/track/{code:str}", include_in_schema=False)
async def tracking_qr(request: Request[Any, Any, Any], code: str) -> Response[bytes]:
    """The QR of a tracking page: made from the code it is asked for (which is not looked up:
    whoever can ask already holds the code)."""
    text = normalise(code)
    if text is None:
        raise NotFound("查询码不对", field="code")
    formatted = f"{text[:4]}-{text[4:8]}-{text[8:]}"
    return Response(
        qr_svg(f"{base_url(request)}/r/t/{formatted}").encode(),
        media_type="image/svg+xml",
        headers={"cache-control": "private, no-store"},
    )


@get("/poster", include_in_schema=False)
async def posters() -> Response[str]:
    """Every community, with a link to its poster (to print for the notice boards)."""
    async with scoped_transaction(SUPERUSER_SCOPE):
        rows = await Community.raw(
            "SELECT c.code, c.name, s.name AS street FROM community c"
            " JOIN street s ON s.id = c.street ORDER BY c.code"
        ).run()
    body = table(
        ["街道", "社区", "海报", "居民页面"],
        [
            [
                r["street"],
                r["name"],
                link("打印海报", f"/r/poster/{r['code']}"),
                link(f"/r/{r['code']}", f"/r/{r['code']}"),
            ]
            for r in rows
        ],
        empty="还没有社区",
    )
    return Response(
        page("居民二维码海报", f"<section>{body}</section>"), media_type="text/html; charset=utf-8"
    )


@get("/poster/{code:str}", include_in_schema=False)
async def poster(request: Request[Any, Any, Any], code: str) -> Response[str]:
    """A printable poster (A4, one sheet per community and per grid) with the QR code that
    opens the community's page; a grid's sheet names the grid, so reports from it are placed
    there even without a position."""
    async with scoped_transaction(SUPERUSER_SCOPE):
        community = await find_community(code)
        grids = (
            await ResponsibilityGrid.select(ResponsibilityGrid.code, ResponsibilityGrid.name)
            .where(ResponsibilityGrid.community == community["id"])
            .order_by(ResponsibilityGrid.code)
        )
    root = f"{base_url(request)}/r/{community['code']}"
    sheets = [(f"{community['street_name']} {community['name']}", root)] + [
        (f"{community['name']} {grid['name']}", f"{root}?grid={grid['code']}") for grid in grids
    ]
    body = "".join(
        '<section class="poster">'
        f"<h2>{esc(title)}</h2>"
        "<p>有问题，扫一扫：我要反映 · 我要监督 · 查办理进度</p>"
        f'<div class="qr">{qr_svg(link, box_size=10)}</div>'
        f'<p class="muted">{esc(link)}</p>'
        "<p>不方便上网？请拨打社区服务热线 <b>1890</b></p>"
        "</section>"
        for title, link in sheets
    )
    style = (
        "<style>.poster{text-align:center;page-break-after:always;padding:32px}"
        ".poster .qr svg{width:280px;height:280px}.poster h2{font-size:26px}"
        "@media print{header{display:none}section{box-shadow:none}}</style>"
    )
    return Response(
        page(f"{community['name']} 二维码海报", style + body),
        media_type="text/html; charset=utf-8",
    )


resident_pages_router = Router(
    path="/r", route_handlers=[community_qr, tracking_qr, posters, poster, resident_shell]
)
ROUTERS = [resident_api_router, resident_pages_router]
