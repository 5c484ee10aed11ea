"""The admin's row counts: exact for ordinary results, the planner's estimate for huge ones.

piccolo-admin asks `/api/tables/<table>/count/` for every list page. An exact `count(*)` over
millions of rows (check-ins, the audit log at city scale) takes a few hundred milliseconds
however good the indexes; a filtered count of a few thousand rows takes a millisecond. So
the count endpoint first asks PostgreSQL how many rows it expects: `EXPLAIN (FORMAT JSON)` of
the same filtered query, run in the same scoped transaction (admin/scope_guard.py) so that
row-level security and every filter are part of the plan. Above
`settings.admin_count_estimate_above` rows the answer is that estimate, marked
`"approximate": true` (the list then reads "共 约 N 条", admin/frontend.py); at or below it the
count is exact, as before. The rule holds for every table, no list of big tables: a table is
"big" when its result is.

The estimate comes from the plan of the scoped query, never from `pg_class.reltuples`
directly: a whole-table figure would tell a community user how big the table is outside
their community. The plan's top row count is used (not the count query's, whose parallel
partial aggregates count per worker).

piccolo-admin builds one `PiccoloCRUD` per table inside `create_admin` and has no option to
choose the class, so `estimated_counts()` lets `create_admin` build `EstimatedCountCRUD`
instead; a test fails if a piccolo-admin upgrade stops going through that name.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import piccolo_admin.endpoints
import pydantic
from piccolo.query.methods.select import Select
from piccolo_api.crud.endpoints import ParamException, PiccoloCRUD
from piccolo_api.crud.exceptions import MalformedQuery
from piccolo_api.crud.validators import apply_validators
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from app.settings import settings


async def planned_rows(query: Select) -> int:
    """How many rows PostgreSQL's planner expects `query` to return (nothing is read)."""
    plan = await query.table.raw("EXPLAIN (FORMAT JSON) {}", query.querystrings[0]).run()
    document: Any = plan[0]["QUERY PLAN"]
    if isinstance(document, str):
        document = json.loads(document)
    return int(document[0]["Plan"]["Plan Rows"])


class EstimatedCountCRUD(PiccoloCRUD):
    """piccolo-api's table endpoints, whose count is estimated above the configured size."""

    @apply_validators
    async def get_count(self, request: Request) -> Response:
        try:
            rows = self._apply_filters(
                self.table.select(self.table._meta.primary_key),
                self._split_params(self._parse_params(request.query_params)),
            )
        except (ParamException, MalformedQuery, pydantic.ValidationError):
            # Bad input: the exact count answers it with its usual 4xx.
            return await super().get_count(request)
        assert isinstance(rows, Select)
        estimate = await planned_rows(rows)
        if estimate <= settings.admin_count_estimate_above:
            return await super().get_count(request)
        return JSONResponse({"count": estimate, "page_size": self.page_size, "approximate": True})


@contextmanager
def estimated_counts() -> Iterator[None]:
    """While active, piccolo-admin's `create_admin` serves tables with `EstimatedCountCRUD`."""
    original = piccolo_admin.endpoints.PiccoloCRUD
    piccolo_admin.endpoints.PiccoloCRUD = EstimatedCountCRUD  # type: ignore[misc]
    try:
        yield
    finally:
        piccolo_admin.endpoints.PiccoloCRUD = original  # type: ignore[misc]
