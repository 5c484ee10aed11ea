"""Supervision records: raising, the life cycle, answering, and protecting the raiser."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import pytest

from app.crud import update_with
from app.errors import DomainError, InvalidTransition, NotFound, ValidationFailed
from app.supervision.schemas import SupervisionRecordCreate, SupervisionRecordUpdate
from app.supervision.services import (
    ANSWER_PERIOD,
    answer_supervision,
    clean_supervision_record,
    move_supervision,
    public_view,
    raise_supervision,
    update_supervision_record,
)
from tables.supervision import SupervisionRecord
from tests.factories import Tree, area_tree, make_user


def report(tree: Tree, **extra: Any) -> SupervisionRecordCreate:
    values: dict[str, Any] = {
        "kind": "cadre_conduct",
        "subject": "某科室干部",
        "community": tree.communities["A1"]["id"],
        "content": "工作日午间饮酒",
        "raised_by_name": "陈女士",
        "raised_by_contact": "13900139000",
        **extra,
    }
    return SupervisionRecordCreate(**values)


async def stored(record_id: int) -> dict[str, Any]:
    row = await SupervisionRecord.select().where(SupervisionRecord.id == record_id).first().run()
    assert row is not None
    return row


async def count() -> int:
    return await SupervisionRecord.count().run()


async def test_raised_record_starts_received_and_is_due_in_fifteen_days() -> None:
    tree = await area_tree()
    row = await raise_supervision(report(tree, grid=tree.grids["A1-2"]["id"]))
    assert row["status"] == "received"
    assert row["due_at"] - row["created_at"] == ANSWER_PERIOD == dt.timedelta(days=15)
    assert (row["raised_by_name"], row["raised_by_contact"]) == ("陈女士", "13900139000")
    assert row["grid"] == tree.grids["A1-2"]["id"]
    assert not row["public"] and row["answer"] == ""


async def test_an_explicit_due_date_is_kept() -> None:
    tree = await area_tree()
    due = dt.datetime.now(dt.UTC) + dt.timedelta(days=3)
    row = await raise_supervision(report(tree, due_at=due))
    assert row["due_at"] == due


async def test_anonymous_record_stores_no_name_or_contact() -> None:
    tree = await area_tree()
    row = await raise_supervision(report(tree, anonymous=True))
    saved = await stored(row["id"])
    assert saved["anonymous"]
    assert (saved["raised_by_name"], saved["raised_by_contact"]) == ("", "")


@pytest.mark.parametrize(
    ("extra", "error", "field"),
    [
        ({"kind": "gossip"}, ValidationFailed, "kind"),
        ({"subject": "  "}, ValidationFailed, "subject"),
        ({"content": ""}, ValidationFailed, "content"),
        ({"community": 999_999}, NotFound, "community"),
        ({"due_at": dt.datetime(2020, 1, 1, tzinfo=dt.UTC)}, ValidationFailed, "due_at"),
    ],
)
async def test_raising_is_refused_for_bad_fields(
    extra: dict[str, Any], error: type[DomainError], field: str
) -> None:
    tree = await area_tree()
    with pytest.raises(error) as exc:
        await raise_supervision(report(tree, **extra))
    assert exc.value.field == field
    assert await count() == 0


async def test_raising_is_refused_for_a_grid_of_another_community() -> None:
    tree = await area_tree()
    with pytest.raises(ValidationFailed) as exc:
        await raise_supervision(report(tree, grid=tree.grids["A2-1"]["id"]))
    assert exc.value.field == "grid"
    assert await count() == 0


async def test_full_life_cycle_received_handling_answered_closed() -> None:
    tree = await area_tree()
    official = await make_user("street-official")
    row = await raise_supervision(report(tree))
    handling = await move_supervision(row["id"], "handling", actor_id=official["id"])
    assert handling["status"] == "handling"
    answered = await answer_supervision(
        row["id"], "  已约谈该干部并通报批评  ", actor_id=official["id"], public=True
    )
    assert answered["status"] == "answered"
    assert answered["answer"] == "已约谈该干部并通报批评"
    assert answered["answered_by"] == official["id"]
    assert answered["answered_at"] is not None and answered["public"]
    closed = await move_supervision(row["id"], "closed", actor_id=official["id"])
    assert closed["status"] == "closed"
    assert (await stored(row["id"]))["answer"] == "已约谈该干部并通报批评"


async def test_a_received_record_can_be_answered_directly_and_public_stays_unless_given() -> None:
    tree = await area_tree()
    row = await raise_supervision(report(tree))
    answered = await answer_supervision(row["id"], "已核实处理")
    assert answered["status"] == "answered" and not answered["public"]


@pytest.mark.parametrize(
    ("path", "to_status"),
    [
        ([], "closed"),  # received cannot skip to closed
        (["handling"], "received"),  # never back
        (["handling"], "handling"),  # a move must move
        (["answer"], "handling"),
        (["answer", "closed"], "answered"),
    ],
)
async def test_moves_outside_the_life_cycle_are_refused(path: list[str], to_status: str) -> None:
    tree = await area_tree()
    row = await raise_supervision(report(tree))
    for step in path:
        if step == "answer":
            await answer_supervision(row["id"], "已处理")
        else:
            await move_supervision(row["id"], step)
    before = await stored(row["id"])
    with pytest.raises(InvalidTransition) as exc:
        await move_supervision(row["id"], to_status)
    assert exc.value.field == "status"
    assert await stored(row["id"]) == before


async def test_unknown_status_is_refused() -> None:
    tree = await area_tree()
    row = await raise_supervision(report(tree))
    with pytest.raises(ValidationFailed) as exc:
        await move_supervision(row["id"], "forgotten")
    assert exc.value.field == "status"
    assert (await stored(row["id"]))["status"] == "received"


async def test_answered_needs_a_real_answer() -> None:
    tree = await area_tree()
    row = await raise_supervision(report(tree))
    with pytest.raises(ValidationFailed) as blank:
        await answer_supervision(row["id"], "   ")
    assert blank.value.field == "answer"
    with pytest.raises(ValidationFailed) as moved:
        await move_supervision(row["id"], "answered")
    assert moved.value.field == "answer"
    saved = await stored(row["id"])
    assert (saved["status"], saved["answer"], saved["answered_at"]) == ("received", "", None)


async def test_an_answered_record_cannot_be_answered_again() -> None:
    tree = await area_tree()
    row = await raise_supervision(report(tree))
    await answer_supervision(row["id"], "第一次答复")
    with pytest.raises(InvalidTransition) as exc:
        await answer_supervision(row["id"], "第二次答复")
    assert exc.value.field == "status"
    assert (await stored(row["id"]))["answer"] == "第一次答复"


async def test_concurrent_answers_lock_the_row_and_only_one_wins() -> None:
    tree = await area_tree()
    row = await raise_supervision(report(tree))
    results = await asyncio.gather(
        answer_supervision(row["id"], "答复甲"),
        answer_supervision(row["id"], "答复乙"),
        return_exceptions=True,
    )
    winners = [r for r in results if isinstance(r, dict)]
    losers = [r for r in results if isinstance(r, InvalidTransition)]
    assert len(winners) == 1 and len(losers) == 1
    assert (await stored(row["id"]))["answer"] == winners[0]["answer"]


async def test_edits_go_through_the_same_rules() -> None:
    tree = await area_tree()
    row = await raise_supervision(report(tree))
    edited = await update_supervision_record(
        row["id"], SupervisionRecordUpdate(subject="某街道科室", anonymous=True)
    )
    assert (edited["subject"], edited["raised_by_name"], edited["raised_by_contact"]) == (
        "某街道科室",
        "",
        "",
    )
    assert edited["due_at"] == row["due_at"]
    with pytest.raises(InvalidTransition) as skipped:
        await update_with(
            SupervisionRecord, clean_supervision_record, row["id"], {"status": "closed"}, None
        )
    assert skipped.value.field == "status"
    await answer_supervision(row["id"], "已处理")
    with pytest.raises(ValidationFailed) as blanked:
        await update_with(
            SupervisionRecord, clean_supervision_record, row["id"], {"answer": ""}, None
        )
    assert blanked.value.field == "answer"
    saved = await stored(row["id"])
    assert (saved["status"], saved["answer"]) == ("answered", "已处理")


async def test_public_view_never_shows_who_raised_the_record() -> None:
    tree = await area_tree()
    row = await raise_supervision(report(tree))
    answered = await answer_supervision(row["id"], "已约谈", public=True)
    view = public_view(answered)
    assert "raised_by_name" not in view and "raised_by_contact" not in view
    assert "陈女士" not in str(view) and "13900139000" not in str(view)
    assert (view["subject"], view["answer"], view["status"]) == ("某科室干部", "已约谈", "answered")
    # The stored record still knows, for the staff who must call back.
    assert (await stored(row["id"]))["raised_by_contact"] == "13900139000"
