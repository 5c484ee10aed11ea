"""GeoReport v2 resources as they leave the server (JSON and XML share these shapes).

Field names and order are the spec's. Times are ISO 8601 strings with the local offset;
request ids are strings: "W<id>" for work items, "S<id>" for supervision records.
"""

from __future__ import annotations

import msgspec


class Endpoint(msgspec.Struct, kw_only=True):
    specification: str
    url: str
    changeset: str
    type: str
    formats: list[str]


class Discovery(msgspec.Struct, kw_only=True):
    changeset: str
    contact: str
    key_service: str
    endpoints: list[Endpoint]


class Service(msgspec.Struct, kw_only=True):
    service_code: str
    service_name: str
    description: str
    metadata: bool
    type: str
    keywords: str
    group: str


class AttributeValue(msgspec.Struct, kw_only=True):
    key: str
    name: str


class Attribute(msgspec.Struct, kw_only=True):
    variable: bool
    code: str
    datatype: str
    required: bool
    datatype_description: str | None
    order: int
    description: str
    values: list[AttributeValue]


class ServiceDefinition(msgspec.Struct, kw_only=True):
    service_code: str
    attributes: list[Attribute]


class RequestCreated(msgspec.Struct, kw_only=True):
    service_request_id: str
    service_notice: str
    account_id: str | None


class RequestToken(msgspec.Struct, kw_only=True):
    service_request_id: str
    token: str


class ServiceRequest(msgspec.Struct, kw_only=True):
    """One service request as the public sees it: no reporter, no personal data."""

    service_request_id: str
    status: str  # open | closed
    status_notes: str
    service_name: str
    service_code: str
    description: str
    agency_responsible: str
    service_notice: str
    requested_datetime: str
    updated_datetime: str
    expected_datetime: str | None
    address: str
    address_id: str | None
    zipcode: str | None
    lat: float | None
    long: float | None
    media_url: str | None
    # Extension: each stage's deadline in working time and whether it was met (never who).
    stage_deadlines: list[StageDeadline] = msgspec.field(default_factory=list)


class StageDeadline(msgspec.Struct, kw_only=True):
    """One stage of a work item as the public sees it (时限公开)."""

    stage: str  # accept | dispatch | handle | verify
    due_datetime: str | None
    finished_datetime: str | None
    met: bool | None  # null while the stage is open or has no time limit


class Error(msgspec.Struct, kw_only=True):
    code: int
    description: str
