"""Domain errors and their one mapping to RFC 9457 problem details.

Services raise `DomainError` subclasses naming the offending field; database constraint
violations that slip past a service check are translated here too, so a client never sees
a 500 for input it can send.
"""

from __future__ import annotations

import re
from typing import Any

import asyncpg

PROBLEM_BASE = "https://peoples-grid.example/problems/"


class DomainError(Exception):
    """A rule of the domain refused the request; nothing was written."""

    status = 400
    code = "invalid"
    title = "Invalid request"

    def __init__(self, detail: str, field: str | None = None, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.field = field
        self.extra = extra

    def to_problem(self, instance: str | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {
            "type": PROBLEM_BASE + self.code,
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
        }
        if self.field:
            body["field"] = self.field
            body["errors"] = [{"field": self.field, "message": self.detail}]
        if instance:
            body["instance"] = instance
        body.update(self.extra)
        return body


class ValidationFailed(DomainError):
    status = 422
    code = "validation-failed"
    title = "A field is not valid"


class NotFound(DomainError):
    status = 404
    code = "not-found"
    title = "Not found"


class Conflict(DomainError):
    status = 409
    code = "conflict"
    title = "Conflicts with existing data"


class InvalidTransition(Conflict):
    code = "invalid-transition"
    title = "Status change not allowed"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"
    title = "Not allowed for your role or scope"


class AccessRefused(Forbidden):
    """Work pushed to a community without an approved access-list entry (准入)."""

    code = "access-refused"
    title = "Work item refused by the access list (准入清单)"


_UNIQUE_KEY = re.compile(r"Key \((?P<cols>[^)]+)\)=\((?P<vals>.*)\) already exists")
_FK_KEY = re.compile(
    r"Key \((?P<cols>[^)]+)\)=\((?P<vals>.*)\) is not present in table \"(?P<t>\w+)\""
)
_RESTRICT = re.compile(r"is still referenced from table \"(?P<t>\w+)\"")


def from_database_error(exc: Exception) -> DomainError | None:
    """Translate a constraint violation raised by PostgreSQL into a domain error."""
    detail = getattr(exc, "detail", "") or ""
    constraint = getattr(exc, "constraint_name", None) or ""
    column = getattr(exc, "column_name", None)
    if isinstance(exc, asyncpg.UniqueViolationError):
        match = _UNIQUE_KEY.search(detail)
        field = match.group("cols").split(",")[0].strip() if match else None
        return Conflict(f"A record with this value already exists ({detail})".strip(), field=field)
    if isinstance(exc, asyncpg.ForeignKeyViolationError):
        if match := _FK_KEY.search(detail):
            field = match.group("cols")
            return ValidationFailed(
                f"{field} refers to a {match.group('t')} that does not exist", field=field
            )
        if match := _RESTRICT.search(detail):
            return Conflict(f"Still used by {match.group('t')}: remove those records first")
        return ValidationFailed(detail or "Refers to a record that does not exist")
    if isinstance(exc, asyncpg.ExclusionViolationError):
        return Conflict(
            f"Overlaps an existing record ({constraint})", field=_EXCLUSION_FIELDS.get(constraint)
        )
    if isinstance(exc, asyncpg.CheckViolationError):
        message = str(exc) if column else f"Check {constraint!r} failed: {detail or exc}"
        return ValidationFailed(message, field=column or _field_of(constraint))
    if isinstance(exc, asyncpg.NotNullViolationError):
        return ValidationFailed(f"{column} is required", field=column)
    if isinstance(exc, asyncpg.StringDataRightTruncationError):
        return ValidationFailed(f"A value is too long: {exc}")
    if isinstance(exc, asyncpg.InsufficientPrivilegeError):
        return Forbidden("This record is outside your scope or your role may not change it")
    if isinstance(exc, (asyncpg.DataError, asyncpg.InvalidTextRepresentationError)):
        return ValidationFailed(f"A value has the wrong format: {exc}")
    if isinstance(exc, asyncpg.RaiseError):
        # Raised by our own triggers: the message is written for people.
        return ValidationFailed(str(exc), field=column or _field_of(constraint))
    return None


_EXCLUSION_FIELDS = {"leave_no_overlap": "starts_on"}


def _field_of(constraint: str) -> str | None:
    """Best-effort field name from constraint names like `street_code_format`."""
    for suffix in ("_format", "_check"):
        if constraint.endswith(suffix):
            return constraint[: -len(suffix)].split("_", 1)[-1] or None
    return None
