"""Indicators: positive weights, a metric exactly when measured."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from app.assessment.schemas import IndicatorCreate, IndicatorUpdate
from app.assessment.services import create_indicator, update_indicator
from app.crud import insert_row
from app.errors import Conflict, ValidationFailed
from tables.assessment import Assessment, AssessmentScore, Indicator
from tests.factories import area_tree, make_indicator


async def test_scored_and_measured_indicators_are_accepted() -> None:
    scored = await create_indicator(IndicatorCreate(name=" 服务态度 ", weight=2, kind="scored"))
    assert (scored["name"], scored["weight"], scored["metric"], scored["max_score"]) == (
        "服务态度",
        2.0,
        None,
        100.0,
    )
    measured = await create_indicator(
        IndicatorCreate(name="签到率", weight=0.5, kind="measured", metric="check_in_rate")
    )
    assert measured["metric"] == "check_in_rate"


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"name": "  "}, "name"),
        ({"weight": 0}, "weight"),
        ({"weight": -1.5}, "weight"),
        ({"max_score": 0}, "max_score"),
        ({"kind": "guessed"}, "kind"),
        ({"kind": "measured"}, "metric"),
        ({"kind": "measured", "metric": "happiness"}, "metric"),
        ({"kind": "scored", "metric": "check_in_rate"}, "metric"),
    ],
)
async def test_bad_indicators_are_refused(values: dict[str, Any], field: str) -> None:
    data = IndicatorCreate(**{"name": "服务态度", "weight": 1.0, "kind": "scored", **values})
    with pytest.raises(ValidationFailed) as exc:
        await create_indicator(data)
    assert exc.value.field == field
    assert await Indicator.count().run() == 0


async def test_indicator_names_are_unique() -> None:
    await create_indicator(IndicatorCreate(name="服务态度", weight=1, kind="scored"))
    with pytest.raises(Conflict) as exc:
        await create_indicator(IndicatorCreate(name="服务态度", weight=3, kind="scored"))
    assert exc.value.field == "name"
    assert await Indicator.count().run() == 1


async def test_update_rechecks_the_whole_indicator() -> None:
    row = await create_indicator(IndicatorCreate(name="服务态度", weight=1, kind="scored"))
    updated = await update_indicator(row["id"], IndicatorUpdate(weight=4, max_score=10))
    assert (updated["weight"], updated["max_score"]) == (4.0, 10.0)
    with pytest.raises(ValidationFailed) as exc:
        await update_indicator(row["id"], IndicatorUpdate(kind="measured"))
    assert exc.value.field == "metric"
    assert (await Indicator.select().first().run() or {})["kind"] == "scored"


async def test_a_scored_indicator_in_use_cannot_become_measured() -> None:
    tree = await area_tree()
    indicator = await make_indicator("服务态度")
    assessment = await insert_row(
        Assessment,
        {
            "evaluator_kind": "street",
            "evaluator_id": tree.streets["A"]["id"],
            "target_kind": "community",
            "target_id": tree.communities["A1"]["id"],
            "direction": "top_down",
            "period_start": dt.date(2026, 3, 1),
            "period_end": dt.date(2026, 3, 31),
        },
    )
    await insert_row(
        AssessmentScore, {"assessment": assessment["id"], "indicator": indicator["id"], "score": 80}
    )
    with pytest.raises(Conflict) as exc:
        await update_indicator(
            indicator["id"], IndicatorUpdate(kind="measured", metric="on_time_rate")
        )
    assert exc.value.field == "kind"
    assert (await Indicator.select().first().run() or {})["kind"] == "scored"
