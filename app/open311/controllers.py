"""/open311/v2/: the GeoReport v2 endpoints, thin handlers over app.open311.services.

The format is the path's extension (`/services.json`, `/services.xml`); every error is the
spec's list of {code, description} in that format, with HTTP 400, 403 or 404 (429 when a
client is over the rate limit).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

import asyncpg
from litestar import Request, Response, Router, get, post
from litestar.exceptions import HTTPException, ValidationException
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import OpenAPIMediaType, OpenAPIType, Operation, RequestBody, Schema
from litestar.params import Parameter

from app.api.auth import RATE_LIMITS, check_rate
from app.api.tokens import prefix_of
from app.errors import DomainError, NotFound, ValidationFailed, from_database_error
from app.open311 import schemas, services
from app.open311.formats import MEDIA_TYPES, Format, format_of_path, render, split_format
from app.open311.keys import scope_for_api_key
from app.open311.params import SCALAR_FIELDS, parse_form, read_report, read_request_query

URL_ENCODED = "application/x-www-form-urlencoded"
XML = "text/xml"

# --- Errors ------------------------------------------------------------------------------


def error_response(
    request: Request[Any, Any, Any],
    status: int,
    description: str,
    headers: dict[str, str] | None = None,
) -> Response[Any]:
    """The spec's error list, in the format the path asked for."""
    response = render(
        format_of_path(request.url.path),
        "errors",
        [schemas.Error(code=status, description=description)],
        status_code=status,
    )
    if headers:
        response.headers.update(headers)
    return response


def domain_error(request: Request[Any, Any, Any], exc: DomainError) -> Response[Any]:
    # GeoReport clients know 400/403/404; a lost race stays 409 so that Retry-After means it.
    status = exc.status if exc.status in (403, 404) or exc.retry_after is not None else 400
    description = exc.detail
    if exc.field and exc.field not in description:
        description = f"{exc.field}: {description}"
    return error_response(request, status, description, exc.headers())


def http_error(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    status = 400 if isinstance(exc, ValidationException) else exc.status_code
    return error_response(request, status, str(exc.detail), getattr(exc, "headers", None))


def database_error(request: Request[Any, Any, Any], exc: asyncpg.PostgresError) -> Response[Any]:
    translated = from_database_error(exc)
    if translated is None:
        raise exc
    return domain_error(request, translated)


def _errors(media_type: str) -> dict[int, ResponseSpec]:
    return {
        status: ResponseSpec(
            data_container=list[schemas.Error],
            description=description,
            generate_examples=False,
            media_type=media_type,
        )
        for status, description in (
            (400, "A parameter is missing or wrong: [{code, description}]"),
            (403, "api_key missing, invalid or without reach; or refused by the access list"),
            (404, "Unknown jurisdiction, service, request or format"),
            (409, "A concurrent request changed the same records: retry after Retry-After"),
            (429, "Too many requests from this address or api_key (see Retry-After)"),
        )
    }


JSON_ERRORS = _errors(MEDIA_TYPES[Format.json])
XML_ERRORS = _errors(MEDIA_TYPES[Format.xml])


async def limit_rate(request: Request[Any, Any, Any]) -> None:
    """The integrator API's per-address limit holds here too (429 with Retry-After)."""
    client = request.client.host if request.client else "unknown"
    check_rate(RATE_LIMITS.per_ip, f"ip:{client}", "client address")


def _format_or_404(name: str) -> tuple[str, Format]:
    stem, fmt = split_format(name)
    if fmt is None:
        raise NotFound(f"{name[:60]}: add .json or .xml to the path")
    return stem, fmt


Jurisdiction = Annotated[
    str | None,
    Parameter(
        description="The 9-digit street code (街道); optional while the server serves one street"
    ),
]


def _path(description: str) -> Any:
    return Parameter(description=f"{description}, then .json or .xml")


# --- Discovery ---------------------------------------------------------------------------


@get("/discovery.json", responses=JSON_ERRORS, summary="Service discovery (JSON)")
async def discovery_json(request: Request[Any, Any, Any]) -> Response[schemas.Discovery]:
    """Where the GeoReport v2 endpoint is and which formats it speaks."""
    return render(Format.json, "discovery", services.discovery(str(request.base_url)))


@get("/discovery.xml", media_type=XML, responses=XML_ERRORS, summary="Service discovery (XML)")
async def discovery_xml(request: Request[Any, Any, Any]) -> Response[schemas.Discovery]:
    """Where the GeoReport v2 endpoint is and which formats it speaks."""
    return render(Format.xml, "discovery", services.discovery(str(request.base_url)))


# --- Services ----------------------------------------------------------------------------


async def _services(fmt: Format, jurisdiction_id: str | None) -> Response[list[schemas.Service]]:
    street = await services.resolve_jurisdiction(jurisdiction_id)
    return render(fmt, "services", await services.list_services(street))


@get("/services.json", responses=JSON_ERRORS, summary="Service list (JSON)")
async def services_json(jurisdiction_id: Jurisdiction = None) -> Response[list[schemas.Service]]:
    """The street's approved access-list entries residents may report, and the four kinds of
    community supervision; `group` is the department's line (条线)."""
    return await _services(Format.json, jurisdiction_id)


@get("/services.xml", media_type=XML, responses=XML_ERRORS, summary="Service list (XML)")
async def services_xml(jurisdiction_id: Jurisdiction = None) -> Response[list[schemas.Service]]:
    """As /services.json."""
    return await _services(Format.xml, jurisdiction_id)


@get("/services/{service_code:str}", responses=JSON_ERRORS, summary="Service definition")
async def service_definition(
    service_code: Annotated[str, _path("A service_code of the service list")],
    jurisdiction_id: Jurisdiction = None,
) -> Response[schemas.ServiceDefinition]:
    """The attributes (extra fields) a service asks for; XML with the .xml extension."""
    code, fmt = _format_or_404(service_code)
    street = await services.resolve_jurisdiction(jurisdiction_id)
    return render(fmt, "service_definition", await services.service_definition(street, code))


# --- POST Service Request ----------------------------------------------------------------

FORM_FIELDS = {
    "api_key": "API token (pg_…) with write access to the jurisdiction — required",
    "jurisdiction_id": "The 9-digit street code",
    "service_code": "A service_code of the service list — required",
    "lat": "Latitude (WGS84); with long, locates the grid",
    "long": "Longitude (WGS84)",
    "address_string": "Address as reported (also located when it is a building's address)",
    "address_id": "A building code or a 15-digit grid code",
    "email": "Reporter's e-mail (never shown publicly)",
    "device_id": "Reporting device",
    "account_id": "Reporter's account in the reporting app",
    "first_name": "Reporter's given name (never shown publicly)",
    "last_name": "Reporter's family name (never shown publicly)",
    "phone": "Reporter's phone (never shown publicly)",
    "description": "What is wrong (at most 4000 characters)",
    "media_url": "http(s) URL of a photo",
}
assert set(FORM_FIELDS) == set(SCALAR_FIELDS)
FORM_SCHEMA = Schema(
    type=OpenAPIType.OBJECT,
    required=["api_key", "service_code"],
    properties={
        name: Schema(type=OpenAPIType.STRING, description=text)
        for name, text in FORM_FIELDS.items()
    },
    additional_properties=Schema(
        type=OpenAPIType.STRING, description="attribute[CODE] (attribute[CODE][] for lists)"
    ),
)


@dataclass
class FormOperation(Operation):
    """The operation of a handler that reads its form itself: document the form anyway."""

    def __post_init__(self) -> None:
        self.request_body = RequestBody(
            content={URL_ENCODED: OpenAPIMediaType(schema=FORM_SCHEMA)}, required=True
        )


async def _create(
    request: Request[Any, Any, Any], fmt: Format
) -> Response[list[schemas.RequestCreated]]:
    media_type, _ = request.content_type
    if media_type == "multipart/form-data":
        form = await request.form()
        pairs = [(k, v) for k, v in form.multi_items() if isinstance(v, str)]
    elif media_type in (URL_ENCODED, ""):
        pairs = parse_form(await request.body())
    else:
        raise ValidationFailed(f"send the request as {URL_ENCODED}, not {media_type[:60]}")
    key = next((value for name, value in reversed(pairs) if name == "api_key"), None)
    scope = await scope_for_api_key(key)
    check_rate(RATE_LIMITS.per_caller, f"token:{prefix_of(key or '')}", "api_key")
    created = await services.submit_request(read_report(pairs), scope)
    return render(fmt, "service_requests", [created], status_code=201)


@post(
    "/requests.json",
    responses=JSON_ERRORS,
    operation_class=FormOperation,
    summary="Create a service request (JSON)",
)
async def create_request_json(
    request: Request[Any, Any, Any],
) -> Response[list[schemas.RequestCreated]]:
    """Form-encoded. A work item (reported, source hotline) in the grid at the location, or a
    supervision record; an access-list entry that is not approved is refused (403)."""
    return await _create(request, Format.json)


@post(
    "/requests.xml",
    media_type=XML,
    responses=XML_ERRORS,
    operation_class=FormOperation,
    summary="Create a service request (XML)",
)
async def create_request_xml(
    request: Request[Any, Any, Any],
) -> Response[list[schemas.RequestCreated]]:
    """As POST /requests.json."""
    return await _create(request, Format.xml)


# --- GET Service Requests ----------------------------------------------------------------

RequestIds = Annotated[
    str | None,
    Parameter(description="Comma list of ids (W12, S4); the other filters are then ignored"),
]
ServiceCodes = Annotated[str | None, Parameter(description="Comma list of service codes")]
StartDate = Annotated[
    str | None, Parameter(description="W3C date-time; default end_date − 90 days")
]
EndDate = Annotated[str | None, Parameter(description="W3C date-time; default start + 90 days")]
Status = Annotated[str | None, Parameter(description="open, closed or open,closed")]


async def _requests(
    fmt: Format, jurisdiction_id: str | None, filters: dict[str, str | None]
) -> Response[list[schemas.ServiceRequest]]:
    query = read_request_query(filters)
    street = await services.resolve_jurisdiction(jurisdiction_id)
    return render(fmt, "service_requests", await services.find_requests(street, query))


@get("/requests.json", responses=JSON_ERRORS, summary="Service requests (JSON)")
async def requests_json(
    jurisdiction_id: Jurisdiction = None,
    service_request_id: RequestIds = None,
    service_code: ServiceCodes = None,
    start_date: StartDate = None,
    end_date: EndDate = None,
    status: Status = None,
) -> Response[list[schemas.ServiceRequest]]:
    """Hotline work items and supervision records of the street, newest first, at most 1000
    (by default those of the last 90 days); no reporter or personal data."""
    return await _requests(
        Format.json,
        jurisdiction_id,
        {
            "service_request_id": service_request_id,
            "service_code": service_code,
            "start_date": start_date,
            "end_date": end_date,
            "status": status,
        },
    )


@get("/requests.xml", media_type=XML, responses=XML_ERRORS, summary="Service requests (XML)")
async def requests_xml(
    jurisdiction_id: Jurisdiction = None,
    service_request_id: RequestIds = None,
    service_code: ServiceCodes = None,
    start_date: StartDate = None,
    end_date: EndDate = None,
    status: Status = None,
) -> Response[list[schemas.ServiceRequest]]:
    """As /requests.json."""
    return await _requests(
        Format.xml,
        jurisdiction_id,
        {
            "service_request_id": service_request_id,
            "service_code": service_code,
            "start_date": start_date,
            "end_date": end_date,
            "status": status,
        },
    )


@get("/requests/{service_request_id:str}", responses=JSON_ERRORS, summary="One service request")
async def request_detail(
    service_request_id: Annotated[str, _path("W12 (a work item) or S4 (a supervision record)")],
    jurisdiction_id: Jurisdiction = None,
) -> Response[list[schemas.ServiceRequest]]:
    """One service request, in a list as the spec has it; XML with the .xml extension."""
    request_id, fmt = _format_or_404(service_request_id)
    street = await services.resolve_jurisdiction(jurisdiction_id)
    return render(fmt, "service_requests", [await services.get_request(street, request_id)])


@get("/tokens/{token:str}", responses=JSON_ERRORS, summary="Service request id from a token")
async def token_detail(
    token: Annotated[str, _path("A token")],
    jurisdiction_id: Jurisdiction = None,
) -> Response[list[schemas.RequestToken]]:
    """Requests are created at once, so POST returns the id; the id also serves as a token."""
    stem, fmt = _format_or_404(token)
    street = await services.resolve_jurisdiction(jurisdiction_id)
    return render(fmt, "service_requests", [await services.request_for_token(street, stem)])


@get(["/", "/{path:path}"], include_in_schema=False)
async def unknown_resource(path: str = "/") -> None:
    """Any other path under /open311/v2/ answers the spec's 404, not the API's problem+json."""
    raise NotFound(
        f"{path[:80]} is not a GeoReport v2 resource: discovery, services, requests or tokens"
    )


open311_router = Router(
    path="/open311/v2",
    route_handlers=[
        discovery_json,
        discovery_xml,
        services_json,
        services_xml,
        service_definition,
        create_request_json,
        create_request_xml,
        requests_json,
        requests_xml,
        request_detail,
        token_detail,
        unknown_resource,
    ],
    tags=["open311"],
    before_request=limit_rate,
    exception_handlers={
        DomainError: domain_error,
        HTTPException: http_error,
        asyncpg.PostgresError: database_error,
    },
)
