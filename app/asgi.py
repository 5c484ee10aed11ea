"""create_app(): the Litestar application with its routes, lifespan, errors and /admin/."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from litestar import Litestar, Response, asgi, get
from litestar.datastructures import State
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import RedocRenderPlugin, ScalarRenderPlugin, SwaggerRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme
from litestar.types import Receive, Scope, Send

from admin.site import build_admin
from app.db import DB, release_connection
from app.jobs.lifespan import jobs_lifespan
from app.pages.templating import TEMPLATE_CONFIG
from app.replica import close_replica_pool, start_replica_pool
from app.routes import ROUTE_HANDLERS
from app.settings import settings
from app.system.empty_params import EmptyQueryParameters
from app.system.limits import BodyLimit
from app.system.problems import EXCEPTION_HANDLERS
from app.system.security import SecurityHeaders
from app.tiles.basemap import base_map_of


@asgi("/admin", is_mount=True, copy_scope=True)
async def admin(scope: Scope, receive: Receive, send: Send) -> None:
    await BodyLimit(build_admin(), settings.upload_max_bytes)(scope, receive, send)


@get("/", include_in_schema=False)
async def index() -> Response[str]:
    """Send people to the admin (with its trailing slash) and integrators to the docs."""
    return Response(
        "<!doctype html><meta charset=utf-8><title>人民网格 People's Grid</title>"
        "<h1>人民网格 People's Grid</h1>"
        '<p><a href="/admin/">管理后台 Admin</a> · <a href="/schema">API 文档 API docs</a>'
        ' · <a href="/health">健康检查 Health</a></p>',
        media_type="text/html",
    )


@asynccontextmanager
async def database_pool(app: Litestar) -> AsyncIterator[None]:
    await DB.start_connection_pool(max_size=settings.db_pool_max, reset=release_connection)
    await start_replica_pool(DB, max_size=settings.db_pool_max, reset=release_connection)
    try:
        yield
    finally:
        await close_replica_pool(DB)
        await DB.close_connection_pool()


def create_app() -> Litestar:
    base_map = base_map_of(settings)
    litestar = Litestar(
        route_handlers=[index, admin, *ROUTE_HANDLERS],
        lifespan=[database_pool, jobs_lifespan],
        exception_handlers=EXCEPTION_HANDLERS,
        before_send=[
            SecurityHeaders(production=settings.production, tile_origins=base_map.origins)
        ],
        state=State({"base_map": base_map}),
        template_config=TEMPLATE_CONFIG,
        openapi_config=OpenAPIConfig(
            title="人民网格 People's Grid API",
            version="1.0.0",
            path="/schema",
            render_plugins=[ScalarRenderPlugin(), SwaggerRenderPlugin(), RedocRenderPlugin()],
            components=Components(
                security_schemes={
                    "bearer": SecurityScheme(
                        type="http", scheme="bearer", description="API token (pg_…) from the admin"
                    ),
                    "session": SecurityScheme(
                        type="apiKey",
                        name="id",
                        security_scheme_in="cookie",
                        description="Admin session cookie; writes also need X-CSRFToken",
                    ),
                }
            ),
        ),
        debug=False,
    )
    # Around the whole app, before routing, not as a Litestar middleware: those run per route,
    # and any of them makes Litestar add an exception layer to every route (issue 19).
    litestar.asgi_handler = EmptyQueryParameters(litestar.asgi_handler)
    return litestar


app = create_app()
