"""Residents' supervision records (社区监督): raised, handled, answered, made public."""

from __future__ import annotations

import msgspec

from app.api.auth import Caller
from app.api.pagination import ESCALATED_SORT, equals, escalated_filters
from app.api.resources import Resource, Row
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
    sort=ESCALATED_SORT,
    default_sort="-created_at",
    filters=escalated_filters(
        equals("kind", SupervisionKind, "what is supervised"),
        equals("status", SupervisionStatus, "stage of the record"),
        equals("public", bool, "published on the openness page"),
    ),
    create=(schemas.SupervisionRecordCreate, services.raise_supervision),
    update=(schemas.SupervisionRecordUpdate, services.update_supervision_record),
    description=(
        "监督记录 What residents and party members raise about government work, units, their"
        " rights and cadres' conduct. Who raised a record is protected (masked for most roles)."
    ),
)


async def _answer(id: int, data: SupervisionAnswer, caller: Caller) -> Row:
    """Answer a received or handling record, optionally publishing it."""
    return await services.answer_supervision(id, data.answer, caller.actor_id, data.public)


async def _move(id: int, data: SupervisionMove, caller: Caller) -> Row:
    """One step along received → handling → answered → closed (answering needs /answer)."""
    return await services.move_supervision(id, data.to_status, caller.actor_id)


SUPERVISION_RECORDS.extra = [
    SUPERVISION_RECORDS.action(
        "answer", "Answer a supervision record", _answer, body=SupervisionAnswer
    ),
    SUPERVISION_RECORDS.action(
        "moves", "Move a supervision record on", _move, body=SupervisionMove, operation="move"
    ),
]

RESOURCES = [SUPERVISION_RECORDS]
