"""What the phone sends to /m/api/, decoded with refusals in Chinese naming the field."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, TypeVar

import msgspec

from app.errors import ValidationFailed
from app.field.messages import FIELD_NAMES

T = TypeVar("T")


class LoginBody(msgspec.Struct, kw_only=True):
    username: str = ""
    password: str = ""
    mfa_code: str | None = None


class CheckInBody(msgspec.Struct, kw_only=True):
    grid: int
    latitude: float
    longitude: float
    accuracy: float | None = None
    device_time: dt.datetime | None = None
    photo: str = ""
    note: str = ""


class PatrolStart(msgspec.Struct, kw_only=True):
    grid: int
    started_at: dt.datetime


class PatrolPointIn(msgspec.Struct, kw_only=True):
    latitude: float
    longitude: float
    accuracy: float | None = None
    at: dt.datetime


class PatrolPoints(msgspec.Struct, kw_only=True):
    points: list[PatrolPointIn]


class PatrolStop(msgspec.Struct, kw_only=True):
    ended_at: dt.datetime


class ReportBody(msgspec.Struct, kw_only=True):
    grid: int
    category: int
    description: str
    latitude: float
    longitude: float
    accuracy: float | None = None
    title: str = ""
    photos: list[str] = msgspec.field(default_factory=list)


class ContactChange(msgspec.Struct, kw_only=True):
    resident: int
    phone: str


class ToWorkItem(msgspec.Struct, kw_only=True):
    category: int
    title: str


class VisitBody(msgspec.Struct, kw_only=True):
    household: int
    content: str
    met: str = ""
    care_tags_confirmed: list[str] = msgspec.field(default_factory=list)
    contact_changes: list[ContactChange] = msgspec.field(default_factory=list)
    to_work_item: ToWorkItem | None = None


class TransitionBody(msgspec.Struct, kw_only=True):
    to: str
    note: str = ""
    photos: list[str] = msgspec.field(default_factory=list)


class ReviewBody(msgspec.Struct, kw_only=True):
    mark: str
    comment: str = ""


_PATH = re.compile(r"at `\$\.?(?P<path>[^`]*)`")
_MISSING = re.compile(r"missing required field `(?P<name>[^`]+)`")
_EXPECTED = [
    ("`float`", "必须是数字"),
    ("`int`", "必须是整数"),
    ("`str`", "必须是文字"),
    ("`array`", "必须是列表"),
    ("`object`", "格式不对"),
    ("`bool`", "必须是 true 或 false"),
    ("datetime", "必须是带时区的时间，如 2026-12-06T09:00:00+08:00"),
    ("RFC3339", "必须是带时区的时间，如 2026-12-06T09:00:00+08:00"),
    ("timezone", "必须是带时区的时间，如 2026-12-06T09:00:00+08:00"),
]


def decode(raw: bytes, into: type[T]) -> T:
    """`raw` JSON as `into`, or ValidationFailed in Chinese naming the first wrong field."""
    try:
        return msgspec.json.decode(raw or b"{}", type=into)
    except msgspec.ValidationError as exc:
        raise _refusal(str(exc)) from exc
    except msgspec.DecodeError as exc:
        raise ValidationFailed("提交的内容不是有效的 JSON") from exc


def _refusal(message: str) -> ValidationFailed:
    """msgspec's English message (`Expected `float`, got `str` - at `$.latitude``) in Chinese,
    with the field as its path (`latitude`, `points[3].at`)."""
    match = _PATH.search(message)
    path = match.group("path") if match else ""
    if missing := _MISSING.search(message):
        name = missing.group("name")
        return ValidationFailed(
            f"缺少{FIELD_NAMES.get(name, name)}", field=f"{path}.{name}" if path else name
        )
    leaf = re.sub(r"\[\d+\]", "", path.rsplit(".", 1)[-1])
    words = next((zh for needle, zh in _EXPECTED if needle in message), "格式不对")
    return ValidationFailed(
        f"{FIELD_NAMES.get(leaf, leaf or '提交的内容')}{words}", field=path or None
    )


def to_plain(value: Any) -> Any:
    """Rows and structs as JSON-ready builtins (times as ISO 8601)."""
    return msgspec.to_builtins(value)
