"""The page routes: /maps/…, /dashboards/… (admin login, scoped) and /public/… (no login).

Every page here only reads, and none needs to show a write made a moment before, so each is
read from the streaming replica when there is one (app/replica.py).
"""

from __future__ import annotations

from litestar import Router

from app.pages.dashboard_routes import dashboard_page, screen_data, screen_page
from app.pages.map_routes import map_page, maps_index
from app.pages.public_routes import openness_page, public_index

pages_router = Router(
    path="/",
    route_handlers=[
        maps_index,
        map_page,
        dashboard_page,
        screen_page,
        screen_data,
        openness_page,
        public_index,
    ],
    include_in_schema=False,
)
