"""What every level of the area hierarchy shares: nested stable codes and nested boundaries.

Creating or moving a child locks its parent row, so two concurrent writes cannot both pass
the sibling-overlap check or take the same grid number.
"""

from __future__ import annotations

from typing import Any

from piccolo.columns import Column
from piccolo.table import Table
from shapely.geometry import Polygon

import tables.piccolo_app  # noqa: F401  (registers every table whose foreign keys refer to areas)
from app.areas.rules import check_code, grid_code
from app.crud import lock_row
from app.errors import Conflict, ValidationFailed
from app.geo import (
    CONTAINMENT_BUFFER_DEG,
    lies_within,
    overlaps,
    parse_polygon,
    stored_geojson,
    to_geojson,
)
from app.validation import check_text
from tables.areas import Community, District, ResponsibilityGrid, Street

Row = dict[str, Any]

TABLES: dict[str, type[Table]] = {
    "district": District,
    "street": Street,
    "community": Community,
    "grid": ResponsibilityGrid,
}
# The parent level's name is also the child's foreign-key column.
PARENT_OF = {"street": "district", "community": "street", "grid": "community"}
CHILD_OF = {parent: child for child, parent in PARENT_OF.items()}


def column(table: type[Table], name: str) -> Column:
    """A column of `table` by name (the level's table is only known at run time)."""
    return table._meta.get_column_by_name(name)


async def clean_area(level: str, values: Row, current: Row | None) -> tuple[Row, Polygon | None]:
    """Name, parent, code and boundary of an area; the columns to write and the polygon."""
    table = TABLES[level]
    values["name"] = check_text(values.get("name"), "name", 100, required=level != "grid")
    parent_level = PARENT_OF.get(level)
    parent = await lock_parent(parent_level, values.get(parent_level)) if parent_level else None
    if parent is not None and level == "grid" and current is None and not values.get("code"):
        values["code"] = grid_code(parent["code"], await max_grid_sequence(parent["id"]) + 1)
    parent_code = parent["code"] if parent else None
    values["code"] = check_code(values.get("code"), level, parent_level, parent_code)
    await _check_code_free(level, values["code"], current)
    if current is not None and values["code"] != current["code"]:
        await _check_code_may_change(level, current)
    polygon = await _check_boundary(level, values, parent, current)
    columns = {col._meta.name for col in table._meta.columns}
    return {key: value for key, value in values.items() if key in columns}, polygon


async def lock_parent(parent_level: str, parent_id: Any) -> Row:
    """The parent row, locked until commit so siblings are checked and numbered one at a time."""
    if parent_id is None:
        raise ValidationFailed(f"a {parent_level} is required", field=parent_level)
    return await lock_row(
        TABLES[parent_level], parent_id, field=parent_level, strength="NO KEY UPDATE"
    )


async def max_grid_sequence(community_id: int) -> int:
    """The highest grid sequence number used in a community (0 when it has no grid)."""
    rows = await ResponsibilityGrid.raw(
        "SELECT coalesce(max(right(code, 3)::int), 0) AS n FROM responsibility_grid"
        " WHERE community = {}",
        community_id,
    ).run()
    return int(rows[0]["n"])


async def _check_code_free(level: str, code: str, current: Row | None) -> None:
    table = TABLES[level]
    query = table.exists().where(column(table, "code") == code)
    if current is not None:
        query = query.where(table._meta.primary_key != current["id"])
    if await query.run():
        raise Conflict(f"another {level} already has code {code}", field="code")


async def _check_code_may_change(level: str, current: Row) -> None:
    """Codes are stable identifiers: one changes (or moves) only while nothing refers to it."""
    if used_by := await references(TABLES[level], current["id"]):
        raise Conflict(
            f"code {current['code']} cannot change while {describe(used_by)} refer to this "
            f"{level}: codes are stable identifiers",
            field="code",
        )


async def references(table: type[Table], row_id: int) -> dict[str, int]:
    """How many rows of each table refer to this row through a foreign key (one query)."""
    parts = [
        f"SELECT '{fk._meta.table._meta.tablename}' AS tablename, count(*) AS n"
        f" FROM {fk._meta.table._meta.get_formatted_tablename()}"
        f' WHERE "{fk._meta.db_column_name}" = {{}}'
        for fk in table._meta.foreign_key_references
    ]
    if not parts:
        return {}
    rows = await table.raw(" UNION ALL ".join(parts), *[row_id] * len(parts)).run()
    counts: dict[str, int] = {}
    for row in rows:
        if row["n"]:
            counts[row["tablename"]] = counts.get(row["tablename"], 0) + int(row["n"])
    return counts


def describe(counts: dict[str, int]) -> str:
    """`references` in words for a refusal message."""
    return ", ".join(f"{count} {tablename} row(s)" for tablename, count in sorted(counts.items()))


async def _check_boundary(
    level: str, values: Row, parent: Row | None, current: Row | None
) -> Polygon | None:
    """A valid polygon inside the parent's boundary, clear of siblings, around its children.

    A refusal carries the offending area as GeoJSON (`offending_geometry`: the part outside
    the parent, the overlap, the child left outside) and the area it concerns
    (`offending_area`), so a map can highlight it.
    """
    raw = values.get("boundary")
    if raw is None:
        return None
    polygon = parse_polygon(raw)
    values["boundary"] = stored_geojson(raw)
    if parent is not None and parent["boundary"] is not None:
        outline = parse_polygon(parent["boundary"])
        if not lies_within(polygon, outline):
            raise _sticking_out(
                f"boundary must lie inside the boundary of {PARENT_OF[level]} {parent['code']}",
                polygon,
                outline,
                _area_ref(PARENT_OF[level], parent),
            )
    for sibling in await _siblings_near(level, values, current, polygon):
        other = parse_polygon(sibling["boundary"])
        if overlaps(polygon, other):
            raise Conflict(
                f"boundary overlaps {level} {sibling['code']} ({sibling['name']})",
                field="boundary",
                offending_geometry=to_geojson(polygon.intersection(other)),
                offending_area=_area_ref(level, sibling),
            )
    child_level = CHILD_OF.get(level)
    if current is not None and child_level is not None:
        child = TABLES[child_level]
        children = await (
            child.select(
                child._meta.primary_key,
                column(child, "code"),
                column(child, "name"),
                column(child, "boundary"),
            )
            .where(column(child, level) == current["id"], column(child, "boundary").is_not_null())
            .run()
        )
        for row in children:
            inner = parse_polygon(row["boundary"])
            if not lies_within(inner, polygon):
                raise _sticking_out(
                    f"boundary would leave {child_level} {row['code']} outside",
                    inner,
                    polygon,
                    _area_ref(child_level, row),
                )
    return polygon


def _sticking_out(
    message: str, shape: Polygon, outline: Polygon, area: dict[str, Any]
) -> ValidationFailed:
    """The refusal of `shape` not lying inside `outline`, with the part outside as GeoJSON."""
    return ValidationFailed(
        message,
        field="boundary",
        offending_geometry=to_geojson(shape.difference(outline.buffer(CONTAINMENT_BUFFER_DEG))),
        offending_area=area,
    )


def _area_ref(level: str, row: Row) -> dict[str, Any]:
    """Which area a boundary refusal is about, for the problem body."""
    return {"level": level, "id": row.get("id"), "code": row.get("code"), "name": row.get("name")}


async def _siblings_near(
    level: str, values: Row, current: Row | None, polygon: Polygon
) -> list[Row]:
    """Other areas with the same parent and a boundary (grids: only those whose bbox meets)."""
    table = TABLES[level]
    query = table.select(
        table._meta.primary_key,
        column(table, "code"),
        column(table, "name"),
        column(table, "boundary"),
    ).where(column(table, "boundary").is_not_null())
    if parent_level := PARENT_OF.get(level):
        query = query.where(column(table, parent_level) == values[parent_level])
    if current is not None:
        query = query.where(table._meta.primary_key != current["id"])
    if table is ResponsibilityGrid:
        west, south, east, north = polygon.bounds
        query = query.where(
            ResponsibilityGrid.min_lon <= east,
            ResponsibilityGrid.max_lon >= west,
            ResponsibilityGrid.min_lat <= north,
            ResponsibilityGrid.max_lat >= south,
        )
    return await query.run()
