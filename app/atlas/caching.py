"""ETags for the map's JSON: an unchanged answer is revalidated with a 304 and no body.

The ETag is a hash of the encoded body (no cheaper version stamp exists: a layers answer
reads grids, communities, buildings, facilities, work items, reports, rollups and the clock,
and none of these tables carries a change counter). Building the answer is therefore not
saved by a 304; sending it, and the browser's download and JSON parsing, are
(bench/maps_http.py measures both).

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


def scope_key(scope: Scope | None) -> bytes:
    """What sets a viewer's answers apart: the settings row-level security reads."""
    if scope is None:
        return b"public"
    return "&".join(f"{k}={v}" for k, v in sorted(scope.settings().items())).encode()


def etag_of(body: bytes, scope: Scope | None) -> str:
    """A strong ETag of `body` as `scope` is given it."""
    digest = hashlib.blake2b(scope_key(scope), digest_size=DIGEST_BYTES)
    digest.update(b"\0")
    digest.update(body)
    return f'"{digest.hexdigest()}"'


def gzip_etag(etag: str) -> str:
    return etag[:-1] + GZIP_SUFFIX + '"'


def matches(if_none_match: str | None, etag: str) -> bool:
    """Whether an If-None-Match header names `etag`, plain or gzipped (RFC 9110 §13.1.2: weak
    comparison, a list of tags or `*`)."""
    if not if_none_match:
        return False
    tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return bool(tags & {"*", etag, gzip_etag(etag)})


def revalidated_json(
    request: Request[Any, Any, Any], answer: Any, cache_control: str, scope: Scope | None
) -> Response[bytes]:
    """`answer` as JSON with its ETag (gzipped when large and accepted), or a 304 without a
    body when the request's If-None-Match already names it."""
    body = encode_json(answer)
    etag = etag_of(body, scope)
    compress = len(body) >= GZIP_FROM_BYTES and accepts_gzip(request)
    headers = {
        "cache-control": cache_control,
        "etag": gzip_etag(etag) if compress else etag,
        "vary": "Accept-Encoding",
    }
    if matches(request.headers.get("if-none-match"), etag):
        return Response(b"", status_code=304, headers=headers)
    if compress:
        body = gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0)
        headers["content-encoding"] = "gzip"
    return Response(body, media_type=MediaType.JSON, headers=headers)
