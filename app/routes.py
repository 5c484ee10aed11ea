"""Every route handler of the web app, gathered in one list that app/asgi.py mounts.

Each feature adds its Router (or handlers) here: one import and one list entry.
"""

from __future__ import annotations

from typing import Any

from app.api.router import api_router
from app.atlas.routes import atlas_router
from app.excel.routes import excel_router
from app.field.pages import field_pages_router
from app.field.routes import field_router
from app.open311.controllers import open311_router
from app.pages.routes import pages_router
from app.residents.pages import ROUTERS as RESIDENT_ROUTERS
from app.system.health import health
from app.tiles.routes import tiles_router
from app.volunteers.pages import volunteer_router

ROUTE_HANDLERS: list[Any] = [
    health,
    open311_router,
    api_router,
    pages_router,
    atlas_router,
    excel_router,
    field_pages_router,
    field_router,
    volunteer_router,
    tiles_router,
    *RESIDENT_ROUTERS,
]
