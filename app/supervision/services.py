"""Rules of supervision records: what a record needs, how it moves, who may be seen.

A record moves received → handling → answered → closed, never back; it can only be
answered with a real answer, and the person who raised it is never shown publicly.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from app.crud import changes_of, create_with, get_row, get_row_for_update, update_with
from app.db import write_transaction
from app.errors import InvalidTransition, ValidationFailed
from app.supervision.schemas import SupervisionRecordCreate, SupervisionRecordUpdate
from app.validation import check_choice, check_text
from tables.areas import Community, ResponsibilityGrid
from tables.choices import SupervisionKind, SupervisionStatus
from tables.supervision import SupervisionRecord

# How long the community has to answer a record when no due date is given.
ANSWER_PERIOD = dt.timedelta(days=15)

ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    SupervisionStatus.received: frozenset({SupervisionStatus.handling, SupervisionStatus.answered}),
    SupervisionStatus.handling: frozenset({SupervisionStatus.answered}),
    SupervisionStatus.answered: frozenset({SupervisionStatus.closed}),
    SupervisionStatus.closed: frozenset(),
}
# A status at or past which the record must carry an answer.
NEEDS_ANSWER = frozenset({SupervisionStatus.answered, SupervisionStatus.closed})
# Who raised a record is protected: these never leave through a public view.
PROTECTED_FIELDS = ("raised_by_name", "raised_by_contact")


def check_supervision_transition(from_status: str, to_status: str) -> None:
    """Refuse a status move that ALLOWED_TRANSITIONS does not list."""
    check_choice(to_status, SupervisionStatus, "status")
    if to_status not in ALLOWED_TRANSITIONS[from_status]:
        raise InvalidTransition(
            f"status cannot move from {from_status} to {to_status}", field="status"
        )


async def clean_supervision_record(
    values: dict[str, Any], current: dict[str, Any] | None
) -> dict[str, Any]:
    """Validate a supervision record, protect an anonymous raiser, and default its due date."""
    kind = check_choice(values.get("kind"), SupervisionKind, "kind")
    subject = check_text(values.get("subject") or "", "subject", max_length=200)
    content = check_text(values.get("content") or "", "content")
    community = await get_row(Community, values.get("community"), field="community")
    if values.get("grid") is not None:
        grid = await get_row(ResponsibilityGrid, values["grid"], field="grid")
        if grid["community"] != community["id"]:
            raise ValidationFailed(f"grid {grid['code']} is not in this community", field="grid")
    if current is None:
        status = SupervisionStatus.received
    else:
        status = values.get("status") or current["status"]
        if status != current["status"]:
            check_supervision_transition(current["status"], status)
    answer = check_text(values.get("answer"), "answer", required=False)
    if status in NEEDS_ANSWER and not answer:
        raise ValidationFailed(f"a {status} record needs an answer", field="answer")
    anonymous = bool(values.get("anonymous"))
    name = check_text(values.get("raised_by_name"), "raised_by_name", 50, required=False)
    contact = check_text(values.get("raised_by_contact"), "raised_by_contact", 50, required=False)
    created_at = current["created_at"] if current else dt.datetime.now(dt.UTC)
    due_at = values.get("due_at") or created_at + ANSWER_PERIOD
    if due_at <= created_at:
        raise ValidationFailed("must be after the record was raised", field="due_at")
    return {
        **values,
        "kind": kind,
        "subject": subject,
        "content": content,
        "community": community["id"],
        "grid": values.get("grid"),
        "anonymous": anonymous,
        "raised_by_name": "" if anonymous else name,
        "raised_by_contact": "" if anonymous else contact,
        "status": status,
        "answer": answer,
        "created_at": created_at,
        "due_at": due_at,
    }


async def raise_supervision(
    data: SupervisionRecordCreate, actor_id: int | None = None
) -> dict[str, Any]:
    """Record what a resident or party member raised; it starts as received."""
    return await create_with(
        SupervisionRecord, clean_supervision_record, changes_of(data), actor_id
    )


async def update_supervision_record(
    record_id: int, data: SupervisionRecordUpdate, actor_id: int | None = None
) -> dict[str, Any]:
    """Correct the facts of a record (status and answer move through their own actions)."""
    return await update_with(
        SupervisionRecord, clean_supervision_record, record_id, changes_of(data), actor_id
    )


async def _move(
    record_id: int, to_status: str, changes: dict[str, Any], actor_id: int | None
) -> dict[str, Any]:
    async with write_transaction(actor_id):
        current = await get_row_for_update(SupervisionRecord, record_id)
        # The cleaner only sees real changes; an action must also really move the record.
        check_supervision_transition(current["status"], to_status)
        return await update_with(
            SupervisionRecord,
            clean_supervision_record,
            record_id,
            {**changes, "status": to_status},
            actor_id,
        )


async def move_supervision(
    record_id: int, to_status: str, actor_id: int | None = None
) -> dict[str, Any]:
    """Move a record one step along received → handling → answered → closed."""
    return await _move(record_id, to_status, {}, actor_id)


async def answer_supervision(
    record_id: int, answer: str, actor_id: int | None = None, public: bool | None = None
) -> dict[str, Any]:
    """Answer a received or handling record, optionally publishing it."""
    changes: dict[str, Any] = {
        "answer": answer,
        "answered_by": actor_id,
        "answered_at": dt.datetime.now(dt.UTC),
    }
    if public is not None:
        changes["public"] = public
    return await _move(record_id, SupervisionStatus.answered, changes, actor_id)


def public_view(record: dict[str, Any]) -> dict[str, Any]:
    """The record as the public may see it: without who raised it or how to reach them."""
    return {name: value for name, value in record.items() if name not in PROTECTED_FIELDS}
