"""One builder for every resource of /api/v1/ (NetBox-style): list, detail, create, update, delete.

A `Resource` names its table, output Struct, the domain services that create, update and
delete it, the filters a user lists it by and the columns it sorts by; `handlers()` makes the
Litestar route handlers, with typed parameters so the OpenAPI document describes each one.

Every handler runs its queries inside `scoped_transaction(caller.scope)`: row-level security
decides what the caller sees and may change. Writes call the domain services (the same rules
and refusals as the admin), and every row leaves through `protect_rows` (masked personal data).
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

import msgspec
from litestar import Response, delete, get, patch, post
from litestar.handlers import HTTPRouteHandler
from litestar.params import Parameter
from piccolo.table import Table

from app.api.auth import Caller
from app.api.geojson import GEOJSON, Feature, FeatureCollection, ListOperation
from app.api.pagination import (
    DEFAULT_PAGE_SIZE,
    MAX_PAGE,
    MAX_PAGE_SIZE,
    Filter,
    order_clause,
    page_of,
    sort_choices,
    where_clause,
)
from app.api.problems import errors_for
from app.crud import delete_row, fetch_rows, get_by, lock_row
from app.db import write_transaction
from app.errors import Forbidden
from app.personal_data import protect_rows
from app.scope import Scope, scoped_transaction

Row = dict[str, Any]
# Ids are PostgreSQL integers: larger numbers are refused as a bad parameter, not sent on.
INT_MAX = 2**31 - 1
INT_BOUNDS: dict[str, Any] = {"ge": -INT_MAX, "le": INT_MAX}
RowId = Annotated[int, Parameter(ge=1, le=INT_MAX, description="id of the record")]
Creator = Callable[[Any, int | None], Awaitable[Row]]
Updater = Callable[[int, Any, int | None], Awaitable[Row]]
Deleter = Callable[[int, int | None], Awaitable[None]]
# An extra action on one row: (row id, request body or None, caller) → the row afterwards.
Action = Callable[[int, Any, Caller], Awaitable[Row]]


@dataclass
class Resource:
    """What the API serves of one table; `handlers()` turns it into routes."""

    path: str  # URL segment under /api/v1/, e.g. "grids"
    table: type[Table]
    output: type[msgspec.Struct]
    noun: str  # for summaries: "responsibility grid"
    filters: Sequence[Filter] = ()
    sort: Sequence[str] = ("id",)
    default_sort: str = "id"
    key: str = "id"  # "code" for areas: /grids/340705001002003
    create: tuple[type[msgspec.Struct], Creator] | None = None
    update: tuple[type[msgspec.Struct], Updater] | None = None
    delete: Deleter | None = None
    to_output: Callable[[Row], msgspec.Struct] | None = None
    # Adds what the table's own row lacks (e.g. an assessment's scores), for many rows at once.
    enrich: Callable[[list[Row]], Awaitable[list[Row]]] | None = None
    feature: Callable[[Row], Feature] | None = None  # GeoJSON output
    # Who may use the resource beyond row-level security (e.g. superusers only): raises Forbidden.
    guard: Callable[[Caller], None] | None = None
    description: str = ""
    extra: list[HTTPRouteHandler] = field(default_factory=list)

    @property
    def tablename(self) -> str:
        return str(self.table._meta.tablename)

    @property
    def tag(self) -> str:
        return self.path

    @property
    def slug(self) -> str:
        """The path as a Python-style name, for operation ids."""
        return self.path.replace("/", "_").replace("-", "_")

    # ------------------------------------------------------------------ queries

    def check_caller(self, caller: Caller) -> None:
        if self.guard is not None:
            self.guard(caller)

    async def render(self, rows: list[Row], scope: Scope) -> list[msgspec.Struct]:
        """Rows as output Structs: enriched, personal data masked for `scope`."""
        if self.enrich is not None and rows:
            rows = await self.enrich(rows)
        rows = await protect_rows(self.tablename, rows, scope)
        convert = self.to_output or (lambda row: msgspec.convert(row, self.output, strict=False))
        return [convert(row) for row in rows]

    async def row_id(self, key: Any) -> int:
        """The primary key of the row a path names (its id, or its code for areas)."""
        if self.key == "id":
            return int(key)
        return int((await self.fetch_one(key))["id"])

    async def fetch_one(self, key: Any) -> Row:
        """The row a path names, or NotFound naming the key."""
        return await get_by(self.table, self.key, key)

    async def fetch_page(
        self, given: dict[str, Any], sort: str | None, page: int, page_size: int
    ) -> tuple[list[Row], int]:
        where, args = where_clause(self.filters, given)
        order = order_clause(sort, self.sort, self.default_sort)
        table = f'"{self.tablename}"'
        offset = (int(page) - 1) * int(page_size)
        rows = await fetch_rows(
            self.table,
            f"SELECT * FROM {table}{where} ORDER BY {order} LIMIT {int(page_size)} OFFSET {offset}",
            *args,
        )
        if 0 < len(rows) < page_size or (offset == 0 and not rows):
            # A short page is the last one: the total is exact without counting.
            return rows, offset + len(rows)
        total = await fetch_rows(self.table, f"SELECT count(*) AS n FROM {table}{where}", *args)
        return rows, int(total[0]["n"])

    async def one(self, caller: Caller, action: Callable[[], Awaitable[Row]]) -> msgspec.Struct:
        """Run `action` (a service call returning a row) in the caller's scope and render it."""
        self.check_caller(caller)
        async with scoped_transaction(caller.scope):
            row = await action()
            return (await self.render([row], caller.scope))[0]

    # ------------------------------------------------------------------ handlers

    def handlers(self) -> list[HTTPRouteHandler]:
        made = [self._list_handler(), self._detail_handler()]
        if self.feature is not None:
            made.append(self._geojson_handler())
        if self.create is not None:
            made.append(self._create_handler(*self.create))
        if self.update is not None:
            made.append(self._update_handler(*self.update))
        if self.delete is not None:
            made.append(self._delete_handler(self.delete))
        return [*made, *self.extra]

    def _key_parameter(self) -> inspect.Parameter:
        if self.key == "id":
            annotation: Any = Annotated[
                int, Parameter(ge=1, le=INT_MAX, description=f"id of the {self.noun}")
            ]
        else:
            annotation = Annotated[
                str, Parameter(description=f"standard {self.key} of the {self.noun}")
            ]
        return inspect.Parameter(self.key, inspect.Parameter.KEYWORD_ONLY, annotation=annotation)

    def _item_path(self) -> str:
        return f"/{self.path}/{{{self.key}:{'int' if self.key == 'id' else 'str'}}}"

    def _list_parameters(self) -> list[inspect.Parameter]:
        keyword = inspect.Parameter.KEYWORD_ONLY
        sort_type: Any = Literal[sort_choices(self.sort)]
        params = [
            inspect.Parameter(
                "page",
                keyword,
                default=1,
                annotation=Annotated[
                    int, Parameter(ge=1, le=MAX_PAGE, description="page number, from 1")
                ],
            ),
            inspect.Parameter(
                "page_size",
                keyword,
                default=DEFAULT_PAGE_SIZE,
                annotation=Annotated[
                    int,
                    Parameter(
                        ge=1,
                        le=MAX_PAGE_SIZE,
                        description=f"rows per page (at most {MAX_PAGE_SIZE})",
                    ),
                ],
            ),
            inspect.Parameter(
                "sort",
                keyword,
                default=None,
                annotation=Annotated[
                    sort_type | None,
                    Parameter(
                        description=f"column to sort by; `-column` sorts descending (default {self.default_sort})"
                    ),
                ],
            ),
        ]
        for spec in self.filters:
            params.append(
                inspect.Parameter(
                    _kwarg(spec.name),
                    keyword,
                    default=None,
                    annotation=Annotated[
                        spec.annotation | None,
                        Parameter(
                            query=spec.name,
                            required=False,
                            description=spec.description,
                            **(INT_BOUNDS if spec.annotation is int else {}),
                        ),
                    ],
                )
            )
        return params

    async def _page(self, caller: Caller, kwargs: dict[str, Any]) -> tuple[list[Row], int]:
        self.check_caller(caller)
        given = {spec.name: kwargs.get(_kwarg(spec.name)) for spec in self.filters}
        return await self.fetch_page(given, kwargs.get("sort"), kwargs["page"], kwargs["page_size"])

    def _list_handler(self) -> HTTPRouteHandler:
        page_type = page_of(self.output)
        params = [_caller_parameter(), *self._list_parameters()]
        geojson = self.feature is not None
        if geojson:
            params.append(
                inspect.Parameter(
                    "format",
                    inspect.Parameter.KEYWORD_ONLY,
                    default="json",
                    annotation=Annotated[
                        Literal["json", "geojson"],
                        Parameter(description="`geojson`: the page as a GeoJSON FeatureCollection"),
                    ],
                )
            )

        async def list_rows(**kwargs: Any) -> Any:
            caller: Caller = kwargs["caller"]
            async with scoped_transaction(caller.scope):
                rows, total = await self._page(caller, kwargs)
                if geojson and kwargs.get("format") == "geojson":
                    return self._collection(rows, total)
                items = await self.render(rows, caller.scope)
            page = page_type(
                items=items, total=total, page=kwargs["page"], page_size=kwargs["page_size"]
            )
            return Response(page)

        return get(
            f"/{self.path}",
            **self._route_options("GET", f"List {self.noun}s", f"list_{self.slug}"),
            operation_class=ListOperation,
        )(_with_signature(list_rows, params, Response[page_type]))  # type: ignore[valid-type]

    def _collection(self, rows: list[Row], total: int) -> Response[FeatureCollection]:
        assert self.feature is not None
        features = [self.feature(row) for row in rows]
        return Response(FeatureCollection(features=features, total=total), media_type=GEOJSON)

    def _geojson_handler(self) -> HTTPRouteHandler:
        params = [_caller_parameter(), *self._list_parameters()]

        async def collection(**kwargs: Any) -> Response[FeatureCollection]:
            caller: Caller = kwargs["caller"]
            async with scoped_transaction(caller.scope):
                rows, total = await self._page(caller, kwargs)
            return self._collection(rows, total)

        return get(
            f"/{self.path}.geojson",
            **self._route_options(
                "GET", f"{self.noun.capitalize()}s as GeoJSON", f"list_{self.slug}_geojson"
            ),
            media_type=GEOJSON,
        )(_with_signature(collection, params, Response[FeatureCollection]))

    def _detail_handler(self) -> HTTPRouteHandler:
        async def detail(**kwargs: Any) -> Any:
            caller: Caller = kwargs["caller"]
            return await self.one(caller, lambda: self.fetch_one(kwargs[self.key]))

        return get(
            self._item_path(),
            **self._route_options("GET", f"One {self.noun}", f"get_{self.slug}"),
        )(_with_signature(detail, [_caller_parameter(), self._key_parameter()], self.output))

    def _create_handler(self, schema: type[msgspec.Struct], create: Creator) -> HTTPRouteHandler:
        async def create_row(**kwargs: Any) -> Any:
            caller: Caller = kwargs["caller"]
            return await self.one(caller, lambda: create(kwargs["data"], caller.actor_id))

        data = inspect.Parameter("data", inspect.Parameter.KEYWORD_ONLY, annotation=schema)
        return post(
            f"/{self.path}",
            **self._route_options("POST", f"Create a {self.noun}", f"create_{self.slug}"),
        )(_with_signature(create_row, [_caller_parameter(), data], self.output))

    def _update_handler(self, schema: type[msgspec.Struct], update: Updater) -> HTTPRouteHandler:
        async def update_row(**kwargs: Any) -> Any:
            caller: Caller = kwargs["caller"]

            async def action() -> Row:
                return await update(
                    await self.row_id(kwargs[self.key]), kwargs["data"], caller.actor_id
                )

            return await self.one(caller, action)

        data = inspect.Parameter("data", inspect.Parameter.KEYWORD_ONLY, annotation=schema)
        return patch(
            self._item_path(),
            **self._route_options("PATCH", f"Change a {self.noun}", f"update_{self.slug}"),
        )(
            _with_signature(
                update_row, [_caller_parameter(), self._key_parameter(), data], self.output
            )
        )

    def _delete_handler(self, remove: Deleter) -> HTTPRouteHandler:
        async def delete_row(**kwargs: Any) -> None:
            caller: Caller = kwargs["caller"]
            self.check_caller(caller)
            async with scoped_transaction(caller.scope):
                await remove(await self.row_id(kwargs[self.key]), caller.actor_id)

        return delete(
            self._item_path(),
            **self._route_options("DELETE", f"Delete a {self.noun}", f"delete_{self.slug}"),
        )(_with_signature(delete_row, [_caller_parameter(), self._key_parameter()], None))

    def action(
        self,
        segment: str,
        summary: str,
        run: Action,
        *,
        body: type[msgspec.Struct] | None = None,
        operation: str | None = None,
    ) -> HTTPRouteHandler:
        """POST /<path>/{id}/<segment> (approve, transitions, answer …): `run` in the caller's
        scope, the row it returns rendered; the operation id is `<operation>_<slug>`."""

        async def act(**kwargs: Any) -> Any:
            caller: Caller = kwargs["caller"]
            return await self.one(caller, lambda: run(kwargs["id"], kwargs.get("data"), caller))

        keyword = inspect.Parameter.KEYWORD_ONLY
        params = [_caller_parameter(), inspect.Parameter("id", keyword, annotation=RowId)]
        if body is not None:
            params.append(inspect.Parameter("data", keyword, annotation=body))
        return post(
            f"/{self.path}/{{id:int}}/{segment}",
            status_code=200,
            **action_options(self, summary, operation or segment),
        )(_with_signature(act, params, self.output))

    def _route_options(self, method: str, summary: str, operation_id: str) -> dict[str, Any]:
        return {
            "summary": summary,
            "description": self.description or None,
            "operation_id": operation_id,
            "tags": [self.tag],
            "responses": errors_for(method),
        }


# Names Litestar keeps for itself; such a filter keeps its query name under another kwarg.
RESERVED_KWARGS = frozenset(
    {"body", "scope", "data", "request", "state", "cookies", "query", "socket", "headers"}
)


def _kwarg(name: str) -> str:
    return f"{name}_filter" if name in RESERVED_KWARGS else name


def _caller_parameter() -> inspect.Parameter:
    return inspect.Parameter("caller", inspect.Parameter.KEYWORD_ONLY, annotation=Caller)


def _with_signature(
    fn: Callable[..., Any], params: list[inspect.Parameter], returns: Any
) -> Callable[..., Any]:
    """Give a generic `**kwargs` handler the typed signature Litestar reads parameters from."""
    fn.__signature__ = inspect.Signature(params, return_annotation=returns)  # type: ignore[attr-defined]
    fn.__annotations__ = {p.name: p.annotation for p in params} | {"return": returns}
    return fn


def action_options(
    resource: Resource, summary: str, operation_id: str, method: str = "POST"
) -> dict[str, Any]:
    """Route options of a resource's extra action (approve, transitions, answer …)."""
    return resource._route_options(method, summary, f"{operation_id}_{resource.slug}")


def plain_delete(table: type[Table]) -> Deleter:
    """Delete a row no rule protects beyond its foreign keys (audited, scope-checked)."""

    async def remove(row_id: int, actor_id: int | None) -> None:
        async with write_transaction(actor_id):
            await lock_row(table, row_id)
            await delete_row(table, row_id)

    return remove


def superusers_only(caller: Caller) -> None:
    if not caller.scope.is_superuser:
        raise Forbidden("only superusers may use this resource")
