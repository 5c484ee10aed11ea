"""Security headers on every response, and production cookie flags.

Registered in app/asgi.py as a Litestar `before_send` hook rather than as a middleware:
Litestar runs middleware per route handler, so the router's own 404 and 405 answers would
leave without the headers; `before_send` sees every message the app sends, the mounted
admin's included.

The Content-Security-Policy fits what the pages load:
- piccolo-admin's Vue bundle is one same-origin script and stylesheet; Vue sets inline
  `style` attributes and its CSS carries `data:` SVG icons; the two-factor setup page shows
  its QR code as a `data:` PNG. Scripts are same-origin only: no inline script, no eval.
- our own pages (maps, dashboards, public page, Excel) are server-rendered with one inline
  <style> and inline SVG, no script.
- the API docs under /schema (Scalar, Swagger UI, ReDoc) are rendered by Litestar with
  inline bootstrap scripts and assets from their CDNs; that path alone allows them.
- the maps' base layer (app/tiles/basemap.py) loads tile images from the origins the settings
  choose (Tianditu's t0…t7, or MAP_TILE_URL's host): those origins alone join img-src.
Nothing may frame the platform (clickjacking): `frame-ancestors 'none'` and X-Frame-Options.

With PRODUCTION=1 every cookie the app sets is marked Secure and SameSite=Lax (piccolo-admin
marks only its session cookie Secure, and its CSRF cookie neither), the session cookie is
HttpOnly, and HSTS tells browsers to use HTTPS only. The CSRF cookie stays readable by
script: the admin's JavaScript echoes it in the X-CSRFToken header (double submit).
"""

from __future__ import annotations

from typing import Any

from app.sessions import SESSION_COOKIE

APP_IMG_SRC = "img-src 'self' data: blob:"
APP_CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        APP_IMG_SRC,
        "font-src 'self' data:",
        "connect-src 'self'",
        "media-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
DOCS_CDNS = "https://cdn.jsdelivr.net https://cdn.redoc.ly"
DOCS_CSP = "; ".join(
    [
        "default-src 'self'",
        f"script-src 'self' 'unsafe-inline' {DOCS_CDNS}",
        f"style-src 'self' 'unsafe-inline' {DOCS_CDNS} https://fonts.googleapis.com",
        f"img-src 'self' data: {DOCS_CDNS}",
        f"font-src 'self' data: {DOCS_CDNS} https://fonts.gstatic.com",
        "connect-src 'self'",
        "worker-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
DOCS_PATH = "/schema"
# Responses that carry scoped or personal data are never stored by browsers or proxies.
# (网格通's service worker still keeps the last answer of each /m/api/ read in its own cache
# for offline use: the Cache API ignores Cache-Control, and the worker drops it on logout.)
PRIVATE_PATHS = ("/api/", "/admin/api/", "/m/api/", "/r/api/")

COMMON: list[tuple[bytes, bytes]] = [
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), payment=(), usb=(), geolocation=(self)"),
]
HSTS = (b"strict-transport-security", b"max-age=31536000; includeSubDomains")


def harden_cookie(value: bytes) -> bytes:
    """A Set-Cookie value with Secure and SameSite (and HttpOnly for the session cookie)."""
    attributes = [part.strip().lower() for part in value.split(b";")[1:]]
    names = {attribute.split(b"=", 1)[0] for attribute in attributes}
    extra = []
    if b"secure" not in names:
        extra.append(b"Secure")
    if b"samesite" not in names:
        extra.append(b"SameSite=Lax")
    if value.split(b"=", 1)[0].strip() == SESSION_COOKIE.encode() and b"httponly" not in names:
        extra.append(b"HttpOnly")
    return b"; ".join([value.rstrip(b"; "), *extra]) if extra else value


class SecurityHeaders:
    """`before_send` hook: adds the headers a response does not set itself."""

    def __init__(self, production: bool, tile_origins: tuple[str, ...] = ()) -> None:
        self.production = production
        self.app_csp = (
            APP_CSP.replace(APP_IMG_SRC, " ".join([APP_IMG_SRC, *tile_origins]))
            if tile_origins
            else APP_CSP
        )

    def headers_for(self, path: str) -> list[tuple[bytes, bytes]]:
        docs = path == DOCS_PATH or path.startswith(DOCS_PATH + "/")
        csp = DOCS_CSP if docs else self.app_csp
        headers = [(b"content-security-policy", csp.encode()), *COMMON]
        if path.startswith(PRIVATE_PATHS):
            headers.append((b"cache-control", b"no-store"))
        if self.production:
            headers.append(HSTS)
        return headers

    async def __call__(self, message: Any, scope: Any) -> None:
        if message["type"] != "http.response.start":
            return
        headers = [(bytes(k).lower(), bytes(v)) for k, v in message.get("headers") or []]
        present = {name for name, _ in headers}
        if self.production:
            headers = [
                (name, harden_cookie(value) if name == b"set-cookie" else value)
                for name, value in headers
            ]
        headers += [h for h in self.headers_for(scope.get("path", "")) if h[0] not in present]
        message["headers"] = headers
