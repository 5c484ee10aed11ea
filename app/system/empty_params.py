"""An empty query parameter means "not given": `?status=&page=2` is read as `?page=2`.

HTML forms and many clients (Open311 ones among them) send every field of a search form, the
empty ones as `name=`. Read literally, `status=` would ask for rows whose status is "", and
`start_date=` would be a bad date; both would surprise the sender. The one rule, for the API,
Open311 and the pages alike: pairs with an empty value are dropped before any handler reads
the query string. The admin (a mounted app with its own conventions) is left alone.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode

from litestar.types import ASGIApp, Receive, Scope, Send

# One `name=value` pair whose value cannot be blank: no escapes, no `+`, no whitespace or
# control byte, nothing beyond ASCII (latin-1 reads 0x85 and 0xa0 as whitespace).
_PAIR = rb"[^&=+%\x00-\x20\x7f-\xff]+=[^&=+%\x00-\x20\x7f-\xff]+"
_NOTHING_BLANK = re.compile(rb"%s(?:&%s)*" % (_PAIR, _PAIR))
ADMIN_PATH = b"/admin"


def without_empty_values(query_string: bytes) -> bytes:
    """The query string without its `name=` pairs; the others keep their order and values."""
    if not query_string or _NOTHING_BLANK.fullmatch(query_string):
        return query_string
    # latin-1 both ways keeps every byte (UTF-8 in escapes included) exactly as sent.
    pairs = parse_qsl(query_string.decode("latin-1"), keep_blank_values=True, encoding="latin-1")
    kept = [(name, value) for name, value in pairs if value.strip()]
    if len(kept) == len(pairs):
        return query_string
    return urlencode(kept, encoding="latin-1").encode("latin-1")


class EmptyQueryParameters:
    """Drops empty query parameters (see the module's docstring).

    Wrapped around the app's ASGI handler (app/asgi.py), so it sees every request before
    routing; the mounted admin's paths are passed on untouched.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope.get("query_string"):
            path = scope.get("raw_path") or scope["path"].encode()
            if not path.startswith(ADMIN_PATH):
                scope["query_string"] = without_empty_values(scope["query_string"])
        await self.app(scope, receive, send)
