"""Evaluation rollups: every number of a month worked out by hand, ranks, subsidy grades,
identical re-runs, races, and the refusals of a bad period."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from typing import Any

import pytest
from taskiq import InMemoryBroker

from app.assessment.services import weighted_score
from app.crud import insert_row, update_row
from app.daily.services import local_today
from app.errors import ValidationFailed
from app.jobs.rollups import (
    period_bounds,
    previous_month,
    refresh_month_to_date,
    rollup_period,
    rollup_report,
    run_rollup,
    subsidy_report,
)
from app.jobs.schemas import RollupRun
from app.jobs.tasks import daily_rollup, monthly_rollup, rollup
from tables.assessment import Assessment, AssessmentScore, EvaluationRollup
from tables.jobs import RestDay, SubsidyGrade
from tables.people import StaffMember
from tests.factories import make_indicator, make_staff
from tests.jobs.support import (
    World,
    local,
    make_check_in,
    make_leave,
    make_supervision,
    make_work,
    world,
)

OCTOBER = dt.date(2026, 10, 1)
REST_DAYS = [dt.date(2026, 10, d) for d in (1, 2, 3)]
WORKING_DAYS = [OCTOBER + dt.timedelta(days=i) for i in range(3, 31)]  # Oct 4 … Oct 31


def day(n: int) -> dt.date:
    return dt.date(2026, 10, n)


async def october(w: World) -> dict[str, dict[str, Any]]:
    """The month worked out in the assertions below; returns the indicators."""
    for rest in REST_DAYS:
        await insert_row(RestDay, {"day": rest, "name": "国庆节"})
    for name in ("wang", "li", "chen", "zhou"):
        await update_row(
            StaffMember, w.staff[name]["id"], {"created_at": local(day(1)).replace(month=9)}
        )
    # Check-ins: wang every working day, li half of them (plus two outside), chen 12 of the
    # 16 days before leave (Oct 20–31), zhou 7.
    for d in WORKING_DAYS:
        await make_check_in(w, "wang", "A1-1", local(d, 8, 30))
    for d in WORKING_DAYS[:14]:
        await make_check_in(w, "li", "A1-2", local(d, 9, 15))
    for d in WORKING_DAYS[14:16]:
        await make_check_in(w, "li", "A1-2", local(d, 9, 15), counted=False)
    await make_leave(w, "chen", day(20), day(31))
    for d in WORKING_DAYS[:12]:
        await make_check_in(w, "chen", "A2-1", local(d, 8, 0))
    for d in WORKING_DAYS[:7]:
        await make_check_in(w, "zhou", "B1-1", local(d, 8, 0))
    # A check-in on a rest day counts for nothing (no duty that day).
    await make_check_in(w, "zhou", "B1-1", local(day(2), 8, 0))
    # Work due in October: wang 3 of 4 on time; li one late and open, one rejected; one
    # unassigned, gridless item of A1 closed on time; one due in November.
    for n in (6, 9, 13):
        await make_work(w, due_at=local(day(n), 17), status="closed", closed_at=local(day(n), 12))
    await make_work(w, due_at=local(day(16), 17), status="closed", closed_at=local(day(17), 9))
    await make_work(w, grid="A1-2", assignee="li", due_at=local(day(21), 17))
    await make_work(w, grid="A1-2", assignee="li", due_at=local(day(22), 17), status="rejected")
    await make_work(
        w,
        grid=None,
        assignee=None,
        due_at=local(day(8), 17),
        status="closed",
        closed_at=local(day(8), 10),
    )
    await make_work(w, due_at=local(dt.date(2026, 11, 2), 17))
    # Supervision raised in October in A1: one answered in 24 h, one answered late (96 h),
    # one unanswered; and one in B1 raised in September.
    await make_supervision(
        w,
        created_at=local(day(5)),
        due_at=local(day(20)),
        answered_at=local(day(6)),
        status="answered",
    )
    await make_supervision(
        w,
        created_at=local(day(10)),
        due_at=local(day(12)),
        answered_at=local(day(14)),
        status="answered",
    )
    await make_supervision(w, grid="A1-2", created_at=local(day(15)))
    await make_supervision(w, community="B1", grid="B1-1", created_at=local(dt.date(2026, 9, 30)))
    indicators = {
        "check_in": await make_indicator("签到率", 2.0, "measured", "check_in_rate"),
        "on_time": await make_indicator("按时办结率", 1.0, "measured", "on_time_rate"),
        "satisfaction": await make_indicator("群众满意度", 1.0, "scored"),
        "conduct": await make_indicator("工作作风", 1.0, "scored", max_score=10.0),
    }
    a1, street_a = w.tree.communities["A1"]["id"], w.tree.streets["A"]["id"]

    async def assess(
        evaluator: tuple[str, int], target: tuple[str, int], direction: str, **scores: float
    ) -> None:
        row = await insert_row(
            Assessment,
            {
                "evaluator_kind": evaluator[0],
                "evaluator_id": evaluator[1],
                "target_kind": target[0],
                "target_id": target[1],
                "direction": direction,
                "street": street_a,
                "period_start": day(1),
                "period_end": day(31),
            },
        )
        for key, score in scores.items():
            await insert_row(
                AssessmentScore,
                {"assessment": row["id"], "indicator": indicators[key]["id"], "score": score},
            )

    await assess(
        ("community", a1), ("staff", w.staff["wang"]["id"]), "top_down", satisfaction=90, conduct=8
    )
    await assess(("street", street_a), ("community", a1), "top_down", satisfaction=80)
    await assess(
        ("staff", w.staff["li"]["id"]), ("community", a1), "bottom_up", satisfaction=60, conduct=5
    )
    # District-wide subsidy grades; street B keeps its own.
    for grade, floor in (("一档", 85.0), ("二档", 70.0), ("三档", 0.0)):
        await insert_row(SubsidyGrade, {"grade": grade, "min_score": floor})
    await insert_row(
        SubsidyGrade, {"street": w.tree.streets["B"]["id"], "grade": "B优", "min_score": 20.0}
    )
    return indicators


async def rollup_rows(
    period_kind: str = "month", start: dt.date = OCTOBER
) -> dict[tuple[str, int], dict[str, Any]]:
    rows = (
        await EvaluationRollup.select()
        .where(
            (EvaluationRollup.period_kind == period_kind) & (EvaluationRollup.period_start == start)
        )
        .run()
    )
    return {(row["target_kind"], row["target_id"]): row for row in rows}


def of(
    rows: dict[tuple[str, int], dict[str, Any]], kind: str, target: dict[str, Any]
) -> dict[str, Any]:
    return rows[(kind, target["id"])]


async def test_a_month_rollup_computes_each_number_as_worked_out_by_hand() -> None:
    w = await world()
    indicators = await october(w)
    summary = await rollup_period("month", OCTOBER)
    rows = await rollup_rows()
    wang, li, chen, zhou = (of(rows, "staff", w.staff[n]) for n in ("wang", "li", "chen", "zhou"))
    # check-in rate: days with a counted check-in over duty days (rest days, leave excluded)
    assert [r["check_in_rate"] for r in (wang, li, chen, zhou)] == [1.0, 0.5, 0.75, 0.25]
    assert [r["on_time_rate"] for r in (wang, li, chen, zhou)] == [0.75, 0.0, None, None]
    assert wang["top_down_score"] == 85.0 and wang["bottom_up_score"] is None
    assert wang["average_score"] == 85.0
    assert [r["sample_size"] for r in (wang, li, chen, zhou)] == [33, 29, 16, 28]
    assert wang["composite_score"] == 89.0
    # The SQL composite is the formula of app.assessment.services.weighted_score.
    expected = weighted_score(
        {
            indicators["check_in"]["id"]: 1.0 * 100,
            indicators["on_time"]["id"]: 0.75 * 100,
            indicators["satisfaction"]["id"]: 90,
            indicators["conduct"]["id"]: 8,
        },
        indicators.values(),
    )
    assert wang["composite_score"] == pytest.approx(expected)
    assert li["composite_score"] == pytest.approx(100 / 3, abs=1e-6)
    assert (chen["composite_score"], zhou["composite_score"]) == (75.0, 25.0)
    a1 = w.tree.communities["A1"]
    assert (wang["parent_kind"], wang["parent_id"]) == ("community", a1["id"])
    assert (wang["rank"], li["rank"], chen["rank"], zhou["rank"]) == (1, 2, 1, 1)
    assert [r["subsidy_grade"] for r in (wang, li, chen, zhou)] == ["一档", "三档", "二档", "B优"]

    grid = {k: of(rows, "grid", w.tree.grids[k]) for k in ("A1-1", "A1-2", "A2-1", "A2-2", "B1-1")}
    assert [grid[k]["check_in_rate"] for k in grid] == [1.0, 0.5, 0.75, None, 0.25]
    assert (grid["A1-1"]["on_time_rate"], grid["A1-2"]["on_time_rate"]) == (0.75, 0.0)
    assert grid["A1-1"]["supervision_response_rate"] == 0.5
    assert grid["A1-1"]["avg_response_hours"] == 60.0
    assert (grid["A1-2"]["supervision_response_rate"], grid["A1-2"]["avg_response_hours"]) == (
        0.0,
        None,
    )
    assert grid["A1-1"]["composite_score"] == pytest.approx(275 / 3, abs=1e-6)
    assert (grid["A1-1"]["rank"], grid["A1-2"]["rank"], grid["A2-1"]["rank"]) == (1, 2, 1)
    assert grid["A2-2"]["composite_score"] is None and grid["A2-2"]["rank"] is None
    assert grid["A2-2"]["sample_size"] == 0
    assert all(g["subsidy_grade"] is None for g in grid.values())

    community = {k: of(rows, "community", w.tree.communities[k]) for k in ("A1", "A2", "B1")}
    assert [community[k]["check_in_rate"] for k in community] == [0.75, 0.75, 0.25]
    assert community["A1"]["on_time_rate"] == pytest.approx(4 / 6, abs=1e-6)
    assert community["A1"]["supervision_response_rate"] == pytest.approx(1 / 3, abs=1e-6)
    assert community["A1"]["avg_response_hours"] == 60.0
    assert community["B1"]["supervision_response_rate"] is None  # raised in September
    assert (community["A1"]["top_down_score"], community["A1"]["bottom_up_score"]) == (80.0, 55.0)
    assert community["A1"]["average_score"] == 67.5
    assert community["A1"]["composite_score"] == pytest.approx(
        100 * (2 * 0.75 + 4 / 6 + 0.7 + 0.5) / 5, abs=1e-6
    )
    assert (community["A2"]["rank"], community["A1"]["rank"], community["B1"]["rank"]) == (1, 2, 1)
    assert community["A1"]["parent_kind"] == "street"

    street = {k: of(rows, "street", w.tree.streets[k]) for k in ("A", "B")}
    assert street["A"]["check_in_rate"] == 0.75 and street["B"]["check_in_rate"] == 0.25
    assert street["A"]["parent_kind"] is None
    assert (street["A"]["rank"], street["B"]["rank"]) == (1, 2)
    # Admins and the volunteer have no duty, work or scores: no row for them.
    assert ("staff", w.staff["zhao"]["id"]) not in rows
    assert summary.inserted == len(rows) == 4 + 6 + 3 + 2
    assert (summary.period_end, summary.updated, summary.deleted) == (day(31), 0, 0)


async def test_re_running_a_period_gives_identical_rows() -> None:
    w = await world()
    await october(w)
    await rollup_period("month", OCTOBER)
    first = await EvaluationRollup.select().order_by(EvaluationRollup._meta.primary_key).run()
    again = await rollup_period("month", OCTOBER)
    second = await EvaluationRollup.select().order_by(EvaluationRollup._meta.primary_key).run()
    assert second == first  # computed_at included: unchanged rows are not touched
    assert (again.inserted, again.updated, again.deleted) == (0, 0, 0)
    assert again.unchanged == len(first)


async def test_a_re_run_after_a_change_updates_only_the_rows_it_affects() -> None:
    w = await world()
    await october(w)
    await rollup_period("month", OCTOBER)
    before = await rollup_rows()
    await make_check_in(w, "zhou", "B1-1", local(day(30), 8, 0))
    summary = await rollup_period("month", OCTOBER)
    after = await rollup_rows()
    changed = {key for key in after if after[key] != before[key]}
    assert changed == {
        ("staff", w.staff["zhou"]["id"]),
        ("grid", w.tree.grids["B1-1"]["id"]),
        ("community", w.tree.communities["B1"]["id"]),
        ("street", w.tree.streets["B"]["id"]),
    }
    assert summary.updated == 4 and summary.inserted == 0
    assert after[("staff", w.staff["zhou"]["id"])]["check_in_rate"] == pytest.approx(8 / 28)


async def test_a_target_that_no_longer_qualifies_loses_its_row_on_re_run() -> None:
    w = await world()
    await october(w)
    await rollup_period("month", OCTOBER)
    await update_row(StaffMember, w.staff["zhou"]["id"], {"active": False})
    summary = await rollup_period("month", OCTOBER)
    assert summary.deleted == 1
    assert ("staff", w.staff["zhou"]["id"]) not in await rollup_rows()


async def test_no_rank_below_the_minimum_sample_size() -> None:
    w = await world()
    await october(w)
    await rollup_period("month", OCTOBER, min_sample=30)
    rows = await rollup_rows()
    assert of(rows, "staff", w.staff["wang"])["rank"] == 1  # 33 observations
    assert of(rows, "staff", w.staff["li"])["rank"] is None  # 29
    assert of(rows, "staff", w.staff["li"])["composite_score"] is not None


async def test_equal_scores_share_a_rank() -> None:
    w = await world()
    for name in ("wang", "li"):
        await update_row(
            StaffMember, w.staff[name]["id"], {"created_at": local(day(1)).replace(month=9)}
        )
    await make_indicator("签到率", 1.0, "measured", "check_in_rate")
    for d in WORKING_DAYS[:10]:
        await make_check_in(w, "wang", "A1-1", local(d))
        await make_check_in(w, "li", "A1-2", local(d))
    await rollup_period("month", OCTOBER)
    rows = await rollup_rows()
    assert (
        of(rows, "staff", w.staff["wang"])["rank"] == of(rows, "staff", w.staff["li"])["rank"] == 1
    )


async def test_duty_starts_when_a_staff_member_joined() -> None:
    w = await world()
    wu = await make_staff("wu", community=w.tree.communities["A2"], grids=[w.tree.grids["A2-2"]])
    await update_row(StaffMember, wu["id"], {"created_at": local(day(25), 10)})
    await make_check_in(w, "chen", "A2-1", local(day(20)))  # chen joined "today": duty from here
    await rollup_period("month", OCTOBER)
    rows = await rollup_rows()
    assert rows[("staff", wu["id"])]["sample_size"] == 7  # Oct 25 … 31
    assert rows[("staff", wu["id"])]["check_in_rate"] == 0.0
    assert of(rows, "staff", w.staff["chen"])["sample_size"] == 12  # Oct 20 … 31
    assert of(rows, "staff", w.staff["chen"])["check_in_rate"] == pytest.approx(1 / 12)


async def test_racing_runs_of_the_same_period_agree() -> None:
    w = await world()
    await october(w)
    results = await asyncio.gather(*(rollup_period("month", OCTOBER) for _ in range(3)))
    assert sum(r.inserted for r in results) == 15
    assert sum(r.updated for r in results) == 0
    assert await EvaluationRollup.count().run() == 15


async def test_a_day_rollup_counts_that_day_only() -> None:
    w = await world()
    await october(w)
    await rollup_period("day", day(12))
    rows = await rollup_rows("day", day(12))
    assert of(rows, "staff", w.staff["wang"])["check_in_rate"] == 1.0
    assert of(rows, "staff", w.staff["li"])["check_in_rate"] == 1.0  # 12th is working day 9
    assert of(rows, "staff", w.staff["zhou"])["check_in_rate"] == 0.0
    assert of(rows, "staff", w.staff["wang"])["on_time_rate"] is None  # nothing due that day
    assert of(rows, "staff", w.staff["wang"])["top_down_score"] == 85.0  # period covers the day
    assert of(rows, "staff", w.staff["wang"])["subsidy_grade"] is None  # grades are monthly
    rest = await rollup_period("day", day(2))
    # On a rest day nobody has duty: the 11 areas, and wang, whose October assessment covers it.
    assert rest.inserted == 12
    rest_rows = await rollup_rows("day", day(2))
    assert of(rest_rows, "staff", w.staff["wang"])["check_in_rate"] is None
    assert of(rest_rows, "staff", w.staff["wang"])["sample_size"] == 1


async def test_the_nightly_run_keeps_this_month_current_through_yesterday() -> None:
    """At 00:30 on October 13 the month so far is October 4–12 (9 working days): everyone
    but zhou checked in on all of them, and wang's two items due by then were on time."""
    w = await world()
    await october(w)
    summary = await refresh_month_to_date(now=local(day(13), 0, 30))
    assert summary is not None and summary.period_start == OCTOBER
    rows = await rollup_rows()
    rates = [of(rows, "staff", w.staff[n])["check_in_rate"] for n in ("wang", "li", "chen", "zhou")]
    assert rates == [1.0, 1.0, 1.0, pytest.approx(7 / 9)]
    assert of(rows, "staff", w.staff["wang"])["on_time_rate"] == 1.0
    assert of(rows, "grid", w.tree.grids["A1-2"])["check_in_rate"] == 1.0
    # computed_at is when it ran, not the moment it counts up to
    assert of(rows, "staff", w.staff["wang"])["computed_at"] == local(day(13), 0, 30)

    # The month-end run then has the whole month (as worked out by hand above) ...
    await rollup_period("month", OCTOBER, now=local(dt.date(2026, 11, 1), 2))
    full = await rollup_rows()
    assert [of(full, "staff", w.staff[n])["check_in_rate"] for n in ("wang", "li")] == [1.0, 0.5]
    # ... and a nightly run on the 1st, or any later day, leaves October alone.
    assert await refresh_month_to_date(now=local(dt.date(2026, 11, 1), 0, 30)) is None
    later = await refresh_month_to_date(now=local(dt.date(2026, 11, 5), 0, 30))
    assert later is not None and later.period_start == dt.date(2026, 11, 1)
    assert await rollup_rows() == full


async def test_a_bad_period_is_refused_and_writes_nothing() -> None:
    await world()
    with pytest.raises(ValidationFailed) as exc:
        await rollup_period("month", day(2))
    assert exc.value.field == "period_start"
    with pytest.raises(ValidationFailed) as exc:
        await rollup_period("week", OCTOBER)
    assert exc.value.field == "period_kind"
    with pytest.raises(ValidationFailed) as exc:
        await rollup_period("day", local_today() + dt.timedelta(days=1))
    assert exc.value.field == "period_start"
    with pytest.raises(ValidationFailed) as exc:
        await rollup_period("month", OCTOBER, min_sample=0)
    assert exc.value.field == "min_sample"
    assert await EvaluationRollup.count().run() == 0


async def test_period_helpers() -> None:
    assert period_bounds("month", dt.date(2026, 2, 1)) == (
        dt.date(2026, 2, 1),
        dt.date(2026, 2, 28),
    )
    assert period_bounds("month", dt.date(2026, 12, 1))[1] == dt.date(2026, 12, 31)
    # Fired at 00:30 on Nov 1 in Shanghai = 16:30 UTC on Oct 31: the month before is October.
    assert previous_month(dt.datetime(2026, 10, 31, 16, 30, tzinfo=dt.UTC)) == OCTOBER
    assert previous_month(dt.datetime(2026, 10, 31, 15, 30, tzinfo=dt.UTC)) == dt.date(2026, 9, 1)


async def test_the_subsidy_report_lists_community_workers_with_their_grades() -> None:
    w = await world()
    await october(w)
    await rollup_period("month", OCTOBER)
    report = await subsidy_report(OCTOBER)
    assert [(r["name"], r["subsidy_grade"]) for r in report] == [
        ("wang", "一档"),
        ("li", "三档"),
        ("chen", "二档"),
        ("zhou", "B优"),
    ]
    assert report[0]["parent_name"] == "A1社区" and report[0]["rank"] == 1
    street_b = await subsidy_report(OCTOBER, street_id=w.tree.streets["B"]["id"])
    assert [r["name"] for r in street_b] == ["zhou"]
    grids = await rollup_report("month", OCTOBER, "grid", w.tree.streets["A"]["id"])
    assert [r["name"].split()[0] for r in grids][:2] == [
        w.tree.grids["A1-1"]["code"],
        w.tree.grids["A1-2"]["code"],
    ]
    assert len(grids) == 4


async def test_the_rollup_tasks_run_on_the_in_memory_broker(broker: InMemoryBroker) -> None:
    w = await world()
    await october(w)
    # Fired at 00:30 Shanghai on Nov 1 (16:30 UTC on Oct 31): the month-end run is October's;
    # fired at 00:30 on Oct 13, the nightly run is the 12th's.
    await monthly_rollup.kiq(fired_at="2026-10-31T16:30:00+00:00")
    await daily_rollup.kiq(fired_at="2026-10-12T16:30:00+00:00")
    await broker.wait_all()
    assert len(await rollup_rows()) == 15
    assert of(await rollup_rows("day", day(12)), "staff", w.staff["wang"])["check_in_rate"] == 1.0
    # A re-run sent like the admin form does changes nothing.
    before = await EvaluationRollup.select().order_by(EvaluationRollup._meta.primary_key).run()
    await rollup.kiq("month", OCTOBER.isoformat())
    await broker.wait_all()
    after = await EvaluationRollup.select().order_by(EvaluationRollup._meta.primary_key).run()
    assert after == before
    assert RollupRun(period_kind="month", period_start=OCTOBER).min_sample == 5


async def test_a_re_run_from_the_admin_form_is_audited_under_who_asked() -> None:
    from tables.system import AuditLog

    w = await world()
    await october(w)
    summary = await run_rollup(RollupRun(period_kind="month", period_start=OCTOBER), actor_id=7)
    assert summary.inserted == 15
    # The rows are derived data: the run is audited once, with who asked and what it did.
    audited = await AuditLog.select().where(AuditLog.table_name == "evaluation_rollup")
    assert [(a["actor_id"], a["action"], a["row_id"]) for a in audited] == [(7, "RUN", None)]
    after = audited[0]["after"]
    after = json.loads(after) if isinstance(after, str) else after
    assert after["period_kind"] == "month" and after["period_start"] == OCTOBER.isoformat()
    assert (after["inserted"], after["unchanged"], after["min_sample"]) == (15, 0, 5)
    # A scheduled run is audited too, under no one.
    await rollup_period("month", OCTOBER)
    runs = (
        await AuditLog.select(AuditLog.actor_id)
        .where(AuditLog.table_name == "evaluation_rollup")
        .order_by(AuditLog.id)
    )
    assert [r["actor_id"] for r in runs] == [7, None]
