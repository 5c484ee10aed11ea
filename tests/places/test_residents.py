"""Residents: checked ID numbers (birth date read from them), checked phones, one ID per person."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from app import crud
from app.db import write_transaction
from app.errors import Conflict, NotFound, ValidationFailed
from app.places.schemas import ResidentCreate, ResidentUpdate
from app.places.services import clean_resident, create_resident, update_resident
from tables.places import Resident
from tests.factories import area_tree
from tests.places.support import count, household_in
from tests.test_validation import id_number

ZHANG = id_number("34070219900101123")
LI = id_number("34070519750615004")


async def test_resident_gets_birth_date_and_community_from_id_and_household() -> None:
    tree = await area_tree()
    household = await household_in(tree, grid_key="A2-1")
    resident = await create_resident(
        ResidentCreate(
            household=household["id"], name="张三", id_number=ZHANG, phone="138 1234 5678"
        )
    )
    assert resident["birth_date"] == dt.date(1990, 1, 1)
    assert resident["community"] == tree.communities["A2"]["id"]
    assert resident["phone"] == "13812345678"
    assert resident["id_number"] == ZHANG


async def test_resident_without_id_number_has_no_birth_date() -> None:
    tree = await area_tree()
    household = await household_in(tree)
    resident = await create_resident(
        ResidentCreate(household=household["id"], name="王五", id_number="")
    )
    assert resident["id_number"] is None
    assert resident["birth_date"] is None
    assert resident["phone"] == ""


async def test_lowercase_x_is_stored_uppercase() -> None:
    tree = await area_tree()
    household = await household_in(tree)
    resident = await create_resident(
        ResidentCreate(household=household["id"], name="赵六", id_number="11010519491231002x")
    )
    assert resident["id_number"] == "11010519491231002X"
    assert resident["birth_date"] == dt.date(1949, 12, 31)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"id_number": ZHANG[:17] + ("0" if ZHANG[17] != "0" else "1")}, "id_number"),
        ({"id_number": id_number("34070219900231123")}, "id_number"),
        ({"id_number": "3407021990"}, "id_number"),
        ({"phone": "1381234567"}, "phone"),
        ({"name": " "}, "name"),
    ],
)
async def test_resident_fields_are_checked(fields: dict[str, str], field: str) -> None:
    tree = await area_tree()
    household = await household_in(tree)
    values = {"household": household["id"], "name": "张三", **fields}
    with pytest.raises(ValidationFailed) as exc:
        await create_resident(ResidentCreate(**values))
    assert exc.value.field == field
    assert await count(Resident) == 0


async def test_resident_needs_an_existing_household() -> None:
    await area_tree()
    with pytest.raises(NotFound) as exc:
        await create_resident(ResidentCreate(household=999, name="张三"))
    assert exc.value.field == "household"
    assert await count(Resident) == 0


async def test_an_id_number_belongs_to_one_resident() -> None:
    tree = await area_tree()
    household = await household_in(tree)
    elsewhere = await household_in(tree, room="9-901", grid_key="B1-1")
    zhang = await create_resident(
        ResidentCreate(household=household["id"], name="张三", id_number=ZHANG)
    )
    with pytest.raises(Conflict) as exc:
        await create_resident(
            ResidentCreate(household=elsewhere["id"], name="张三", id_number=ZHANG.lower())
        )
    assert exc.value.field == "id_number"
    assert ZHANG not in exc.value.detail  # the refusal does not echo personal data
    assert await count(Resident) == 1
    li = await create_resident(ResidentCreate(household=household["id"], name="李四", id_number=LI))
    with pytest.raises(Conflict) as exc:
        await update_resident(li["id"], ResidentUpdate(id_number=ZHANG))
    assert exc.value.field == "id_number"
    assert await crud.get_row(Resident, li["id"]) == li
    # Saving a resident with their own number is no conflict.
    renamed = await update_resident(zhang["id"], ResidentUpdate(name="张叁", id_number=ZHANG))
    assert renamed["name"] == "张叁"


async def test_a_second_registration_of_an_id_number_waits_for_the_first_and_is_refused() -> None:
    tree = await area_tree()
    household = await household_in(tree)
    inserted, release = asyncio.Event(), asyncio.Event()

    async def first_registration() -> None:
        async with write_transaction():
            values = {"household": household["id"], "name": "张三", "id_number": ZHANG}
            await crud.insert_row(Resident, await clean_resident(values, None))
            inserted.set()
            await release.wait()

    first = asyncio.create_task(first_registration())
    await inserted.wait()
    second = asyncio.create_task(
        create_resident(ResidentCreate(household=household["id"], name="张三", id_number=ZHANG))
    )
    await asyncio.sleep(0.3)
    waited = not second.done()  # it cannot check the number before the first one commits
    release.set()
    await first
    assert waited
    with pytest.raises(Conflict) as exc:
        await second
    assert exc.value.field == "id_number"
    assert await count(Resident) == 1


async def test_new_id_number_moves_the_birth_date() -> None:
    tree = await area_tree()
    household = await household_in(tree)
    resident = await create_resident(
        ResidentCreate(household=household["id"], name="李四", id_number=ZHANG)
    )
    corrected = await update_resident(resident["id"], ResidentUpdate(id_number=LI))
    assert corrected["birth_date"] == dt.date(1975, 6, 15)
    cleared = await update_resident(resident["id"], ResidentUpdate(id_number=None))
    assert cleared["birth_date"] is None
