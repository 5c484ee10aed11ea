"""Every admin API request runs in its user's database scope, writes are atomic and audited.

piccolo-admin serves every table to every admin user and its validators cannot filter list
views per user. Wrapping its ASGI app puts each `/api/` request inside `scoped_transaction`,
so PostgreSQL's row-level security filters list, count, detail, CSV export, `/ids/` search,
update and delete alike — also for requests crafted by hand. Writes share that transaction
with the hooks (domain cleaners), a refused rule becomes a readable 4xx, and the response is
held back until the transaction has committed. Personal data leaves masked where the scope
may not see it.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
from typing import Any
from urllib.parse import parse_qs

from app.errors import DomainError, Forbidden, from_database_error
from app.personal_data import PERSONAL_TABLES, personal_query_fields, protect_rows
from app.scope import Scope, scope_for_user, scoped_transaction
from app.sessions import actor_of

TABLE_PATH_PREFIX = re.compile(r"/api/tables/(?P<table>\w+)/")
TABLE_PATH = re.compile(r"/api/tables/(?P<table>\w+)/(?:(?P<row>\d+)/)?$")


class _RollBack(Exception):
    """The wrapped app answered with an error: undo whatever it wrote."""


# piccolo-admin answers a constraint violation itself (422 {"db_error": PostgreSQL's raw
# message}, piccolo_api.crud.exceptions) and logs the exception. This filter hands the logged
# exception to the admin request that raised it, so that its answer comes from the one mapping
# (app.errors.from_database_error), as in the API and Open311.
_DATABASE_ERRORS: contextvars.ContextVar[list[BaseException] | None] = contextvars.ContextVar(
    "admin_database_errors", default=None
)


class _HandToRequest(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        caught = _DATABASE_ERRORS.get()
        exc = record.exc_info[1] if record.exc_info else None
        if caught is None or exc is None:
            return True
        caught.append(exc)
        return False  # the user gets a 4xx naming the field: not a server error to log


logging.getLogger("piccolo_api.crud.exceptions").addFilter(_HandToRequest())


def translated_database_error(caught: list[BaseException]) -> DomainError | None:
    """The domain error of the database error piccolo-admin caught in this request, if any."""
    for exc in caught:
        if isinstance(exc, Exception) and (translated := from_database_error(exc)) is not None:
            return translated
    return None


def domain_error_body(exc: DomainError) -> bytes:
    problem = exc.to_problem()
    # The admin front end shows `db_error` to the user.
    label = f"{exc.field}: " if exc.field else ""
    problem["db_error"] = f"{label}{exc.detail}"
    return json.dumps(problem, ensure_ascii=False).encode()


class ScopeGuard:
    """ASGI wrapper: scope + transaction + domain errors + masking around the admin API."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http" or "/api/" not in scope.get("path", ""):
            await self.app(scope, receive, send)
            return
        grid_scope = await scope_for_user(await actor_of(scope))
        if superuser_only(scope) and not grid_scope.is_superuser:
            error = Forbidden("只有区管理员可以查看登录账号 Only superusers see the login table")
            await send_body(
                send,
                error.status,
                domain_error_body(error),
                [(b"content-type", b"application/json")],
            )
            return
        if refused := personal_filters(scope, grid_scope):
            error = Forbidden(
                f"不能按个人信息筛选或排序 cannot filter or sort on {', '.join(refused)}: "
                "your role sees these fields masked",
                field=refused[0],
            )
            await send_body(
                send,
                error.status,
                domain_error_body(error),
                [(b"content-type", b"application/json")],
            )
            return
        held: list[dict[str, Any]] = []

        async def hold(message: dict[str, Any]) -> None:
            held.append(message)

        caught: list[BaseException] = []
        token = _DATABASE_ERRORS.set(caught)
        try:
            async with scoped_transaction(grid_scope):
                await self.app(scope, receive, hold)
                if held and held[0].get("status", 200) >= 400:
                    raise _RollBack
        except _RollBack:
            if (translated := translated_database_error(caught)) is not None:
                await send_problem(send, translated)
                return
        except DomainError as exc:
            await send_problem(send, exc)
            return
        finally:
            _DATABASE_ERRORS.reset(token)
        if scope.get("method") == "GET":
            held = await masked(scope["path"], held, grid_scope)
        for message in held:
            await send(message)


# piccolo's own tables have no row-level security (logins are created inside scoped
# transactions); piccolo-admin limits only their writes to superusers, so reads are limited here.
SUPERUSER_ONLY_TABLES = frozenset({"piccolo_user", "sessions"})


def superuser_only(scope: dict[str, Any]) -> bool:
    match = TABLE_PATH_PREFIX.search(scope.get("path", ""))
    return bool(match and match["table"] in SUPERUSER_ONLY_TABLES)


def personal_filters(scope: dict[str, Any], grid_scope: Scope) -> list[str]:
    """Masked personal columns this GET would filter or sort a table on (see personal_data)."""
    match = TABLE_PATH_PREFIX.search(scope.get("path", ""))
    if scope.get("method") != "GET" or not match:
        return []
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    return personal_query_fields(match["table"], query, grid_scope)


async def masked(path: str, held: list[dict[str, Any]], grid_scope: Scope) -> list[dict[str, Any]]:
    """The held response with personal columns masked for `grid_scope` (JSON table reads only)."""
    match = TABLE_PATH.search(path)
    if (
        not match
        or match["table"] not in PERSONAL_TABLES
        or not held
        or held[0].get("status") != 200
    ):
        return held
    body = b"".join(m.get("body", b"") for m in held[1:])
    try:
        data = json.loads(body)
    except ValueError:
        return held
    if isinstance(data, dict) and isinstance(data.get("rows"), list):
        data["rows"] = await protect_rows(match["table"], data["rows"], grid_scope)
    elif isinstance(data, dict) and match["row"]:
        data = (await protect_rows(match["table"], [data], grid_scope))[0]
    else:
        return held
    new_body = json.dumps(data, ensure_ascii=False, default=str).encode()
    headers = [(k, v) for k, v in held[0].get("headers", []) if k.lower() != b"content-length"]
    headers.append((b"content-length", str(len(new_body)).encode()))
    return [{**held[0], "headers": headers}, {"type": "http.response.body", "body": new_body}]


async def send_problem(send: Any, exc: DomainError) -> None:
    headers = [(b"content-type", b"application/json")]
    headers += [(k.lower().encode(), v.encode()) for k, v in exc.headers().items()]
    await send_body(send, exc.status, domain_error_body(exc), headers)


async def send_body(
    send: Any, status: int, body: bytes, headers: list[tuple[bytes, bytes]]
) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [*headers, (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})
