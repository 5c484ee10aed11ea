"""Residents' supervision records (社区监督): raised, handled, answered, made public."""

from __future__ import annotations

import msgspec
from litestar import post

from app.api.auth import Caller
from app.api.pagination import by_code, date_range, equals, street_code
from app.api.resources import Resource, RowId, action_options
from app.supervision import schemas, services
from tables.choices import SupervisionKind, SupervisionStatus
from tables.supervision import SupervisionRecord


class SupervisionAnswer(msgspec.Struct, kw_only=True):
    """The answer to a record; `public` publishes it on the openness page."""

    answer: str
    public: bool | None = None


class SupervisionMove(msgspec.Struct, kw_only=True):
    """The next status: received → handling → answered → closed."""

    to_status: SupervisionStatus


SUPERVISION_RECORDS = Resource(
    path="supervision-records",
    table=SupervisionRecord,
    output=schemas.SupervisionRecord,
    noun="supervision record",
    sort=("created_at", "due_at", "status", "id"),
    default_sort="-created_at",
    filters=[
        by_code("community", "community"),
        by_code("grid", "responsibility_grid"),
        street_code(),
        equals("kind", SupervisionKind, "what is supervised"),
        equals("status", SupervisionStatus, "stage of the record"),
        equals("public", bool, "published on the openness page"),
        equals("overdue", bool, "marked overdue by escalation"),
        *date_range("created_at"),
        *date_range("due_at"),
    ],
    create=(schemas.SupervisionRecordCreate, services.raise_supervision),
    update=(schemas.SupervisionRecordUpdate, services.update_supervision_record),
    description=(
        "监督记录 What residents and party members raise about government work, units, their"
        " rights and cadres' conduct. Who raised a record is protected (masked for most roles)."
    ),
)


@post(
    "/supervision-records/{id:int}/answer",
    status_code=200,
    **action_options(SUPERVISION_RECORDS, "Answer a supervision record", "answer"),
)
async def answer(caller: Caller, id: RowId, data: SupervisionAnswer) -> schemas.SupervisionRecord:
    """Answer a received or handling record, optionally publishing it."""
    result = await SUPERVISION_RECORDS.one(
        caller, lambda: services.answer_supervision(id, data.answer, caller.actor_id, data.public)
    )
    return result  # type: ignore[return-value]


@post(
    "/supervision-records/{id:int}/moves",
    status_code=200,
    **action_options(SUPERVISION_RECORDS, "Move a supervision record on", "move"),
)
async def move(caller: Caller, id: RowId, data: SupervisionMove) -> schemas.SupervisionRecord:
    """One step along received → handling → answered → closed (answering needs /answer)."""
    result = await SUPERVISION_RECORDS.one(
        caller, lambda: services.move_supervision(id, data.to_status, caller.actor_id)
    )
    return result  # type: ignore[return-value]


SUPERVISION_RECORDS.extra = [answer, move]

RESOURCES = [SUPERVISION_RECORDS]
