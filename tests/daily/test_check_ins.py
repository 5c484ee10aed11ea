"""Check-ins: inside the grid, once a day in local time, concurrency-safe."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import pytest

from app.crud import update_with
from app.daily.schemas import CheckInCreate, CheckInUpdate
from app.daily.services import (
    check_in,
    clean_check_in,
    counted_check_in_days,
    update_check_in,
)
from app.errors import Forbidden, NotFound, ValidationFailed
from tables.daily import CheckIn
from tables.people import StaffMember
from tests.factories import Tree, area_tree, make_staff

UTC = dt.UTC
# Grid A1-1 spans lon 117.800–117.805, lat 30.90–30.91; A1-2 lies just east of it.
INSIDE = {"longitude": 117.802, "latitude": 30.905}
OUTSIDE = {"longitude": 117.807, "latitude": 30.905}


async def setup() -> tuple[Tree, dict[str, Any]]:
    tree = await area_tree()
    worker = await make_staff("wang", community=tree.communities["A1"], grids=[tree.grids["A1-1"]])
    return tree, worker


def visit(
    tree: Tree, staff: dict[str, Any], where: dict[str, float], **extra: Any
) -> CheckInCreate:
    return CheckInCreate(staff=staff["id"], grid=tree.grids["A1-1"]["id"], **where, **extra)


async def count() -> int:
    return await CheckIn.count().run()


async def test_inside_check_in_counts_and_derives_community_and_local_date() -> None:
    tree, worker = await setup()
    before = dt.datetime.now(UTC)
    row = await check_in(visit(tree, worker, INSIDE, note="巡查楼道"), actor_id=None)
    assert row["inside_grid"] and row["counted"]
    assert row["community"] == tree.communities["A1"]["id"]
    assert before <= row["at"] <= dt.datetime.now(UTC)
    assert row["at"].tzinfo is not None
    assert row["local_date"] == row["at"].astimezone(dt.timezone(dt.timedelta(hours=8))).date()
    assert row["note"] == "巡查楼道"


async def test_local_day_turns_at_midnight_in_shanghai_not_utc() -> None:
    tree, worker = await setup()
    late = await check_in(
        visit(tree, worker, INSIDE, at=dt.datetime(2026, 3, 1, 15, 59, tzinfo=UTC))
    )
    early = await check_in(
        visit(tree, worker, INSIDE, at=dt.datetime(2026, 3, 1, 16, 30, tzinfo=UTC))
    )
    assert late["local_date"] == dt.date(2026, 3, 1)  # 23:59 in Shanghai
    assert early["local_date"] == dt.date(2026, 3, 2)  # 00:30 the next day in Shanghai
    # Two local days, so both count even though they are 31 minutes apart.
    assert late["counted"] and early["counted"]
    days = await counted_check_in_days(worker["id"], dt.date(2026, 3, 1), dt.date(2026, 3, 2))
    assert days == {dt.date(2026, 3, 1), dt.date(2026, 3, 2)}


async def test_second_inside_check_in_the_same_day_is_kept_but_not_counted() -> None:
    tree, worker = await setup()
    morning = dt.datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
    first = await check_in(visit(tree, worker, INSIDE, at=morning))
    second = await check_in(visit(tree, worker, INSIDE, at=morning + dt.timedelta(hours=5)))
    assert first["counted"] and not second["counted"]
    assert second["inside_grid"]
    assert await count() == 2
    assert await CheckIn.count().where(CheckIn.counted.eq(True)).run() == 1


async def test_outside_check_in_is_kept_flagged_and_does_not_use_up_the_day() -> None:
    tree, worker = await setup()
    morning = dt.datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
    outside = await check_in(visit(tree, worker, OUTSIDE, at=morning))
    assert not outside["inside_grid"] and not outside["counted"]
    inside = await check_in(visit(tree, worker, INSIDE, at=morning + dt.timedelta(minutes=10)))
    assert inside["counted"]
    assert await count() == 2


async def test_edge_of_the_grid_counts_as_inside() -> None:
    tree, worker = await setup()
    east_edge = tree.grids["A1-1"]["max_lon"]
    row = await check_in(visit(tree, worker, {"longitude": east_edge, "latitude": 30.905}))
    assert row["inside_grid"] and row["counted"]


async def test_concurrent_inside_check_ins_count_exactly_once() -> None:
    tree, worker = await setup()
    at = dt.datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
    rows = await asyncio.gather(*(check_in(visit(tree, worker, INSIDE, at=at)) for _ in range(8)))
    assert sum(row["counted"] for row in rows) == 1
    assert await count() == 8
    assert await CheckIn.count().where(CheckIn.counted.eq(True)).run() == 1


async def test_counted_days_are_per_staff_and_within_the_range() -> None:
    tree, worker = await setup()
    other = await make_staff("li", community=tree.communities["A1"], grids=[tree.grids["A1-1"]])
    for day in (1, 2, 5):
        at = dt.datetime(2026, 3, day, 2, 0, tzinfo=UTC)
        await check_in(visit(tree, worker, INSIDE, at=at))
        await check_in(visit(tree, worker, OUTSIDE, at=at))
    await check_in(visit(tree, other, INSIDE, at=dt.datetime(2026, 3, 3, 2, 0, tzinfo=UTC)))
    days = await counted_check_in_days(worker["id"], dt.date(2026, 3, 2), dt.date(2026, 3, 5))
    assert days == {dt.date(2026, 3, 2), dt.date(2026, 3, 5)}


async def test_a_few_minutes_of_clock_skew_is_accepted() -> None:
    tree, worker = await setup()
    soon = dt.datetime.now(UTC) + dt.timedelta(minutes=2)
    row = await check_in(visit(tree, worker, INSIDE, at=soon))
    assert row["at"] == soon


async def test_refused_when_not_assigned_to_the_grid() -> None:
    tree, _ = await setup()
    stranger = await make_staff(
        "zhao", community=tree.communities["A1"], grids=[tree.grids["A1-2"]]
    )
    with pytest.raises(Forbidden) as exc:
        await check_in(visit(tree, stranger, INSIDE))
    assert exc.value.field == "grid"
    assert await count() == 0


async def test_refused_when_the_staff_member_is_inactive() -> None:
    tree, worker = await setup()
    await (
        StaffMember.update({StaffMember.active: False}).where(StaffMember.id == worker["id"]).run()
    )
    with pytest.raises(Forbidden) as exc:
        await check_in(visit(tree, worker, INSIDE))
    assert exc.value.field == "staff"
    assert await count() == 0


async def test_refused_for_a_grid_that_does_not_exist() -> None:
    _, worker = await setup()
    with pytest.raises(NotFound) as exc:
        await check_in(CheckInCreate(staff=worker["id"], grid=999_999, **INSIDE))
    assert exc.value.field == "grid"
    assert await count() == 0


@pytest.mark.parametrize(
    ("at", "reason"),
    [
        (dt.datetime.now(UTC) + dt.timedelta(minutes=30), "future"),
        (dt.datetime(2026, 3, 2, 9, 0), "time zone"),
    ],
)
async def test_refused_for_a_time_in_the_future_or_without_time_zone(
    at: dt.datetime, reason: str
) -> None:
    tree, worker = await setup()
    with pytest.raises(ValidationFailed, match=reason) as exc:
        await check_in(visit(tree, worker, INSIDE, at=at))
    assert exc.value.field == "at"
    assert await count() == 0


@pytest.mark.parametrize(
    ("where", "field"),
    [
        ({"longitude": 117.802, "latitude": 95.0}, "latitude"),
        ({"longitude": 190.0, "latitude": 30.905}, "longitude"),
    ],
)
async def test_refused_for_coordinates_outside_wgs84(where: dict[str, float], field: str) -> None:
    tree, worker = await setup()
    with pytest.raises(ValidationFailed) as exc:
        await check_in(visit(tree, worker, where))
    assert exc.value.field == field
    assert await count() == 0


async def test_note_and_photo_can_change_but_where_and_when_cannot() -> None:
    tree, worker = await setup()
    row = await check_in(visit(tree, worker, INSIDE))
    updated = await update_check_in(row["id"], CheckInUpdate(note="补充说明", photo="a.jpg"))
    assert (updated["note"], updated["photo"], updated["counted"]) == ("补充说明", "a.jpg", True)
    with pytest.raises(ValidationFailed) as exc:
        await update_with(CheckIn, clean_check_in, row["id"], {"latitude": 30.95}, None)
    assert exc.value.field == "latitude"
    stored = await CheckIn.select().where(CheckIn.id == row["id"]).first().run()
    assert stored is not None and stored["latitude"] == INSIDE["latitude"]
