"""Districts, streets, communities and responsibility grids: cleaners, writes and lookups.

The rules every level shares (nested stable codes, nested non-overlapping boundaries, parent
locks) live in `app.areas.hierarchy`; the pure ones (code shape, numbering order, grid size)
in `app.areas.rules`.
"""

from __future__ import annotations

from collections.abc import Sequence
from statistics import median
from typing import Any

from app.areas.hierarchy import (
    PARENT_OF,
    TABLES,
    Row,
    clean_area,
    lock_parent,
    max_grid_sequence,
    references,
)
from app.areas.rules import (
    CODE_LENGTHS,
    check_code,
    grid_code,
    grid_sequence,
    order_west_east_north_south,
    size_warning_of,
)
from app.areas.schemas import (
    CommunityCreate,
    CommunityUpdate,
    DistrictCreate,
    DistrictUpdate,
    GridCreate,
    GridUpdate,
    StreetCreate,
    StreetUpdate,
)
from app.coordinates import in_wgs84
from app.crud import (
    changes_of,
    create_with,
    delete_row,
    get_by,
    get_row_for_update,
    insert_row,
    update_with,
)
from app.db import write_transaction
from app.errors import ValidationFailed, still_used
from app.geo import bbox, check_point, contains_point, parse_polygon
from app.record_names import column_pointing_at
from app.validation import check_choice, check_text
from tables.areas import Community, District, ResponsibilityGrid, Street
from tables.choices import GridKind

BBOX_COLUMNS = ("min_lon", "min_lat", "max_lon", "max_lat")

# Candidates by bounding box (GiST index responsibility_grid_bbox), exact test in Shapely.
GRIDS_AT_POINT_SQL = (
    "SELECT * FROM responsibility_grid WHERE min_lon IS NOT NULL"
    " AND box(point(min_lon, min_lat), point(max_lon, max_lat)) @> point({}, {})"
)


# --- cleaners ------------------------------------------------------------------------------


async def clean_district(values: Row, current: Row | None) -> Row:
    """A district: 6-digit code, unique; optional boundary clear of other districts."""
    return (await clean_area("district", values, current))[0]


async def clean_street(values: Row, current: Row | None) -> Row:
    """A street: district code + 3 digits; boundary inside the district's, clear of siblings."""
    return (await clean_area("street", values, current))[0]


async def clean_community(values: Row, current: Row | None) -> Row:
    """A community: street code + 3 digits; boundary inside the street's, clear of siblings."""
    return (await clean_area("community", values, current))[0]


async def clean_grid(values: Row, current: Row | None) -> Row:
    """A grid: kind, households, organisation, code (numbered when missing), boundary, bbox."""
    kind = check_choice(values.get("kind", GridKind.residential.value), GridKind, "kind")
    households = values.get("household_count", 0)
    if not isinstance(households, int) or isinstance(households, bool) or households < 0:
        raise ValidationFailed(
            "must be a whole number of households, 0 or more", field="household_count"
        )
    organisation = check_text(
        values.get("responsible_organisation"), "responsible_organisation", 200, required=False
    )
    if kind == GridKind.unit and not organisation:
        raise ValidationFailed(
            "a unit grid (单位网格) must name its responsible organisation",
            field="responsible_organisation",
        )
    row, polygon = await clean_area("grid", values, current)
    row["name"] = row["name"] or f"第{grid_sequence(row['code'])}网格"
    row.update(kind=kind, household_count=households, responsible_organisation=organisation)
    row["size_warning"] = size_warning_of(kind, households)
    row.update(bbox(polygon) if polygon is not None else dict.fromkeys(BBOX_COLUMNS))
    return row


# --- create / update / delete --------------------------------------------------------------


def _changes(data: Any) -> Row:
    """The fields a Create/Update schema carries, its boundary converted to WGS84 from the
    `coordinate_system` it names (the boundary checks then judge the converted shape)."""
    return in_wgs84(changes_of(data), polygon="boundary")


async def create_district(data: DistrictCreate, actor_id: int | None = None) -> Row:
    """Create a district."""
    return await create_with(District, clean_district, _changes(data), actor_id)


async def update_district(
    district_id: int, data: DistrictUpdate, actor_id: int | None = None
) -> Row:
    """Change a district (its code only while nothing refers to it)."""
    return await update_with(District, clean_district, district_id, _changes(data), actor_id)


async def create_street(data: StreetCreate, actor_id: int | None = None) -> Row:
    """Create a street in a district."""
    return await create_with(Street, clean_street, _changes(data), actor_id)


async def update_street(street_id: int, data: StreetUpdate, actor_id: int | None = None) -> Row:
    """Change a street; moving it means a new code, allowed only while nothing refers to it."""
    return await update_with(Street, clean_street, street_id, _changes(data), actor_id)


async def create_community(data: CommunityCreate, actor_id: int | None = None) -> Row:
    """Create a community in a street."""
    return await create_with(Community, clean_community, _changes(data), actor_id)


async def update_community(
    community_id: int, data: CommunityUpdate, actor_id: int | None = None
) -> Row:
    """Change a community; moving it means a new code, allowed only while nothing refers to it."""
    return await update_with(Community, clean_community, community_id, _changes(data), actor_id)


async def create_grid(data: GridCreate, actor_id: int | None = None) -> Row:
    """Create a grid; without a code it gets its community's next free sequence number."""
    return await create_with(ResponsibilityGrid, clean_grid, _changes(data), actor_id)


async def update_grid(grid_id: int, data: GridUpdate, actor_id: int | None = None) -> Row:
    """Change a grid; the size warning and bounding box are derived again."""
    return await update_with(ResponsibilityGrid, clean_grid, grid_id, _changes(data), actor_id)


async def create_grids(
    community_id: int, grids: Sequence[GridCreate], actor_id: int | None = None
) -> list[Row]:
    """Create a community's grids at once; uncoded ones are numbered west→east, north→south."""
    items = [_changes(grid) for grid in grids]
    for item in items:
        if item["community"] != community_id:
            raise ValidationFailed(
                f"every grid of this batch must belong to community {community_id}",
                field="community",
            )
    async with write_transaction(actor_id):
        community = await lock_parent("community", community_id)
        claimed = [_claimed_sequence(item.get("code"), community["code"]) for item in items]
        first = max([await max_grid_sequence(community_id), *claimed]) + 1
        uncoded = [item for item in items if not item.get("code")]
        for offset, item in enumerate(_in_numbering_order(uncoded)):
            item["code"] = grid_code(community["code"], first + offset)
        return [
            await insert_row(ResponsibilityGrid, await clean_grid(item, None)) for item in items
        ]


def _claimed_sequence(code: Any, community_code: str) -> int:
    """The sequence an explicit code in a batch takes (0 when it is not a valid grid code)."""
    valid = (
        isinstance(code, str)
        and len(code) == CODE_LENGTHS["grid"]
        and code.isascii()
        and code.isdigit()
        and code.startswith(community_code)
    )
    return grid_sequence(code) if valid else 0


def _in_numbering_order(items: list[Row]) -> list[Row]:
    """Items with a boundary by centroid west→east, north→south; those without last."""
    placed = [(item, parse_polygon(item["boundary"])) for item in items if item.get("boundary")]
    unplaced = [item for item in items if not item.get("boundary")]
    if not placed:
        return unplaced
    centroids = [(polygon.centroid.x, polygon.centroid.y) for _, polygon in placed]
    row_height = median(polygon.bounds[3] - polygon.bounds[1] for _, polygon in placed)
    order = order_west_east_north_south(centroids, row_height)
    return [placed[index][0] for index in order] + unplaced


async def delete_area(level: str, area_id: int, actor_id: int | None = None) -> None:
    """Delete a district, street, community or grid that nothing refers to any more."""
    table = TABLES[level]
    async with write_transaction(actor_id):
        await get_row_for_update(table, area_id)
        if used_by := await references(table, area_id):
            dependent, count = sorted(used_by.items())[0]
            column = column_pointing_at(dependent, table._meta.tablename)
            raise still_used(dependent, column, count)
        await delete_row(table, area_id)


async def delete_grid(grid_id: int, actor_id: int | None = None) -> None:
    """Delete a grid; refused while buildings, households, staff assignments … refer to it."""
    await delete_area("grid", grid_id, actor_id)


# --- lookups -------------------------------------------------------------------------------


async def area_by_code(level: str, code: str) -> Row:
    """The district, street, community or grid with this code, or NotFound."""
    parent_level = PARENT_OF.get(level)
    return await get_by(TABLES[level], "code", check_code(code, level, parent_level, None))


async def grid_by_code(code: str) -> Row:
    """The responsibility grid with this 15-digit code, or NotFound."""
    return await area_by_code("grid", code)


async def find_grid_at(
    longitude: float, latitude: float, community_id: int | None = None
) -> Row | None:
    """The grid whose boundary covers the point (on a shared edge: the lowest code), or None."""
    point = check_point(longitude, latitude)
    sql, args = GRIDS_AT_POINT_SQL, [point.x, point.y]
    if community_id is not None:
        sql, args = sql + " AND community = {}", [*args, community_id]
    for row in await ResponsibilityGrid.raw(sql + " ORDER BY code", *args).run():
        if contains_point(parse_polygon(row["boundary"]), point):
            return row
    return None
