"""Indicators, two-way assessments and the evaluation rollups."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

import msgspec

from app.api.pagination import by_code, date_range, equals
from app.api.resources import Resource, plain_delete
from app.assessment import schemas, services
from tables.assessment import Assessment, AssessmentScore, EvaluationRollup, Indicator
from tables.choices import AssessmentDirection, IndicatorKind, PeriodKind, TargetKind

Row = dict[str, Any]


class Rollup(msgspec.Struct, kw_only=True):
    """Measured facts and scores of one target for one day or month, with rank and grade."""

    id: int
    target_kind: str
    target_id: int
    parent_kind: str | None
    parent_id: int | None
    period_kind: str
    period_start: dt.date
    check_in_rate: float | None
    on_time_rate: float | None
    supervision_response_rate: float | None
    avg_response_hours: float | None
    satisfaction_rate: float | None
    ratings: int
    top_down_score: float | None
    bottom_up_score: float | None
    average_score: float | None
    sample_size: int
    composite_score: float | None
    rank: int | None
    subsidy_grade: str | None
    computed_at: dt.datetime


async def with_scores(rows: list[Row]) -> list[Row]:
    """Each assessment with its scores (one query for the whole page)."""
    if any("scores" in row for row in rows):
        return rows
    ids = [row["id"] for row in rows]
    scores = (
        await AssessmentScore.select()
        .where(AssessmentScore.assessment.is_in(ids))
        .order_by(AssessmentScore._meta.primary_key)
        .run()
    )
    by_assessment: dict[int, list[Row]] = defaultdict(list)
    for score in scores:
        by_assessment[score["assessment"]].append(score)
    return [{**row, "scores": by_assessment[row["id"]]} for row in rows]


INDICATORS = Resource(
    path="indicators",
    table=Indicator,
    output=schemas.Indicator,
    noun="indicator",
    sort=("name", "weight", "id"),
    default_sort="name",
    filters=[equals("kind", IndicatorKind, "measured 实测 or scored 评分")],
    create=(schemas.IndicatorCreate, services.create_indicator),
    update=(schemas.IndicatorUpdate, services.update_indicator),
    delete=plain_delete(Indicator),
    description="考核指标 Indicators with their weights; measured ones name a metric.",
)

ASSESSMENTS = Resource(
    path="assessments",
    table=Assessment,
    output=schemas.Assessment,
    noun="assessment",
    sort=("period_start", "created_at", "id"),
    default_sort="-period_start",
    filters=[
        equals("evaluator_kind", TargetKind, "kind of evaluator"),
        equals("evaluator_id", int, "id of the evaluator (with evaluator_kind)"),
        equals("target_kind", TargetKind, "kind of target"),
        equals("target_id", int, "id of the target (with target_kind)"),
        equals("direction", AssessmentDirection, "top_down or bottom_up"),
        by_code("street", "street"),
        *date_range("period_start", dt.date),
    ],
    create=(schemas.AssessmentCreate, services.submit_assessment),
    update=(schemas.AssessmentUpdate, services.update_assessment),
    delete=plain_delete(Assessment),
    enrich=with_scores,
    description=(
        "考核评价 Two-way assessments: streets and departments rate communities, communities"
        " rate grids and staff (top-down), and the other way round (bottom-up)."
    ),
)

ROLLUPS = Resource(
    path="rollups",
    table=EvaluationRollup,
    output=Rollup,
    noun="evaluation rollup",
    sort=("period_start", "composite_score", "rank", "id"),
    default_sort="-period_start",
    filters=[
        equals("target_kind", TargetKind, "kind of target"),
        equals("target_id", int, "id of the target (with target_kind)"),
        equals("period_kind", PeriodKind, "day or month"),
        equals("period_start", dt.date, "first day of the period"),
        *date_range("period_start", dt.date),
    ],
    description="考核汇总 Rollups computed by the scheduled jobs: read-only.",
)

RESOURCES = [INDICATORS, ASSESSMENTS, ROLLUPS]
