"""Departments, the access list (准入清单) and work items with their transitions and events."""

from __future__ import annotations

import datetime as dt

import msgspec
from litestar import get

from app.api.auth import Caller
from app.api.pagination import (
    ESCALATED_SORT,
    VALUE,
    Filter,
    by_code,
    date_range,
    equals,
    escalated_filters,
)
from app.api.resources import Action, Resource, Row, RowId, action_options, plain_delete
from app.crud import get_row
from app.scope import scoped_transaction
from app.work import schemas, services
from app.worktime.extensions import decide_extension, request_extension
from app.worktime.schemas import ExtensionAsk, ExtensionDecision
from app.worktime.schemas import ExtensionRequest as ExtensionRequestOut
from app.worktime.schemas import WorkItemStage as WorkItemStageOut
from app.worktime.stages import stages_of, with_time_left
from tables.choices import AccessStatus, ExtensionStatus, WorkCategory, WorkSource, WorkStatus
from tables.work import AccessListEntry, AccessRefusal, Department, WorkItem
from tables.worktime import ExtensionRequest as ExtensionRequestTable


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
    sort=ESCALATED_SORT,
    default_sort="-created_at",
    filters=escalated_filters(
        equals("status", WorkStatus, "stage of the work item"),
        equals("source", WorkSource, "where the work came from"),
        equals("assignee", int, "staff member id of the assignee"),
        equals("access_entry", int, "access-list entry id"),
    ),
    create=(schemas.WorkItemCreate, services.push_work_item),
    update=(schemas.WorkItemUpdate, services.update_work_item),
    # 时限: the open stage, its deadline and the working minutes left or late by.
    enrich=with_time_left,
    description=(
        "工作事项 Work pushed into a community. Creating one is a push: it is refused with 403"
        " (and recorded as an access refusal) unless it names an access-list entry of the"
        " community's street that is approved and valid today. Status moves only through"
        " POST /work-items/{id}/transitions: reported → accepted → dispatched → handled →"
        " verified → closed, or rejected."
    ),
)


# ---------------------------------------------------------------- access-list decisions


def _decide(status: AccessStatus) -> Action:
    async def decide(id: int, data: schemas.AccessDecision | None, caller: Caller) -> Row:
        reason = data.reason if data is not None else ""
        return await services.decide_access_entry(id, status, caller.actor_id, reason)

    return decide


ACCESS_ENTRIES.extra = [
    # From now on its work may be pushed to the street's communities.
    ACCESS_ENTRIES.action("approve", "Approve a proposed entry", _decide(AccessStatus.approved)),
    # Refuse a proposed entry, saying why.
    ACCESS_ENTRIES.action(
        "reject",
        "Reject a proposed entry",
        _decide(AccessStatus.rejected),
        body=schemas.AccessDecision,
    ),
    # Slim the burden (减负): later pushes citing the entry are refused.
    ACCESS_ENTRIES.action(
        "revoke",
        "Revoke an approved entry",
        _decide(AccessStatus.revoked),
        body=schemas.AccessDecision,
    ),
]


# ---------------------------------------------------------------- work-item life cycle


async def _transition(id: int, data: schemas.WorkItemTransition, caller: Caller) -> Row:
    """One step along the life cycle (or to rejected), recorded as an event; dispatching
    needs an assignee."""
    return await services.transition_work_item(
        id, data.to_status, caller.actor_id, data.note, data.assignee
    )


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


WORK_ITEMS.extra = [
    WORK_ITEMS.action(
        "transitions",
        "Move a work item to its next stage",
        _transition,
        body=schemas.WorkItemTransition,
        operation="transition",
    ),
    events,
]

# ---------------------------------------------------------------- time limits (时限)


async def _ask_extension(id: int, data: ExtensionAsk, caller: Caller) -> Row:
    """The assignee asks for more working time on the current stage (延期申请)."""
    await request_extension(id, data.amount, data.unit, data.reason, caller.actor_id)
    return await get_row(WorkItem, id)


@get(
    "/work-items/{id:int}/stages",
    **action_options(
        WORK_ITEMS, "Stages of a work item with their deadlines", "stages", method="GET"
    ),
)
async def stages(caller: Caller, id: RowId) -> list[WorkItemStageOut]:
    """Every stage the item entered: deadline (working time), extensions, late or on time."""
    async with scoped_transaction(caller.scope):
        await get_row(WorkItem, id, field="id")
        rows = (await stages_of([id]))[id]
    return [msgspec.convert(row, WorkItemStageOut, strict=False) for row in rows]


WORK_ITEMS.extra += [
    WORK_ITEMS.action(
        "extensions",
        "Ask for an extension of the current stage",
        _ask_extension,
        body=ExtensionAsk,
        operation="ask_extension",
    ),
    stages,
]


def _decide_extension(approve: bool) -> Action:
    async def decide(id: int, data: ExtensionDecision | None, caller: Caller) -> Row:
        note = data.note if data is not None else ""
        return await decide_extension(id, approve, caller.actor_id, note)

    return decide


EXTENSION_REQUESTS = Resource(
    path="extension-requests",
    table=ExtensionRequestTable,
    output=ExtensionRequestOut,
    noun="extension request",
    sort=("created_at", "id"),
    default_sort="-created_at",
    filters=[
        by_code("community", "community"),
        equals("status", ExtensionStatus, "pending, approved or refused"),
        equals("work_item", int, "work item id"),
    ],
    description=(
        "延期申请 Extension requests: the assignee asks (POST /work-items/{id}/extensions);"
        " up to EXTENSION_COMMUNITY_MAX_DAYS working days the community admin decides, longer"
        " ones the street official. An approval moves the stage's deadline."
    ),
)
EXTENSION_REQUESTS.extra = [
    EXTENSION_REQUESTS.action(
        "approve", "Approve an extension request", _decide_extension(True), body=ExtensionDecision
    ),
    EXTENSION_REQUESTS.action(
        "refuse", "Refuse an extension request", _decide_extension(False), body=ExtensionDecision
    ),
]

RESOURCES = [DEPARTMENTS, ACCESS_ENTRIES, ACCESS_REFUSALS, WORK_ITEMS, EXTENSION_REQUESTS]
