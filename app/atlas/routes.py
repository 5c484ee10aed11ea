"""/maps/api/: the staff map's JSON (admin session, the viewer's scope, problem details).

Reads run in the viewer's scoped transaction on the replica when there is one; the boundary
write runs on the primary, with the CSRF check every session write makes, in one
transaction that a refusal rolls back.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, Router, get, put
from litestar.exceptions import NotAuthorizedException

from app.api.auth import CSRF_HEADER, check_csrf
from app.atlas.services import (
    DEFAULT_LAYER_METRIC,
    View,
    building_register,
    layers,
    public_layers,
    save_grid_boundary,
    today,
)
from app.errors import Forbidden
from app.geo import stored_geojson
from app.pages.access import scope_of_request
from app.pages.areas import find_area
from app.pages.maps import METRICS
from app.replica import reading_from_replica
from app.scope import Level, Scope, scoped_transaction

Row = dict[str, Any]
# What a staff login sees (care tags, who checked in where) stays out of every cache.
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
) -> Response[Row]:
    """The layers of the box `bbox` (west,south,east,north) at `zoom`, grids by `metric`."""
    scope = await map_scope(request)
    view = View.parse(bbox, zoom)
    metric = metric if metric in METRICS else DEFAULT_LAYER_METRIC
    async with reading_from_replica(), scoped_transaction(scope):
        return Response(await layers(view, metric), headers=PRIVATE)


@get("/public/communities/{code:str}/layers")
async def public_map_layers(code: str, bbox: str, zoom: int) -> Row:
    """No login: a community's outline and grid shapes for its public page (no personal
    data: no buildings, households, items or staff)."""
    view = View.parse(bbox, zoom)
    async with reading_from_replica():
        return await public_layers(code, view)


@get("/buildings/{building_id:int}/register")
async def register(request: Request[Any, Any, Any], building_id: int) -> Response[Row]:
    """The 户籍图 of a building (masked where the viewer may not see personal data)."""
    scope = await map_scope(request)
    async with reading_from_replica(), scoped_transaction(scope):
        return Response(await building_register(building_id, scope), headers=PRIVATE)


@get("/today/{level:str}/{code:str}")
async def todays_work(request: Request[Any, Any, Any], level: str, code: str) -> Response[Row]:
    """Today's check-ins and patrol tracks in a street's or community's grids."""
    scope = await map_scope(request)
    async with reading_from_replica(), scoped_transaction(scope):
        area = await find_area(level, code, scope)
        return Response(await today(area.community_ids), headers=PRIVATE)


@put("/grids/{grid_id:int}/boundary")
async def grid_boundary(request: Request[Any, Any, Any], grid_id: int, data: Row) -> Row:
    """Save a boundary drawn on the map; refused with the offending area as GeoJSON."""
    scope = await map_scope(request)
    check_csrf(request, request.headers.get(CSRF_HEADER))
    async with scoped_transaction(scope):
        grid = await save_grid_boundary(grid_id, data.get("boundary"), scope.user_id)
    return {"id": grid["id"], "code": grid["code"], "boundary": stored_geojson(grid["boundary"])}


atlas_router = Router(
    path="/maps/api",
    route_handlers=[map_layers, public_map_layers, register, todays_work, grid_boundary],
    include_in_schema=False,
)
