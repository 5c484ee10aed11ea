"""Open311 GeoReport v2 mapped onto the domain.

- a jurisdiction is a street (jurisdiction_id = its 9-digit code);
- a service is an approved access-list entry residents may report, or a supervision kind;
- POST requests pushes a hotline WorkItem through app.work (the access rule and its
  AccessRefusal record hold) or raises a SupervisionRecord through app.supervision, in the
  grid found at the reported point, and keeps the report's location in `open311_request`;
- GET requests lists hotline work items and supervision records of the street, public-safe
  fields only (no reporter, no raiser; a supervision record's content only once published).

Reads run in the street's read-only scope (row-level security); writes in the api_key's scope
(a POST switches from the one to the other within its single transaction).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from app.areas.services import find_grid_at
from app.clock import local_today, utc_now
from app.crud import find_row, insert_row
from app.errors import Forbidden, NotFound, ValidationFailed
from app.geo import parse_polygon
from app.open311 import catalogue, schemas
from app.open311.catalogue import REPORTABLE, SUPERVISION_ATTRIBUTES, SUPERVISION_SERVICES
from app.open311.formats import w3c_datetime
from app.open311.params import (
    ReportForm,
    RequestQuery,
    check_text,
    parse_datetime,
    parse_request_id,
)
from app.scope import SUPERUSER_SCOPE, Level, Scope, scoped_transaction, switch_scope
from app.supervision.schemas import SupervisionRecordCreate
from app.supervision.services import raise_supervision
from app.work.schemas import WorkItemCreate
from app.work.services import active_entries, push_work_item
from app.worktime.stages import stages_of
from tables.areas import ResponsibilityGrid, Street
from tables.choices import WorkSource
from tables.open311 import ServiceRequest
from tables.places import Building
from tables.work import AccessListEntry, Department

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-11-23T00:00:00+08:00"  # when this endpoint last changed
FORMATS = ["text/xml", "application/json"]


# --- Jurisdictions and scopes ------------------------------------------------------------


def public_scope(street_id: int) -> Scope:
    """What anyone may read through Open311: one street, read-only, no personal data."""
    return Scope(user_id=None, level=Level.street, street_id=street_id, read_only=True)


async def resolve_jurisdiction(jurisdiction_id: str | None) -> dict[str, Any]:
    """The street a jurisdiction_id names; optional only while the server serves one street."""
    # Street codes are public reference data; the lookup is filtered here by the code.
    async with scoped_transaction(SUPERUSER_SCOPE):
        return await _find_jurisdiction(jurisdiction_id)


# Plain SQL: building a Piccolo select costs more CPU than this lookup (every request).
STREET_BY_CODE = "SELECT id, code, name FROM street WHERE code = {}"
ONLY_STREETS = "SELECT id, code, name FROM street ORDER BY code LIMIT 2"
# Runs one of the statements above (Piccolo's `{}` placeholders) and returns its rows.
Fetch = Callable[..., Awaitable[list[dict[str, Any]]]]


async def _street_rows(sql: str, *args: Any) -> list[dict[str, Any]]:
    return list(await Street.raw(sql, *args).run())


async def _find_jurisdiction(
    jurisdiction_id: str | None, fetch: Fetch = _street_rows
) -> dict[str, Any]:
    """As resolve_jurisdiction, in the current transaction (which must see every street);
    `fetch` runs the lookup (the bench's raw peer sends it on its own connection)."""
    code = check_text(jurisdiction_id, "jurisdiction_id", 32)
    rows = await fetch(STREET_BY_CODE, code) if code else await fetch(ONLY_STREETS)
    if code and not rows:
        raise NotFound(f"jurisdiction_id {code} was not found", field="jurisdiction_id")
    if len(rows) != 1:
        raise ValidationFailed(
            "jurisdiction_id was not provided: give the 9-digit code of the street (街道)",
            field="jurisdiction_id",
        )
    return rows[0]


def check_reach(scope: Scope, street: dict[str, Any]) -> None:
    """An api_key may write, and reaches the jurisdiction's street."""
    if scope.read_only:
        raise Forbidden("this api_key is read-only: POST needs a read-write key", field="api_key")
    if not scope.is_superuser and scope.street_id != street["id"]:
        raise Forbidden(
            f"this api_key is not valid for jurisdiction {street['code']}", field="api_key"
        )


# --- Discovery and services --------------------------------------------------------------


def discovery(base_url: str) -> schemas.Discovery:
    return schemas.Discovery(
        changeset=CHANGESET,
        contact="人民网格 People's Grid: ask the street office (街道办事处) of your jurisdiction",
        key_service="api_key: an API token issued by a street official in the admin (/admin/)"
        " or through /api/v1/tokens; POST requests need a read-write token",
        endpoints=[
            schemas.Endpoint(
                specification=SPECIFICATION,
                url=base_url.rstrip("/") + "/open311/v2",
                changeset=CHANGESET,
                type="production",
                formats=FORMATS,
            )
        ],
    )


async def reportable_entries(street_id: int) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(entry, department) of each entry that lets work in today in a reportable category."""
    entries = [
        e for e in await active_entries(street_id, local_today()) if e["category"] in REPORTABLE
    ]
    departments = await _departments({e["department"] for e in entries})
    return [(e, departments[e["department"]]) for e in entries]


async def _departments(ids: set[int]) -> dict[int, dict[str, Any]]:
    if not ids:
        return {}
    rows = await Department.select().where(Department._meta.primary_key.is_in(list(ids))).run()
    return {row["id"]: row for row in rows}


def _entry_service(entry: dict[str, Any], department: dict[str, Any]) -> schemas.Service:
    category = REPORTABLE[entry["category"]]
    return schemas.Service(
        service_code=catalogue.access_code(entry["id"]),
        service_name=entry["name"],
        description=f"{category.description}。承办部门 Department: {department['name']}。"
        f"依据 Legal basis: {entry['legal_basis']}",
        metadata=bool(category.attributes),
        type="realtime",
        keywords=category.keywords,
        group=department["line"] or department["name"],
    )


def _supervision_service(service: catalogue.SupervisionService) -> schemas.Service:
    return schemas.Service(
        service_code=service.code,
        service_name=service.name,
        description=service.description,
        metadata=True,
        type="realtime",
        keywords=service.keywords,
        group=catalogue.SUPERVISION_GROUP,
    )


async def list_services(street: dict[str, Any]) -> list[schemas.Service]:
    """The street's services: reportable access-list entries, then the supervision kinds."""
    async with scoped_transaction(public_scope(street["id"])):
        entries = await reportable_entries(street["id"])
    return [
        *(_entry_service(entry, department) for entry, department in entries),
        *(_supervision_service(service) for service in SUPERVISION_SERVICES.values()),
    ]


def _attribute(order: int, attribute: catalogue.Attribute) -> schemas.Attribute:
    return schemas.Attribute(
        variable=True,
        code=attribute.code,
        datatype=attribute.datatype,
        required=attribute.required,
        datatype_description=attribute.datatype_description,
        order=order,
        description=attribute.description,
        values=[schemas.AttributeValue(key=k, name=n) for k, n in attribute.values],
    )


async def service_definition(street: dict[str, Any], code: str) -> schemas.ServiceDefinition:
    """The attributes of one of the street's services (NotFound for any other code)."""
    parsed = catalogue.parse_service_code(code)
    attributes: tuple[catalogue.Attribute, ...] | None = None
    if parsed and parsed[0] == "supervision":
        attributes = SUPERVISION_ATTRIBUTES
    elif parsed:
        async with scoped_transaction(public_scope(street["id"])):
            entries = await reportable_entries(street["id"])
        attributes = next(
            (REPORTABLE[e["category"]].attributes for e, _ in entries if e["id"] == parsed[1]),
            None,
        )
    if attributes is None:
        raise NotFound(
            f"service_code {code} is not a service of jurisdiction {street['code']}",
            field="service_code",
        )
    return schemas.ServiceDefinition(
        service_code=code,
        attributes=[_attribute(i, a) for i, a in enumerate(attributes, start=1)],
    )


# --- POST Service Request ----------------------------------------------------------------


def check_attributes(
    attributes: tuple[catalogue.Attribute, ...], given: dict[str, list[str]]
) -> dict[str, Any]:
    """The answers to a service's attributes, normalised; ValidationFailed naming the first wrong one."""
    known = {a.code: a for a in attributes}
    for code in given:
        if code not in known:
            raise ValidationFailed(
                f"attribute[{code}] is not an attribute of this service", field=f"attribute[{code}]"
            )
    answers: dict[str, Any] = {}
    for attribute in attributes:
        name = f"attribute[{attribute.code}]"
        values = [v.strip() for v in given.get(attribute.code, []) if v.strip()]
        if not values:
            if attribute.required:
                raise ValidationFailed(f"{name} is required: {attribute.description}", field=name)
            continue
        if attribute.datatype != "multivaluelist" and len(values) > 1:
            raise ValidationFailed(f"{name} takes one value", field=name)
        answers[attribute.code] = _answer(attribute, name, values)
    return answers


def _answer(attribute: catalogue.Attribute, name: str, values: list[str]) -> Any:
    if attribute.datatype in ("singlevaluelist", "multivaluelist"):
        keys = [key for key, _ in attribute.values]
        for value in values:
            if value not in keys:
                raise ValidationFailed(
                    f"{name} {value[:40]!r} is not one of: {', '.join(keys)}", field=name
                )
        return values if attribute.datatype == "multivaluelist" else values[0]
    value = check_text(values[0], name, attribute.max_length, multiline=True)
    if attribute.datatype == "number":
        try:
            number = float(value) if len(value) <= 32 else float("nan")
        except ValueError:
            number = float("nan")
        if not (abs(number) < 1e9):  # also refuses nan and inf
            raise ValidationFailed(f"{name} must be a number", field=name)
        return int(number) if number.is_integer() else number
    if attribute.datatype == "datetime":
        return w3c_datetime(parse_datetime(value, name))
    return value


def _answer_lines(attributes: tuple[catalogue.Attribute, ...], answers: dict[str, Any]) -> str:
    lines = []
    for attribute in attributes:
        if attribute.code not in answers:
            continue
        value = answers[attribute.code]
        if isinstance(value, list):
            text = "、".join(attribute.label_of(v) for v in value)
        else:
            text = attribute.label_of(str(value))
        lines.append(f"{attribute.description}: {text}")
    return "\n".join(lines)


@dataclass(frozen=True)
class Place:
    community_id: int
    grid_id: int | None  # None: no grid found (a resident's report for staff to place)
    longitude: float | None
    latitude: float | None
    address: str


async def locate(
    form: ReportForm,
    street: dict[str, Any],
    grid_at: Callable[[float, float], Awaitable[dict[str, Any] | None]] = find_grid_at,
) -> Place:
    """Where the report is: the grid at lat/long, else the building or grid of address_id,
    else the building whose address is exactly address_string (`grid_at`: find_grid_at, or
    the bench's raw peer's copy of its query on its own connection)."""
    where = f"jurisdiction {street['code']}"
    if form.point is not None:
        longitude, latitude = form.point
        grid = await grid_at(longitude, latitude)
        if grid is None:
            raise ValidationFailed(
                f"lat/long ({latitude}, {longitude}) lies in no grid of {where}", field="lat"
            )
        return Place(grid["community"], grid["id"], longitude, latitude, form.address_string)
    if form.address_id:
        if place := await _place_of_code(form.address_id, form.address_string):
            return place
        raise ValidationFailed(
            f"address_id {form.address_id} is neither a building code nor a grid code of {where}",
            field="address_id",
        )
    if form.address_string:
        buildings = (
            await Building.select().where(Building.address == form.address_string).limit(2).run()
        )
        if len(buildings) == 1:
            return building_place(buildings[0], form.address_string)
        raise ValidationFailed(
            f"address_string {form.address_string[:80]!r} is not the address of one building of"
            f" {where}: send lat/long or address_id",
            field="address_string",
        )
    raise ValidationFailed(
        "a location is required: lat and long, address_id or address_string", field="lat"
    )


def building_place(building: dict[str, Any], address: str) -> Place:
    return Place(
        building["community"],
        building["grid"],
        building["longitude"],
        building["latitude"],
        address or building["address"],
    )


async def _place_of_code(code: str, address: str) -> Place | None:
    """A building (by its code) or a grid (by its 15-digit code) the scope can see."""
    building = await Building.select().where(Building.code == code).first().run()
    if building is not None:
        return building_place(building, address)
    grid = await ResponsibilityGrid.select().where(ResponsibilityGrid.code == code).first().run()
    if grid is None or grid["boundary"] is None:
        return None
    point = parse_polygon(grid["boundary"]).representative_point()
    return Place(grid["community"], grid["id"], point.x, point.y, address or grid["name"])


async def submit_request(form: ReportForm, scope: Scope) -> schemas.RequestCreated:
    """Create the work item or supervision record a resident reported, in `scope`.

    One transaction, three scopes: the jurisdiction is looked up among all streets; the
    service and the place are read in the street's public scope (so a community key learns
    that a point lies outside its reach, not that it lies nowhere); the write runs in the
    key's scope. A work item goes through push_work_item: an access-list entry that is not
    approved (or not this street's, or expired) is refused with 403 and recorded as an
    AccessRefusal.
    """
    async with scoped_transaction(SUPERUSER_SCOPE):
        street = await _find_jurisdiction(form.jurisdiction_id)
        check_reach(scope, street)
        await switch_scope(public_scope(street["id"]))
        report = await read_report(form, where=f" of jurisdiction {street['code']}")
        place = await locate(form, street)
        if scope.level is Level.community and place.community_id != scope.community_id:
            raise Forbidden("this api_key does not reach the community at this location", "api_key")
        await switch_scope(scope)
        if isinstance(report, WorkReport):
            filed = await push_work_report(form, report, place, street, scope.user_id)
        else:
            filed = await raise_supervision_report(form, report, place, street, scope.user_id)
        return filed.created


@dataclass(frozen=True)
class WorkReport:
    """A report for an access-list entry (which push_work_item will judge)."""

    entry_id: int
    name: str
    category: catalogue.Category | None  # None: the entry is unknown here
    answers: dict[str, Any]

    @property
    def attributes(self) -> tuple[catalogue.Attribute, ...]:
        return self.category.attributes if self.category else ()

    @property
    def title(self) -> str:
        """The entry's name and the answer to a leading list question (问题类型)."""
        lead = self.attributes[:1]
        return (
            self.name
            + "".join(
                f"：{a.label_of(self.answers[a.code])}"
                for a in lead
                if a.datatype == "singlevaluelist" and a.code in self.answers
            )
        )[:200]


@dataclass(frozen=True)
class SupervisionReport:
    kind: str
    answers: dict[str, Any]


@dataclass(frozen=True)
class Filed:
    """What a report became: the answer to the reporter and the open311_request row kept."""

    created: schemas.RequestCreated
    request: dict[str, Any]
    target: dict[str, Any]  # the work item or the supervision record


async def _find_entry(entry_id: int) -> dict[str, Any] | None:
    return await find_row(AccessListEntry, entry_id)


async def read_report(
    form: ReportForm,
    where: str = "",
    find_entry: Callable[[int], Awaitable[dict[str, Any] | None]] = _find_entry,
) -> WorkReport | SupervisionReport:
    """The report `form` makes of its service (NotFound for a code that is no service;
    `where` ends its message, e.g. " of jurisdiction 340705001"; `find_entry` reads the
    access-list entry by id, as crud.find_row does)."""
    parsed = catalogue.parse_service_code(form.service_code)
    if parsed is None:
        raise NotFound(
            f"service_code {form.service_code} is not a service{where}", field="service_code"
        )
    if parsed[0] == "supervision":
        return _supervision_report(form, str(parsed[1]))
    return _work_report(form, int(parsed[1]), await find_entry(int(parsed[1])))


def _work_report(form: ReportForm, entry_id: int, entry: dict[str, Any] | None) -> WorkReport:
    if entry is not None and entry["category"] not in REPORTABLE:
        raise NotFound(
            f"service_code {form.service_code} is not a service residents may report",
            field="service_code",
        )
    # An unknown, foreign or unapproved entry still goes to push_work_item, which refuses it
    # and records the refusal.
    category = REPORTABLE[entry["category"]] if entry else None
    return WorkReport(
        entry_id=entry_id,
        name=entry["name"] if entry else f"市民上报 Resident report ({form.service_code})",
        category=category,
        answers=check_attributes(category.attributes if category else (), form.attributes),
    )


def _supervision_report(form: ReportForm, kind: str) -> SupervisionReport:
    answers = check_attributes(SUPERVISION_ATTRIBUTES, form.attributes)
    if not form.description:
        raise ValidationFailed(
            "description is required: say what you want supervised", field="description"
        )
    return SupervisionReport(kind=kind, answers=answers)


def work_item_of(
    form: ReportForm, report: WorkReport, place: Place, source: str = WorkSource.hotline
) -> WorkItemCreate:
    """The push a work report makes (push_work_item judges it)."""
    category = report.category
    return WorkItemCreate(
        access_entry=report.entry_id,
        community=place.community_id,
        grid=place.grid_id,
        title=report.title,
        description="\n\n".join(
            part
            for part in (form.description, _answer_lines(report.attributes, report.answers))
            if part
        ),
        source=source,
        due_at=utc_now() + category.settle_within if category else None,
    )


def work_created(form: ReportForm, report: WorkReport, item_id: int) -> schemas.RequestCreated:
    return schemas.RequestCreated(
        service_request_id=f"W{item_id}",
        service_notice=report.category.notice if report.category else "",
        account_id=form.account_id or None,
    )


async def push_work_report(
    form: ReportForm,
    report: WorkReport,
    place: Place,
    street: dict[str, Any],
    actor_id: int | None,
    source: str = WorkSource.hotline,
) -> Filed:
    item = await push_work_item(work_item_of(form, report, place, source), actor_id)
    request = await insert_row(
        ServiceRequest, request_row(form, street, place, report.answers, work_item=item["id"])
    )
    return Filed(work_created(form, report, item["id"]), request, item)


def supervision_record_of(
    form: ReportForm, report: SupervisionReport, place: Place
) -> SupervisionRecordCreate:
    """The record a supervision report raises; anonymous when asked or nobody is named."""
    anonymous = report.answers.get("anonymous") == "true" or not (
        form.reporter_name or form.reporter_contact
    )
    return SupervisionRecordCreate(
        kind=report.kind,
        subject=report.answers["subject"],
        community=place.community_id,
        grid=place.grid_id,
        content=form.description,
        raised_by_name=form.reporter_name,
        raised_by_contact=form.reporter_contact,
        anonymous=anonymous,
    )


def supervision_created(
    form: ReportForm, report: SupervisionReport, record_id: int
) -> schemas.RequestCreated:
    return schemas.RequestCreated(
        service_request_id=f"S{record_id}",
        service_notice=SUPERVISION_SERVICES[report.kind].notice,
        account_id=form.account_id or None,
    )


async def raise_supervision_report(
    form: ReportForm,
    report: SupervisionReport,
    place: Place,
    street: dict[str, Any],
    actor_id: int | None,
) -> Filed:
    record = await raise_supervision(supervision_record_of(form, report, place), actor_id)
    request = await insert_row(
        ServiceRequest,
        request_row(form, street, place, report.answers, supervision_record=record["id"]),
    )
    return Filed(supervision_created(form, report, record["id"]), request, record)


def request_row(
    form: ReportForm,
    street: dict[str, Any],
    place: Place,
    answers: dict[str, Any],
    work_item: int | None = None,
    supervision_record: int | None = None,
) -> dict[str, Any]:
    """The open311_request row kept of a report: its location and origin; a supervision
    raiser stays in the record alone."""
    keeps_reporter = work_item is not None
    return {
        "street": street["id"],
        "community": place.community_id,
        "grid": place.grid_id,
        "work_item": work_item,
        "supervision_record": supervision_record,
        "service_code": form.service_code,
        "latitude": place.latitude,
        "longitude": place.longitude,
        "address_string": place.address[:250],
        "address_id": form.address_id,
        "media_url": form.media_url,
        "attributes": answers,
        "device_id": form.device_id,
        "account_id": form.account_id,
        "raised_by_name": form.reporter_name if keeps_reporter else "",
        "raised_by_contact": form.reporter_contact if keeps_reporter else "",
        "contact_unverified": form.contact_unverified,
        "created_at": utc_now(),
    }


# --- GET Service Requests ----------------------------------------------------------------

WORK_SQL = """
SELECT w.id, w.status, w.description, w.access_entry, w.created_at, w.due_at,
       e.name AS service_name, e.category, d.name AS department, c.name AS community_name,
       g.name AS grid_name, r.latitude, r.longitude, r.address_string, r.address_id, r.media_url,
       COALESCE((SELECT max(ev.at) FROM work_item_event ev WHERE ev.work_item = w.id),
                w.created_at) AS updated_at
FROM work_item w
JOIN access_list_entry e ON e.id = w.access_entry
JOIN department d ON d.id = e.department
JOIN community c ON c.id = w.community
LEFT JOIN responsibility_grid g ON g.id = w.grid
LEFT JOIN open311_request r ON r.work_item = w.id
WHERE w.source = 'hotline' AND c.street = {}
"""
SUPERVISION_SQL = """
SELECT s.id, s.kind, s.status, s.subject, s.content, s.answer, s.public, s.created_at,
       s.answered_at, s.due_at, c.name AS community_name, g.name AS grid_name,
       r.latitude, r.longitude, r.address_string, r.address_id, r.media_url
FROM supervision_record s
JOIN community c ON c.id = s.community
LEFT JOIN responsibility_grid g ON g.id = s.grid
LEFT JOIN open311_request r ON r.supervision_record = s.id
WHERE c.street = {}
"""


async def find_requests(
    street: dict[str, Any], query: RequestQuery
) -> list[schemas.ServiceRequest]:
    """The street's service requests matching `query`, newest first, at most query.limit."""
    work_sql, work_args = WORK_SQL, [street["id"]]
    supervision_sql, supervision_args = SUPERVISION_SQL, [street["id"]]
    if query.ids is not None:
        work_ids = [i for kind, i in query.ids if kind == "W"]
        supervision_ids = [i for kind, i in query.ids if kind == "S"]
        work_sql += " AND w.id = ANY({}::int[])"
        work_args.append(work_ids)
        supervision_sql += " AND s.id = ANY({}::int[])"
        supervision_args.append(supervision_ids)
        fetch_work, fetch_supervision = bool(work_ids), bool(supervision_ids)
    else:
        work_sql += " AND w.created_at BETWEEN {} AND {} AND w.status = ANY({}::text[])"
        work_args += [query.start, query.end, _stages(query.statuses, catalogue.work_statuses)]
        supervision_sql += " AND s.created_at BETWEEN {} AND {} AND s.status = ANY({}::text[])"
        supervision_args += [
            query.start,
            query.end,
            _stages(query.statuses, catalogue.supervision_statuses),
        ]
        fetch_work = fetch_supervision = True
        if query.service_codes is not None:
            parsed = [catalogue.parse_service_code(code) for code in query.service_codes]
            entry_ids = [key for p in parsed if p and p[0] == "access" for key in [p[1]]]
            kinds = [key for p in parsed if p and p[0] == "supervision" for key in [p[1]]]
            work_sql += " AND w.access_entry = ANY({}::int[])"
            work_args.append(entry_ids)
            supervision_sql += " AND s.kind = ANY({}::text[])"
            supervision_args.append(kinds)
            fetch_work, fetch_supervision = bool(entry_ids), bool(kinds)
    requests: list[tuple[dt.datetime, schemas.ServiceRequest]] = []
    async with scoped_transaction(public_scope(street["id"])):
        if fetch_work:
            sql = work_sql + " ORDER BY w.created_at DESC, w.id DESC LIMIT {}"
            rows = await ServiceRequest.raw(sql, *work_args, query.limit).run()
            stages = await stages_of([row["id"] for row in rows])
            requests += [(row["created_at"], _work_request(row, stages[row["id"]])) for row in rows]
        if fetch_supervision:
            sql = supervision_sql + " ORDER BY s.created_at DESC, s.id DESC LIMIT {}"
            rows = await ServiceRequest.raw(sql, *supervision_args, query.limit).run()
            requests += [(row["created_at"], _supervision_request(row)) for row in rows]
    requests.sort(key=lambda pair: pair[0], reverse=True)
    return [request for _, request in requests[: query.limit]]


def _stages(statuses: frozenset[str], stages_of: Any) -> list[str]:
    return [stage for status in sorted(statuses) for stage in stages_of(status)]


def _address(row: dict[str, Any]) -> str:
    if row["address_string"]:
        return str(row["address_string"])
    return f"{row['community_name']}{row['grid_name'] or ''}"


def _stage_deadline(stage: dict[str, Any]) -> schemas.StageDeadline:
    """A stage's deadline and whether it was met; the stage row's people are never read."""
    return schemas.StageDeadline(
        stage=stage["stage"],
        due_datetime=w3c_datetime(stage["due_at"]),
        finished_datetime=w3c_datetime(stage["finished_at"]),
        met=None if stage["late"] is None else not stage["late"],
    )


def _work_request(
    row: dict[str, Any], stages: list[dict[str, Any]] | None = None
) -> schemas.ServiceRequest:
    category = REPORTABLE.get(row["category"])
    return schemas.ServiceRequest(
        service_request_id=f"W{row['id']}",
        status=catalogue.work_status(row["status"]),
        status_notes=catalogue.WORK_STAGES[row["status"]],
        service_name=row["service_name"],
        service_code=catalogue.access_code(row["access_entry"]),
        description=row["description"],
        agency_responsible=row["department"],
        service_notice=category.notice if category else "",
        requested_datetime=w3c_datetime(row["created_at"]) or "",
        updated_datetime=w3c_datetime(row["updated_at"]) or "",
        expected_datetime=w3c_datetime(row["due_at"]),
        address=_address(row),
        address_id=row["address_id"] or None,
        zipcode=None,
        lat=row["latitude"],
        long=row["longitude"],
        media_url=row["media_url"] or None,
        stage_deadlines=[_stage_deadline(stage) for stage in stages or []],
    )


def _supervision_request(row: dict[str, Any]) -> schemas.ServiceRequest:
    """A published record shows its content and answer; any other only its progress."""
    service = SUPERVISION_SERVICES[row["kind"]]
    public = bool(row["public"])
    notes = catalogue.SUPERVISION_STAGES[row["status"]]
    if public and row["answer"]:
        notes = f"{notes}: {row['answer']}"
    updated = max(m for m in (row["created_at"], row["answered_at"]) if m is not None)
    return schemas.ServiceRequest(
        service_request_id=f"S{row['id']}",
        status=catalogue.supervision_status(row["status"]),
        status_notes=notes,
        service_name=service.name,
        service_code=service.code,
        description=f"监督对象 Subject: {row['subject']}\n{row['content']}" if public else "",
        agency_responsible=row["community_name"],
        service_notice=service.notice,
        requested_datetime=w3c_datetime(row["created_at"]) or "",
        updated_datetime=w3c_datetime(updated) or "",
        expected_datetime=w3c_datetime(row["due_at"]),
        address=_address(row) if public else row["community_name"],
        address_id=(row["address_id"] or None) if public else None,
        zipcode=None,
        lat=row["latitude"] if public else None,
        long=row["longitude"] if public else None,
        media_url=(row["media_url"] or None) if public else None,
    )


async def get_request(street: dict[str, Any], request_id: str) -> schemas.ServiceRequest:
    """One of the street's service requests by its id (W12, S4), or NotFound."""
    key = parse_request_id(request_id)
    found = await find_requests(street, RequestQuery(ids=[key])) if key else []
    if not found:
        raise NotFound(
            f"service_request_id {request_id[:40]} was not found in jurisdiction {street['code']}",
            field="service_request_id",
        )
    return found[0]


async def request_for_token(street: dict[str, Any], token: str) -> schemas.RequestToken:
    """The request a token stands for. Requests are created at once, so the token returned by
    a POST is never needed; the request id itself serves as its token."""
    request = await get_request(street, token)
    return schemas.RequestToken(service_request_id=request.service_request_id, token=token)


__all__ = [
    "Filed",
    "Place",
    "building_place",
    "check_attributes",
    "check_reach",
    "discovery",
    "find_requests",
    "get_request",
    "list_services",
    "locate",
    "public_scope",
    "push_work_report",
    "raise_supervision_report",
    "read_report",
    "reportable_entries",
    "request_for_token",
    "request_row",
    "resolve_jurisdiction",
    "service_definition",
    "submit_request",
    "supervision_created",
    "supervision_record_of",
    "work_created",
    "work_item_of",
]
