"""The pages of 网格通 (/m/): the app shell, its manifest, its service worker, its static files.

Everything the phone runs is a static file under app/field/static/ (vendored Vue, Vant,
Leaflet with its clustering and heat plug-ins, and the app's own scripts, written as render
functions: the CSP allows no eval and no inline script). Static files are addressed with the content hash of the whole bundle
(`?v=…`), so they are cached for a year and a release changes every URL; the shell and the
service worker are revalidated on each load so a release reaches phones at their next start.
Responses are gzipped here (once per file and process) because the app has no compression
middleware and a cheap phone on a bad network pays for every byte.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import mimetypes
from functools import cache
from pathlib import Path
from typing import Any

from litestar import Request, Response, Router, get

from app.errors import NotFound

HERE = Path(__file__).parent
STATIC = HERE / "static"
TEMPLATES = HERE / "templates"

# What the shell loads, in order; everything else (Leaflet, icons) is loaded on demand.
SHELL_CSS = ["vendor/vant/index.css", "app/app.css"]
SHELL_JS = [
    "vendor/vue/vue.runtime.global.prod.js",
    "vendor/vant/vant.min.js",
    "app/util.js",
    "app/store.js",
    "app/api.js",
    "app/outbox.js",
    "app/device.js",
    "app/basemap.js",
    "app/maps.js",
    "app/widgets.js",
    "app/screens/login.js",
    "app/screens/today.js",
    "app/screens/checkin.js",
    "app/screens/patrol.js",
    "app/screens/report.js",
    "app/screens/visit.js",
    "app/screens/work.js",
    "app/screens/mine.js",
    "app/screens/map.js",
    "app/screens/hotline.js",
    "app/screens/stats.js",
    "app/screens/install.js",
    "app/main.js",
]
# Cached by the service worker at install, so the app opens offline after one visit.
OFFLINE_EXTRA = [
    "vendor/leaflet/leaflet.js",
    "vendor/leaflet/leaflet.css",
    "vendor/leaflet.markercluster/leaflet.markercluster.js",
    "vendor/leaflet.markercluster/MarkerCluster.css",
    "vendor/leaflet.markercluster/MarkerCluster.Default.css",
    "vendor/leaflet.heat/leaflet-heat.js",
    "icons/icon-192.png",
    "icons/icon-512.png",
]
STATIC_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".png": "image/png",
    ".svg": "image/svg+xml",
    ".json": "application/json",
}
COMPRESSIBLE = {".js", ".css", ".svg", ".json", ".html", ".webmanifest"}
YEAR = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"


@cache
def bundle_version() -> str:
    """A hash of every static file: any change gives every asset URL a new `?v=`."""
    digest = hashlib.sha256()
    for path in sorted(STATIC.rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(STATIC)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def asset_url(name: str) -> str:
    return f"/m/static/{name}?v={bundle_version()}"


def render_shell(template: Path, styles: list[str], scripts: list[str]) -> str:
    """An app shell: `template` with the static files' links (by the bundle's hash) filled in."""
    links = "\n".join(f'<link rel="stylesheet" href="{asset_url(n)}">' for n in styles)
    tags = "\n".join(f'<script defer src="{asset_url(n)}"></script>' for n in scripts)
    return (
        template.read_text(encoding="utf-8")
        .replace("{{ styles }}", links)
        .replace("{{ scripts }}", tags)
        .replace("{{ version }}", bundle_version())
        .replace("{{ icon }}", asset_url("icons/icon-192.png"))
    )


@cache
def shell_html() -> str:
    return render_shell(TEMPLATES / "shell.html", SHELL_CSS, SHELL_JS)


@cache
def service_worker() -> str:
    precache = ["/m/", *(asset_url(n) for n in [*SHELL_CSS, *SHELL_JS, *OFFLINE_EXTRA])]
    return (
        (STATIC / "sw.js")
        .read_text(encoding="utf-8")
        .replace("__VERSION__", bundle_version())
        .replace("__PRECACHE__", json.dumps(precache))
    )


@cache
def manifest() -> str:
    return json.dumps(
        {
            "name": "网格通",
            "short_name": "网格通",
            "description": "网格员的一天：签到、巡查、随手拍、入户走访、我的事项",
            "lang": "zh-CN",
            "start_url": "/m/",
            "scope": "/m/",
            "display": "standalone",
            "orientation": "portrait",
            "background_color": "#f7f8fa",
            "theme_color": "#c8161d",
            "icons": [
                {
                    "src": asset_url(f"icons/icon-{px}.png"),
                    "sizes": f"{px}x{px}",
                    "type": "image/png",
                }
                for px in (192, 512)
            ]
            + [
                {
                    "src": asset_url("icons/icon-512.png"),
                    "sizes": "512x512",
                    "type": "image/png",
                    "purpose": "maskable",
                }
            ],
        },
        ensure_ascii=False,
    )


@cache
def gzipped(content: bytes) -> bytes:
    # mtime=0: the same bytes give the same gzip, so ETags stay stable across processes.
    return gzip.compress(content, compresslevel=9, mtime=0)


def accepts_gzip(request: Request[Any, Any, Any]) -> bool:
    return "gzip" in request.headers.get("accept-encoding", "").lower()


def send(
    request: Request[Any, Any, Any],
    content: bytes,
    media_type: str,
    cache_control: str,
    compressible: bool = True,
    extra: dict[str, str] | None = None,
) -> Response[bytes]:
    etag = '"' + hashlib.sha256(content).hexdigest()[:16] + '"'
    headers = {"cache-control": cache_control, "etag": etag, "vary": "Accept-Encoding"}
    headers.update(extra or {})
    if request.headers.get("if-none-match") == etag:
        return Response(b"", status_code=304, headers=headers)
    if compressible and accepts_gzip(request):
        content = gzipped(content)
        headers["content-encoding"] = "gzip"
    return Response(content, media_type=media_type, headers=headers)


def shell(request: Request[Any, Any, Any]) -> Response[bytes]:
    return send(request, shell_html().encode(), "text/html; charset=utf-8", REVALIDATE)


@get(["/", "/login"], include_in_schema=False)
async def app_shell(request: Request[Any, Any, Any]) -> Response[bytes]:
    """The app shell (the same page for /m/ and /m/login: the app shows the login itself,
    and works from the service worker's cache when there is no network)."""
    return shell(request)


@get("/manifest.webmanifest", include_in_schema=False)
async def web_manifest(request: Request[Any, Any, Any]) -> Response[bytes]:
    return send(request, manifest().encode(), "application/manifest+json", REVALIDATE)


@get("/sw.js", include_in_schema=False)
async def sw(request: Request[Any, Any, Any]) -> Response[bytes]:
    """The service worker, served from /m/ so that its scope is /m/."""
    return send(
        request,
        service_worker().encode(),
        "text/javascript; charset=utf-8",
        REVALIDATE,
        extra={"service-worker-allowed": "/m/"},
    )


@cache
def static_file(name: str) -> tuple[bytes, str] | None:
    """The bytes and type of app/field/static/<name>, or None outside that folder."""
    path = (STATIC / name).resolve()
    if not path.is_relative_to(STATIC.resolve()) or not path.is_file():
        return None
    media_type = STATIC_TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0]
    if media_type is None:
        return None
    return path.read_bytes(), media_type


@get("/static/{name:path}", include_in_schema=False)
async def static(request: Request[Any, Any, Any], name: str) -> Response[bytes]:
    found = static_file(name.lstrip("/"))
    if found is None:
        raise NotFound("没有这个文件", field="path")
    content, media_type = found
    return send(request, content, media_type, YEAR, compressible=Path(name).suffix in COMPRESSIBLE)


field_pages_router = Router(path="/m", route_handlers=[app_shell, web_manifest, sw, static])
