"""/api/v1/statistics: templates and requests for departments, the inbox for communities.

Every handler runs in the caller's scope (row-level security). A token bound to a department
(DepartmentToken) creates and reads only that department's templates and requests; the
access list judges every template and request as it judges a work item.
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Response, get, post
from litestar.handlers import HTTPRouteHandler
from litestar.params import Parameter

from app.api.auth import Caller
from app.api.problems import errors_for
from app.crud import get_row
from app.errors import Forbidden
from app.scope import scoped_transaction
from app.statistics import services
from app.statistics.exports import request_workbook
from app.statistics.schemas import (
    AnswerReturn,
    AnswerValues,
    ReportAnswer,
    ReportRequest,
    ReportRequestCreate,
    ReportTemplate,
    ReportTemplateCreate,
)
from tables.statistics import ReportRequest as RequestTable

RowId = Annotated[int, Parameter(ge=1, le=2**31 - 1, description="id of the record")]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
OPTIONS: dict[str, Any] = {"tags": ["statistics"]}


async def department_of(caller: Caller) -> int | None:
    """The department a bearer token acts for, or None (a login or a plain token)."""
    if caller.via != "token":
        return None
    rows = await RequestTable.raw(
        "SELECT d.department FROM department_token d JOIN api_token t ON t.id = d.token"
        " WHERE t.prefix = {}",
        caller.key.split(":", 1)[1],
    ).run()
    return int(rows[0]["department"]) if rows else None


async def _own_request(request_id: int, department: int | None) -> dict[str, Any]:
    request = await get_row(RequestTable, request_id)
    if department is not None and request["department"] != department:
        raise Forbidden("this request belongs to another department", field="id")
    return request


@post(
    "/statistics/templates",
    summary="Define a report template",
    responses=errors_for("POST"),
    **OPTIONS,
)
async def create_template(caller: Caller, data: ReportTemplateCreate) -> ReportTemplate:
    department = await department_of(caller)
    async with scoped_transaction(caller.scope):
        row = await services.create_template(data, caller.actor_id, department)
    return ReportTemplate(**{k: row[k] for k in ReportTemplate.__struct_fields__})


@get(
    "/statistics/templates",
    summary="Current report templates",
    responses=errors_for("GET"),
    **OPTIONS,
)
async def list_templates(caller: Caller) -> list[dict[str, Any]]:
    department = await department_of(caller)
    async with scoped_transaction(caller.scope):
        rows = await services.current_templates(department)
    return rows


@post(
    "/statistics/requests",
    summary="Ask a template for one period",
    responses=errors_for("POST"),
    **OPTIONS,
)
async def create_request(caller: Caller, data: ReportRequestCreate) -> ReportRequest:
    department = await department_of(caller)
    async with scoped_transaction(caller.scope):
        row = await services.create_request(data, caller.actor_id, department)
    return ReportRequest(**{k: row[k] for k in ReportRequest.__struct_fields__})


@get(
    "/statistics/requests/{id:int}/results",
    summary="Who submitted, values, sums",
    responses=errors_for("GET"),
    **OPTIONS,
)
async def results(caller: Caller, id: RowId) -> dict[str, Any]:
    department = await department_of(caller)
    async with scoped_transaction(caller.scope):
        await _own_request(id, department)
        result = await services.aggregate(id)
    keys = {f["id"]: f["key"] for f in result["fields"]}
    return {
        "request": id,
        "columns": [
            {"key": f["key"], "title": f["title"], "unit": f["unit"]} for f in result["fields"]
        ],
        "submitted": result["submitted"],
        "late": result["late"],
        "units": [
            {**u, "values": {keys[field]: value for field, value in u["values"].items()}}
            for u in result["units"]
        ],
        "streets": {s: {keys[f]: v for f, v in t.items()} for s, t in result["streets"].items()},
        "district": {keys[f]: v for f, v in result["district"].items()},
    }


@get(
    "/statistics/requests/{id:int}/results.xlsx",
    summary="Results in the template's layout",
    responses=errors_for("GET"),
    media_type=XLSX,
    **OPTIONS,
)
async def results_workbook(caller: Caller, id: RowId) -> Response[bytes]:
    department = await department_of(caller)
    async with scoped_transaction(caller.scope):
        await _own_request(id, department)
        content = await request_workbook(id)
    return Response(
        content,
        media_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="report-{id}.xlsx"'},
    )


@get(
    "/statistics/inbox",
    summary="The scope's answers with deadlines",
    responses=errors_for("GET"),
    **OPTIONS,
)
async def inbox(caller: Caller) -> list[dict[str, Any]]:
    async with scoped_transaction(caller.scope):
        return await services.inbox()


@post(
    "/statistics/answers/{id:int}/open",
    status_code=200,
    summary="Open an answer: computed and 上期 values",
    responses=errors_for("POST"),
    **OPTIONS,
)
async def open_answer(caller: Caller, id: RowId) -> list[dict[str, Any]]:
    async with scoped_transaction(caller.scope):
        await services.open_answer(id, caller.actor_id)
        return await services.answer_values(id)


@post(
    "/statistics/answers/{id:int}/values",
    status_code=200,
    summary="Save values (confirm or correct)",
    responses=errors_for("POST"),
    **OPTIONS,
)
async def save_values(caller: Caller, id: RowId, data: AnswerValues) -> ReportAnswer:
    async with scoped_transaction(caller.scope):
        row = await services.save_answer(id, data.values, caller.actor_id)
    return ReportAnswer(**{k: row[k] for k in ReportAnswer.__struct_fields__})


@post(
    "/statistics/answers/{id:int}/submit",
    status_code=200,
    summary="Save values and submit",
    responses=errors_for("POST"),
    **OPTIONS,
)
async def submit(caller: Caller, id: RowId, data: AnswerValues) -> ReportAnswer:
    async with scoped_transaction(caller.scope):
        row = await services.save_answer(id, data.values, caller.actor_id, submit=True)
    return ReportAnswer(**{k: row[k] for k in ReportAnswer.__struct_fields__})


@post(
    "/statistics/answers/{id:int}/return",
    status_code=200,
    summary="Return a submitted answer",
    responses=errors_for("POST"),
    **OPTIONS,
)
async def return_answer(caller: Caller, id: RowId, data: AnswerReturn) -> ReportAnswer:
    async with scoped_transaction(caller.scope):
        row = await services.return_answer(
            id, data.comment, caller.actor_id, caller.scope.level.value
        )
    return ReportAnswer(**{k: row[k] for k in ReportAnswer.__struct_fields__})


@get(
    "/statistics/access-review/{year:int}",
    summary="Yearly access-list review: each entry's and department's requests",
    responses=errors_for("GET"),
    **OPTIONS,
)
async def access_review(
    caller: Caller, year: Annotated[int, Parameter(ge=2000, le=2100)]
) -> list[dict[str, Any]]:
    async with scoped_transaction(caller.scope):
        return await services.access_review(year)


HANDLERS: list[HTTPRouteHandler] = [
    access_review,
    create_template,
    list_templates,
    create_request,
    results,
    results_workbook,
    inbox,
    open_answer,
    save_values,
    submit,
    return_answer,
]
