"""The grids a worker works: the one check every field write about a grid starts with."""

from __future__ import annotations

from typing import Any

from app.crud import find_row
from app.errors import Forbidden, NotFound, ValidationFailed
from app.field.auth import FieldCaller
from app.geo import parse_polygon, stored_geojson
from tables.areas import ResponsibilityGrid

Row = dict[str, Any]


async def my_grid(caller: FieldCaller, grid_id: Any, field: str = "grid") -> Row:
    """The grid, when the caller is assigned to it; else a refusal in Chinese.

    The domain services check the assignment again (require_grid_worker): this check only
    words the common refusal for the phone before anything runs.
    """
    if not isinstance(grid_id, int) or isinstance(grid_id, bool):
        raise ValidationFailed("请选择网格", field=field)
    grid = await find_row(ResponsibilityGrid, grid_id)
    if grid is None:
        raise NotFound(f"网格 {grid_id} 不存在或不在您的范围内", field=field)
    if grid_id not in caller.scope.grid_ids:
        raise Forbidden(f"{grid['code']} {grid['name']} 不是您负责的网格", field=field)
    return grid


def boundary_of(grid: Row) -> Any:
    """The grid's polygon (Shapely), or None when it has no boundary yet."""
    return None if grid["boundary"] is None else parse_polygon(stored_geojson(grid["boundary"]))
