"""Rules for what lives in a grid: buildings, facilities, organisations, households, residents.

Where a record sits (community, grid) is always derived from its parent, never taken from input,
so a building cannot claim one grid and another community.
"""

from __future__ import annotations

from typing import Any

from app import crud
from app.coordinates import in_wgs84
from app.errors import ValidationFailed
from app.geo import (
    check_point,
    contains_point,
    lies_within,
    meets,
    parse_line,
    parse_polygon,
    stored_geojson,
)
from app.places.schemas import (
    BuildingCreate,
    BuildingUpdate,
    FacilityCreate,
    FacilityUpdate,
    HouseholdCreate,
    HouseholdUpdate,
    OrganisationCreate,
    OrganisationUpdate,
    ResidentCreate,
    ResidentUpdate,
)
from app.validation import (
    birth_date_of,
    check_choice,
    check_credit_code,
    check_id_number,
    check_optional_phone,
    check_text,
)
from tables.areas import Community, ResponsibilityGrid
from tables.choices import BuildingKind, CareTag, FacilityKind, OrganisationKind
from tables.places import Building, Facility, Household, Organisation, Resident

Row = dict[str, Any]

# ---------------------------------------------------------------- shared rules


async def locate_in_grid(values: Row, field: str = "longitude") -> Row:
    """The grid a point record names, once its (longitude, latitude) is checked to lie inside it.

    A grid without a boundary cannot refuse a point, so any point in WGS84 range is taken.
    """
    grid = await crud.get_row(ResponsibilityGrid, values.get("grid"), field="grid")
    for name in ("longitude", "latitude"):
        if values.get(name) is None:
            raise ValidationFailed("is required", field=name)
    point = check_point(values["longitude"], values["latitude"], field=field)
    if grid["boundary"] is not None and not contains_point(parse_polygon(grid["boundary"]), point):
        raise ValidationFailed(
            f"the point ({point.x}, {point.y}) lies outside grid {grid['code']}"
            f" {grid['name']}: move the point or choose the grid it is in",
            field=field,
        )
    return grid


# ---------------------------------------------------------------- buildings


async def next_building_code(grid: Row) -> str:
    """The grid's code followed by the next free 3-digit building sequence."""
    codes = await (
        Building.select(Building.code)
        .where(Building.code.like(grid["code"] + "%"))
        .output(as_list=True)
        .run()
    )
    suffixes = [
        int(code[len(grid["code"]) :]) for code in codes if code[len(grid["code"]) :].isdigit()
    ]
    return f"{grid['code']}{max(suffixes, default=0) + 1:03d}"


async def clean_building(values: Row, current: Row | None) -> Row:
    """A building's point lies inside its grid; community comes from the grid; code is unique."""
    grid = await locate_in_grid(values)
    values["grid"] = grid["id"]
    values["community"] = grid["community"]
    values["address"] = check_text(values.get("address"), "address", Building.address.length)
    values["kind"] = check_choice(values.get("kind"), BuildingKind, "kind")
    if values.get("floors") is not None and values["floors"] < 1:
        raise ValidationFailed("a building has at least 1 floor", field="floors")
    if values.get("footprint") is not None:
        values["footprint"] = _footprint(values, grid)
    if values.get("code") is None or not str(values["code"]).strip():
        values["code"] = await next_building_code(grid)
    values["code"] = check_text(values["code"], "code", Building.code.length)
    await crud.ensure_unique(
        Building,
        current,
        "code",
        f"building code {values['code']} is already used",
        code=values["code"],
    )
    return values


def _footprint(values: Row, grid: Row) -> Any:
    """The building's outline: a valid polygon around its point, inside its grid."""
    outline = parse_polygon(values["footprint"], field="footprint")
    point = check_point(values["longitude"], values["latitude"])
    if not contains_point(outline, point):
        raise ValidationFailed(
            "must enclose the building's point (longitude, latitude)", field="footprint"
        )
    if grid["boundary"] is not None and not lies_within(outline, parse_polygon(grid["boundary"])):
        raise ValidationFailed(
            f"must lie inside grid {grid['code']} {grid['name']}", field="footprint"
        )
    return stored_geojson(values["footprint"])


async def create_building(data: BuildingCreate, actor_id: int | None = None) -> Row:
    """Register a building in a grid (its point and footprint converted to WGS84 from the
    system named)."""
    return await crud.create_with(Building, clean_building, _building_input(data), actor_id)


async def update_building(
    building_id: int, data: BuildingUpdate, actor_id: int | None = None
) -> Row:
    """Change a building; a new point, footprint or grid is checked again."""
    return await crud.update_with(
        Building, clean_building, building_id, _building_input(data), actor_id
    )


def _building_input(data: BuildingCreate | BuildingUpdate) -> Row:
    """The fields sent, the point and footprint in WGS84 (the footprint's checks in
    `clean_building` then judge the converted shape)."""
    return in_wgs84(crud.changes_of(data), polygon="footprint")


# ---------------------------------------------------------------- facilities


async def clean_facility(values: Row, current: Row | None) -> Row:
    """A facility's point lies inside its grid, and its path (if any) runs through the grid;
    community comes from the grid."""
    grid = await locate_in_grid(values)
    values["grid"] = grid["id"]
    values["community"] = grid["community"]
    values["name"] = check_text(values.get("name"), "name", Facility.name.length)
    values["kind"] = check_choice(values.get("kind"), FacilityKind, "kind")
    if values.get("path") is not None:
        values["path"] = await _path(values["path"], grid)
    return values


async def _path(path: Any, grid: Row) -> Any:
    """A road's (or other linear facility's) line: it touches or crosses its grid and may run
    on beyond it, but stays inside the grid's community."""
    line = parse_line(path, field="path")
    if grid["boundary"] is not None and not meets(parse_polygon(grid["boundary"]), line):
        raise ValidationFailed(
            f"must touch or cross grid {grid['code']} {grid['name']}", field="path"
        )
    community = await crud.get_row(Community, grid["community"], field="community")
    if community["boundary"] is not None and not lies_within(
        line, parse_polygon(community["boundary"])
    ):
        raise ValidationFailed(
            f"must stay inside community {community['code']} {community['name']}", field="path"
        )
    return stored_geojson(path)


async def create_facility(data: FacilityCreate, actor_id: int | None = None) -> Row:
    """Register a facility (road, station, venue …) in a grid (its point and path converted
    to WGS84 from the system named)."""
    return await crud.create_with(Facility, clean_facility, _facility_input(data), actor_id)


async def update_facility(
    facility_id: int, data: FacilityUpdate, actor_id: int | None = None
) -> Row:
    """Change a facility; a new point, path or grid is checked again."""
    return await crud.update_with(
        Facility, clean_facility, facility_id, _facility_input(data), actor_id
    )


def _facility_input(data: FacilityCreate | FacilityUpdate) -> Row:
    """The fields sent, the point and path in WGS84 (the path's checks in `clean_facility`
    then judge the converted line)."""
    return in_wgs84(crud.changes_of(data), line="path")


# ---------------------------------------------------------------- organisations


async def clean_organisation(values: Row, current: Row | None) -> Row:
    """Checked credit code and phone; the community is the grid's, or given when there is no grid.

    When both a grid and a community are given (or changed) they must agree.
    """
    values["name"] = check_text(values.get("name"), "name", Organisation.name.length)
    values["kind"] = check_choice(values.get("kind"), OrganisationKind, "kind")
    values["address"] = check_text(
        values.get("address"), "address", Organisation.address.length, required=False
    )
    values["contact_phone"] = check_optional_phone(values.get("contact_phone"), "contact_phone")
    code = values.get("credit_code")
    values["credit_code"] = (
        None if code is None or not str(code).strip() else check_credit_code(code)
    )
    if values["credit_code"] is not None:
        await crud.ensure_unique(
            Organisation,
            current,
            "credit_code",
            f"an organisation with credit code {values['credit_code']} is already registered",
            credit_code=values["credit_code"],
        )
    community_given = values.get("community")
    if current is not None and community_given == current["community"]:
        community_given = None  # unchanged on update: follow the grid
    if values.get("grid") is not None:
        grid = await crud.get_row(ResponsibilityGrid, values["grid"], field="grid")
        if community_given is not None and community_given != grid["community"]:
            raise ValidationFailed(
                f"grid {grid['code']} is not in community {community_given}", field="grid"
            )
        values["community"] = grid["community"]
    else:
        values["grid"] = None
        if values.get("community") is None:
            raise ValidationFailed("is required when no grid is given", field="community")
        await crud.get_row(Community, values["community"], field="community")
    return values


async def create_organisation(data: OrganisationCreate, actor_id: int | None = None) -> Row:
    """Register a resident unit (market, school, hospital, enterprise …)."""
    return await crud.create_with(Organisation, clean_organisation, crud.changes_of(data), actor_id)


async def update_organisation(
    organisation_id: int, data: OrganisationUpdate, actor_id: int | None = None
) -> Row:
    """Change a resident unit."""
    return await crud.update_with(
        Organisation, clean_organisation, organisation_id, crud.changes_of(data), actor_id
    )


# ---------------------------------------------------------------- households


def check_care_tags(value: Any, field: str = "care_tags") -> list[str]:
    """Care tags from the closed list (tables.choices.CareTag), each once."""
    if value is None:
        return []
    if not isinstance(value, list | tuple):
        raise ValidationFailed("must be a list of care tags", field=field)
    tags = [check_choice(tag, CareTag, field) for tag in value]
    return list(dict.fromkeys(tags))


async def clean_household(values: Row, current: Row | None) -> Row:
    """A household sits in a building (grid and community follow it); one per building room."""
    building = await crud.get_row(Building, values.get("building"), field="building")
    values["building"] = building["id"]
    values["grid"] = building["grid"]
    values["community"] = building["community"]
    values["room"] = check_text(values.get("room"), "room", Household.room.length)
    count = values.get("member_count")
    if not isinstance(count, int) or isinstance(count, bool) or count < 0:
        raise ValidationFailed("must be a whole number, 0 or more", field="member_count")
    values["care_tags"] = check_care_tags(values.get("care_tags"))
    await crud.ensure_unique(
        Household,
        current,
        "room",
        f"room {values['room']} of building {building['code']} is already registered",
        building=building["id"],
        room=values["room"],
    )
    return values


async def create_household(data: HouseholdCreate, actor_id: int | None = None) -> Row:
    """Register a household in a building."""
    return await crud.create_with(Household, clean_household, crud.changes_of(data), actor_id)


async def update_household(
    household_id: int, data: HouseholdUpdate, actor_id: int | None = None
) -> Row:
    """Change a household; moving it to another building moves its grid and community."""
    return await crud.update_with(
        Household, clean_household, household_id, crud.changes_of(data), actor_id
    )


# ---------------------------------------------------------------- residents


async def clean_resident(values: Row, current: Row | None) -> Row:
    """A resident of a household: checked ID number (birth date read from it) and phone.

    One ID number belongs to one resident; concurrent registrations of the same number are
    serialised so the check cannot be raced.
    """
    household = await crud.get_row(Household, values.get("household"), field="household")
    values["household"] = household["id"]
    values["community"] = household["community"]
    values["name"] = check_text(values.get("name"), "name", Resident.name.length)
    values["phone"] = check_optional_phone(values.get("phone"), "phone")
    number = values.get("id_number")
    if number is None or (isinstance(number, str) and not number.strip()):
        values["id_number"] = None
        values["birth_date"] = None
        return values
    values["id_number"] = check_id_number(number)
    values["birth_date"] = birth_date_of(values["id_number"])
    await crud.serialize_on(Resident, "id_number", values["id_number"])
    await crud.ensure_unique(
        Resident,
        current,
        "id_number",
        "a resident with this ID number is already registered",
        id_number=values["id_number"],
    )
    return values


async def create_resident(data: ResidentCreate, actor_id: int | None = None) -> Row:
    """Register a resident in a household."""
    return await crud.create_with(Resident, clean_resident, crud.changes_of(data), actor_id)


async def update_resident(
    resident_id: int, data: ResidentUpdate, actor_id: int | None = None
) -> Row:
    """Change a resident; a new ID number is checked and the birth date follows it."""
    return await crud.update_with(
        Resident, clean_resident, resident_id, crud.changes_of(data), actor_id
    )
