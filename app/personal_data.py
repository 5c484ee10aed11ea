"""Personal data (PIPL): which rows a scope sees unmasked, decided in one place.

ID numbers, phones and the names of people who raised supervision records are masked for
scopes that do not need them (`Scope.may_see_personal_data`); the admin and the API pass
every row of these tables through `protect_rows` before it leaves the server.
"""

from __future__ import annotations

from typing import Any

from app.masking import MEMBERSHIP_FIELDS, PERSONAL_FIELDS, mask_membership, mask_row
from app.scope import Level, Scope
from tables.choices import StaffRole
from tables.people import StaffMember
from tables.places import Household, Resident

# Tables holding personal columns, and the column naming the grid of each row (None: no grid).
PERSONAL_TABLES: dict[str, str | None] = {
    "resident": "household",  # via the household's grid
    "staff_member": None,
    "organisation": "grid",
    "supervision_record": "grid",
    "open311_request": "grid",  # reporters of Open311 service requests
    "volunteer": None,  # volunteers' phones
    "party_member": "grid",  # who is a party member: see MEMBERSHIP_TABLES
}
# Tables whose rows say who is a party member. Shown to those who run party work — the
# district, street officials and party branch secretaries — and masked for everyone else
# (community admins and grid workers included), whatever their right to ID numbers.
MEMBERSHIP_TABLES = frozenset({"party_member"})
MEMBERSHIP_LEVELS = frozenset({Level.district, Level.street})


async def may_see_membership(scope: Scope) -> bool:
    """Whether `scope` sees who party members are (see MEMBERSHIP_TABLES)."""
    if scope.level in MEMBERSHIP_LEVELS:
        return True
    if scope.level is not Level.community or scope.staff_id is None:
        return False
    role = (
        await StaffMember.select(StaffMember.role)
        .where(StaffMember._meta.primary_key == scope.staff_id)
        .first()
        .run()
    )
    return role is not None and role["role"] == StaffRole.party_branch_secretary


async def protect_rows(
    table: str, rows: list[dict[str, Any]], scope: Scope
) -> list[dict[str, Any]]:
    """`rows` of `table` with personal columns masked where `scope` may not see them."""
    if table in MEMBERSHIP_TABLES:
        if not rows or await may_see_membership(scope):
            return rows
        return [mask_membership(row) for row in rows]
    if table not in PERSONAL_TABLES or scope.may_see_personal_data(None) or not rows:
        return rows
    grids = await _grid_of_each(table, rows)
    return [
        row if scope.may_see_personal_data(grids.get(index)) else mask_row(row)
        for index, row in enumerate(rows)
    ]


async def _grid_of_each(table: str, rows: list[dict[str, Any]]) -> dict[int, int | None]:
    """Grid id of each row by position; unknown grids stay absent (and so are masked)."""
    column = PERSONAL_TABLES[table]
    if column == "grid":
        return {i: row.get("grid") for i, row in enumerate(rows)}
    if column != "household":
        return {}
    household_of = {i: row.get("household") for i, row in enumerate(rows)}
    missing = [row["id"] for i, row in enumerate(rows) if household_of[i] is None and "id" in row]
    if missing:
        found = (
            await Resident.select(Resident._meta.primary_key, Resident.household)
            .where(Resident._meta.primary_key.is_in(missing))
            .run()
        )
        by_id = {r["id"]: r["household"] for r in found}
        household_of = {
            i: household_of[i] or by_id.get(row.get("id")) for i, row in enumerate(rows)
        }
    ids = [h for h in household_of.values() if h is not None]
    if not ids:
        return {}
    households = (
        await Household.select(Household._meta.primary_key, Household.grid)
        .where(Household._meta.primary_key.is_in(ids))
        .run()
    )
    grid_of = {h["id"]: h["grid"] for h in households}
    return {i: grid_of.get(h) for i, h in household_of.items() if h is not None}


def personal_query_fields(table: str, query: dict[str, list[str]], scope: Scope) -> list[str]:
    """Personal columns a list query would filter or sort on, where `scope` sees them masked.

    Masking the output is not enough: a filter such as `?id_number=…` (or an ordering) on a
    masked column answers "is there such a person?" and leaks the number digit by digit.
    Membership columns are filtered on by the district and street only (the check runs
    before any query, so a party secretary searches by organisation, grid or kind).
    """
    if table in MEMBERSHIP_TABLES:
        if scope.level in MEMBERSHIP_LEVELS:
            return []
        used = {key.split("__")[0] for key in query if not key.startswith("__")}
        for value in query.get("__order", []):
            used.update(part.lstrip("-") for part in value.split(","))
        return sorted(used & set(MEMBERSHIP_FIELDS))
    if table not in PERSONAL_TABLES or scope.may_see_personal_data(None):
        return []
    used = {key.split("__")[0] for key in query if not key.startswith("__")}
    for value in query.get("__order", []):
        used.update(part.lstrip("-") for part in value.split(","))
    return sorted(used & set(PERSONAL_FIELDS))
