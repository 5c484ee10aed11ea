"""An empty query parameter means "not given": `?status=&page=2` is read as `?page=2`.

HTML forms and many clients (Open311 ones among them) send every field of a search form, the
empty ones as `name=`. Read literally, `status=` would ask for rows whose status is "", and
`start_date=` would be a bad date; both would surprise the sender. The one rule, for the API,
Open311 and the pages alike: pairs with an empty value are dropped before any handler reads
the query string. The admin (a mounted app with its own conventions) is left alone.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from litestar.enums import ScopeType
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send


def without_empty_values(query_string: bytes) -> bytes:
    """The query string without its `name=` pairs; the others keep their order and values."""
    if not query_string:
        return query_string
    # latin-1 both ways keeps every byte (UTF-8 in escapes included) exactly as sent.
    pairs = parse_qsl(query_string.decode("latin-1"), keep_blank_values=True, encoding="latin-1")
    kept = [(name, value) for name, value in pairs if value.strip()]
    if len(kept) == len(pairs):
        return query_string
    return urlencode(kept, encoding="latin-1").encode("latin-1")


class EmptyQueryParameters(ASGIMiddleware):
    """Drops empty query parameters (see the module's docstring)."""

    scopes = (ScopeType.HTTP,)
    exclude_path_pattern = ("^/admin",)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        scope["query_string"] = without_empty_values(scope.get("query_string", b""))
        await next_app(scope, receive, send)
