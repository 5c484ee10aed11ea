"""Personal data (PIPL): which rows a scope sees unmasked, decided in one place.

ID numbers, phones and the names of people who raised supervision records are masked for
scopes that do not need them (`Scope.may_see_personal_data`); the admin and the API pass
every row of these tables through `protect_rows` before it leaves the server.
"""

from __future__ import annotations

from typing import Any

from app.masking import PERSONAL_FIELDS, mask_row
from app.scope import Scope
from tables.places import Household, Resident

# Tables holding personal columns, and the column naming the grid of each row (None: no grid).
PERSONAL_TABLES: dict[str, str | None] = {
    "resident": "household",  # via the household's grid
    "staff_member": None,
    "organisation": "grid",
    "supervision_record": "grid",
    "open311_request": "grid",  # reporters of Open311 service requests
}


async def protect_rows(
    table: str, rows: list[dict[str, Any]], scope: Scope
) -> list[dict[str, Any]]:
    """`rows` of `table` with personal columns masked where `scope` may not see them."""
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
    """
    if table not in PERSONAL_TABLES or scope.may_see_personal_data(None):
        return []
    used = {key.split("__")[0] for key in query if not key.startswith("__")}
    for value in query.get("__order", []):
        used.update(part.lstrip("-") for part in value.split(","))
    return sorted(used & set(PERSONAL_FIELDS))
