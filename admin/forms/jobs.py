"""Scheduled work from the admin: re-run an evaluation rollup for a past period (重新汇总)."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from admin.forms.base import Context, ScopedForm, enum_choices
from app.db import outside_transaction
from app.jobs.rollups import run_rollup
from app.jobs.schemas import RollupRun
from app.scope import Level
from tables.choices import PeriodKind

GROUP = "考核 Assessment"


class RerunRollup(BaseModel):
    period_kind: str = Field(default=PeriodKind.month, title="周期")
    period_start: dt.date = Field(title="周期开始（月度填每月1日）")
    min_sample: int = Field(default=5, title="排名最少样本量")


async def rerun_rollup(context: Context, data: RerunRollup) -> str:
    # Rollups are district-wide derived data written by the system role (as the nightly job
    # does), so the run leaves the form's scoped transaction; it is audited under this user.
    summary = await outside_transaction(
        run_rollup(
            RollupRun(
                period_kind=data.period_kind,
                period_start=data.period_start,
                min_sample=data.min_sample,
            ),
            actor_id=context.user_id,
        )
    )
    return (
        f"{summary.period_start}–{summary.period_end} 汇总完成：新增 {summary.inserted} 行，"
        f"更新 {summary.updated} 行，未变 {summary.unchanged} 行，删除 {summary.deleted} 行。"
    )


FORMS = [
    ScopedForm(
        name="重新汇总考核 Re-run an evaluation rollup",
        model=RerunRollup,
        action=rerun_rollup,
        description="按日或按月重新计算签到率、按时办结率、监督回应率、评分与排名；重复运行结果相同。",
        levels=frozenset({Level.district, Level.street}),
        group=GROUP,
        choices={"period_kind": enum_choices(PeriodKind)},
    ),
]
