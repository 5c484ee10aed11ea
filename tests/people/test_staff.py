"""Staff members: one per login, role and scope agree, grids still fit after a change."""

from __future__ import annotations

import pytest

from app import crud
from app.errors import Conflict, NotFound, ValidationFailed
from app.people.schemas import StaffMemberCreate, StaffMemberUpdate
from app.people.services import create_staff_member, update_staff_member
from tables.people import StaffMember
from tests.factories import area_tree, make_staff, make_user
from tests.people.support import count


async def test_staff_member_for_an_existing_login() -> None:
    tree = await area_tree()
    user = await make_user("cleaner1")
    staff = await create_staff_member(
        StaffMemberCreate(
            user=user["id"],
            name="保洁员甲",
            role="cleaner",
            community=tree.communities["B1"]["id"],
            street=tree.streets["A"]["id"],  # ignored: the community's street wins
        )
    )
    assert staff["street"] == tree.streets["B"]["id"]
    assert staff["active"] is True


async def test_one_staff_member_per_login() -> None:
    tree = await area_tree()
    staff = await make_staff("worker1", community=tree.communities["A1"])
    with pytest.raises(Conflict) as exc:
        await create_staff_member(
            StaffMemberCreate(
                user=staff["user"],
                name="又一个",
                role="volunteer",
                community=tree.communities["A1"]["id"],
            )
        )
    assert exc.value.field == "user"
    assert await count(StaffMember) == 1


async def test_staff_member_needs_an_existing_login_and_scope() -> None:
    tree = await area_tree()
    with pytest.raises(NotFound) as exc:
        await create_staff_member(
            StaffMemberCreate(
                user=999, name="x", role="volunteer", community=tree.communities["A1"]["id"]
            )
        )
    assert exc.value.field == "user"
    user = await make_user("official")
    with pytest.raises(NotFound) as exc:
        await create_staff_member(
            StaffMemberCreate(user=user["id"], name="x", role="street_official", street=999)
        )
    assert exc.value.field == "street"
    assert await count(StaffMember) == 0


async def test_moving_to_another_community_with_its_grids_is_refused() -> None:
    tree = await area_tree()
    staff = await make_staff(
        "worker1", community=tree.communities["A1"], grids=[tree.grids["A1-1"]]
    )
    with pytest.raises(ValidationFailed) as exc:
        await update_staff_member(
            staff["id"], StaffMemberUpdate(community=tree.communities["B1"]["id"])
        )
    assert exc.value.field == "community"
    assert await crud.get_row(StaffMember, staff["id"]) == staff


async def test_becoming_a_street_official_with_grids_is_refused() -> None:
    tree = await area_tree()
    staff = await make_staff(
        "worker1", community=tree.communities["A1"], grids=[tree.grids["A1-1"]]
    )
    with pytest.raises(ValidationFailed) as exc:
        await update_staff_member(
            staff["id"],
            StaffMemberUpdate(
                role="street_official", community=None, street=tree.streets["A"]["id"]
            ),
        )
    assert exc.value.field == "role"
    # Keeping the community while becoming a street official is refused on the scope itself.
    with pytest.raises(ValidationFailed) as exc:
        await update_staff_member(staff["id"], StaffMemberUpdate(role="street_official"))
    assert exc.value.field == "community"
    assert await crud.get_row(StaffMember, staff["id"]) == staff


async def test_moving_without_grids_rederives_the_street() -> None:
    tree = await area_tree()
    staff = await make_staff("worker1", community=tree.communities["A1"])
    moved = await update_staff_member(
        staff["id"], StaffMemberUpdate(community=tree.communities["B1"]["id"], phone="0562-2881234")
    )
    assert (moved["community"], moved["street"]) == (
        tree.communities["B1"]["id"],
        tree.streets["B"]["id"],
    )
    assert moved["phone"] == "0562-2881234"
    promoted = await update_staff_member(
        staff["id"],
        StaffMemberUpdate(role="street_official", community=None, street=tree.streets["A"]["id"]),
    )
    assert (promoted["community"], promoted["street"]) == (None, tree.streets["A"]["id"])
