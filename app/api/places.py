"""Buildings, facilities, organisations, households and residents of the grids."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import msgspec

from app.api.geojson import Feature, point_feature
from app.api.pagination import VALUE, Filter, by_code, equals, in_community, in_grid, street_code
from app.api.resources import Resource, plain_delete
from app.geo import stored_geojson
from app.places import schemas, services
from tables.choices import BuildingKind, CareTag, FacilityKind, OrganisationKind
from tables.places import Building, Facility, Household, Organisation, Resident

Row = dict[str, Any]
S = TypeVar("S", bound=msgspec.Struct)


def _building_feature(row: Row) -> Feature:
    return point_feature(
        row,
        {
            "code": row["code"],
            "address": row["address"],
            "kind": row["kind"],
            "floors": row["floors"],
            "grid": row["grid"],
            "community": row["community"],
        },
    )


def with_geojson(output: type[S], field: str) -> Callable[[Row], S]:
    """The output of a row with its GeoJSON column `field` decoded (JSONB comes back as text):
    a building's footprint, a facility's path."""

    def to_output(row: Row) -> S:
        values = {**row, field: stored_geojson(row.get(field))}
        return msgspec.convert(values, output, strict=False)

    return to_output


BUILDINGS = Resource(
    path="buildings",
    table=Building,
    output=schemas.Building,
    noun="building",
    sort=("code", "address", "id"),
    default_sort="code",
    filters=[
        in_grid(),
        in_community(),
        street_code(),
        equals("kind", BuildingKind, "kind of building"),
        equals("code", str, "building code"),
    ],
    to_output=with_geojson(schemas.Building, "footprint"),
    create=(schemas.BuildingCreate, services.create_building),
    update=(schemas.BuildingUpdate, services.update_building),
    delete=plain_delete(Building),
    feature=_building_feature,
    description="楼栋 Buildings; the point must lie inside the grid. Also as GeoJSON points.",
)

FACILITIES = Resource(
    path="facilities",
    table=Facility,
    output=schemas.Facility,
    noun="facility",
    sort=("name", "id"),
    filters=[
        in_grid(),
        in_community(),
        street_code(),
        equals("kind", FacilityKind, "kind of facility"),
    ],
    to_output=with_geojson(schemas.Facility, "path"),
    create=(schemas.FacilityCreate, services.create_facility),
    update=(schemas.FacilityUpdate, services.update_facility),
    delete=plain_delete(Facility),
    description="设施 Facilities (roads, stations, venues …) in a grid; a road's `path` (GeoJSON"
    " LineString) must touch or cross the grid and stay inside its community.",
)

ORGANISATIONS = Resource(
    path="organisations",
    table=Organisation,
    output=schemas.Organisation,
    noun="organisation",
    sort=("name", "id"),
    filters=[
        in_grid(),
        in_community(),
        street_code(),
        equals("kind", OrganisationKind, "kind of organisation"),
        equals("credit_code", str, "18-character unified social credit code"),
    ],
    create=(schemas.OrganisationCreate, services.create_organisation),
    update=(schemas.OrganisationUpdate, services.update_organisation),
    delete=plain_delete(Organisation),
    description="单位 Resident units; contact phones are masked for roles that do not need them.",
)

HOUSEHOLDS = Resource(
    path="households",
    table=Household,
    output=schemas.Household,
    noun="household",
    sort=("room", "member_count", "id"),
    filters=[
        by_code("building", "building"),
        in_grid(),
        in_community(),
        street_code(),
        Filter(
            "care_tag",
            CareTag,
            f"care_tags @> ARRAY[{VALUE}]::varchar[]",
            "households carrying this care tag (关爱标签)",
        ),
    ],
    create=(schemas.HouseholdCreate, services.create_household),
    update=(schemas.HouseholdUpdate, services.update_household),
    delete=plain_delete(Household),
    description="住户 Households; grid and community follow the building.",
)

RESIDENTS = Resource(
    path="residents",
    table=Resident,
    output=schemas.Resident,
    noun="resident",
    sort=("name", "birth_date", "created_at", "id"),
    filters=[
        equals("household", int, "household id"),
        in_community(),
        Filter(
            "grid",
            str,
            "household IN (SELECT h.id FROM household h JOIN responsibility_grid g"
            f" ON g.id = h.grid WHERE g.code = {VALUE})",
            "grid code (15 digits): residents of the grid's households",
        ),
        street_code(),
    ],
    create=(schemas.ResidentCreate, services.create_resident),
    update=(schemas.ResidentUpdate, services.update_resident),
    delete=plain_delete(Resident),
    description=(
        "居民 Residents. ID numbers and phones are masked unless the caller's role needs them"
        " (community staff, grid workers in their own grids, superusers)."
    ),
)

RESOURCES = [BUILDINGS, FACILITIES, ORGANISATIONS, HOUSEHOLDS, RESIDENTS]
