"""Districts, streets, communities and grids, addressed by their standard codes."""

from __future__ import annotations

from typing import Any

from app.api.geojson import Feature, polygon_feature
from app.api.pagination import by_code, equals, in_community, street_code
from app.api.resources import Resource
from app.areas import schemas, services
from tables.areas import Community, District, ResponsibilityGrid, Street
from tables.choices import GridKind

Row = dict[str, Any]

AREA_SORT = ("code", "name", "id")


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


def _area(level: str, output: type[schemas.AreaT], **options: Any) -> Resource:
    """An area level: addressed by its standard code, sorted by code unless `sort` is given,
    deleted through `services.delete_area` (refused while anything refers to it)."""

    async def remove(area_id: int, actor_id: int | None) -> None:
        await services.delete_area(level, area_id, actor_id)

    return Resource(
        output=output,
        key="code",
        sort=options.pop("sort", AREA_SORT),
        default_sort="code",
        delete=remove,
        to_output=lambda row: schemas.from_row(output, row),
        **options,
    )


DISTRICTS = _area(
    "district",
    schemas.District,
    path="districts",
    table=District,
    noun="district",
    create=(schemas.DistrictCreate, services.create_district),
    update=(schemas.DistrictUpdate, services.update_district),
    description="区 Districts, by their 6-digit GB/T 2260 code.",
)

STREETS = _area(
    "street",
    schemas.Street,
    path="streets",
    table=Street,
    noun="street",
    filters=[by_code("district", "district")],
    create=(schemas.StreetCreate, services.create_street),
    update=(schemas.StreetUpdate, services.update_street),
    description="街道 Streets, by their 9-digit code (district code + street code).",
)

COMMUNITIES = _area(
    "community",
    schemas.Community,
    path="communities",
    table=Community,
    noun="community",
    filters=[by_code("street", "street")],
    create=(schemas.CommunityCreate, services.create_community),
    update=(schemas.CommunityUpdate, services.update_community),
    feature=_community_feature,
    description="社区 Communities, by their 12-digit code; also as GeoJSON.",
)

GRIDS = _area(
    "grid",
    schemas.Grid,
    path="grids",
    table=ResponsibilityGrid,
    noun="responsibility grid",
    sort=(*AREA_SORT, "household_count", "created_at"),
    filters=[
        in_community(),
        street_code(),
        equals("kind", GridKind, "residential 居民区网格 or unit 单位网格"),
        equals("size_warning", bool, "residential grids outside 250–500 households"),
    ],
    create=(schemas.GridCreate, services.create_grid),
    update=(schemas.GridUpdate, services.update_grid),
    feature=_grid_feature,
    description=(
        "责任网格 Responsibility grids, by their 15-digit code (community code + sequence);"
        " also as GeoJSON. A grid created without a code gets the next sequence number."
    ),
)

RESOURCES = [DISTRICTS, STREETS, COMMUNITIES, GRIDS]
