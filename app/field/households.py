"""入户走访 Households and visits: find a household in my grids, record the visit.

A visit is a 民情日记 entry of category visit linked to the household (app/daily
`create_diary_entry`), optionally with a work item pushed through the access list
(app/field/reports.py) and linked to the entry. Phones the worker corrects are changed
through app/places `update_resident` (its phone check). Residents' phones leave the server
masked where the role may not see them (app/personal_data.py `protect_rows`), and the
diary text, which the whole street can read, names them masked.
"""

from __future__ import annotations

from typing import Any

from app.crud import find_row
from app.daily.schemas import DiaryEntryCreate
from app.daily.services import create_diary_entry
from app.errors import Forbidden, NotFound, ValidationFailed
from app.field.auth import FieldCaller
from app.field.grids import my_grid
from app.field.reports import on_behalf, push_report
from app.field.schemas import VisitBody
from app.labels import label
from app.masking import mask_name, mask_phone
from app.personal_data import protect_rows
from app.places.schemas import ResidentUpdate
from app.places.services import check_care_tags, update_resident
from app.scope import Level, switch_scope
from app.validation import check_phone, check_text
from tables.areas import Community, ResponsibilityGrid
from tables.choices import CareTag, DiaryCategory, WorkSource
from tables.places import Building, Household, Resident

Row = dict[str, Any]
LIST_LIMIT = 200

_BUILDINGS = """
SELECT b.id, b.code, b.address, b.floors, b.latitude, b.longitude, b.kind,
       (SELECT count(*) FROM household h WHERE h.building = b.id) AS households
FROM building b WHERE b.grid = {} ORDER BY b.code LIMIT 1000
"""
_HOUSEHOLDS = """
SELECT h.id, h.room, h.member_count, h.care_tags, h.grid,
       b.id AS building_id, b.code AS building_code, b.address AS building_address,
       (SELECT max(d.created_at) FROM diary_entry d
        WHERE d.household = h.id AND d.category = 'visit') AS last_visit
FROM household h JOIN building b ON b.id = h.building
WHERE h.grid = {grid} {filters}
ORDER BY b.code, h.room LIMIT {limit}
"""


async def readable_grid(caller: FieldCaller, grid_id: Any) -> Row:
    """A grid to read: a grid worker's own; for staff above the grid, any grid they see."""
    if caller.scope.level is Level.grid:
        return await my_grid(caller, grid_id)
    if not isinstance(grid_id, int):
        raise ValidationFailed("请选择网格", field="grid")
    grid = await find_row(ResponsibilityGrid, grid_id)
    if grid is None:
        raise NotFound(f"网格 {grid_id} 不存在或不在您的范围内", field="grid")
    return grid


async def buildings(caller: FieldCaller, grid_id: Any) -> list[Row]:
    grid = await readable_grid(caller, grid_id)
    return [dict(row) for row in await Building.raw(_BUILDINGS, grid["id"]).run()]


async def households(
    caller: FieldCaller, grid_id: Any, building_id: int | None, query: str | None
) -> list[Row]:
    """Households of a grid (of one building, or matching room, address or a resident's
    name), each with its residents (phones masked as the role requires) and last visit."""
    grid = await readable_grid(caller, grid_id)
    filters, values = "", [grid["id"]]
    if building_id is not None:
        filters += " AND h.building = {}"
        values.append(building_id)
    if query and query.strip():
        filters += (
            " AND (h.room ILIKE {} OR b.address ILIKE {} OR EXISTS (SELECT 1 FROM resident r"
            " WHERE r.household = h.id AND r.name ILIKE {}))"
        )
        pattern = "%" + query.strip().replace("%", r"\%").replace("_", r"\_") + "%"
        values += [pattern, pattern, pattern]
    sql = _HOUSEHOLDS.replace("{grid}", "{}").replace("{filters}", filters)
    rows = await Household.raw(sql.replace("{limit}", str(LIST_LIMIT)), *values).run()
    return await _with_residents(caller, [dict(row) for row in rows])


async def _with_residents(caller: FieldCaller, rows: list[Row]) -> list[Row]:
    ids = [row["id"] for row in rows]
    residents = (
        await Resident.select(
            Resident._meta.primary_key, Resident.household, Resident.name, Resident.phone
        )
        .where(Resident.household.is_in(ids))
        .order_by(Resident._meta.primary_key)
        .run()
        if ids
        else []
    )
    shown = await protect_rows("resident", residents, caller.scope)
    by_household: dict[int, list[Row]] = {}
    for resident in shown:
        by_household.setdefault(resident["household"], []).append(
            {"id": resident["id"], "name": resident["name"], "phone": resident["phone"]}
        )
    return [
        {
            "id": row["id"],
            "room": row["room"],
            "member_count": row["member_count"],
            "care_tags": row["care_tags"],
            "care_tag_labels": [label(CareTag, tag) for tag in row["care_tags"]],
            "grid": row["grid"],
            "building": {
                "id": row["building_id"],
                "code": row["building_code"],
                "address": row["building_address"],
            },
            "residents": by_household.get(row["id"], []),
            "last_visit": row["last_visit"],
        }
        for row in rows
    ]


async def my_household(caller: FieldCaller, household_id: Any) -> Row:
    """A household in one of the caller's grids; else a refusal in Chinese."""
    if not isinstance(household_id, int):
        raise ValidationFailed("请选择住户", field="household")
    household = await find_row(Household, household_id)
    if household is None:
        raise NotFound(f"住户 {household_id} 不存在或不在您的范围内", field="household")
    if household["grid"] not in caller.scope.grid_ids:
        raise Forbidden("这户不在您负责的网格内", field="household")
    return household


async def record_visit(caller: FieldCaller, body: VisitBody) -> Row:
    """Record a household visit as a diary entry (and, on request, a work item)."""
    staff_id = caller.staff_id()
    household = await my_household(caller, body.household)
    grid = await my_grid(caller, household["grid"], field="household")
    met = check_text(body.met, "met", 100, required=False)
    content = check_text(body.content, "content", 4000)
    tags = check_care_tags(body.care_tags_confirmed, "care_tags_confirmed")
    changed = await _apply_contact_changes(caller, household, body)
    lines = [f"走访对象：{met}" if met else "", content]
    if tags:
        lines.append("核实关爱标签：" + "、".join(label(CareTag, t) for t in tags))
    lines += [f"更新联系电话：{mask_name(r['name'])} {mask_phone(r['phone'])}" for r in changed]
    work_card = None
    if body.to_work_item is not None:
        building = await find_row(Building, household["building"])
        assert building is not None
        work_card = await push_report(
            caller,
            grid,
            category=body.to_work_item.category,
            title=check_text(body.to_work_item.title, "title", 200),
            description=content,
            source=WorkSource.diary,
            latitude=building["latitude"],
            longitude=building["longitude"],
            accuracy=None,
            photos=[],
        )
    entry = await create_diary_entry(
        DiaryEntryCreate(
            staff=staff_id,
            grid=grid["id"],
            household=household["id"],
            category=DiaryCategory.visit,
            content="\n".join(line for line in lines if line),
            work_item=work_card["id"] if work_card else None,
        ),
        caller.user_id,
    )
    return {
        "diary_entry": {
            "id": entry["id"],
            "household": entry["household"],
            "content": entry["content"],
            "created_at": entry["created_at"],
            "work_item": entry["work_item"],
        },
        "work_item": work_card,
    }


async def _apply_contact_changes(caller: FieldCaller, household: Row, body: VisitBody) -> list[Row]:
    """Change residents' phones (each a resident of this household) through app/places, on
    the worker's behalf in the community's scope (only community staff edit residents)."""
    if not body.contact_changes:
        return []
    ids = [change.resident for change in body.contact_changes]
    members = {
        row["id"]: row
        for row in await Resident.select(Resident._meta.primary_key, Resident.name)
        .where((Resident._meta.primary_key.is_in(ids)) & (Resident.household == household["id"]))
        .run()
    }
    checked = []
    for index, change in enumerate(body.contact_changes):
        if change.resident not in members:
            raise ValidationFailed(
                "这位居民不是这户的成员", field=f"contact_changes[{index}].resident"
            )
        try:
            phone = check_phone(change.phone, "phone")
        except ValidationFailed as refusal:
            raise ValidationFailed(
                "电话号码不对：手机如 13812345678，座机如 0551-12345678",
                field=f"contact_changes[{index}].phone",
            ) from refusal
        checked.append((change.resident, phone))
    community = await find_row(Community, household["community"])
    assert community is not None
    await switch_scope(on_behalf(caller, community["id"], community["street"]))
    changed = []
    for resident_id, phone in checked:
        row = await update_resident(resident_id, ResidentUpdate(phone=phone), caller.user_id)
        changed.append(row)
    await switch_scope(caller.scope)
    return changed
