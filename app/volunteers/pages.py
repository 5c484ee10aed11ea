"""/m/volunteer: the volunteer's phone pages (志愿服务), in the look of 网格通.

The page reuses 网格通's vendored Vue (runtime only) and Vant and its stylesheet from
/m/static/; its own script, written as render functions (the CSP allows no eval and no
inline script), is served from app/volunteers/static. It reads `/m/volunteer/api/home` and
writes through /api/v1 (sign up, cancel, check in and out), with the login's session and
CSRF token. The organiser's QR page shows a live check-in code that opens this page.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path
from typing import Any

import msgspec
from litestar import Request, Response, Router, get
from litestar.di import Provide

from app.api.auth import Caller, provide_caller
from app.api.problems import EXCEPTION_HANDLERS
from app.crud import get_row
from app.errors import NotFound
from app.pages.html import esc
from app.qr import qr_svg
from app.scope import scoped_transaction
from app.settings import settings
from app.volunteers import services
from tables.volunteers import VolunteerActivity

HERE = Path(__file__).parent
STATIC = HERE / "static"
FIELD_ASSETS = [
    "vendor/vant/index.css",
    "app/app.css",
    "vendor/vue/vue.runtime.global.prod.js",
    "vendor/vant/vant.min.js",
]
OWN_ASSETS = ["volunteer.css", "volunteer.js"]


@cache
def own_version() -> str:
    digest = hashlib.sha256()
    for name in OWN_ASSETS:
        digest.update((STATIC / name).read_bytes())
    return digest.hexdigest()[:12]


def field_asset(name: str) -> str:
    from app.field.pages import asset_url

    return asset_url(name)


@cache
def page_html() -> str:
    css = [field_asset(n) for n in FIELD_ASSETS if n.endswith(".css")]
    js = [field_asset(n) for n in FIELD_ASSETS if n.endswith(".js")]
    own = f"?v={own_version()}"
    return (
        (HERE / "templates" / "volunteer.html")
        .read_text(encoding="utf-8")
        .replace(
            "{{ styles }}",
            "\n".join(f'<link rel="stylesheet" href="{u}">' for u in css)
            + f'\n<link rel="stylesheet" href="/m/volunteer/static/volunteer.css{own}">',
        )
        .replace(
            "{{ scripts }}",
            "\n".join(f'<script defer src="{u}"></script>' for u in js)
            + f'\n<script defer src="/m/volunteer/static/volunteer.js{own}"></script>',
        )
    )


@get("/", include_in_schema=False)
async def volunteer_page() -> Response[str]:
    """The volunteer's page: activities, sign-up, check-in and out, hours and points."""
    return Response(
        page_html(), media_type="text/html; charset=utf-8", headers={"Cache-Control": "no-cache"}
    )


@get("/static/{name:str}", include_in_schema=False)
async def volunteer_static(name: str) -> Response[bytes]:
    if name not in OWN_ASSETS:
        raise NotFound("没有这个文件", field="name")
    kind = "text/javascript" if name.endswith(".js") else "text/css"
    return Response(
        (STATIC / name).read_bytes(),
        media_type=f"{kind}; charset=utf-8",
        headers={"Cache-Control": "public, max-age=31536000, immutable"},
    )


@get("/api/home", include_in_schema=False)
async def volunteer_home(caller: Caller) -> Response[bytes]:
    """The logged-in volunteer, this year's hours and points, and the community's activities."""
    async with scoped_transaction(caller.scope):
        home = await services.volunteer_home(caller.actor_id)
    return Response(msgspec.json.encode(home), media_type="application/json")


@get("/qr/{activity_id:int}", include_in_schema=False)
async def organiser_qr(
    request: Request[Any, Any, Any], activity_id: int, caller: Caller
) -> Response[str]:
    """The organiser's live check-in code: volunteers scan it with the phone's camera."""
    async with scoped_transaction(caller.scope):
        token, expires = await services.issue_qr(activity_id, caller.actor_id)
        activity = await get_row(VolunteerActivity, activity_id, field="activity_id")
    link = f"{str(request.base_url).rstrip('/')}/m/volunteer/#/qr/{activity_id}/{token}"
    until = expires.astimezone(settings.timezone).strftime("%H:%M:%S")
    body = (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta http-equiv="refresh" content="{max(settings.volunteer_qr_ttl_s - 30, 30)}">'
        f'<title>签到二维码</title></head><body style="font-family:sans-serif;text-align:center">'
        f"<h2>{esc(activity['title'])}</h2><p>请志愿者用手机扫码签到</p>"
        f'<div style="max-width:360px;margin:auto">{qr_svg(link)}</div>'
        f'<p>有效至 {until}（自动刷新）</p><p style="word-break:break-all;font-size:12px">'
        f'<span id="qr-token">{esc(token)}</span></p></body></html>'
    )
    return Response(
        body, media_type="text/html; charset=utf-8", headers={"Cache-Control": "no-store"}
    )


volunteer_router = Router(
    path="/m/volunteer",
    route_handlers=[volunteer_page, volunteer_static, volunteer_home, organiser_qr],
    dependencies={"caller": Provide(provide_caller)},
    exception_handlers=EXCEPTION_HANDLERS,
)
