"""Rules of two-way assessment: who may rate whom, in which direction, with which scores.

Streets and departments rate communities, communities rate grids and staff (top-down);
staff and grids rate communities, communities rate streets and departments (bottom-up).
`weighted_score` is the one composite formula; the rollup job reuses it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

import msgspec
from piccolo.table import Table

from app.assessment.schemas import (
    AssessmentCreate,
    AssessmentUpdate,
    IndicatorCreate,
    IndicatorUpdate,
)
from app.crud import changes_of, create_with, ensure_unique, get_row, insert_row, update_with
from app.db import write_transaction
from app.errors import Conflict, NotFound, ValidationFailed
from app.validation import check_choice, check_text
from tables.areas import Community, ResponsibilityGrid, Street
from tables.assessment import Assessment, AssessmentScore, Indicator
from tables.choices import (
    AssessmentDirection,
    IndicatorKind,
    MeasuredMetric,
    TargetKind,
)
from tables.people import StaffMember
from tables.work import Department

# Lower number = higher level. Departments and streets stand side by side above communities.
# Departments steer streets, streets steer communities, and so on down; rating upwards is
# bottom-up (streets rate departments, communities rate streets and departments).
LEVEL: dict[str, int] = {
    TargetKind.department: 0,
    TargetKind.street: 1,
    TargetKind.community: 2,
    TargetKind.grid: 3,
    TargetKind.staff: 4,
}
PARTY_TABLES: dict[str, type[Table]] = {
    TargetKind.department: Department,
    TargetKind.street: Street,
    TargetKind.community: Community,
    TargetKind.grid: ResponsibilityGrid,
    TargetKind.staff: StaffMember,
}


def _number(values: dict[str, Any], name: str) -> float:
    value = values.get(name)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValidationFailed("must be a number", field=name)
    return float(value)


async def clean_indicator(values: dict[str, Any], current: dict[str, Any] | None) -> dict[str, Any]:
    """Validate an indicator: positive weight and maximum; a metric exactly when measured."""
    name = check_text(values.get("name") or "", "name", max_length=100)
    weight = _number(values, "weight")
    if weight <= 0:
        raise ValidationFailed("must be greater than 0", field="weight")
    max_score = _number(values, "max_score")
    if max_score <= 0:
        raise ValidationFailed("must be greater than 0", field="max_score")
    kind = check_choice(values.get("kind"), IndicatorKind, "kind")
    metric = values.get("metric")
    if kind == IndicatorKind.measured:
        if metric is None:
            raise ValidationFailed("a measured indicator needs a metric", field="metric")
        metric = check_choice(metric, MeasuredMetric, "metric")
    elif metric is not None:
        raise ValidationFailed("a scored indicator has no metric", field="metric")
    if current is not None and kind != current["kind"]:
        scored = (
            await AssessmentScore.exists().where(AssessmentScore.indicator == current["id"]).run()
        )
        if scored:
            raise Conflict("people have already scored this indicator", field="kind")
    return {"name": name, "weight": weight, "kind": kind, "metric": metric, "max_score": max_score}


async def create_indicator(data: IndicatorCreate, actor_id: int | None = None) -> dict[str, Any]:
    """Add an assessment indicator."""
    return await create_with(Indicator, clean_indicator, changes_of(data), actor_id)


async def update_indicator(
    indicator_id: int, data: IndicatorUpdate, actor_id: int | None = None
) -> dict[str, Any]:
    """Change an indicator; the whole indicator is checked again."""
    return await update_with(Indicator, clean_indicator, indicator_id, changes_of(data), actor_id)


def direction_between(evaluator_kind: str, target_kind: str) -> str:
    """top_down when the evaluator stands higher than the target, bottom_up when lower."""
    evaluator_level, target_level = LEVEL[evaluator_kind], LEVEL[target_kind]
    if evaluator_level == target_level:
        raise ValidationFailed(
            f"a {evaluator_kind} cannot assess a {target_kind}: same level",
            field="evaluator_kind",
        )
    if evaluator_level < target_level:
        return AssessmentDirection.top_down
    return AssessmentDirection.bottom_up


async def street_of(kind: str, party: dict[str, Any]) -> int | None:
    """The street a street, community, grid or staff member belongs to (None for departments)."""
    if kind == TargetKind.department:
        return None
    if kind == TargetKind.street:
        return int(party["id"])
    if kind == TargetKind.community:
        return int(party["street"])
    if kind == TargetKind.staff and party["street"] is not None:
        return int(party["street"])
    community = await get_row(Community, party["community"], field="community")
    return int(community["street"])


async def _party(values: dict[str, Any], side: str) -> tuple[str, dict[str, Any]]:
    kind = check_choice(values.get(f"{side}_kind"), TargetKind, f"{side}_kind")
    return kind, await get_row(PARTY_TABLES[kind], values.get(f"{side}_id"), field=f"{side}_id")


async def clean_assessment(
    values: dict[str, Any], current: dict[str, Any] | None
) -> dict[str, Any]:
    """Validate who assesses whom for which period; derive direction and street."""
    evaluator_kind, evaluator = await _party(values, "evaluator")
    target_kind, target = await _party(values, "target")
    direction = direction_between(evaluator_kind, target_kind)
    # Scoped to the street of the side that has one (the target unless it is a department).
    street = await street_of(target_kind, target) or await street_of(evaluator_kind, evaluator)
    start, end = values.get("period_start"), values.get("period_end")
    if start is None:
        raise ValidationFailed("is required", field="period_start")
    if end is None or end < start:
        raise ValidationFailed("must be on or after the period start", field="period_end")
    await ensure_unique(
        Assessment,
        current,
        "period_start",
        f"this {evaluator_kind} has already assessed this {target_kind} for this period",
        evaluator_kind=evaluator_kind,
        evaluator_id=evaluator["id"],
        target_kind=target_kind,
        target_id=target["id"],
        period_start=start,
    )
    return {
        "evaluator_kind": evaluator_kind,
        "evaluator_id": evaluator["id"],
        "target_kind": target_kind,
        "target_id": target["id"],
        "direction": direction,
        "street": street,
        "period_start": start,
        "period_end": end,
        "comment": (values.get("comment") or "").strip(),
        "created_by": values.get("created_by"),
        "created_at": current["created_at"] if current else dt.datetime.now(dt.UTC),
    }


async def clean_scores(scores: Iterable[Any]) -> list[dict[str, Any]]:
    """Validate the scores of one assessment: scored indicators, each once, 0..max_score."""
    items = [
        msgspec.structs.asdict(item) if isinstance(item, msgspec.Struct) else dict(item)
        for item in scores
    ]
    if not items:
        raise ValidationFailed("give at least one score", field="scores")
    ids = [item.get("indicator") for item in items]
    if len(set(ids)) != len(ids):
        raise ValidationFailed("an indicator is scored more than once", field="scores")
    indicators = {
        row["id"]: row
        for row in await Indicator.select().where(Indicator._meta.primary_key.is_in(ids)).run()
    }
    for item in items:
        indicator = indicators.get(item.get("indicator"))
        if indicator is None:
            raise NotFound(f"indicator {item.get('indicator')} does not exist", field="scores")
        if indicator["kind"] != IndicatorKind.scored:
            raise ValidationFailed(
                f"{indicator['name']} is measured, not scored by people", field="scores"
            )
        score = item.get("score")
        if (
            isinstance(score, bool)
            or not isinstance(score, int | float)
            or not 0 <= score <= indicator["max_score"]
        ):
            raise ValidationFailed(
                f"{indicator['name']} takes a score from 0 to {indicator['max_score']:g}",
                field="scores",
            )
    return [{"indicator": item["indicator"], "score": float(item["score"])} for item in items]


async def clean_assessment_score(
    values: dict[str, Any], current: dict[str, Any] | None
) -> dict[str, Any]:
    """One score row on its own (the admin edits scores one by one): same rules as a set."""
    assessment = await get_row(Assessment, values.get("assessment"), field="assessment")
    (score,) = await clean_scores(
        [{"indicator": values.get("indicator"), "score": values.get("score")}]
    )
    return {"assessment": assessment["id"], **score}


async def _replace_scores(assessment_id: int, scores: list[dict[str, Any]]) -> list[dict[str, Any]]:
    await AssessmentScore.delete().where(AssessmentScore.assessment == assessment_id).run()
    rows = [AssessmentScore(assessment=assessment_id, **score) for score in scores]
    return await AssessmentScore.insert(*rows).returning(*AssessmentScore.all_columns()).run()


async def submit_assessment(data: AssessmentCreate, actor_id: int | None = None) -> dict[str, Any]:
    """Record one assessment with its scores, in one transaction."""
    values = changes_of(data)
    scores = values.pop("scores")
    async with write_transaction(actor_id):
        cleaned = await clean_assessment({**values, "created_by": actor_id}, None)
        cleaned_scores = await clean_scores(scores)
        assessment = await insert_row(Assessment, cleaned)
        return {**assessment, "scores": await _replace_scores(assessment["id"], cleaned_scores)}


async def update_assessment(
    assessment_id: int, data: AssessmentUpdate, actor_id: int | None = None
) -> dict[str, Any]:
    """Correct an assessment's period end, comment or scores (scores are replaced as a set)."""
    changes = changes_of(data)
    scores = changes.pop("scores", None)
    async with write_transaction(actor_id):
        assessment = await update_with(
            Assessment, clean_assessment, assessment_id, changes, actor_id
        )
        if scores is not None:
            await _replace_scores(assessment_id, await clean_scores(scores))
        saved = (
            await AssessmentScore.select().where(AssessmentScore.assessment == assessment_id).run()
        )
        return {**assessment, "scores": saved}


def weighted_score(
    scores: Mapping[int, float | None], indicators: Iterable[Mapping[str, Any]]
) -> float | None:
    """The composite score, 0–100: each score over its max_score, weighted by indicator.

    `scores` maps indicator id → score on that indicator's own scale (0..max_score; a
    measured rate r is passed as r × max_score). Weights are normalised over the indicators
    that have a score, so a missing one neither counts as zero nor shifts the scale.
    None when no indicator has a score.
    """
    present = [
        (indicator, float(score))
        for indicator in indicators
        if (score := scores.get(indicator["id"])) is not None
    ]
    total_weight = sum(indicator["weight"] for indicator, _ in present)
    if total_weight <= 0:
        return None
    weighted = sum(
        indicator["weight"] * score / indicator["max_score"] for indicator, score in present
    )
    return 100.0 * weighted / total_weight
