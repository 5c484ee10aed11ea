"""Rules for the people of a grid: accounts, role and scope, grid assignments, leave."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Iterable
from typing import Any

from piccolo.apps.user.tables import BaseUser
from piccolo.columns.combination import Where

from app import crud
from app.db import write_transaction
from app.errors import Conflict, NotFound, ValidationFailed
from app.people.schemas import (
    GridAssignmentCreate,
    GridAssignmentUpdate,
    LeaveCreate,
    LeaveUpdate,
    StaffAccountCreate,
    StaffMemberCreate,
    StaffMemberUpdate,
)
from app.validation import check_choice, check_optional_phone, check_text
from tables.areas import Community, ResponsibilityGrid, Street
from tables.choices import AssignmentKind, StaffRole
from tables.people import GridAssignment, Leave, StaffMember

Row = dict[str, Any]

PASSWORD_MIN_LENGTH = 8
PASSWORD_MAX_LENGTH = 128
# Staff without an e-mail still need a unique one (piccolo_user.email is unique, not null);
# the reserved .invalid domain (RFC 2606) can never receive mail.
PLACEHOLDER_EMAIL_DOMAIN = "staff.invalid"

# ---------------------------------------------------------------- role and scope


async def scope_of(role: str, street: int | None, community: int | None) -> Row:
    """The (street, community) a role is scoped to.

    A street official is scoped to a street and no community; every other role to a community,
    whose street is derived from it.
    """
    if role == StaffRole.street_official:
        if community is not None:
            raise ValidationFailed(
                "a street official is scoped to a street, not a community", field="community"
            )
        street_row = await crud.get_row(Street, street, field="street")
        return {"street": street_row["id"], "community": None}
    community_row = await crud.get_row(Community, community, field="community")
    return {"street": community_row["street"], "community": community_row["id"]}


def check_grids_fit_staff(
    staff: Row, grids: Iterable[Row], staff_field: str = "staff", grid_field: str = "grid"
) -> None:
    """A staff member works only grids of their own community; a street official works none."""
    grids = list(grids)
    if not grids:
        return
    if staff["role"] == StaffRole.street_official:
        raise ValidationFailed(
            "a street official steers the whole street and cannot be assigned to grids",
            field=staff_field,
        )
    outside = [grid["code"] for grid in grids if grid["community"] != staff["community"]]
    if outside:
        raise ValidationFailed(
            f"grid(s) {', '.join(outside)} are not in the community of {staff['name']}",
            field=grid_field,
        )


async def grids_by_id(grid_ids: Iterable[int], field: str = "grids") -> list[Row]:
    """The grids with these ids (in the order given, each once), or NotFound naming `field`."""
    wanted = list(dict.fromkeys(grid_ids))
    if not wanted:
        return []
    rows = (
        await ResponsibilityGrid.select()
        .where(ResponsibilityGrid._meta.primary_key.is_in(wanted))
        .run()
    )
    by_id = {row["id"]: row for row in rows}
    missing = [str(grid_id) for grid_id in wanted if grid_id not in by_id]
    if missing:
        raise NotFound(f"grid(s) {', '.join(missing)} do not exist", field=field)
    return [by_id[grid_id] for grid_id in wanted]


def assignment_values(staff: Row, grid: Row, kind: Any, kind_field: str = "kind") -> Row:
    """The row of a grid assignment; its community is the grid's."""
    return {
        "staff": staff["id"],
        "grid": grid["id"],
        "kind": check_choice(kind, AssignmentKind, kind_field),
        "community": grid["community"],
    }


# ---------------------------------------------------------------- staff members


async def clean_staff_member(values: Row, current: Row | None) -> Row:
    """One staff member per login; role and scope agree; existing grids still fit on change."""
    user = await crud.get_row(BaseUser, values.get("user"), field="user")
    values["user"] = user["id"]
    await crud.ensure_unique(
        StaffMember,
        current,
        "user",
        f"login {user['username']} already belongs to a staff member",
        user=user["id"],
    )
    values["name"] = check_text(values.get("name"), "name", StaffMember.name.length)
    values["phone"] = check_optional_phone(values.get("phone"), "phone")
    values["role"] = check_choice(values.get("role"), StaffRole, "role")
    values.update(await scope_of(values["role"], values.get("street"), values.get("community")))
    values["active"] = bool(values.get("active", True))
    if current is not None:
        assigned = (
            await GridAssignment.select(GridAssignment.grid)
            .where(GridAssignment.staff == current["id"])
            .output(as_list=True)
            .run()
        )
        check_grids_fit_staff(
            {**values, "id": current["id"]},
            await grids_by_id(assigned, field="grids"),
            staff_field="role",
            grid_field="community",
        )
    return values


async def create_staff_member(data: StaffMemberCreate, actor_id: int | None = None) -> Row:
    """Make an existing login a staff member."""
    return await crud.create_with(StaffMember, clean_staff_member, crud.changes_of(data), actor_id)


async def update_staff_member(
    staff_id: int, data: StaffMemberUpdate, actor_id: int | None = None
) -> Row:
    """Change a staff member; a new role or community must still fit their grid assignments."""
    return await crud.update_with(
        StaffMember, clean_staff_member, staff_id, crud.changes_of(data), actor_id
    )


def check_username(value: Any, field: str = "username") -> str:
    """A login name: no spaces, at most the length piccolo_user allows."""
    username = check_text(value, field, BaseUser.username.length)
    if any(char.isspace() for char in username):
        raise ValidationFailed("a username cannot contain spaces", field=field)
    return username


def check_password(value: Any, field: str = "password") -> str:
    """A password of 8 to 128 characters (stored only as BaseUser's PBKDF2 hash)."""
    if not isinstance(value, str) or len(value) < PASSWORD_MIN_LENGTH:
        raise ValidationFailed(
            f"a password needs at least {PASSWORD_MIN_LENGTH} characters", field=field
        )
    if len(value) > PASSWORD_MAX_LENGTH:
        raise ValidationFailed(
            f"a password has at most {PASSWORD_MAX_LENGTH} characters", field=field
        )
    if value.startswith("pbkdf2_sha256"):
        raise ValidationFailed("give the password itself, not a hash", field=field)
    return value


def check_email(value: Any, username: str, field: str = "email") -> str:
    """A plausible e-mail address, or a placeholder unique to the username when none is given."""
    email = check_text(value, field, BaseUser.email.length, required=False)
    if not email:
        return f"{username}@{PLACEHOLDER_EMAIL_DOMAIN}"
    local, at, domain = email.partition("@")
    if not (at and local and "." in domain) or any(char.isspace() for char in email):
        raise ValidationFailed(f"{email} is not an e-mail address", field=field)
    return email


async def create_staff_account(data: StaffAccountCreate, actor_id: int | None = None) -> Row:
    """Create the login (admin, not superuser), its staff member and grid assignments at once.

    Everything is one transaction: any refusal leaves no login, staff member or assignment.
    Returns the staff member row.
    """
    username = check_username(data.username)
    password = check_password(data.password)
    email = check_email(data.email, username)
    # PBKDF2 with 600 000 rounds takes a noticeable fraction of a second: keep it off the loop.
    hashed = await asyncio.to_thread(BaseUser.hash_password, password)
    async with write_transaction(actor_id):
        await crud.ensure_unique(
            BaseUser, None, "username", f"username {username} is taken", username=username
        )
        await crud.ensure_unique(
            BaseUser, None, "email", f"e-mail {email} is used by another login", email=email
        )
        user = await crud.insert_row(
            BaseUser,
            {
                "username": username,
                "password": hashed,
                "email": email,
                "first_name": data.name,
                "active": True,
                "admin": True,
                "superuser": False,
            },
        )
        staff_values = {
            "user": user["id"],
            "name": data.name,
            "phone": data.phone,
            "role": data.role,
            "street": data.street,
            "community": data.community,
        }
        staff = await crud.insert_row(StaffMember, await clean_staff_member(staff_values, None))
        grids = await grids_by_id(data.grids, field="grids")
        check_grids_fit_staff(staff, grids, staff_field="grids", grid_field="grids")
        rows = [
            assignment_values(staff, grid, data.assignment_kind, "assignment_kind")
            for grid in grids
        ]
        if rows:
            await GridAssignment.insert(*(GridAssignment(**row) for row in rows)).run()
        return staff


# ---------------------------------------------------------------- grid assignments


async def clean_grid_assignment(values: Row, current: Row | None) -> Row:
    """A grid of the staff member's own community (never for street officials), once per staff."""
    staff = await crud.get_row(StaffMember, values.get("staff"), field="staff")
    grid = await crud.get_row(ResponsibilityGrid, values.get("grid"), field="grid")
    check_grids_fit_staff(staff, [grid], staff_field="staff", grid_field="grid")
    values.update(assignment_values(staff, grid, values.get("kind")))
    await crud.ensure_unique(
        GridAssignment,
        current,
        "grid",
        f"{staff['name']} is already assigned to grid {grid['code']}",
        staff=staff["id"],
        grid=grid["id"],
    )
    return values


async def create_grid_assignment(data: GridAssignmentCreate, actor_id: int | None = None) -> Row:
    """Assign a staff member to a grid."""
    return await crud.create_with(
        GridAssignment, clean_grid_assignment, crud.changes_of(data), actor_id
    )


async def update_grid_assignment(
    assignment_id: int, data: GridAssignmentUpdate, actor_id: int | None = None
) -> Row:
    """Change a grid assignment (e.g. primary ↔ assistant)."""
    return await crud.update_with(
        GridAssignment, clean_grid_assignment, assignment_id, crud.changes_of(data), actor_id
    )


# ---------------------------------------------------------------- leave


def _check_day(value: Any, field: str) -> dt.date:
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise ValidationFailed("must be a date", field=field)
    return value


def covering(day: dt.date) -> Where:
    """Leave rows that include `day` (both ends inclusive): the one definition of "on leave"."""
    return (Leave.starts_on <= day) & (Leave.ends_on >= day)  # type: ignore[return-value]


async def clean_leave(values: Row, current: Row | None) -> Row:
    """Leave ends on or after it starts and does not overlap the same person's other leave."""
    staff = await crud.get_row(StaffMember, values.get("staff"), field="staff")
    values["staff"] = staff["id"]
    starts_on = values["starts_on"] = _check_day(values.get("starts_on"), "starts_on")
    ends_on = values["ends_on"] = _check_day(values.get("ends_on"), "ends_on")
    if ends_on < starts_on:
        raise ValidationFailed(
            f"leave cannot end ({ends_on.isoformat()}) before it starts ({starts_on.isoformat()})",
            field="ends_on",
        )
    values["reason"] = check_text(values.get("reason"), "reason", required=False)
    await crud.serialize_on(Leave, staff["id"])
    query = Leave.select(Leave.starts_on, Leave.ends_on).where(
        Leave.staff == staff["id"], Leave.starts_on <= ends_on, Leave.ends_on >= starts_on
    )
    if current is not None:
        query = query.where(Leave._meta.primary_key != current["id"])
    clash = await query.first().run()
    if clash is not None:
        raise Conflict(
            f"{staff['name']} is already on leave from {clash['starts_on'].isoformat()}"
            f" to {clash['ends_on'].isoformat()}",
            field="starts_on",
        )
    return values


async def create_leave(data: LeaveCreate, actor_id: int | None = None) -> Row:
    """Record leave for a staff member."""
    return await crud.create_with(Leave, clean_leave, crud.changes_of(data), actor_id)


async def update_leave(leave_id: int, data: LeaveUpdate, actor_id: int | None = None) -> Row:
    """Change a leave record."""
    return await crud.update_with(Leave, clean_leave, leave_id, crud.changes_of(data), actor_id)


async def is_on_leave(staff_id: int, day: dt.date) -> bool:
    """Whether the staff member is on leave on `day`."""
    return bool(await Leave.exists().where(Leave.staff == staff_id, covering(day)).run())


async def staff_on_leave(day: dt.date) -> set[int]:
    """Ids of every staff member on leave on `day` (one query, for reminders and rates)."""
    ids = await Leave.select(Leave.staff).where(covering(day)).distinct().output(as_list=True).run()
    return set(ids)
