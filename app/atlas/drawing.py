"""What is drawn on the staff map: a new grid, and the boundaries of grids, communities and
streets, each judged by the areas' own services (inside the parent, clear of siblings,
around the children), with who may draw what said once."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from app.areas.hierarchy import TABLES
from app.areas.schemas import (
    CommunityUpdate,
    Grid,
    GridCreate,
    GridUpdate,
    StreetUpdate,
    from_row,
)
from app.areas.services import create_grid, update_community, update_grid, update_street
from app.atlas.services import GRIDS_FROM_ZOOM
from app.crud import find_row
from app.errors import Forbidden, NotFound, ValidationFailed
from app.field.schemas import decode
from app.geo import stored_geojson
from app.labels import label
from app.scope import Level, Scope
from tables.areas import Community
from tables.choices import GridKind

Row = dict[str, Any]

# Who may draw what on the map. Row-level security decides again on every write; this says
# it first and plainly: community staff draw their community's grids, street officials also
# their communities' boundaries, and only the district (superusers) streets'.
BOUNDARY_EDITORS: dict[str, frozenset[Level]] = {
    "grid": frozenset({Level.district, Level.street, Level.community}),
    "community": frozenset({Level.district, Level.street}),
    "street": frozenset({Level.district}),
}
LEVEL_NAMES = {"grid": "网格", "community": "社区", "street": "街道"}
# The areas of the map by the plural of their URL (/maps/api/{plural}/{id}/boundary).
AREA_PATHS = {"grids": "grid", "communities": "community", "streets": "street"}
UPDATERS: dict[str, tuple[type[Any], Callable[..., Awaitable[Row]]]] = {
    "grid": (GridUpdate, update_grid),
    "community": (CommunityUpdate, update_community),
    "street": (StreetUpdate, update_street),
}


def editable_levels(scope: Scope) -> list[str]:
    """The levels whose boundaries this login may draw on the map."""
    if scope.read_only:
        return []
    return [level for level, editors in BOUNDARY_EDITORS.items() if scope.level in editors]


async def drawing_rights(scope: Scope) -> Row:
    """What the map offers this login to draw: the levels, the communities a new grid may go
    in (those its scope sees) and the grid kinds of the new-grid form."""
    levels = editable_levels(scope)
    communities = (
        await Community.select(Community._meta.primary_key, Community.code, Community.name)
        .order_by(Community.code)
        .run()
        if "grid" in levels
        else []
    )
    return {
        "levels": levels,
        "communities": communities,
        "grids_from_zoom": GRIDS_FROM_ZOOM,
        "grid_kinds": [{"value": kind.value, "label": label(GridKind, kind)} for kind in GridKind],
    }


def level_of_path(plural: str) -> str:
    """The level a URL's `grids`/`communities`/`streets` names, or NotFound."""
    if plural not in AREA_PATHS:
        raise NotFound(f"the map draws {', '.join(AREA_PATHS)}, not {plural}", field="level")
    return AREA_PATHS[plural]


def check_may_draw(scope: Scope, level: str) -> None:
    """Forbidden unless this login may draw boundaries of `level` on the map."""
    if level not in editable_levels(scope):
        raise Forbidden(
            f"您的角色不能在地图上绘制{LEVEL_NAMES[level]}边界"
            f" Your role may not draw {level} boundaries on the map",
            field="boundary",
        )


async def stored_boundary(level: str, area_id: int) -> Row:
    """An area's boundary as stored (not simplified): what an edit starts from."""
    row = await find_row(TABLES[level], area_id)
    if row is None:
        raise NotFound(
            f"没有编号为 {area_id} 的{LEVEL_NAMES[level]}（或不在您的范围内）", field="id"
        )
    return _boundary_answer(level, row)


async def save_boundary(level: str, area_id: int, boundary: Any, scope: Scope) -> Row:
    """Save an area's boundary drawn on the map through its update service, so the same
    rules judge it (inside the parent, clear of siblings, around its children); a refusal
    raises with the offending area (app/areas/hierarchy.py) and the caller's transaction
    rolls back."""
    check_may_draw(scope, level)
    schema, update = UPDATERS[level]
    return _boundary_answer(
        level, await update(area_id, schema(boundary=_polygon(boundary)), scope.user_id)
    )


async def create_drawn_grid(body: bytes, scope: Scope) -> Grid:
    """A new grid drawn on the map, created by the grid service (code numbered when blank,
    kind, households, inside the community, clear of its grids)."""
    check_may_draw(scope, "grid")
    data = decode(body, GridCreate)
    data.boundary = _polygon(data.boundary)
    return from_row(Grid, await create_grid(data, scope.user_id))


def _polygon(boundary: Any) -> dict[str, Any]:
    """A drawn boundary must be there: a map never draws "no boundary"."""
    if not isinstance(boundary, dict):
        raise ValidationFailed("must be a GeoJSON object of type Polygon", field="boundary")
    return boundary


def _boundary_answer(level: str, row: Row) -> Row:
    return {
        "level": level,
        "id": row["id"],
        "code": row["code"],
        "name": row["name"],
        "boundary": stored_geojson(row["boundary"]),
    }
