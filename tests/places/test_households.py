"""A household sits in a building: grid and community follow it, one household per room."""

from __future__ import annotations

import pytest

from app import crud
from app.errors import Conflict, NotFound, ValidationFailed
from app.places.schemas import HouseholdCreate, HouseholdUpdate
from app.places.services import create_household, update_household
from tables.places import Household
from tests.factories import area_tree
from tests.places.support import building_in, count


async def test_household_takes_grid_and_community_from_its_building() -> None:
    tree = await area_tree()
    building = await building_in(tree, "A2-2")
    household = await create_household(
        HouseholdCreate(
            building=building["id"],
            room=" 3-502 ",
            member_count=2,
            care_tags=["elderly_alone", "low_income", "elderly_alone"],
        )
    )
    assert household["grid"] == tree.grids["A2-2"]["id"]
    assert household["community"] == tree.communities["A2"]["id"]
    assert household["room"] == "3-502"
    assert household["care_tags"] == ["elderly_alone", "low_income"]
    empty = await create_household(
        HouseholdCreate(building=building["id"], room="3-501", member_count=0)
    )
    assert empty["member_count"] == 0
    assert empty["care_tags"] == []


async def test_household_needs_an_existing_building() -> None:
    await area_tree()
    with pytest.raises(NotFound) as exc:
        await create_household(HouseholdCreate(building=999, room="1-101"))
    assert exc.value.field == "building"
    assert await count(Household) == 0


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"member_count": -1}, "member_count"),
        ({"care_tags": ["elderly_alone", "rich"]}, "care_tags"),
        ({"room": ""}, "room"),
    ],
)
async def test_household_fields_are_checked(fields: dict[str, object], field: str) -> None:
    tree = await area_tree()
    building = await building_in(tree)
    values = {"building": building["id"], "room": "1-101", **fields}
    with pytest.raises(ValidationFailed) as exc:
        await create_household(HouseholdCreate(**values))
    assert exc.value.field == field
    assert await count(Household) == 0


async def test_one_household_per_room_of_a_building() -> None:
    tree = await area_tree()
    building = await building_in(tree)
    other = await building_in(tree)
    first = await create_household(HouseholdCreate(building=building["id"], room="1-101"))
    with pytest.raises(Conflict) as exc:
        await create_household(HouseholdCreate(building=building["id"], room="1-101"))
    assert exc.value.field == "room"
    assert await count(Household) == 1
    # The same room number in another building is another dwelling.
    second = await create_household(HouseholdCreate(building=other["id"], room="1-101"))
    with pytest.raises(Conflict) as exc:
        await update_household(second["id"], HouseholdUpdate(building=building["id"]))
    assert exc.value.field == "room"
    assert await crud.get_row(Household, second["id"]) == second
    assert first["room"] == second["room"]


async def test_moving_a_household_moves_its_grid_and_community() -> None:
    tree = await area_tree()
    household = await create_household(
        HouseholdCreate(building=(await building_in(tree))["id"], room="2-201")
    )
    target = await building_in(tree, "B1-1")
    moved = await update_household(household["id"], HouseholdUpdate(building=target["id"]))
    assert moved["grid"] == tree.grids["B1-1"]["id"]
    assert moved["community"] == tree.communities["B1"]["id"]
    with pytest.raises(ValidationFailed) as exc:
        await update_household(household["id"], HouseholdUpdate(care_tags=["vip"]))
    assert exc.value.field == "care_tags"
    assert await crud.get_row(Household, household["id"]) == moved
