"""Departments and the street's access list (准入清单): which work may enter communities.

Street officials propose entries (each with its legal basis), approve or reject them, and
revoke approved ones to lighten the communities' load (减负). `check_access` is the one rule a
push of work must pass.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from app.clock import utc_now
from app.crud import (
    changes_of,
    create_with,
    ensure_unique,
    find_row_locked,
    get_row,
    get_row_for_update,
    update_row,
    update_with,
)
from app.db import write_transaction
from app.errors import AccessRefused, Conflict, InvalidTransition, ValidationFailed
from app.validation import check_choice, check_text
from app.work.schemas import (
    AccessListEntryCreate,
    AccessListEntryUpdate,
    DepartmentCreate,
    DepartmentUpdate,
)
from tables.areas import Street
from tables.choices import AccessStatus, WorkCategory
from tables.work import AccessListEntry, Department

# The decisions street officials may take on an entry; every other move is refused.
ACCESS_DECISIONS: dict[str, frozenset[str]] = {
    AccessStatus.proposed: frozenset({AccessStatus.approved, AccessStatus.rejected}),
    AccessStatus.approved: frozenset({AccessStatus.revoked}),
    AccessStatus.rejected: frozenset(),
    AccessStatus.revoked: frozenset(),
}


# --- Departments -------------------------------------------------------------------------


async def clean_department(
    values: dict[str, Any], current: dict[str, Any] | None
) -> dict[str, Any]:
    """A department with a non-blank name no other department uses, and its line (条线)."""
    name = check_text(values.get("name"), "name", 100)
    line = check_text(values.get("line"), "line", 50, required=False)
    await ensure_unique(
        Department, current, "name", f"a department named {name} already exists", name=name
    )
    return {"name": name, "line": line}


async def create_department(data: DepartmentCreate, actor_id: int | None = None) -> dict[str, Any]:
    """Create a functional department."""
    return await create_with(Department, clean_department, changes_of(data), actor_id)


async def update_department(
    department_id: int, data: DepartmentUpdate, actor_id: int | None = None
) -> dict[str, Any]:
    """Rename a department or change its line."""
    return await update_with(
        Department, clean_department, department_id, changes_of(data), actor_id
    )


# --- Access-list entries -----------------------------------------------------------------


async def clean_access_entry(
    values: dict[str, Any], current: dict[str, Any] | None
) -> dict[str, Any]:
    """An entry's content: existing street and department, category, legal basis, validity.

    Content can change only while the entry is proposed: once decided, what was approved
    (or rejected, or revoked) stays on the record.
    """
    if current is not None and current["status"] != AccessStatus.proposed:
        raise Conflict(
            f"this entry is {current['status']}: only proposed entries can be edited",
            field="status",
        )
    valid_from = values.get("valid_from")
    valid_to = values.get("valid_to")
    if not isinstance(valid_from, dt.date):
        raise ValidationFailed("valid_from is required", field="valid_from")
    if valid_to is not None and valid_to < valid_from:
        raise ValidationFailed(
            f"valid_to ({valid_to}) may not be before valid_from ({valid_from})", field="valid_to"
        )
    cleaned = {
        "street": (await get_row(Street, values.get("street"), field="street"))["id"],
        "name": check_text(values.get("name"), "name", 200),
        "department": (await get_row(Department, values.get("department"), field="department"))[
            "id"
        ],
        "category": check_choice(values.get("category"), WorkCategory, "category"),
        "legal_basis": check_text(values.get("legal_basis"), "legal_basis"),
        "valid_from": valid_from,
        "valid_to": valid_to,
    }
    if current is None:
        cleaned["status"] = AccessStatus.proposed
    return cleaned


async def propose_access_entry(
    data: AccessListEntryCreate, actor_id: int | None = None
) -> dict[str, Any]:
    """Put a work item on the street's access list as proposed (awaiting a decision)."""
    return await create_with(AccessListEntry, clean_access_entry, changes_of(data), actor_id)


async def update_access_entry(
    entry_id: int, data: AccessListEntryUpdate, actor_id: int | None = None
) -> dict[str, Any]:
    """Change a proposed entry's content (Conflict once it has been decided)."""
    return await update_with(
        AccessListEntry, clean_access_entry, entry_id, changes_of(data), actor_id
    )


async def approve_access_entry(entry_id: int, actor_id: int) -> dict[str, Any]:
    """Approve a proposed entry: from now on its work may be pushed to communities."""
    return await _decide(entry_id, AccessStatus.approved, actor_id)


async def reject_access_entry(entry_id: int, reason: str, actor_id: int) -> dict[str, Any]:
    """Reject a proposed entry, saying why."""
    return await _decide(entry_id, AccessStatus.rejected, actor_id, check_text(reason, "reason"))


async def revoke_access_entry(entry_id: int, reason: str, actor_id: int) -> dict[str, Any]:
    """Revoke an approved entry (减负 slimming the burden), saying why; later pushes are refused."""
    return await _decide(entry_id, AccessStatus.revoked, actor_id, check_text(reason, "reason"))


async def decide_access_entry(
    entry_id: int, to_status: str, actor_id: int | None, reason: str = ""
) -> dict[str, Any]:
    """Approve, reject or revoke an entry: one entry point for the admin and the API."""
    if to_status == AccessStatus.approved:
        return await _decide(entry_id, AccessStatus.approved, actor_id)
    if to_status in (AccessStatus.rejected, AccessStatus.revoked):
        return await _decide(entry_id, to_status, actor_id, check_text(reason, "decision_reason"))
    raise InvalidTransition(
        f"an access-list entry cannot be set to {to_status!r} by a decision", field="status"
    )


async def _decide(
    entry_id: int, to_status: str, actor_id: int | None, reason: str = ""
) -> dict[str, Any]:
    """Move an entry along ACCESS_DECISIONS, recording who decided, when and why."""
    if actor_id is None:
        raise ValidationFailed("a decision must name the user who takes it", field="decided_by")
    async with write_transaction(actor_id):
        entry = await get_row_for_update(AccessListEntry, entry_id)
        if to_status not in ACCESS_DECISIONS[entry["status"]]:
            raise InvalidTransition(
                f"an access-list entry that is {entry['status']} cannot become {to_status}",
                field="status",
            )
        return await update_row(
            AccessListEntry,
            entry_id,
            {
                "status": to_status,
                "decided_by": actor_id,
                "decided_at": utc_now(),
                "decision_reason": reason,
            },
        )


# --- The push rule -----------------------------------------------------------------------


def access_refusal_reason(entry: dict[str, Any], street_id: int, on: dt.date) -> str | None:
    """Why `entry` does not let work into `street_id` on `on`, or None when it does."""
    label = f"access-list entry {entry['id']} ({entry['name']})"
    if entry["street"] != street_id:
        return f"{label} belongs to another street's access list"
    if entry["status"] != AccessStatus.approved:
        return f"{label} is {entry['status']}, not approved"
    if entry["valid_from"] > on:
        return f"{label} is not valid before {entry['valid_from']}"
    if entry["valid_to"] is not None and entry["valid_to"] < on:
        return f"{label} expired on {entry['valid_to']}"
    return None


async def check_access(entry_id: int | None, street_id: int, on: dt.date) -> dict[str, Any]:
    """The approved entry letting work into the street on `on`, or AccessRefused saying why.

    The entry is read FOR SHARE: inside a transaction, a concurrent revoke waits until the
    push that relied on the entry has finished.
    """
    if entry_id is None:
        raise AccessRefused(
            "no access-list entry given: only work on the street's access list (准入清单) "
            "may be pushed to communities",
            field="access_entry",
        )
    entry = await find_row_locked(AccessListEntry, entry_id, "SHARE")
    if entry is None:
        raise AccessRefused(f"access-list entry {entry_id} does not exist", field="access_entry")
    reason = access_refusal_reason(entry, street_id, on)
    if reason is not None:
        raise AccessRefused(reason, field="access_entry")
    return entry


async def active_entries(street_id: int, on: dt.date) -> list[dict[str, Any]]:
    """The street's entries that let work in on `on` (approved and valid that day), by name."""
    rows = await (
        AccessListEntry.select()
        .where(AccessListEntry.street == street_id)
        .order_by(AccessListEntry.name)
        .order_by(AccessListEntry._meta.primary_key)
        .run()
    )
    return [row for row in rows if access_refusal_reason(row, street_id, on) is None]
