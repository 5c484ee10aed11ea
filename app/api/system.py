"""Reminders to staff, the audit log, and the API tokens themselves."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import msgspec
from litestar import post

from app.api.auth import Caller
from app.api.pagination import VALUE, Filter, by_code, date_range, equals
from app.api.resources import Resource, action_options, superusers_only
from app.api.tokens import (
    ApiTokenCreate,
    ApiTokenCreated,
    ApiTokenOut,
    create_token,
    require_token_manager,
    revoke_token,
)
from app.errors import Forbidden
from app.jobs.reminders import mark_reminder_read
from app.jobs.schemas import Reminder
from app.scope import scoped_transaction
from tables.choices import AuditAction, ReminderStatus
from tables.system import AuditLog
from tables.system import Reminder as ReminderTable
from tables.tokens import ApiToken, TokenScope

Row = dict[str, Any]


class AuditEntry(msgspec.Struct, kw_only=True):
    """One write: who (user id), which row, the row before and after."""

    id: int
    actor_id: int | None
    table_name: str
    row_id: int | None
    action: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    at: dt.datetime


def _audit_entry(row: Row) -> AuditEntry:
    values = {
        **row,
        **{k: json.loads(row[k]) for k in ("before", "after") if isinstance(row[k], str)},
    }
    return msgspec.convert(values, AuditEntry, strict=False)


REMINDERS = Resource(
    path="reminders",
    table=ReminderTable,
    output=Reminder,
    noun="reminder",
    sort=("created_at", "date", "id"),
    default_sort="-created_at",
    filters=[
        equals("staff", int, "staff member id"),
        equals("status", ReminderStatus, "pending, sent, failed or read"),
        *date_range("date", dt.date),
    ],
    description="提醒 In-app notices to staff (check-in reminders, overdue work, follow-ups).",
)

AUDIT_LOG = Resource(
    path="audit-log",
    table=AuditLog,
    output=AuditEntry,
    noun="audit log entry",
    sort=("at", "id"),
    default_sort="-at",
    filters=[
        equals("table_name", str, "table written, e.g. work_item"),
        equals("row_id", int, "id of the row written (with table_name)"),
        equals("actor_id", int, "user id of who wrote"),
        equals("action", AuditAction, "INSERT, UPDATE or DELETE"),
        *date_range("at"),
    ],
    to_output=_audit_entry,
    guard=superusers_only,
    description="审计日志 Every write with its actor, before and after: superusers only.",
)


def token_managers_only(caller: Caller) -> None:
    """Tokens are managed by logged-in superusers and street officials, never by a token."""
    if caller.via == "token":
        raise Forbidden("API tokens are managed by logged-in staff, not through a token")
    require_token_manager(caller.scope)


TOKENS = Resource(
    path="tokens",
    table=ApiToken,
    output=ApiTokenOut,
    noun="API token",
    sort=("created_at", "expires_at", "last_used_at", "name", "id"),
    default_sort="-created_at",
    filters=[
        equals("scope", TokenScope, "street or community"),
        by_code("street", "street"),
        by_code("community", "community"),
        Filter(
            "usable",
            bool,
            f"(revoked_at IS NULL AND expires_at > now()) = {VALUE}",
            "neither revoked nor expired",
        ),
    ],
    guard=token_managers_only,
    description=(
        "API 令牌 Tokens for integrators, managed by superusers and street officials (for their"
        " own street and its communities) with their admin session. The token is shown once,"
        " when it is created; only its hash is stored."
    ),
)


async def _read_reminder(id: int, data: None, caller: Caller) -> Row:
    """Mark one of the caller's own notices as read (staff logins only)."""
    staff_id = caller.scope.staff_id
    if staff_id is None:
        raise Forbidden("only a staff member's own login marks their notices read", field="id")
    return await mark_reminder_read(id, staff_id, caller.actor_id)


async def _revoke_token(id: int, data: None, caller: Caller) -> Row:
    """The token stops working at once; it stays on record."""
    return await revoke_token(id, caller.scope)


@post("/tokens", **action_options(TOKENS, "Create an API token", "create"))
async def new_token(caller: Caller, data: ApiTokenCreate) -> ApiTokenCreated:
    """The response carries `token` once: store it, it cannot be shown again."""
    TOKENS.check_caller(caller)
    async with scoped_transaction(caller.scope):
        row = await create_token(data, caller.scope)
    return msgspec.convert(row, ApiTokenCreated, strict=False)


REMINDERS.extra = [REMINDERS.action("read", "Mark a reminder read", _read_reminder)]
TOKENS.extra = [new_token, TOKENS.action("revoke", "Revoke an API token", _revoke_token)]

RESOURCES = [REMINDERS, AUDIT_LOG, TOKENS]
