"""Leave: a real date range, no overlap for the same person, and who is away on a given day."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import pytest

from app import crud
from app.db import write_transaction
from app.errors import Conflict, NotFound, ValidationFailed
from app.people.schemas import LeaveCreate, LeaveUpdate
from app.people.services import (
    clean_leave,
    create_leave,
    is_on_leave,
    staff_on_leave,
    update_leave,
)
from tables.people import Leave
from tests.factories import area_tree, make_staff
from tests.people.support import count

MAY_1 = dt.date(2026, 5, 1)


def day(n: int) -> dt.date:
    """The n-th day of May 2026."""
    return MAY_1 + dt.timedelta(days=n - 1)


async def two_staff() -> tuple[dict[str, Any], dict[str, Any]]:
    tree = await area_tree()
    return (
        await make_staff("worker1", community=tree.communities["A1"]),
        await make_staff("worker2", community=tree.communities["A1"]),
    )


async def test_leave_covers_both_end_days() -> None:
    first, second = await two_staff()
    await create_leave(
        LeaveCreate(staff=first["id"], starts_on=day(3), ends_on=day(5), reason="年假")
    )
    await create_leave(LeaveCreate(staff=second["id"], starts_on=day(5), ends_on=day(5)))
    assert [await is_on_leave(first["id"], day(n)) for n in (2, 3, 4, 5, 6)] == [
        False,
        True,
        True,
        True,
        False,
    ]
    assert await staff_on_leave(day(2)) == set()
    assert await staff_on_leave(day(4)) == {first["id"]}
    assert await staff_on_leave(day(5)) == {first["id"], second["id"]}


async def test_leave_cannot_end_before_it_starts() -> None:
    first, _ = await two_staff()
    with pytest.raises(ValidationFailed) as exc:
        await create_leave(LeaveCreate(staff=first["id"], starts_on=day(5), ends_on=day(4)))
    assert exc.value.field == "ends_on"
    assert await count(Leave) == 0


async def test_leave_needs_an_existing_staff_member() -> None:
    await two_staff()
    with pytest.raises(NotFound) as exc:
        await create_leave(LeaveCreate(staff=999, starts_on=day(1), ends_on=day(2)))
    assert exc.value.field == "staff"
    assert await count(Leave) == 0


@pytest.mark.parametrize(
    ("starts", "ends"),
    [(1, 3), (7, 12), (3, 7), (4, 6), (1, 20), (7, 7)],
)
async def test_overlapping_leave_for_the_same_person_is_refused(starts: int, ends: int) -> None:
    first, second = await two_staff()
    await create_leave(LeaveCreate(staff=first["id"], starts_on=day(3), ends_on=day(7)))
    with pytest.raises(Conflict) as exc:
        await create_leave(LeaveCreate(staff=first["id"], starts_on=day(starts), ends_on=day(ends)))
    assert exc.value.field == "starts_on"
    assert await count(Leave) == 1
    # The same days are fine for someone else.
    await create_leave(LeaveCreate(staff=second["id"], starts_on=day(starts), ends_on=day(ends)))


async def test_adjacent_leave_is_accepted() -> None:
    first, _ = await two_staff()
    await create_leave(LeaveCreate(staff=first["id"], starts_on=day(3), ends_on=day(7)))
    await create_leave(LeaveCreate(staff=first["id"], starts_on=day(8), ends_on=day(9)))
    await create_leave(LeaveCreate(staff=first["id"], starts_on=day(1), ends_on=day(2)))
    assert await count(Leave) == 3


async def test_updating_leave_checks_against_other_leave_only() -> None:
    first, _ = await two_staff()
    leave = await create_leave(LeaveCreate(staff=first["id"], starts_on=day(3), ends_on=day(7)))
    other = await create_leave(LeaveCreate(staff=first["id"], starts_on=day(10), ends_on=day(12)))
    longer = await update_leave(leave["id"], LeaveUpdate(ends_on=day(9)))
    assert longer["ends_on"] == day(9)
    with pytest.raises(Conflict) as exc:
        await update_leave(other["id"], LeaveUpdate(starts_on=day(9)))
    assert exc.value.field == "starts_on"
    with pytest.raises(ValidationFailed) as invalid:
        await update_leave(other["id"], LeaveUpdate(ends_on=day(1)))
    assert invalid.value.field == "ends_on"
    assert await crud.get_row(Leave, other["id"]) == other


async def test_concurrent_overlapping_leave_waits_and_is_refused() -> None:
    first, _ = await two_staff()
    inserted, release = asyncio.Event(), asyncio.Event()

    async def first_request() -> None:
        async with write_transaction():
            values = {"staff": first["id"], "starts_on": day(3), "ends_on": day(7)}
            await crud.insert_row(Leave, await clean_leave(values, None))
            inserted.set()
            await release.wait()

    holder = asyncio.create_task(first_request())
    await inserted.wait()
    second = asyncio.create_task(
        create_leave(LeaveCreate(staff=first["id"], starts_on=day(6), ends_on=day(9)))
    )
    await asyncio.sleep(0.3)
    waited = not second.done()
    release.set()
    await holder
    assert waited  # the overlap check waits for the first request to commit
    with pytest.raises(Conflict) as exc:
        await second
    assert exc.value.field == "starts_on"
    assert await count(Leave) == 1
