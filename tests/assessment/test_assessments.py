"""Assessments in both directions, their scores, and the one composite formula."""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest

from app.assessment.schemas import AssessmentCreate, AssessmentScoreCreate, AssessmentUpdate
from app.assessment.services import submit_assessment, update_assessment, weighted_score
from app.errors import Conflict, DomainError, NotFound, ValidationFailed
from tables.assessment import Assessment, AssessmentScore
from tests.factories import Tree, area_tree, make_department, make_indicator, make_staff, make_user

MARCH = {"period_start": dt.date(2026, 3, 1), "period_end": dt.date(2026, 3, 31)}


@dataclass
class World:
    tree: Tree
    parties: dict[str, tuple[str, int]]
    attitude: dict[str, Any]
    efficiency: dict[str, Any]
    check_in_rate: dict[str, Any]


async def world() -> World:
    tree = await area_tree()
    department = await make_department()
    worker = await make_staff("wang", community=tree.communities["A1"], grids=[tree.grids["A1-1"]])
    parties = {
        "department": ("department", department["id"]),
        "street A": ("street", tree.streets["A"]["id"]),
        "street B": ("street", tree.streets["B"]["id"]),
        "community A1": ("community", tree.communities["A1"]["id"]),
        "community B1": ("community", tree.communities["B1"]["id"]),
        "grid A1-1": ("grid", tree.grids["A1-1"]["id"]),
        "staff wang": ("staff", worker["id"]),
    }
    return World(
        tree=tree,
        parties=parties,
        attitude=await make_indicator("服务态度", weight=2),
        efficiency=await make_indicator("办事效率", weight=1, max_score=10),
        check_in_rate=await make_indicator("签到率", kind="measured", metric="check_in_rate"),
    )


def rating(
    w: World,
    evaluator: str,
    target: str,
    scores: list[tuple[dict[str, Any], float]] | None = None,
    **extra: Any,
) -> AssessmentCreate:
    evaluator_kind, evaluator_id = w.parties[evaluator]
    target_kind, target_id = w.parties[target]
    given = scores if scores is not None else [(w.attitude, 85), (w.efficiency, 9)]
    values: dict[str, Any] = {**MARCH, **extra}
    return AssessmentCreate(
        evaluator_kind=evaluator_kind,
        evaluator_id=evaluator_id,
        target_kind=target_kind,
        target_id=target_id,
        scores=[AssessmentScoreCreate(indicator=i["id"], score=s) for i, s in given],
        **values,
    )


async def nothing_written() -> bool:
    return await Assessment.count().run() == 0 and await AssessmentScore.count().run() == 0


@pytest.mark.parametrize(
    ("evaluator", "target", "direction", "street"),
    [
        ("street A", "community A1", "top_down", "A"),
        ("department", "community B1", "top_down", "B"),
        ("community A1", "grid A1-1", "top_down", "A"),
        ("community A1", "staff wang", "top_down", "A"),
        ("street A", "staff wang", "top_down", "A"),
        ("community A1", "street A", "bottom_up", "A"),
        ("community B1", "department", "bottom_up", "B"),
        ("staff wang", "community A1", "bottom_up", "A"),
        ("grid A1-1", "community A1", "bottom_up", "A"),
        ("street A", "department", "bottom_up", "A"),
        ("department", "street B", "top_down", "B"),
    ],
)
async def test_direction_and_street_are_derived(
    evaluator: str, target: str, direction: str, street: str
) -> None:
    w = await world()
    official = await make_user("official")
    row = await submit_assessment(rating(w, evaluator, target, comment="认真负责"), official["id"])
    assert row["direction"] == direction
    assert row["street"] == w.tree.streets[street]["id"]
    assert row["created_by"] == official["id"]
    assert {(s["indicator"], s["score"]) for s in row["scores"]} == {
        (w.attitude["id"], 85.0),
        (w.efficiency["id"], 9.0),
    }
    stored = await AssessmentScore.count().where(AssessmentScore.assessment == row["id"]).run()
    assert stored == 2


@pytest.mark.parametrize(
    ("evaluator", "target"),
    [("community A1", "community B1"), ("staff wang", "staff wang"), ("street A", "street B")],
)
async def test_same_level_is_refused(evaluator: str, target: str) -> None:
    w = await world()
    with pytest.raises(ValidationFailed) as exc:
        await submit_assessment(rating(w, evaluator, target))
    assert exc.value.field == "evaluator_kind"
    assert await nothing_written()


async def test_unknown_kinds_and_missing_parties_are_refused() -> None:
    w = await world()
    cases: list[tuple[dict[str, Any], type[DomainError], str]] = [
        ({"evaluator_kind": "province"}, ValidationFailed, "evaluator_kind"),
        ({"target_kind": "resident"}, ValidationFailed, "target_kind"),
        ({"evaluator_id": 999_999}, NotFound, "evaluator_id"),
        ({"target_id": 999_999}, NotFound, "target_id"),
    ]
    for change, error, field in cases:
        good = rating(w, "street A", "community A1")
        data = AssessmentCreate(
            **{**{f: getattr(good, f) for f in good.__struct_fields__}, **change}
        )
        with pytest.raises(error) as exc:
            await submit_assessment(data)
        assert exc.value.field == field
    assert await nothing_written()


async def test_period_must_not_end_before_it_starts() -> None:
    w = await world()
    with pytest.raises(ValidationFailed) as exc:
        await submit_assessment(
            rating(w, "street A", "community A1", period_end=dt.date(2026, 2, 28))
        )
    assert exc.value.field == "period_end"
    assert await nothing_written()


async def test_bad_scores_are_refused_and_nothing_is_written() -> None:
    w = await world()
    cases: list[tuple[list[tuple[dict[str, Any], float]], type[DomainError]]] = [
        ([], ValidationFailed),  # at least one score
        ([(w.check_in_rate, 90)], ValidationFailed),  # measured, not scored
        ([(w.attitude, 101)], ValidationFailed),  # above max_score
        ([(w.efficiency, 11)], ValidationFailed),  # max_score 10
        ([(w.attitude, -1)], ValidationFailed),
        ([(w.attitude, 80), (w.attitude, 90)], ValidationFailed),  # twice
        ([({"id": 999_999}, 80)], NotFound),
    ]
    for scores, error in cases:
        with pytest.raises(error) as exc:
            await submit_assessment(rating(w, "street A", "community A1", scores))
        assert exc.value.field == "scores", scores
    assert await nothing_written()


async def test_boundary_scores_are_accepted() -> None:
    w = await world()
    row = await submit_assessment(
        rating(w, "street A", "community A1", [(w.attitude, 0), (w.efficiency, 10)])
    )
    assert sorted(s["score"] for s in row["scores"]) == [0.0, 10.0]


async def test_one_assessment_per_evaluator_target_and_period() -> None:
    w = await world()
    await submit_assessment(rating(w, "street A", "community A1"))
    with pytest.raises(Conflict) as exc:
        await submit_assessment(rating(w, "street A", "community A1", [(w.attitude, 60)]))
    assert exc.value.field == "period_start"
    assert await Assessment.count().run() == 1
    assert await AssessmentScore.count().run() == 2
    # The other direction and the next period are different assessments.
    await submit_assessment(rating(w, "community A1", "street A"))
    await submit_assessment(
        rating(
            w,
            "street A",
            "community A1",
            period_start=dt.date(2026, 4, 1),
            period_end=dt.date(2026, 4, 30),
        )
    )
    assert await Assessment.count().run() == 3


async def test_update_replaces_scores_as_a_set_and_refusals_keep_the_old_ones() -> None:
    w = await world()
    row = await submit_assessment(rating(w, "street A", "community A1"))
    updated = await update_assessment(
        row["id"],
        AssessmentUpdate(
            comment="复核后调整",
            scores=[AssessmentScoreCreate(indicator=w.attitude["id"], score=70)],
        ),
    )
    assert updated["comment"] == "复核后调整"
    assert [(s["indicator"], s["score"]) for s in updated["scores"]] == [(w.attitude["id"], 70.0)]
    with pytest.raises(ValidationFailed) as exc:
        await update_assessment(
            row["id"],
            AssessmentUpdate(
                comment="不应保存",
                scores=[AssessmentScoreCreate(indicator=w.attitude["id"], score=170)],
            ),
        )
    assert exc.value.field == "scores"
    with pytest.raises(ValidationFailed) as period:
        await update_assessment(row["id"], AssessmentUpdate(period_end=dt.date(2026, 1, 1)))
    assert period.value.field == "period_end"
    saved = await Assessment.select().first().run()
    assert saved is not None and saved["comment"] == "复核后调整"
    assert saved["period_end"] == MARCH["period_end"]
    scores = await AssessmentScore.select(AssessmentScore.score).run()
    assert scores == [{"score": 70.0}]


def test_weighted_score_normalises_scales_and_weights_over_present_indicators() -> None:
    attitude = {"id": 1, "weight": 2.0, "max_score": 100.0}
    efficiency = {"id": 2, "weight": 1.0, "max_score": 10.0}
    rate = {"id": 3, "weight": 1.0, "max_score": 100.0}
    indicators = [attitude, efficiency, rate]
    # (2 × 0.90 + 1 × 0.60) / 3 = 0.80; the missing rate counts neither as 0 nor at all.
    assert weighted_score({1: 90, 2: 6, 3: None}, indicators) == pytest.approx(80.0)
    assert weighted_score({1: 90, 2: 6}, indicators) == pytest.approx(80.0)
    assert weighted_score({1: 90, 2: 6, 3: 0}, indicators) == pytest.approx(60.0)
    assert weighted_score({2: 10}, indicators) == pytest.approx(100.0)
    assert weighted_score({}, indicators) is None
    # Scores for indicators not listed are ignored rather than guessed at.
    assert weighted_score({9: 50, 1: 40}, indicators) == pytest.approx(40.0)


async def test_concurrent_duplicates_leave_one_assessment_and_a_conflict() -> None:
    w = await world()
    results = await asyncio.gather(
        *(submit_assessment(rating(w, "street A", "community A1")) for _ in range(3)),
        return_exceptions=True,
    )
    assert sum(isinstance(r, dict) for r in results) == 1
    assert all(isinstance(r, Conflict) for r in results if not isinstance(r, dict))
    assert await Assessment.count().run() == 1
    assert await AssessmentScore.count().run() == 2
