"""/maps/api/: the staff map's JSON (admin session, the viewer's scope, problem details).

Reads run in the viewer's scoped transaction on the replica when there is one; the writes
(a new grid, a boundary) run on the primary, with the CSRF check every session write makes,
in one transaction that a refusal rolls back.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, Router, get, post, put
from litestar.exceptions import NotAuthorizedException

from app.api.auth import CSRF_HEADER, check_csrf
from app.areas.schemas import Grid
from app.atlas.caching import PRIVATE_REVALIDATE, PUBLIC_SHORT, revalidated, revalidated_json
from app.atlas.drawing import (
    create_drawn_grid,
    drawing_rights,
    level_of_path,
    save_boundary,
    stored_boundary,
)
from app.atlas.register import building_register
from app.atlas.services import (
    DEFAULT_LAYER_METRIC,
    View,
    draw_layers,
    draw_public_layers,
    layer_figures,
    public_figures,
    today,
)
from app.errors import Forbidden
from app.pages.access import scope_of_request
from app.pages.areas import find_area
from app.pages.maps import METRICS
from app.replica import reading_from_replica
from app.scope import Level, Scope, scoped_transaction

Row = dict[str, Any]
# A household's care tags and visits (the 户籍图) stay out of every cache, the browser's too;
# the layers and today's work are revalidated with ETags instead (app/atlas/caching.py).
PRIVATE = {"Cache-Control": "no-store"}


async def map_scope(request: Request[Any, Any, Any]) -> Scope:
    """The admin session's staff scope: 401 without a login, 403 without a staff scope."""
    scope = await scope_of_request(request)
    if scope is None:
        raise NotAuthorizedException(detail="请先登录管理后台 log in to the admin first")
    if scope.level is Level.none:
        raise Forbidden(
            "您的账号没有街道或社区的工作范围 Your login has no street or community scope."
        )
    return scope


@get("/layers")
async def map_layers(
    request: Request[Any, Any, Any], bbox: str, zoom: int, metric: str = DEFAULT_LAYER_METRIC
) -> Response[bytes]:
    """The layers of the box `bbox` (west,south,east,north) at `zoom`, grids by `metric`;
    a 304 from the light queries alone when the client's copy is current."""
    scope = await map_scope(request)
    view = View.parse(bbox, zoom)
    metric = metric if metric in METRICS else DEFAULT_LAYER_METRIC
    async with reading_from_replica(), scoped_transaction(scope):
        figures = await layer_figures(view, metric)
        return await revalidated(
            request, figures.fingerprint(), lambda: draw_layers(figures), PRIVATE_REVALIDATE, scope
        )


@get("/public/communities/{code:str}/layers")
async def public_map_layers(
    request: Request[Any, Any, Any], code: str, bbox: str, zoom: int
) -> Response[bytes]:
    """No login: a community's outline and grid shapes for its public page (no personal
    data: no buildings, households, items or staff)."""
    view = View.parse(bbox, zoom)
    async with reading_from_replica():
        figures = await public_figures(code, view)
        return await revalidated(
            request, figures.fingerprint(), lambda: draw_public_layers(figures), PUBLIC_SHORT, None
        )


@get("/buildings/{building_id:int}/register")
async def register(request: Request[Any, Any, Any], building_id: int) -> Response[Row]:
    """The 户籍图 of a building (masked where the viewer may not see personal data)."""
    scope = await map_scope(request)
    async with reading_from_replica(), scoped_transaction(scope):
        return Response(await building_register(building_id, scope), headers=PRIVATE)


@get("/today/{level:str}/{code:str}")
async def todays_work(request: Request[Any, Any, Any], level: str, code: str) -> Response[bytes]:
    """Today's check-ins and patrol tracks in a street's or community's grids."""
    scope = await map_scope(request)
    async with reading_from_replica(), scoped_transaction(scope):
        area = await find_area(level, code, scope)
        answer = await today(area.community_ids)
    return revalidated_json(request, answer, PRIVATE_REVALIDATE, scope)


@get("/drawing")
async def drawing(request: Request[Any, Any, Any]) -> Response[Row]:
    """What this login may draw on the map (grid, community, street boundaries)."""
    scope = await map_scope(request)
    async with reading_from_replica(), scoped_transaction(scope):
        return Response(await drawing_rights(scope), headers=PRIVATE)


@get("/{areas:str}/{area_id:int}/boundary")
async def area_boundary(request: Request[Any, Any, Any], areas: str, area_id: int) -> Response[Row]:
    """A grid's, community's or street's boundary as stored, for an edit to start from."""
    scope = await map_scope(request)
    level = level_of_path(areas)
    async with reading_from_replica(), scoped_transaction(scope):
        return Response(await stored_boundary(level, area_id), headers=PRIVATE)


@put("/{areas:str}/{area_id:int}/boundary")
async def save_area_boundary(
    request: Request[Any, Any, Any], areas: str, area_id: int, data: Row
) -> Row:
    """Save a grid's, community's or street's boundary drawn on the map; refused with the
    offending area as GeoJSON."""
    scope = await map_scope(request)
    check_csrf(request, request.headers.get(CSRF_HEADER))
    level = level_of_path(areas)
    async with scoped_transaction(scope):
        return await save_boundary(level, area_id, data.get("boundary"), scope)


@post("/grids")
async def new_grid(request: Request[Any, Any, Any]) -> Grid:
    """Create a grid drawn on the map (the grid fields and its boundary); refused with the
    offending area as GeoJSON, nothing written."""
    scope = await map_scope(request)
    check_csrf(request, request.headers.get(CSRF_HEADER))
    body = await request.body()
    async with scoped_transaction(scope):
        return await create_drawn_grid(body, scope)


atlas_router = Router(
    path="/maps/api",
    route_handlers=[
        map_layers,
        public_map_layers,
        register,
        todays_work,
        drawing,
        area_boundary,
        save_area_boundary,
        new_grid,
    ],
    include_in_schema=False,
)
