"""Rules of party building: the organisation tree on the grid, members, 双报到.

The tree: a street working committee (街道党工委) at the top of a street; below it community
party committees and general branches (社区党委 / 党总支) of one community each; branches
(党支部) under those; party groups (党小组) under branches. Everything below the street lies
in one community, the community of its parent. Branches and groups are built on the grid
(支部建在网格上): the grids they are attached to lie in their community.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from app import crud
from app.clock import local_today
from app.db import write_transaction
from app.errors import ValidationFailed, still_used
from app.party.schemas import (
    InServiceReport,
    PartyMemberCreate,
    PartyMemberUpdate,
    PartyOrganisationCreate,
    PartyOrganisationUpdate,
)
from app.people.services import grids_by_id
from app.validation import check_choice, check_text
from tables.areas import Community, ResponsibilityGrid, Street
from tables.choices import PartyMemberKind, PartyOrganisationLevel
from tables.party import PartyMember, PartyOrganisation, PartyOrganisationGrid
from tables.people import StaffMember
from tables.places import Resident

Row = dict[str, Any]
Level = PartyOrganisationLevel

# Which level may sit under which: the tree's shape.
PARENT_LEVELS: dict[str, tuple[str, ...]] = {
    Level.street_working_committee: (),
    Level.community_committee: (Level.street_working_committee,),
    Level.general_branch: (Level.street_working_committee, Level.community_committee),
    Level.branch: (Level.community_committee, Level.general_branch),
    Level.group: (Level.branch,),
}
# Levels built on the grid.
ON_THE_GRID = (Level.branch, Level.group)
LEVEL_NAMES = {
    Level.street_working_committee: "街道党工委",
    Level.community_committee: "社区党委",
    Level.general_branch: "党总支",
    Level.branch: "党支部",
    Level.group: "党小组",
}

# ---------------------------------------------------------------- organisations


async def _place_in_tree(values: Row) -> Row:
    """Street, community and parent of an organisation, from its level and parent."""
    level = check_choice(values.get("level"), Level, "level")
    if level == Level.street_working_committee:
        if values.get("parent") is not None:
            raise ValidationFailed("街道党工委没有上级党组织 has no parent", field="parent")
        street = await crud.get_row(Street, values.get("street"), field="street")
        return {"level": level, "parent": None, "street": street["id"], "community": None}
    if values.get("parent") is None:
        raise ValidationFailed(
            f"{LEVEL_NAMES[Level(level)]}必须有上级党组织 needs a parent", field="parent"
        )
    parent = await crud.get_row(PartyOrganisation, values["parent"], field="parent")
    allowed = PARENT_LEVELS[level]
    if parent["level"] not in allowed:
        names = "、".join(LEVEL_NAMES[Level(a)] for a in allowed)
        raise ValidationFailed(
            f"{LEVEL_NAMES[Level(level)]}的上级应为{names}，不能是"
            f"{LEVEL_NAMES[Level(parent['level'])]}",
            field="parent",
        )
    if parent["community"] is None:
        # Directly under the street working committee: the community is given, in its street.
        community = await crud.get_row(Community, values.get("community"), field="community")
        if community["street"] != parent["street"]:
            raise ValidationFailed(
                "社区不在上级街道党工委所在街道 community is not in the parent's street",
                field="community",
            )
    else:
        community = await crud.get_row(Community, parent["community"], field="parent")
        given = values.get("community")
        if given is not None and given != community["id"]:
            raise ValidationFailed(
                "党组织与上级党组织须在同一社区 must lie in its parent's community",
                field="community",
            )
    return {
        "level": level,
        "parent": parent["id"],
        "street": community["street"],
        "community": community["id"],
    }


async def _check_secretary(values: Row) -> int | None:
    """The secretary is one staff member of the organisation's community (or street)."""
    if values.get("secretary") is None:
        return None
    staff = await crud.get_row(StaffMember, values["secretary"], field="secretary")
    if values["community"] is None:
        fits = staff["street"] == values["street"] or (
            staff["community"] is not None
            and (await crud.get_row(Community, staff["community"]))["street"] == values["street"]
        )
    else:
        fits = staff["community"] == values["community"]
    if not fits:
        raise ValidationFailed(
            f"书记{staff['name']}不在该党组织所在社区或街道 secretary works elsewhere",
            field="secretary",
        )
    return int(staff["id"])


def check_grids_in_community(organisation: Row, grids: Iterable[Row], field: str = "grids") -> None:
    """Only branches and groups are attached to grids, and only to grids of their community."""
    grids = list(grids)
    if not grids:
        return
    if organisation["level"] not in ON_THE_GRID:
        raise ValidationFailed(
            "只有党支部和党小组建在网格上 only branches and party groups are attached to grids",
            field=field,
        )
    outside = [g["code"] for g in grids if g["community"] != organisation["community"]]
    if outside:
        raise ValidationFailed(
            f"网格{'、'.join(outside)}不在该党组织所在社区 grids outside its community",
            field=field,
        )


async def clean_organisation(values: Row, current: Row | None) -> Row:
    """Name, place in the tree and secretary; the level and parent are fixed once created."""
    name = check_text(values.get("name"), "name", PartyOrganisation.name.length)
    if current is None:
        placed = await _place_in_tree(values)
    else:
        placed = {k: current[k] for k in ("level", "parent", "street", "community")}
    cleaned: Row = {"name": name, **placed, "secretary": values.get("secretary")}
    cleaned["secretary"] = await _check_secretary(cleaned)
    return cleaned


async def _set_grids(organisation: Row, grid_ids: list[int]) -> list[int]:
    grids = await grids_by_id(grid_ids, field="grids")
    check_grids_in_community(organisation, grids)
    await (
        PartyOrganisationGrid.delete()
        .where(PartyOrganisationGrid.organisation == organisation["id"])
        .run()
    )
    if grids:
        await PartyOrganisationGrid.insert(
            *(
                PartyOrganisationGrid(
                    organisation=organisation["id"], grid=g["id"], community=g["community"]
                )
                for g in grids
            )
        ).run()
    return [int(g["id"]) for g in grids]


async def clean_organisation_grid(values: Row, current: Row | None) -> Row:
    """One grid of a branch or group, in its community (the admin's table of links)."""
    organisation = await crud.get_row(
        PartyOrganisation, values.get("organisation"), field="organisation"
    )
    grid = await crud.get_row(ResponsibilityGrid, values.get("grid"), field="grid")
    check_grids_in_community(organisation, [grid], field="grid")
    return {"organisation": organisation["id"], "grid": grid["id"], "community": grid["community"]}


async def create_organisation(data: PartyOrganisationCreate, actor_id: int | None = None) -> Row:
    """Add an organisation to the tree, with the grids it is built on."""
    values = crud.changes_of(data)
    grid_ids = list(values.pop("grids", []) or [])
    async with write_transaction(actor_id):
        row = await crud.insert_row(PartyOrganisation, await clean_organisation(values, None))
        row["grids"] = await _set_grids(row, grid_ids)
        return row


async def update_organisation(
    organisation_id: int, data: PartyOrganisationUpdate, actor_id: int | None = None
) -> Row:
    """Rename, change the secretary, or attach to other grids."""
    changes = crud.changes_of(data)
    grid_ids = changes.pop("grids", None)
    async with write_transaction(actor_id):
        row = await crud.update_with(
            PartyOrganisation, clean_organisation, organisation_id, changes, actor_id
        )
        row["grids"] = (
            await _set_grids(row, list(grid_ids))
            if grid_ids is not None
            else await grids_of(row["id"])
        )
        return row


async def delete_organisation(organisation_id: int, actor_id: int | None = None) -> None:
    """Remove an organisation with no organisations, members or grids below it: what still
    hangs on it is named (409), so nothing is detached without a decision."""
    async with write_transaction(actor_id):
        row = await crud.lock_row(PartyOrganisation, organisation_id)
        for table, column in (
            (PartyOrganisation, PartyOrganisation.parent),
            (PartyOrganisationGrid, PartyOrganisationGrid.organisation),
        ):
            count = await table.count().where(column == row["id"]).run()
            if count:
                raise still_used(table._meta.tablename, column._meta.name, count)
        await crud.delete_row(PartyOrganisation, row["id"])


async def grids_of(organisation_id: int) -> list[int]:
    return list(
        await PartyOrganisationGrid.select(PartyOrganisationGrid.grid)
        .where(PartyOrganisationGrid.organisation == organisation_id)
        .order_by(PartyOrganisationGrid.grid)
        .output(as_list=True)
        .run()
    )


async def with_grids(rows: list[Row]) -> list[Row]:
    """Organisations with the ids of their grids, in one query for the page."""
    ids = [row["id"] for row in rows]
    links = (
        await PartyOrganisationGrid.select(
            PartyOrganisationGrid.organisation, PartyOrganisationGrid.grid
        )
        .where(PartyOrganisationGrid.organisation.is_in(ids))
        .order_by(PartyOrganisationGrid.grid)
        .run()
        if ids
        else []
    )
    by_org: dict[int, list[int]] = {}
    for link in links:
        by_org.setdefault(link["organisation"], []).append(link["grid"])
    return [{**row, "grids": by_org.get(row["id"], [])} for row in rows]


# ---------------------------------------------------------------- members


async def _person(values: Row) -> Row:
    """Name and community of the resident or staff member the membership is about."""
    resident, staff = values.get("resident"), values.get("staff")
    if (resident is None) == (staff is None):
        raise ValidationFailed(
            "党员须关联一名居民或一名工作人员 name exactly one resident or staff member",
            field="resident",
        )
    if resident is not None:
        person = await crud.get_row(Resident, resident, field="resident")
        return {"member_name": person["name"], "community": person["community"]}
    person = await crud.get_row(StaffMember, staff, field="staff")
    if person["community"] is None:
        raise ValidationFailed(
            "街道工作人员的组织关系不在社区 a street official is not a community member",
            field="staff",
        )
    return {"member_name": person["name"], "community": person["community"]}


def _past_date(value: Any, field: str) -> dt.date | None:
    if value is None:
        return None
    if not isinstance(value, dt.date):
        raise ValidationFailed("须为日期 must be a date", field=field)
    if value > local_today():
        raise ValidationFailed("不能晚于今天 cannot be in the future", field=field)
    return value


async def clean_member(values: Row, current: Row | None) -> Row:
    """One membership per person; its organisation and grid lie in the person's community;
    an in-service member (双报到) names the unit and the day of reporting."""
    cleaned: Row = {
        "resident": values.get("resident"),
        "staff": values.get("staff"),
        **await _person(values),
    }
    cleaned["kind"] = check_choice(values.get("kind"), PartyMemberKind, "kind")
    for column in ("resident", "staff"):
        if cleaned[column] is not None:
            await crud.ensure_unique(
                PartyMember,
                current,
                column,
                "此人已登记为党员 already registered as a party member",
                **{column: cleaned[column]},
            )
    unit = check_text(
        values.get("reporting_unit") or "",
        "reporting_unit",
        PartyMember.reporting_unit.length,
        required=False,
    )
    cleaned["reporting_unit"] = unit
    cleaned["reported_on"] = _past_date(values.get("reported_on"), "reported_on")
    cleaned["joined_on"] = _past_date(values.get("joined_on"), "joined_on")
    if cleaned["kind"] == PartyMemberKind.in_service:
        if not unit:
            raise ValidationFailed(
                "在职党员须填写报到单位 an in-service member names their unit",
                field="reporting_unit",
            )
        if cleaned["reported_on"] is None:
            raise ValidationFailed(
                "在职党员须填写报到日期 an in-service member names the day of reporting",
                field="reported_on",
            )
    organisation = values.get("organisation")
    if organisation is not None:
        org = await crud.get_row(PartyOrganisation, organisation, field="organisation")
        if org["community"] != cleaned["community"]:
            raise ValidationFailed(
                "党组织不在该党员所在社区 organisation is in another community",
                field="organisation",
            )
    cleaned["organisation"] = organisation
    grid = values.get("grid")
    if grid is not None:
        grid_row = await crud.get_row(ResponsibilityGrid, grid, field="grid")
        if grid_row["community"] != cleaned["community"]:
            raise ValidationFailed(
                f"网格{grid_row['code']}不在该党员所在社区 grid is in another community",
                field="grid",
            )
    cleaned["grid"] = grid
    return cleaned


async def create_member(data: PartyMemberCreate, actor_id: int | None = None) -> Row:
    """Register a party member."""
    return await crud.create_with(PartyMember, clean_member, crud.changes_of(data), actor_id)


async def update_member(
    member_id: int, data: PartyMemberUpdate, actor_id: int | None = None
) -> Row:
    """Change a membership (the person stays the same)."""
    return await crud.update_with(
        PartyMember, clean_member, member_id, crud.changes_of(data), actor_id
    )


async def delete_member(member_id: int, actor_id: int | None = None) -> None:
    async with write_transaction(actor_id):
        await crud.lock_row(PartyMember, member_id)
        await crud.delete_row(PartyMember, member_id)


async def report_in_service(data: InServiceReport, actor_id: int | None = None) -> Row:
    """双报到: register (or turn into) an in-service member reporting to the community."""
    values: Row = {
        "kind": PartyMemberKind.in_service,
        "resident": data.resident,
        "staff": data.staff,
        "reporting_unit": data.unit,
        "reported_on": data.reported_on,
        "grid": data.grid,
        "organisation": data.organisation,
        "joined_on": data.joined_on,
    }
    async with write_transaction(actor_id):
        column = "resident" if data.resident is not None else "staff"
        existing = (
            await PartyMember.select(PartyMember._meta.primary_key)
            .where(getattr(PartyMember, column) == values[column])
            .first()
            .run()
            if values[column] is not None
            else None
        )
        if existing is None:
            return await crud.create_with(PartyMember, clean_member, values, actor_id)
        return await crud.update_with(PartyMember, clean_member, existing["id"], values, actor_id)
