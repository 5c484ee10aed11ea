"""/api/v1/: every resource of the integrator API on one router, behind one `caller`."""

from __future__ import annotations

from litestar import Router
from litestar.di import Provide

from app.api import areas, assessment, daily, people, places, supervision, system, work
from app.api.auth import provide_caller
from app.api.problems import EXCEPTION_HANDLERS
from app.api.resources import Resource
from app.party.api import RESOURCES as PARTY_RESOURCES
from app.settings import settings
from app.statistics.api import HANDLERS as STATISTICS_HANDLERS
from app.volunteers.api import RESOURCES as VOLUNTEER_RESOURCES

RESOURCES: list[Resource] = [
    *areas.RESOURCES,
    *places.RESOURCES,
    *people.RESOURCES,
    *work.RESOURCES,
    *daily.RESOURCES,
    *assessment.RESOURCES,
    *supervision.RESOURCES,
    *system.RESOURCES,
    *PARTY_RESOURCES,
    *VOLUNTEER_RESOURCES,
]

api_router = Router(
    path="/api/v1",
    route_handlers=[
        *(handler for resource in RESOURCES for handler in resource.handlers()),
        *STATISTICS_HANDLERS,
    ],
    dependencies={"caller": Provide(provide_caller)},
    # The two ways provide_caller accepts (the schemes are in app/asgi.py's OpenAPI config).
    security=[{"bearer": []}, {"session": []}],
    exception_handlers=EXCEPTION_HANDLERS,
    # JSON only (files come through the admin and the Excel pages): 413 beyond this.
    request_max_body_size=settings.api_max_body_bytes,
)
