"""Districts, streets, communities and grids, addressed by their standard codes."""

from __future__ import annotations

from typing import Any

from app.api.geojson import Feature, polygon_feature
from app.api.pagination import by_code, equals, street_code
from app.api.resources import Resource
from app.areas import schemas, services
from tables.areas import Community, District, ResponsibilityGrid, Street
from tables.choices import GridKind

Row = dict[str, Any]

AREA_SORT = ("code", "name", "id")


def _deleter(level: str) -> Any:
    async def remove(area_id: int, actor_id: int | None) -> None:
        await services.delete_area(level, area_id, actor_id)

    return remove


def _community_feature(row: Row) -> Feature:
    return polygon_feature(row, {"code": row["code"], "name": row["name"], "street": row["street"]})


def _grid_feature(row: Row) -> Feature:
    grid = schemas.from_row(schemas.Grid, row)
    return polygon_feature(
        row,
        {
            "code": grid.code,
            "name": grid.name,
            "community": grid.community,
            "kind": grid.kind,
            "household_count": grid.household_count,
            "size_warning": grid.size_warning,
            "size_warning_message": grid.size_warning_message,
        },
    )


DISTRICTS = Resource(
    path="districts",
    table=District,
    output=schemas.District,
    noun="district",
    key="code",
    sort=AREA_SORT,
    default_sort="code",
    create=(schemas.DistrictCreate, services.create_district),
    update=(schemas.DistrictUpdate, services.update_district),
    delete=_deleter("district"),
    to_output=lambda row: schemas.from_row(schemas.District, row),
    description="区 Districts, by their 6-digit GB/T 2260 code.",
)

STREETS = Resource(
    path="streets",
    table=Street,
    output=schemas.Street,
    noun="street",
    key="code",
    sort=AREA_SORT,
    default_sort="code",
    filters=[by_code("district", "district")],
    create=(schemas.StreetCreate, services.create_street),
    update=(schemas.StreetUpdate, services.update_street),
    delete=_deleter("street"),
    to_output=lambda row: schemas.from_row(schemas.Street, row),
    description="街道 Streets, by their 9-digit code (district code + street code).",
)

COMMUNITIES = Resource(
    path="communities",
    table=Community,
    output=schemas.Community,
    noun="community",
    key="code",
    sort=AREA_SORT,
    default_sort="code",
    filters=[by_code("street", "street")],
    create=(schemas.CommunityCreate, services.create_community),
    update=(schemas.CommunityUpdate, services.update_community),
    delete=_deleter("community"),
    to_output=lambda row: schemas.from_row(schemas.Community, row),
    feature=_community_feature,
    description="社区 Communities, by their 12-digit code; also as GeoJSON.",
)

GRIDS = Resource(
    path="grids",
    table=ResponsibilityGrid,
    output=schemas.Grid,
    noun="responsibility grid",
    key="code",
    sort=(*AREA_SORT, "household_count", "created_at"),
    default_sort="code",
    filters=[
        by_code("community", "community"),
        street_code(),
        equals("kind", GridKind, "residential 居民区网格 or unit 单位网格"),
        equals("size_warning", bool, "residential grids outside 250–500 households"),
    ],
    create=(schemas.GridCreate, services.create_grid),
    update=(schemas.GridUpdate, services.update_grid),
    delete=_deleter("grid"),
    to_output=lambda row: schemas.from_row(schemas.Grid, row),
    feature=_grid_feature,
    description=(
        "责任网格 Responsibility grids, by their 15-digit code (community code + sequence);"
        " also as GeoJSON. A grid created without a code gets the next sequence number."
    ),
)

RESOURCES = [DISTRICTS, STREETS, COMMUNITIES, GRIDS]
