"""Indicators and assessments as they enter and leave the services."""

from __future__ import annotations

import datetime as dt

import msgspec


class Indicator(msgspec.Struct, kw_only=True):
    id: int
    name: str
    weight: float
    kind: str
    metric: str | None
    max_score: float


class IndicatorCreate(msgspec.Struct, kw_only=True):
    name: str
    weight: float
    kind: str
    metric: str | None = None
    max_score: float = 100.0


class IndicatorUpdate(msgspec.Struct, kw_only=True):
    name: str | msgspec.UnsetType = msgspec.UNSET
    weight: float | msgspec.UnsetType = msgspec.UNSET
    kind: str | msgspec.UnsetType = msgspec.UNSET
    metric: str | msgspec.UnsetType | None = msgspec.UNSET
    max_score: float | msgspec.UnsetType = msgspec.UNSET


class AssessmentScore(msgspec.Struct, kw_only=True):
    id: int
    assessment: int
    indicator: int
    score: float


class AssessmentScoreCreate(msgspec.Struct, kw_only=True):
    """One score inside an AssessmentCreate / AssessmentUpdate."""

    indicator: int
    score: float


class Assessment(msgspec.Struct, kw_only=True):
    id: int
    evaluator_kind: str
    evaluator_id: int
    target_kind: str
    target_id: int
    direction: str
    street: int | None
    period_start: dt.date
    period_end: dt.date
    comment: str
    created_by: int | None
    created_at: dt.datetime
    scores: list[AssessmentScore]


class AssessmentCreate(msgspec.Struct, kw_only=True):
    evaluator_kind: str
    evaluator_id: int
    target_kind: str
    target_id: int
    period_start: dt.date
    period_end: dt.date
    scores: list[AssessmentScoreCreate]
    comment: str = ""


class AssessmentUpdate(msgspec.Struct, kw_only=True):
    """Who rated whom for which period is fixed once submitted; the rest can be corrected."""

    period_end: dt.date | msgspec.UnsetType = msgspec.UNSET
    comment: str | msgspec.UnsetType = msgspec.UNSET
    scores: list[AssessmentScoreCreate] | msgspec.UnsetType = msgspec.UNSET
