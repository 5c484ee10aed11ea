"""The 户籍图 (household register map) of a building: its households as floors × rooms, each
cell coloured by its care tags and how long ago it was visited; masked for scopes that may
not see personal data. Read in the viewer's scoped transaction."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from app.atlas.services import admin_url
from app.clock import local_date_of, local_today
from app.crud import find_row
from app.errors import NotFound
from app.field.visits_due import intervals_of
from app.labels import label
from app.scope import Scope
from tables.areas import Community
from tables.choices import CareTag
from tables.places import Building

Row = dict[str, Any]

HOUSEHOLDS_SQL = """
SELECT h.id, h.room, h.member_count, h.care_tags,
       (SELECT max(d.created_at) FROM diary_entry d
        WHERE d.household = h.id AND d.category = 'visit') AS last_visit
FROM household h WHERE h.building = {} ORDER BY h.room
"""

REGISTER_COLOURS = {
    "masked": "#cfd8dc",
    "untagged": "#e3f2fd",
    "visited": "#66bb6a",
    "due": "#e53935",
}
REGISTER_LEGEND = [
    {"colour": REGISTER_COLOURS["untagged"], "label": "无关爱标签"},
    {"colour": REGISTER_COLOURS["visited"], "label": "已按期走访"},
    {"colour": REGISTER_COLOURS["due"], "label": "待走访"},
]
MASKED_LEGEND = [{"colour": REGISTER_COLOURS["masked"], "label": "已登记（个人信息已隐藏）"}]
_ROOM = re.compile(r"^(?:(?P<unit>.*?)[-－_ ])?(?P<number>\d+)$")


def room_place(room: str) -> tuple[int | None, str, str]:
    """(floor, unit, position) of a room such as 3-502 (unit 3, floor 5, position 02) or 1203;
    a room that does not read so has no floor."""
    match = _ROOM.match(room.strip())
    if match is None:
        return None, "", room
    unit, number = match.group("unit") or "", match.group("number")
    if len(number) < 3:
        return 1, unit, number
    return int(number[:-2]), unit, number[-2:]


async def building_register(building_id: int, scope: Scope) -> Row:
    """The 户籍图 of a building: its households as floors × rooms, each with its care tags
    and the days since the last visit, coloured by whether a visit is due.

    For a scope that may not see the personal data of the building's grid
    (`Scope.may_see_personal_data`), tags and visits are not sent at all: a cell only says a
    household is registered there.
    """
    building = await find_row(Building, building_id)
    if building is None:
        raise NotFound(f"没有编号为 {building_id} 的楼栋（或不在您的范围内）", field="id")
    masked = not scope.may_see_personal_data(building["grid"])
    households = await Community.raw(HOUSEHOLDS_SQL, building_id).run()
    intervals = (await intervals_of([building["community"]]))[building["community"]]
    today_ = local_today()
    floors: dict[int | None, list[Row]] = {}
    columns: set[tuple[str, str]] = set()
    for household in households:
        floor, unit, position = room_place(household["room"])
        cell: Row = {
            "id": household["id"],
            "room": household["room"],
            "floor": floor,
            "unit": unit,
            "position": position,
            "member_count": household["member_count"],
            "admin_url": admin_url("household", household["id"]),
        }
        if masked:
            cell.update(care_tags=None, last_visit_days=None, due=None)
            cell["colour"] = REGISTER_COLOURS["masked"]
        else:
            cell.update(_visit_state(household, intervals, today_))
        floors.setdefault(floor, []).append(cell)
        if floor is not None:
            columns.add((unit, position))
    ordered = sorted(columns)
    rows = []
    for floor in sorted((f for f in floors if f is not None), reverse=True):
        by_column = {(c["unit"], c["position"]): c for c in floors[floor]}
        rows.append({"floor": floor, "cells": [by_column.get(key) for key in ordered]})
    return {
        "building": {
            "id": building["id"],
            "code": building["code"],
            "address": building["address"],
            "floors": building["floors"],
            "admin_url": admin_url("building", building["id"]),
        },
        "masked": masked,
        "columns": [{"unit": u, "position": p} for u, p in ordered],
        "rows": rows,
        "unplaced": floors.get(None, []),
        "household_count": len(households),
        "legend": MASKED_LEGEND if masked else REGISTER_LEGEND,
    }


def _visit_state(household: Row, intervals: dict[str, int], today_: dt.date) -> Row:
    """Tags (with labels), days since the last visit and whether one is due (the shortest
    interval of the household's tags, as app/field/visits_due.py counts it)."""
    tags = list(household["care_tags"] or [])
    last = household["last_visit"]
    days = (today_ - local_date_of(last)).days if last else None
    followed = [intervals[t] for t in tags if t in intervals]
    due = bool(followed) and (days is None or days >= min(followed))
    state = "untagged" if not tags else ("due" if due else "visited")
    return {
        "care_tags": [{"tag": t, "label": label(CareTag, t)} for t in tags],
        "last_visit_days": days,
        "due": due,
        "colour": REGISTER_COLOURS[state],
    }
