"""Subsidy grade thresholds street officials configure: validated, unique per street."""

from __future__ import annotations

from typing import Any

import pytest

from app.errors import Conflict, NotFound, ValidationFailed
from app.jobs.rollups import create_subsidy_grade, update_subsidy_grade
from app.jobs.schemas import SubsidyGradeCreate, SubsidyGradeUpdate
from tables.jobs import SubsidyGrade
from tests.factories import area_tree


async def test_grades_are_kept_per_street_and_district_wide() -> None:
    tree = await area_tree()
    district = await create_subsidy_grade(SubsidyGradeCreate(grade="一档", min_score=85))
    street = await create_subsidy_grade(
        SubsidyGradeCreate(grade="一档", min_score=90, street=tree.streets["A"]["id"], note="800元")
    )
    assert (district["street"], district["min_score"]) == (None, 85.0)
    assert (street["street"], street["note"]) == (tree.streets["A"]["id"], "800元")
    moved = await update_subsidy_grade(district["id"], SubsidyGradeUpdate(min_score=80))
    assert moved["min_score"] == 80.0 and moved["grade"] == "一档"


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"grade": "一档", "min_score": 101}, "min_score"),
        ({"grade": "一档", "min_score": -1}, "min_score"),
        ({"grade": "一档", "min_score": True}, "min_score"),
        ({"grade": "  ", "min_score": 50}, "grade"),
        ({"grade": "一二三四五六七八九十一二三四五六七", "min_score": 50}, "grade"),
    ],
)
async def test_a_bad_grade_is_refused_and_nothing_written(
    values: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationFailed) as exc:
        await create_subsidy_grade(SubsidyGradeCreate(**values))
    assert exc.value.field == field
    assert await SubsidyGrade.count().run() == 0


async def test_a_grade_name_or_threshold_twice_in_one_scope_is_refused() -> None:
    await create_subsidy_grade(SubsidyGradeCreate(grade="一档", min_score=85))
    with pytest.raises(Conflict) as exc:
        await create_subsidy_grade(SubsidyGradeCreate(grade="一档", min_score=70))
    assert exc.value.field == "grade"
    with pytest.raises(Conflict) as exc:
        await create_subsidy_grade(SubsidyGradeCreate(grade="二档", min_score=85))
    assert exc.value.field == "min_score"
    assert await SubsidyGrade.count().run() == 1


async def test_a_grade_for_a_missing_street_is_refused() -> None:
    with pytest.raises(NotFound) as exc:
        await create_subsidy_grade(SubsidyGradeCreate(grade="一档", min_score=85, street=424242))
    assert exc.value.field == "street"
    assert await SubsidyGrade.count().run() == 0
