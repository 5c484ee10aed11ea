"""Set-based versions of row cleaners, for files too large to validate one query per row.

`clean_households` applies exactly the rules of `app.places.services.clean_household`, in
the same order and with the same messages, but reads the buildings and the rooms already
registered once for the whole file instead of twice per row. The shared checks (`check_text`,
`check_care_tags`) are the services' own functions; tests/excel/test_bulk_parity.py runs both
on the same rows and requires identical outcomes.
"""

from __future__ import annotations

from typing import Any

from app.errors import Conflict, DomainError, NotFound, ValidationFailed
from app.places.services import check_care_tags
from app.validation import check_text
from tables.places import Building, Household

Row = dict[str, Any]
Outcome = Row | DomainError


async def clean_households(rows: list[Row]) -> list[Outcome]:
    """Each row cleaned as `clean_household(values, None)` would, or the error it would raise."""
    building_ids = {row.get("building") for row in rows if isinstance(row.get("building"), int)}
    buildings: dict[int, Row] = {}
    taken: set[tuple[int, str]] = set()
    if building_ids:
        found = (
            await Building.select(
                Building._meta.primary_key, Building.code, Building.grid, Building.community
            )
            .where(Building._meta.primary_key.is_in(list(building_ids)))
            .run()
        )
        buildings = {row["id"]: row for row in found}
        registered = (
            await Household.select(Household.building, Household.room)
            .where(Household.building.is_in(list(buildings)))
            .run()
        )
        taken = {(row["building"], row["room"]) for row in registered}
    return [_clean_household(dict(row), buildings, taken) for row in rows]


def _clean_household(
    values: Row, buildings: dict[int, Row], taken: set[tuple[int, str]]
) -> Outcome:
    try:
        building_id = values.get("building")
        if building_id is None:
            raise ValidationFailed("is required", field="building")
        building = buildings.get(building_id)
        if building is None:
            raise NotFound(f"building {building_id} does not exist", field="building")
        values["building"] = building["id"]
        values["grid"] = building["grid"]
        values["community"] = building["community"]
        values["room"] = check_text(values.get("room"), "room", Household.room.length)
        count = values.get("member_count")
        if not isinstance(count, int) or isinstance(count, bool) or count < 0:
            raise ValidationFailed("must be a whole number, 0 or more", field="member_count")
        values["care_tags"] = check_care_tags(values.get("care_tags"))
        if (building["id"], values["room"]) in taken:
            raise Conflict(
                f"room {values['room']} of building {building['code']} is already registered",
                field="room",
            )
    except DomainError as exc:
        return exc
    return values
