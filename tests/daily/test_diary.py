"""Diary entries (民情日记): written for one's own grid, linked only to things in it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from app.crud import insert_row
from app.daily.schemas import DiaryEntryCreate, DiaryEntryUpdate
from app.daily.services import create_diary_entry, local_today, update_diary_entry
from app.errors import DomainError, Forbidden, NotFound, ValidationFailed
from tables.daily import DiaryEntry
from tests.factories import (
    Tree,
    area_tree,
    make_access_entry,
    make_department,
    make_household,
    make_staff,
    make_work_item,
)


async def setup() -> tuple[Tree, dict[str, Any]]:
    tree = await area_tree()
    worker = await make_staff("wang", community=tree.communities["A1"], grids=[tree.grids["A1-1"]])
    return tree, worker


def entry(tree: Tree, staff: dict[str, Any], **extra: Any) -> DiaryEntryCreate:
    values: dict[str, Any] = {"content": "走访独居老人张大爷，反映楼道灯坏了", **extra}
    return DiaryEntryCreate(staff=staff["id"], grid=tree.grids["A1-1"]["id"], **values)


async def count() -> int:
    return await DiaryEntry.count().run()


async def test_entry_is_written_with_its_community_derived() -> None:
    tree, worker = await setup()
    household = await make_household(tree.grids["A1-1"])
    department = await make_department()
    access = await make_access_entry(tree.streets["A"], department)
    work_item = await make_work_item(tree.communities["A1"], access)
    row = await create_diary_entry(
        entry(
            tree,
            worker,
            content="  调解邻里噪音纠纷  ",
            category="mediation",
            household=household["id"],
            work_item=work_item["id"],
            follow_up_due=local_today(),
        )
    )
    assert row["community"] == tree.communities["A1"]["id"]
    assert row["content"] == "调解邻里噪音纠纷"
    assert (row["category"], row["household"], row["work_item"]) == (
        "mediation",
        household["id"],
        work_item["id"],
    )
    assert row["created_at"] is not None


async def test_refused_when_not_assigned_to_the_grid() -> None:
    tree, _ = await setup()
    stranger = await make_staff(
        "zhao", community=tree.communities["A1"], grids=[tree.grids["A1-2"]]
    )
    with pytest.raises(Forbidden) as exc:
        await create_diary_entry(entry(tree, stranger))
    assert exc.value.field == "grid"
    assert await count() == 0


async def _refusal(tree: Tree, worker: dict[str, Any], **extra: Any) -> DomainError:
    with pytest.raises(DomainError) as exc:
        await create_diary_entry(entry(tree, worker, **extra))
    assert await count() == 0
    return exc.value


async def test_refused_for_blank_content_or_unknown_category() -> None:
    tree, worker = await setup()
    blank = await _refusal(tree, worker, content="   ")
    assert isinstance(blank, ValidationFailed) and blank.field == "content"
    unknown = await _refusal(tree, worker, category="gossip")
    assert isinstance(unknown, ValidationFailed) and unknown.field == "category"


async def test_refused_for_a_household_of_another_grid() -> None:
    tree, worker = await setup()
    elsewhere = await make_household(tree.grids["A1-2"])
    error = await _refusal(tree, worker, household=elsewhere["id"])
    assert isinstance(error, ValidationFailed) and error.field == "household"
    missing = await _refusal(tree, worker, household=999_999)
    assert isinstance(missing, NotFound) and missing.field == "household"


async def test_refused_for_a_work_item_of_another_community() -> None:
    tree, worker = await setup()
    department = await make_department()
    access = await make_access_entry(tree.streets["A"], department)
    elsewhere = await make_work_item(tree.communities["A2"], access)
    error = await _refusal(tree, worker, work_item=elsewhere["id"])
    assert isinstance(error, ValidationFailed) and error.field == "work_item"


async def test_refused_for_a_follow_up_due_in_the_past() -> None:
    tree, worker = await setup()
    error = await _refusal(tree, worker, follow_up_due=local_today() - dt.timedelta(days=1))
    assert isinstance(error, ValidationFailed) and error.field == "follow_up_due"


async def test_update_checks_the_whole_entry_again() -> None:
    tree, worker = await setup()
    row = await create_diary_entry(entry(tree, worker))
    updated = await update_diary_entry(
        row["id"], DiaryEntryUpdate(content="灯已修好", category="other")
    )
    assert (updated["content"], updated["category"]) == ("灯已修好", "other")
    with pytest.raises(ValidationFailed) as exc:
        await update_diary_entry(row["id"], DiaryEntryUpdate(content=""))
    assert exc.value.field == "content"
    with pytest.raises(Forbidden) as forbidden:
        await update_diary_entry(row["id"], DiaryEntryUpdate(grid=tree.grids["A1-2"]["id"]))
    assert forbidden.value.field == "grid"
    stored = await DiaryEntry.select().where(DiaryEntry.id == row["id"]).first().run()
    assert stored is not None
    assert (stored["content"], stored["grid"]) == ("灯已修好", tree.grids["A1-1"]["id"])


async def test_an_old_follow_up_date_does_not_block_other_edits() -> None:
    tree, worker = await setup()
    last_week = local_today() - dt.timedelta(days=7)
    old = await insert_row(
        DiaryEntry,
        {
            "staff": worker["id"],
            "grid": tree.grids["A1-1"]["id"],
            "community": tree.communities["A1"]["id"],
            "content": "上周走访",
            "follow_up_due": last_week,
        },
    )
    updated = await update_diary_entry(old["id"], DiaryEntryUpdate(content="上周走访，已回访"))
    assert updated["follow_up_due"] == last_week
