"""Departments, the access list (准入清单) and work items with their transitions and events."""

from __future__ import annotations

import datetime as dt

import msgspec
from litestar import get, post

from app.api.auth import Caller
from app.api.pagination import VALUE, Filter, by_code, date_range, equals, street_code
from app.api.resources import Resource, RowId, action_options, plain_delete
from app.crud import get_row
from app.scope import scoped_transaction
from app.work import schemas, services
from tables.choices import AccessStatus, WorkCategory, WorkSource, WorkStatus
from tables.work import AccessListEntry, AccessRefusal, Department, WorkItem


class AccessListEntryOut(schemas.AccessListEntry, kw_only=True):
    """An access-list entry with the reason of its rejection or revocation."""

    decision_reason: str = ""


DEPARTMENTS = Resource(
    path="departments",
    table=Department,
    output=schemas.Department,
    noun="department",
    sort=("name", "line", "id"),
    default_sort="name",
    filters=[equals("line", str, "条线 line, e.g. 民政")],
    create=(schemas.DepartmentCreate, services.create_department),
    update=(schemas.DepartmentUpdate, services.update_department),
    delete=plain_delete(Department),
    description="职能部门 Functional departments that push work to communities.",
)

ACCESS_ENTRIES = Resource(
    path="access-list/entries",
    table=AccessListEntry,
    output=AccessListEntryOut,
    noun="access-list entry",
    sort=("name", "created_at", "valid_from", "id"),
    default_sort="name",
    filters=[
        by_code("street", "street"),
        equals("department", int, "department id"),
        equals("status", AccessStatus, "proposed, approved, rejected or revoked"),
        equals("category", WorkCategory, "category of work"),
        Filter(
            "valid_on",
            dt.date,
            f"valid_from <= {VALUE} AND (valid_to IS NULL OR valid_to >= {VALUE})",
            "entries valid on this day",
        ),
    ],
    create=(schemas.AccessListEntryCreate, services.propose_access_entry),
    update=(schemas.AccessListEntryUpdate, services.update_access_entry),
    description=(
        "准入清单 The street's access list: the only work that may enter its communities."
        " New entries are proposed; street officials approve or reject them and revoke approved"
        " ones (减负). Only proposed entries can be edited; decisions stay on record."
    ),
)

ACCESS_REFUSALS = Resource(
    path="access-list/refusals",
    table=AccessRefusal,
    output=schemas.AccessRefusal,
    noun="access refusal",
    sort=("refused_at", "id"),
    default_sort="-refused_at",
    filters=[
        by_code("street", "street"),
        by_code("community", "community"),
        equals("department", int, "department id"),
        *date_range("refused_at"),
    ],
    description="准入拒绝 Every push of work refused by the access list: read-only.",
)

WORK_ITEMS = Resource(
    path="work-items",
    table=WorkItem,
    output=schemas.WorkItem,
    noun="work item",
    sort=("created_at", "due_at", "status", "id"),
    default_sort="-created_at",
    filters=[
        by_code("community", "community"),
        by_code("grid", "responsibility_grid"),
        street_code(),
        equals("status", WorkStatus, "stage of the work item"),
        equals("source", WorkSource, "where the work came from"),
        equals("assignee", int, "staff member id of the assignee"),
        equals("access_entry", int, "access-list entry id"),
        equals("overdue", bool, "marked overdue by escalation"),
        *date_range("created_at"),
        *date_range("due_at"),
    ],
    create=(schemas.WorkItemCreate, services.push_work_item),
    update=(schemas.WorkItemUpdate, services.update_work_item),
    description=(
        "工作事项 Work pushed into a community. Creating one is a push: it is refused with 403"
        " (and recorded as an access refusal) unless it names an access-list entry of the"
        " community's street that is approved and valid today. Status moves only through"
        " POST /work-items/{id}/transitions: reported → accepted → dispatched → handled →"
        " verified → closed, or rejected."
    ),
)


# ---------------------------------------------------------------- access-list decisions


@post(
    "/access-list/entries/{id:int}/approve",
    status_code=200,
    **action_options(ACCESS_ENTRIES, "Approve a proposed entry", "approve"),
)
async def approve_entry(caller: Caller, id: RowId) -> AccessListEntryOut:
    """From now on its work may be pushed to the street's communities."""
    result = await ACCESS_ENTRIES.one(
        caller, lambda: services.decide_access_entry(id, AccessStatus.approved, caller.actor_id)
    )
    return result  # type: ignore[return-value]


@post(
    "/access-list/entries/{id:int}/reject",
    status_code=200,
    **action_options(ACCESS_ENTRIES, "Reject a proposed entry", "reject"),
)
async def reject_entry(
    caller: Caller, id: RowId, data: schemas.AccessDecision
) -> AccessListEntryOut:
    """Refuse a proposed entry, saying why."""
    result = await ACCESS_ENTRIES.one(
        caller, lambda: services.decide_access_entry(id, "rejected", caller.actor_id, data.reason)
    )
    return result  # type: ignore[return-value]


@post(
    "/access-list/entries/{id:int}/revoke",
    status_code=200,
    **action_options(ACCESS_ENTRIES, "Revoke an approved entry", "revoke"),
)
async def revoke_entry(
    caller: Caller, id: RowId, data: schemas.AccessDecision
) -> AccessListEntryOut:
    """Slim the burden (减负): later pushes citing the entry are refused."""
    result = await ACCESS_ENTRIES.one(
        caller, lambda: services.decide_access_entry(id, "revoked", caller.actor_id, data.reason)
    )
    return result  # type: ignore[return-value]


# ---------------------------------------------------------------- work-item life cycle


@post(
    "/work-items/{id:int}/transitions",
    status_code=200,
    **action_options(WORK_ITEMS, "Move a work item to its next stage", "transition"),
)
async def transition(
    caller: Caller, id: RowId, data: schemas.WorkItemTransition
) -> schemas.WorkItem:
    """One step along the life cycle (or to rejected), recorded as an event; dispatching
    needs an assignee."""
    result = await WORK_ITEMS.one(
        caller,
        lambda: services.transition_work_item(
            id, data.to_status, caller.actor_id, data.note, data.assignee
        ),
    )
    return result  # type: ignore[return-value]


@get(
    "/work-items/{id:int}/events",
    **action_options(WORK_ITEMS, "History of a work item", "events", method="GET"),
)
async def events(caller: Caller, id: RowId) -> list[schemas.WorkItemEvent]:
    """Every status move of the work item, oldest first."""
    async with scoped_transaction(caller.scope):
        await get_row(WorkItem, id, field="id")
        rows = await services.work_item_history(id)
    return [msgspec.convert(row, schemas.WorkItemEvent, strict=False) for row in rows]


ACCESS_ENTRIES.extra = [approve_entry, reject_entry, revoke_entry]
WORK_ITEMS.extra = [transition, events]

RESOURCES = [DEPARTMENTS, ACCESS_ENTRIES, ACCESS_REFUSALS, WORK_ITEMS]
