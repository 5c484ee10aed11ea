"""ETags for the map's JSON: an unchanged answer is revalidated with a 304 and no body.

The ETag of the layers hashes a fingerprint of what the answer is made of
(`LayerFigures` of app/atlas/services.py: each shape's row version, the names, metrics
and points, all read by the light queries). A revalidation that matches is answered
before any polygon is read, simplified or encoded. Today's check-ins and tracks are light
already; their ETag hashes the encoded answer itself. Every ETag also hashes CODE_STAMP,
the source of the modules that draw the answers, so a deploy that changes a colour or a
property changes the ETags too, as a new body would.

Staff answers are `private, no-cache`: a browser may keep them but must ask again before
each use, and no shared cache (proxy, CDN) may store them. Their ETag also hashes the
viewer's scope (the row-level security settings, the user included), so an ETag one login
was given never matches another login's answer, even when the bodies happen to agree.
The public community layers carry no personal data: `public, max-age=60`.

Bodies of GZIP_FROM_BYTES or more go gzipped to a client that accepts it (GeoJSON shrinks
about tenfold); that representation's ETag ends in `-gzip`, and either form of the tag
revalidates (If-None-Match compares weakly: the content is the same).
"""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Awaitable, Callable
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from litestar import Request, Response
from litestar.enums import MediaType
from litestar.serialization import encode_json

from app.field.pages import accepts_gzip
from app.scope import Scope

# Every use asks the server again (a 304 when unchanged); never stored by a shared cache.
PRIVATE_REVALIDATE = "private, no-cache"
# The public community map: names and shapes, the same for everyone, a minute old at most.
PUBLIC_SHORT = "public, max-age=60"
DIGEST_BYTES = 16
# Smaller answers (an empty view, today's few points) are not worth the compressor's time.
GZIP_FROM_BYTES = 1024
GZIP_LEVEL = 5
GZIP_SUFFIX = "-gzip"
# The modules whose code decides what the map's answers contain and look like.
DRAWING_MODULES = ("app.atlas.services", "app.atlas.shape_cache", "app.pages.maps")


def _code_stamp(modules: tuple[str, ...]) -> bytes:
    digest = hashlib.blake2b(digest_size=DIGEST_BYTES)
    for name in modules:
        spec = find_spec(name)
        assert spec is not None and spec.origin is not None, name
        digest.update(Path(spec.origin).read_bytes())
    return digest.digest()


CODE_STAMP = _code_stamp(DRAWING_MODULES)


def scope_key(scope: Scope | None) -> bytes:
    """What sets a viewer's answers apart: the settings row-level security reads."""
    if scope is None:
        return b"public"
    return "&".join(f"{k}={v}" for k, v in sorted(scope.settings().items())).encode()


def etag_of(fingerprint: bytes, scope: Scope | None) -> str:
    """A strong ETag of the answer `fingerprint` stands for (its body, or what it is made
    of), as `scope` is given it by this code."""
    digest = hashlib.blake2b(CODE_STAMP, digest_size=DIGEST_BYTES)
    digest.update(scope_key(scope))
    digest.update(b"\0")
    digest.update(fingerprint)
    return f'"{digest.hexdigest()}"'


def gzip_etag(etag: str) -> str:
    return etag[:-1] + GZIP_SUFFIX + '"'


def matched(request: Request[Any, Any, Any], etag: str) -> str | None:
    """The form of `etag` (plain or gzipped) the request's If-None-Match names, or None
    (RFC 9110 §13.1.2: weak comparison, a list of tags or `*`). `*` names the form this
    client would be sent for a large answer."""
    header = request.headers.get("if-none-match")
    if not header:
        return None
    tags = {tag.strip().removeprefix("W/") for tag in header.split(",")}
    for form in (etag, gzip_etag(etag)):
        if form in tags:
            return form
    if "*" in tags:
        return gzip_etag(etag) if accepts_gzip(request) else etag
    return None


def _headers(cache_control: str, etag: str) -> dict[str, str]:
    return {"cache-control": cache_control, "etag": etag, "vary": "Accept-Encoding"}


async def revalidated(
    request: Request[Any, Any, Any],
    fingerprint: bytes,
    build: Callable[[], Awaitable[Any]],
    cache_control: str,
    scope: Scope | None,
) -> Response[bytes]:
    """A 304 without a body when the request's If-None-Match names the ETag of
    `fingerprint` (what the answer is made of), before anything is built. Otherwise the
    answer `build` makes, as JSON with that ETag."""
    etag = etag_of(fingerprint, scope)
    if (form := matched(request, etag)) is not None:
        return Response(b"", status_code=304, headers=_headers(cache_control, form))
    return _fresh(request, encode_json(await build()), etag, cache_control)


def revalidated_json(
    request: Request[Any, Any, Any], answer: Any, cache_control: str, scope: Scope | None
) -> Response[bytes]:
    """`answer` as JSON, its ETag a hash of the encoded answer itself, or a 304 without a
    body when the request's If-None-Match already names it."""
    body = encode_json(answer)
    etag = etag_of(body, scope)
    if (form := matched(request, etag)) is not None:
        return Response(b"", status_code=304, headers=_headers(cache_control, form))
    return _fresh(request, body, etag, cache_control)


def _fresh(
    request: Request[Any, Any, Any], body: bytes, etag: str, cache_control: str
) -> Response[bytes]:
    """`body` with its ETag, gzipped when large and accepted."""
    compress = len(body) >= GZIP_FROM_BYTES and accepts_gzip(request)
    headers = _headers(cache_control, gzip_etag(etag) if compress else etag)
    if compress:
        body = gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0)
        headers["content-encoding"] = "gzip"
    return Response(body, media_type=MediaType.JSON, headers=headers)
