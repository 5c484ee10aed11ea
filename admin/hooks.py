"""piccolo-admin hooks that send every admin write through the domain services.

The admin saves rows itself; these hooks run the same cleaners the API uses (so every rule
holds with the same readable message), and route status changes to the services that own
them (work-item transitions, access-list decisions). They run inside the transaction opened
by `admin.scope_guard.ScopeGuard`, so a refusal undoes everything.
"""

from __future__ import annotations

from typing import Any

from piccolo.table import Table
from piccolo_api.crud.hooks import Hook, HookType
from starlette.requests import Request

from app.crud import Cleaner, get_row_for_update
from app.daily.services import clean_check_in
from app.errors import Forbidden
from app.work import services as work
from tables.daily import CheckIn
from tables.work import AccessListEntry, WorkItem

Row = dict[str, Any]


def actor_id(request: Request) -> int | None:
    user = request.scope.get("user")
    return getattr(user, "user_id", None)


def row_values(table: type[Table], row: Table) -> Row:
    """The column values of an unsaved row, without its primary key.

    The admin form sends None for fields it does not show (such as created_at); a NOT NULL
    column gets its default back instead.
    """
    for column in table._meta.non_default_columns:
        if getattr(row, column._meta.name) is None and not column._meta.null:
            default = column.get_default_value()
            setattr(
                row, column._meta.name, default.python() if hasattr(default, "python") else default
            )
    return {c._meta.name: getattr(row, c._meta.name) for c in table._meta.non_default_columns}


def cleaner_hooks(table: type[Table], clean: Cleaner) -> list[Hook]:
    """pre_save and pre_patch hooks validating the whole record with `clean`."""

    async def pre_save(row: Table) -> Table:
        for name, value in (await clean(row_values(table, row), None)).items():
            setattr(row, name, value)
        return row

    async def pre_patch(row_id: Any, values: Row) -> Row:
        current = await get_row_for_update(table, row_id)
        cleaned = await clean({**current, **values}, current)
        cleaned.pop("id", None)
        return cleaned

    return [Hook(HookType.pre_save, pre_save), Hook(HookType.pre_patch, pre_patch)]


def read_only_hooks(reason: str) -> list[Hook]:
    """Hooks refusing every admin write to a table that only the system writes."""

    async def refuse(**_: Any) -> None:
        raise Forbidden(reason)

    return [
        Hook(kind, refuse) for kind in (HookType.pre_save, HookType.pre_patch, HookType.pre_delete)
    ]


def access_entry_hooks() -> list[Hook]:
    """New entries start as proposed; a status change is a decision (approve/reject/revoke)."""

    async def pre_save(row: Table) -> Table:
        values = {**row_values(type(row), row), "status": "proposed"}
        for name, value in (await work.clean_access_entry(values, None)).items():
            setattr(row, name, value)
        return row

    async def pre_patch(row_id: Any, values: Row, request: Request) -> Row:
        current = await get_row_for_update(AccessListEntry, row_id)
        status = values.get("status", current["status"])
        if status == current["status"]:
            cleaned = await work.clean_access_entry({**current, **values}, current)
            cleaned.pop("id", None)
            return cleaned
        reason = str(values.get("decision_reason") or "")
        decided = await work.decide_access_entry(row_id, status, actor_id(request), reason)
        return {"status": decided["status"]}

    return [Hook(HookType.pre_save, pre_save), Hook(HookType.pre_patch, pre_patch)]


def work_item_hooks() -> list[Hook]:
    """Work enters only through the access check (push); status moves only along the path."""

    async def pre_save(row: Table) -> Table:
        raise Forbidden(
            "work items enter a community only through the access list: use the form "
            "「推送工作事项 Push a work item」",
            field="access_entry",
        )

    async def pre_patch(row_id: Any, values: Row, request: Request) -> Row:
        current = await get_row_for_update(WorkItem, row_id)
        status = values.pop("status", current["status"])
        if status != current["status"]:
            await work.transition_work_item(
                row_id, status, actor_id(request), assignee_id=values.get("assignee")
            )
            current = await get_row_for_update(WorkItem, row_id)
        cleaned = await work.clean_work_item({**current, **values}, current)
        cleaned.pop("id", None)
        return cleaned

    return [Hook(HookType.pre_save, pre_save), Hook(HookType.pre_patch, pre_patch)]


def check_in_hooks() -> list[Hook]:
    """A check-in is made by its worker through the form (where and when are evidence)."""

    async def pre_save(row: Table) -> Table:
        raise Forbidden(
            "check-ins are made by the grid worker with the form 「签到 Check in now」",
            field="staff",
        )

    return [Hook(HookType.pre_save, pre_save), *cleaner_hooks(CheckIn, clean_check_in)[1:]]
