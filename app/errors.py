"""Domain errors and their one mapping to RFC 9457 problem details.

Services raise `DomainError` subclasses naming the offending field; database constraint
violations that slip past a service check are translated here too, so a client never sees
a 500 for input it can send.
"""

from __future__ import annotations

import re
from typing import Any

import asyncpg

from app.record_names import column_of_constraint, column_words, table_words

PROBLEM_BASE = "https://peoples-grid.example/problems/"


class DomainError(Exception):
    """A rule of the domain refused the request; nothing was written."""

    status = 400
    code = "invalid"
    title = "Invalid request"
    # Seconds after which the same request may succeed (sent as Retry-After), if it may.
    retry_after: int | None = None

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

    def headers(self) -> dict[str, str]:
        """HTTP headers of the answer: Retry-After when retrying can succeed."""
        return {"Retry-After": str(self.retry_after)} if self.retry_after is not None else {}


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


class RetryLater(Conflict):
    """A concurrent request held or changed the same rows (serialization failure, deadlock,
    lock not available): nothing was written, and the same request can succeed again."""

    code = "concurrent-change"
    title = "Changed by a concurrent request: retry"
    retry_after = 1


class InvalidTransition(Conflict):
    code = "invalid-transition"
    title = "Status change not allowed"


class Unauthorised(DomainError):
    """No login where one is needed, asked by a script (pages send people to the login)."""

    status = 401
    code = "unauthorised"
    title = "Login required"


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
# Deleting a row that others point at: 23001 or 23503 ("still referenced"), by PG version.
_STILL_REFERENCED = re.compile(r"is (still )?referenced from table \"(?P<t>\w+)\"")

# Lock and serialization failures: the request lost a race, retrying it can succeed.
_RETRYABLE: dict[type[Exception], str] = {
    asyncpg.SerializationError: (
        "另一项操作同时修改了相同的记录，本次未保存，请重试 "
        "A concurrent request changed the same records; nothing was saved: retry"
    ),
    asyncpg.DeadlockDetectedError: (
        "与另一项操作互相等待（死锁），本次已取消，请重试 "
        "Deadlocked with a concurrent request and cancelled; nothing was saved: retry"
    ),
    asyncpg.LockNotAvailableError: (
        "这条记录正被另一项操作修改，请稍后重试 "
        "The record is being changed by another request: retry in a moment"
    ),
}


def from_database_error(exc: Exception) -> DomainError | None:
    """Translate an error raised by PostgreSQL into a domain error, naming the field in words.

    The one mapping for the API, Open311 and the admin: every integrity constraint violation
    (class 23) and the lock and serialization failures (40001, 40P01, 55P03); None for the
    rest (a bug or an outage, not the client's doing).
    """
    detail = getattr(exc, "detail", "") or ""
    constraint = getattr(exc, "constraint_name", None) or ""
    table = getattr(exc, "table_name", None) or ""
    column = getattr(exc, "column_name", None)
    for error_class, message in _RETRYABLE.items():
        if isinstance(exc, error_class):
            return RetryLater(message)
    if isinstance(exc, asyncpg.UniqueViolationError):
        match = _UNIQUE_KEY.search(detail)
        field = match.group("cols").split(",")[0].strip() if match else None
        return Conflict(
            f"{_named(table, field)}已有相同的记录 A record with this value already exists "
            f"({detail})".strip(),
            field=field,
        )
    if isinstance(exc, (asyncpg.ForeignKeyViolationError, asyncpg.RestrictViolationError)):
        if match := _FK_KEY.search(detail):
            field = match.group("cols")
            return ValidationFailed(
                f"{_named(table, field)}{field} refers to a {match.group('t')} that does not exist",
                field=field,
            )
        referenced = _STILL_REFERENCED.search(detail)
        if referenced or isinstance(exc, asyncpg.RestrictViolationError):
            dependent = table or (referenced.group("t") if referenced else "")
            return still_used(dependent, column_of_constraint(dependent, constraint))
        return ValidationFailed(detail or "Refers to a record that does not exist")
    if isinstance(exc, asyncpg.ExclusionViolationError):
        field = _EXCLUSION_FIELDS.get(constraint) or column_of_constraint(table, constraint)
        return Conflict(
            f"{_named(table, field)}与已有记录重叠 Overlaps an existing record ({constraint})",
            field=field,
        )
    if isinstance(exc, asyncpg.CheckViolationError):
        field = column or _field_of(constraint) or column_of_constraint(table, constraint)
        message = str(exc) if column else f"Check {constraint!r} failed: {detail or exc}"
        return ValidationFailed(f"{_named(table, field)}{message}", field=field)
    if isinstance(exc, asyncpg.NotNullViolationError):
        return ValidationFailed(f"{_named(table, column)}必填 {column} is required", field=column)
    if isinstance(exc, asyncpg.IntegrityConstraintViolationError):
        # 23000 and any class-23 code PostgreSQL adds later: the data as it stands refuses it.
        field = column or column_of_constraint(table, constraint)
        return Conflict(
            f"{_named(table, field)}与已有数据冲突 Conflicts with existing data: {exc}", field=field
        )
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


def still_used(dependent_table: str, column: str | None, count: int | None = None) -> Conflict:
    """The row cannot be deleted: `count` rows of `dependent_table` still point at it through
    `column` (ON DELETE RESTRICT). Names the dependents and the column, in words."""
    dependents = table_words(dependent_table)
    pointing = f"（{column_words(dependent_table, column)}）" if column else ""
    zh_count, en_count = (f" {count} 条", f"{count} ") if count else ("", "")
    return Conflict(
        f"还有{zh_count}{dependents.zh}{pointing}引用这条记录，请先删除或移走它们 "
        f"Still used by {en_count}{dependents.en} record(s): remove or move them first",
        field=f"{dependent_table}.{column}" if column else dependent_table,
        dependent={"table": dependent_table, "column": column, "count": count},
    )


def _named(table: str, column: str | None) -> str:
    """The column in words and a colon ("楼栋编码 Building code: "), to start a message with."""
    if not table or not column:
        return ""
    return f"{column_words(table, column)}: "


_EXCLUSION_FIELDS = {"leave_no_overlap": "starts_on"}


def _field_of(constraint: str) -> str | None:
    """Best-effort field name from constraint names like `street_code_format`."""
    for suffix in ("_format", "_check"):
        if constraint.endswith(suffix):
            return constraint[: -len(suffix)].split("_", 1)[-1] or None
    return None
