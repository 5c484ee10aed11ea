"""Reading what GeoReport v2 clients send: the POST form and the GET filters.

Everything a client sends is checked here before the database is touched: a bad value is a
ValidationFailed naming the parameter (answered 400), never a 500.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

from app.clock import utc_now
from app.errors import ValidationFailed
from app.geo import check_point
from app.settings import settings
from app.validation import read_contact_phone

# The spec's defaults for GET requests: a 90-day window, at most 1000 requests.
DEFAULT_WINDOW = dt.timedelta(days=90)
MAX_REQUESTS = 1000
MAX_FORM_FIELDS = 200
DESCRIPTION_MAX = 4000  # the spec's limit for description

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CONTROL_SINGLE_LINE = re.compile(r"[\x00-\x1f\x7f]")
_ATTRIBUTE = re.compile(r"attribute\[(?P<code>[^\[\]]{1,64})\](?P<many>\[\])?")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_REQUEST_ID = re.compile(r"(?P<kind>[WS])(?P<id>[1-9][0-9]{0,9})")

SCALAR_FIELDS = (
    "api_key",
    "jurisdiction_id",
    "service_code",
    "lat",
    "long",
    "address_string",
    "address_id",
    "email",
    "device_id",
    "account_id",
    "first_name",
    "last_name",
    "phone",
    "description",
    "media_url",
)


def check_text(value: str | None, field: str, max_length: int, multiline: bool = False) -> str:
    """Stripped text of at most `max_length` characters without control characters."""
    text = (value or "").strip()
    if len(text) > max_length:
        raise ValidationFailed(
            f"{field} is {len(text)} characters long; at most {max_length} are allowed",
            field=field,
        )
    if (_CONTROL if multiline else _CONTROL_SINGLE_LINE).search(text):
        raise ValidationFailed(f"{field} contains control characters", field=field)
    return text


def parse_form(body: bytes) -> list[tuple[str, str]]:
    """The pairs of an application/x-www-form-urlencoded body (UTF-8, at most 200 fields)."""
    try:
        text = body.decode("utf-8")
        return parse_qsl(
            text,
            keep_blank_values=True,
            encoding="utf-8",
            errors="strict",
            max_num_fields=MAX_FORM_FIELDS,
        )
    except UnicodeDecodeError as exc:
        raise ValidationFailed("the form is not valid UTF-8", field="body") from exc
    except ValueError as exc:
        raise ValidationFailed(
            f"the form has too many fields (at most {MAX_FORM_FIELDS})", field="body"
        ) from exc


@dataclass
class ReportForm:
    """A POST Service Request, checked field by field (attributes are checked per service)."""

    api_key: str
    jurisdiction_id: str
    service_code: str
    point: tuple[float, float] | None  # (longitude, latitude)
    address_string: str
    address_id: str
    email: str
    device_id: str
    account_id: str
    first_name: str
    last_name: str
    phone: str
    # False when the phone as typed does not read as a phone number (kept, flagged for staff).
    phone_verified: bool
    description: str
    media_url: str
    attributes: dict[str, list[str]] = field(default_factory=dict)

    @property
    def reporter_name(self) -> str:
        """Family name first, as Chinese names are written; Latin names as given."""
        if not self.first_name or not self.last_name:
            return self.last_name or self.first_name
        if self.last_name.isascii() and self.first_name.isascii():
            return f"{self.first_name} {self.last_name}"
        return self.last_name + self.first_name

    @property
    def reporter_contact(self) -> str:
        """The phone when it reads as one, else the e-mail, else the phone as typed."""
        if self.phone_verified and self.phone:
            return self.phone
        return self.email or self.phone

    @property
    def contact_unverified(self) -> bool:
        """The contact kept is the phone as typed, not a number staff can trust to call."""
        return not self.phone_verified and not self.email


def read_report(pairs: Iterable[tuple[str, str]]) -> ReportForm:
    """A ReportForm from the form's pairs: one value per field, attribute[CODE] lists apart."""
    values: dict[str, str] = {}
    attributes: dict[str, list[str]] = {}
    for name, value in pairs:
        if match := _ATTRIBUTE.fullmatch(name):
            attributes.setdefault(match["code"], []).append(value)
        elif name in SCALAR_FIELDS:
            if name in values:
                raise ValidationFailed(f"{name} was given more than once", field=name)
            values[name] = value
    service_code = check_text(values.get("service_code"), "service_code", 64)
    phone, phone_verified = read_contact_phone(check_text(values.get("phone"), "phone", 30))
    if not service_code:
        raise ValidationFailed("service_code was not provided", field="service_code")
    return ReportForm(
        api_key=values.get("api_key", ""),
        jurisdiction_id=check_text(values.get("jurisdiction_id"), "jurisdiction_id", 32),
        service_code=service_code,
        point=_point(values.get("lat"), values.get("long")),
        address_string=check_text(values.get("address_string"), "address_string", 250),
        address_id=check_text(values.get("address_id"), "address_id", 32),
        email=_email(values.get("email")),
        device_id=check_text(values.get("device_id"), "device_id", 100),
        account_id=check_text(values.get("account_id"), "account_id", 100),
        first_name=check_text(values.get("first_name"), "first_name", 24),
        last_name=check_text(values.get("last_name"), "last_name", 24),
        phone=phone,
        phone_verified=phone_verified,
        description=check_text(
            values.get("description"), "description", DESCRIPTION_MAX, multiline=True
        ),
        media_url=_url(values.get("media_url")),
        attributes=attributes,
    )


def _point(lat: str | None, long: str | None) -> tuple[float, float] | None:
    lat, long = (lat or "").strip(), (long or "").strip()
    if not lat and not long:
        return None
    if not lat or not long:
        missing = "long" if lat else "lat"
        raise ValidationFailed(f"{missing} is missing: send lat and long together", field=missing)
    numbers = []
    for name, text in (("lat", lat), ("long", long)):
        try:
            number = float(text) if len(text) <= 32 else math.nan
        except ValueError:
            number = math.nan
        if not math.isfinite(number):
            raise ValidationFailed(f"{name} must be a number in decimal degrees", field=name)
        numbers.append(number)
    latitude, longitude = numbers
    check_point(longitude, latitude, field="lat" if not -90 <= latitude <= 90 else "long")
    return longitude, latitude


def _email(value: str | None) -> str:
    email = check_text(value, "email", 50)
    if email and not _EMAIL.fullmatch(email):
        raise ValidationFailed(f"email {email!r} is not an e-mail address", field="email")
    return email


def _url(value: str | None) -> str:
    url = check_text(value, "media_url", 500)
    if url and not url.lower().startswith(("http://", "https://")):
        raise ValidationFailed("media_url must be an http(s) URL", field="media_url")
    return url


# --- GET Service Requests ----------------------------------------------------------------


def parse_request_id(text: str) -> tuple[str, int] | None:
    """("W", 12) for "W12" (a work item), ("S", 4) for "S4" (a supervision record), else None."""
    match = _REQUEST_ID.fullmatch(text.strip())
    return (match["kind"], int(match["id"])) if match else None


def parse_datetime(value: str, field: str) -> dt.datetime:
    """An ISO 8601 / W3C date-time (a date alone means its local midnight)."""
    text = check_text(value, field, 40)
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError as exc:
        raise ValidationFailed(
            f"{field} {text!r} is not a W3C date-time such as 2026-11-23T08:30:00+08:00",
            field=field,
        ) from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=settings.timezone)
    return moment


@dataclass
class RequestQuery:
    """Filters of GET Service Requests, with the spec's defaults applied."""

    ids: list[tuple[str, int]] | None = None  # when given, every other filter is ignored
    service_codes: list[str] | None = None
    start: dt.datetime | None = None
    end: dt.datetime | None = None
    statuses: frozenset[str] = frozenset({"open", "closed"})
    limit: int = MAX_REQUESTS


def _comma_list(value: str | None, field: str) -> list[str] | None:
    if value is None:
        return None
    items = [item.strip() for item in check_text(value, field, 20_000).split(",")]
    items = [item for item in items if item]
    if len(items) > MAX_REQUESTS:
        raise ValidationFailed(f"{field} lists more than {MAX_REQUESTS} values", field=field)
    # An empty value ("service_code=", as HTML forms send it) means "not given", not "none".
    return items or None


def read_request_query(params: dict[str, str | None]) -> RequestQuery:
    """Filters from the query string: ids, service codes, a date window, open/closed."""
    ids = _comma_list(params.get("service_request_id"), "service_request_id")
    if ids:
        parsed = [parse_request_id(item) for item in ids]
        wrong = [item for item, key in zip(ids, parsed, strict=True) if key is None]
        if wrong:
            raise ValidationFailed(
                f"service_request_id {wrong[0]!r} is not a request id such as W12 or S4",
                field="service_request_id",
            )
        return RequestQuery(ids=[key for key in parsed if key is not None])
    query = RequestQuery(service_codes=_comma_list(params.get("service_code"), "service_code"))
    statuses = _comma_list(params.get("status"), "status")
    if statuses:
        unknown = sorted(set(statuses) - {"open", "closed"})
        if unknown:
            raise ValidationFailed(f"status {unknown[0]!r} is not open or closed", field="status")
        query.statuses = frozenset(statuses)
    start_text, end_text = params.get("start_date"), params.get("end_date")
    start = parse_datetime(start_text, "start_date") if start_text else None
    end = parse_datetime(end_text, "end_date") if end_text else None
    try:
        if start is None and end is None:
            end = utc_now()
            start = end - DEFAULT_WINDOW
        elif start is None:
            assert end is not None
            start = end - DEFAULT_WINDOW
        elif end is None:
            end = start + DEFAULT_WINDOW
    except OverflowError as exc:
        raise ValidationFailed(
            "start_date or end_date is too far from today", field="start_date"
        ) from exc
    if start > end:
        raise ValidationFailed("start_date is after end_date", field="start_date")
    query.start, query.end = start, end
    return query
