"""Evaluation rollups (考核汇总): measured facts and people's scores per staff member, grid,
community and street, for a day or a month, ranked within the parent, graded for subsidy.

One SQL statement computes every row of a period and upserts it into EvaluationRollup; rows
whose values did not change are left alone (computed_at included), and rows of targets that
no longer qualify are removed, so re-running a period gives identical rows. Runs of the same
period wait for each other on an advisory lock. The rows are derived data and not audited one
by one; each run is, in the same transaction (audit_log: evaluation_rollup, action RUN, who
asked, the period and the row counts).

What each number means (all in TIMEZONE):
- check_in_rate: duty days with a counted check-in over duty days. A duty day is a day of
  the period, up to today, that is not a rest day, on which an active staff member with a
  grid assignment is not on leave and had already joined (created, or first checked in).
  A grid counts (staff, day) pairs of its own staff checking in to it; a staff member,
  community or street counts (staff, day) pairs checked in anywhere inside it.
- on_time_rate: stages (受理, 派遣, 处置, 核查) whose working-time deadline fell in the
  period (and has passed) that were finished by it, over those due; a staff member is
  measured on the handle stages of their items. A work item with no stage deadline counts
  once, closed by its own due_at or not. Rejected items are not counted.
- red_escalation_free (an indicator, not a column): 1 without red escalations (红牌督办) in
  the period, a third less for each, 0 from three on.
- party_branch_coverage, party_grid_leader_rate, party_members_serving_rate,
  in_service_serving_rate (indicators, not columns): 党建覆盖 of the grid, community or
  street, as app/party/coverage.py defines them (members served up to as_of).
- supervision_response_rate: records raised in the period answered by their due time (or
  answered at all when there is none), over those raised; avg_response_hours over answered.
  Grid, community and street only (records are not addressed to one staff member).
- satisfaction_rate (群众满意率): residents' ratings given in the period (app/residents) that
  are 满意 or 基本满意, over the ratings given; `ratings` their number. A rating counts for
  the grid, community and street of the case it rates.
- top_down_score / bottom_up_score / average_score: the average weighted score (0–100) of
  the assessments of the target whose period overlaps this one.
- composite_score: the Indicator weights over the measured rates (× max_score) and the
  average score per scored indicator — the formula of app.assessment.services.weighted_score.
- sample_size: the observations behind the composite: duty days + work items due +
  supervision records raised + assessments.
- rank: within the same kind and parent (staff and grids in their community, communities in
  their street, streets in the district), highest composite first, ties share a rank; no
  rank below the minimum sample size.
- subsidy_grade (monthly, community workers): the highest SubsidyGrade whose min_score the
  composite reaches, from the staff member's street's grades, else the district-wide ones.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec

from app.crud import changes_of, create_with, ensure_unique, get_row, update_with
from app.daily.services import local_date_of
from app.db import write_transaction
from app.errors import ValidationFailed
from app.jobs.common import fetch, utc_now
from app.jobs.schemas import RollupRun, RollupSummary, SubsidyGradeCreate, SubsidyGradeUpdate
from app.party.coverage import PARTY_CTES, PARTY_RATE_COLUMNS
from app.settings import settings
from app.validation import check_choice, check_text
from tables.areas import Street
from tables.assessment import EvaluationRollup
from tables.choices import PeriodKind, TargetKind
from tables.jobs import SubsidyGrade
from tables.system import AuditLog

MIN_RANK_SAMPLE = 5

# $1 period kind, $2 first day, $3 last day, $4 time zone, $5 minimum sample for a rank,
# $6 as of (nothing later is counted as due), $7 computed_at for changed rows
_ROLLUP = f"""
WITH
bounds AS (
    SELECT ($2::date)::timestamp AT TIME ZONE $4::text AS p_from,
           ($3::date + 1)::timestamp AT TIME ZONE $4::text AS p_to,
           LEAST($3::date, ($6::timestamptz AT TIME ZONE $4::text)::date) AS last_day
),
days AS MATERIALIZED (
    SELECT d::date AS day
    FROM bounds b, generate_series($2::date, b.last_day, interval '1 day') AS d
    WHERE NOT EXISTS (SELECT 1 FROM rest_day r WHERE r.day = d::date)
),
on_duty AS MATERIALIZED (
    -- active staff and the day they joined: created, or first checked in if that was earlier
    -- (materialised: once per staff member, not once per staff member and day)
    SELECT s.id AS staff,
           LEAST((s.created_at AT TIME ZONE $4::text)::date,
                 (SELECT min(ci.local_date) FROM check_in ci
                  WHERE ci.staff = s.id AND ci.counted)) AS since
    FROM staff_member s
    WHERE s.active AND EXISTS (SELECT 1 FROM grid_assignment ga WHERE ga.staff = s.id)
),
duty_days AS MATERIALIZED (
    -- (staff, day) pairs of duty, counted once per staff member whatever their grids
    SELECT o.staff, days.day
    FROM on_duty o
    JOIN days ON days.day >= o.since
    WHERE NOT EXISTS (
        SELECT 1 FROM leave l
        WHERE l.staff = o.staff AND days.day BETWEEN l.starts_on AND l.ends_on)
),
staff_due AS MATERIALIZED (
    SELECT staff, count(*) AS due FROM duty_days GROUP BY staff
),
hits AS MATERIALIZED (
    -- counted check-ins on a duty day to one of the staff member's own grids
    SELECT DISTINCT ci.staff, ci.grid, g.community, c.street, ci.local_date AS day
    FROM check_in ci
    JOIN duty_days dd ON dd.staff = ci.staff AND dd.day = ci.local_date
    JOIN grid_assignment ga ON ga.staff = ci.staff AND ga.grid = ci.grid
    JOIN responsibility_grid g ON g.id = ci.grid
    JOIN community c ON c.id = g.community
    WHERE ci.counted AND ci.local_date BETWEEN $2::date AND $3::date
),
works_in AS (
    SELECT ga.staff, ga.grid, g.community, c.street
    FROM grid_assignment ga
    JOIN responsibility_grid g ON g.id = ga.grid
    JOIN community c ON c.id = g.community
),
check_in_due AS (
    -- a staff member's duty days count once per level: summed up over the grids, and over
    -- the distinct communities and streets, they work in
    SELECT 'staff' AS kind, staff AS id, due FROM staff_due
    UNION ALL
    SELECT 'grid', w.grid, sum(sd.due) FROM works_in w JOIN staff_due sd USING (staff)
    GROUP BY w.grid
    UNION ALL
    SELECT 'community', w.community, sum(sd.due)
    FROM (SELECT DISTINCT staff, community FROM works_in) w JOIN staff_due sd USING (staff)
    GROUP BY w.community
    UNION ALL
    SELECT 'street', w.street, sum(sd.due)
    FROM (SELECT DISTINCT staff, street FROM works_in) w JOIN staff_due sd USING (staff)
    GROUP BY w.street
),
check_in_done AS (
    -- a (staff, day) pair counts once per level, checked in if any of its grids there was
    SELECT 'staff' AS kind, staff AS id, count(DISTINCT day) AS done FROM hits GROUP BY staff
    UNION ALL
    SELECT 'grid', grid, count(*) FROM hits GROUP BY grid
    UNION ALL
    SELECT 'community', community, count(*)
    FROM (SELECT DISTINCT community, staff, day FROM hits) x GROUP BY community
    UNION ALL
    SELECT 'street', street, count(*)
    FROM (SELECT DISTINCT street, staff, day FROM hits) x GROUP BY street
),
check_in_rates AS (
    SELECT d.kind, d.id, d.due, COALESCE(x.done, 0) AS done
    FROM check_in_due d LEFT JOIN check_in_done x ON x.kind = d.kind AND x.id = d.id
),
due_work AS (
    -- stages whose deadline (working time, app/worktime) fell in the period and has passed,
    -- on time when finished by it; an item with no stage deadline at all (pushed before
    -- time-limit standards, or none applies) counts once by its own due_at as before.
    -- A staff member answers for the handle stage only (accept, dispatch and verify are the
    -- community's); grids, communities and streets for every stage.
    SELECT w.assignee, w.grid, w.community, c.street,
           (st.finished_at IS NOT NULL AND st.finished_at <= st.due_at) AS on_time,
           st.stage = 'handle' AS staff_stage
    FROM work_item_stage st
    JOIN work_item w ON w.id = st.work_item
    JOIN community c ON c.id = w.community
    CROSS JOIN bounds b
    WHERE w.status <> 'rejected'
      AND st.due_at >= b.p_from AND st.due_at < b.p_to AND st.due_at <= $6::timestamptz
    UNION ALL
    SELECT w.assignee, w.grid, w.community, c.street,
           (w.status = 'closed' AND w.closed_at <= w.due_at) IS TRUE AS on_time,
           true AS staff_stage
    FROM work_item w
    JOIN community c ON c.id = w.community
    CROSS JOIN bounds b
    WHERE w.status <> 'rejected'
      AND w.due_at >= b.p_from AND w.due_at < b.p_to AND w.due_at <= $6::timestamptz
      AND NOT EXISTS (SELECT 1 FROM work_item_stage st
                      WHERE st.work_item = w.id AND st.due_at IS NOT NULL)
),
red_steps AS (
    -- red escalations (红牌督办) of the period, for the red_escalation_free indicator
    SELECT w.assignee, w.grid, w.community, c.street
    FROM escalation_step e
    JOIN work_item w ON w.id = e.work_item
    JOIN community c ON c.id = w.community
    CROSS JOIN bounds b
    WHERE e.level = 'red' AND e.at >= b.p_from AND e.at < b.p_to AND e.at <= $6::timestamptz
),
red_counts AS (
    SELECT 'staff' AS kind, assignee AS id, count(*) AS reds
    FROM red_steps WHERE assignee IS NOT NULL GROUP BY assignee
    UNION ALL
    SELECT 'grid', grid, count(*) FROM red_steps WHERE grid IS NOT NULL GROUP BY grid
    UNION ALL
    SELECT 'community', community, count(*) FROM red_steps GROUP BY community
    UNION ALL
    SELECT 'street', street, count(*) FROM red_steps GROUP BY street
),
on_time_rates AS (
    SELECT 'staff' AS kind, assignee AS id, count(*) AS due,
           count(*) FILTER (WHERE on_time) AS done
    FROM due_work WHERE assignee IS NOT NULL AND staff_stage GROUP BY assignee
    UNION ALL
    SELECT 'grid', grid, count(*), count(*) FILTER (WHERE on_time)
    FROM due_work WHERE grid IS NOT NULL GROUP BY grid
    UNION ALL
    SELECT 'community', community, count(*), count(*) FILTER (WHERE on_time)
    FROM due_work GROUP BY community
    UNION ALL
    SELECT 'street', street, count(*), count(*) FILTER (WHERE on_time)
    FROM due_work GROUP BY street
),
raised AS (
    SELECT r.grid, r.community, c.street,
           (r.answered_at IS NOT NULL
            AND (r.due_at IS NULL OR r.answered_at <= r.due_at)) AS responded,
           EXTRACT(EPOCH FROM (r.answered_at - r.created_at)) / 3600 AS hours
    FROM supervision_record r
    JOIN community c ON c.id = r.community
    CROSS JOIN bounds b
    WHERE r.created_at >= b.p_from AND r.created_at < b.p_to
      AND r.created_at <= $6::timestamptz
),
response_rates AS (
    SELECT 'grid' AS kind, grid AS id, count(*) AS raised,
           count(*) FILTER (WHERE responded) AS done, avg(hours) AS hours
    FROM raised WHERE grid IS NOT NULL GROUP BY grid
    UNION ALL
    SELECT 'community', community, count(*), count(*) FILTER (WHERE responded), avg(hours)
    FROM raised GROUP BY community
    UNION ALL
    SELECT 'street', street, count(*), count(*) FILTER (WHERE responded), avg(hours)
    FROM raised GROUP BY street
),
rated AS (
    SELECT rc.grid, rc.community, c.street,
           t.rating IN ('satisfied', 'basically_satisfied') AS content
    FROM tracking_code t
    JOIN resident_case rc ON rc.id = t.resident_case
    JOIN community c ON c.id = rc.community
    CROSS JOIN bounds b
    WHERE t.rated_at >= b.p_from AND t.rated_at < b.p_to AND t.rated_at <= $6::timestamptz
),
satisfaction AS (
    SELECT 'grid' AS kind, grid AS id, count(*) AS ratings,
           count(*) FILTER (WHERE content) AS content
    FROM rated WHERE grid IS NOT NULL GROUP BY grid
    UNION ALL
    SELECT 'community', community, count(*), count(*) FILTER (WHERE content)
    FROM rated GROUP BY community
    UNION ALL
    SELECT 'street', street, count(*), count(*) FILTER (WHERE content)
    FROM rated GROUP BY street
),
period_scores AS (
    SELECT a.id AS assessment, a.target_kind AS kind, a.target_id AS id, a.direction,
           sc.indicator, sc.score::numeric AS score,
           i.weight::numeric AS weight, i.max_score::numeric AS max_score
    FROM assessment a
    JOIN assessment_score sc ON sc.assessment = a.id
    JOIN indicator i ON i.id = sc.indicator
    WHERE a.period_start <= $3::date AND a.period_end >= $2::date
      AND a.target_kind IN ('staff', 'grid', 'community', 'street')
),
assessed AS (
    -- each assessment's own weighted score (weights normalised over the scores it has)
    SELECT assessment, kind, id, direction,
           100 * sum(weight * score / max_score) / sum(weight) AS score
    FROM period_scores GROUP BY assessment, kind, id, direction
),
scores AS (
    SELECT kind, id,
           avg(score) FILTER (WHERE direction = 'top_down') AS top_down,
           avg(score) FILTER (WHERE direction = 'bottom_up') AS bottom_up,
           avg(score) AS average, count(*) AS n
    FROM assessed GROUP BY kind, id
),
party_bounds AS (
    -- 党建覆盖 (app/party/coverage.py): members served up to as_of
    SELECT b.p_from, LEAST(b.p_to, $6::timestamptz) AS p_to, $2::date AS d_from,
           b.last_day AS d_to
    FROM bounds b
),
{PARTY_CTES},
targets AS (
    SELECT 'street'::text AS kind, st.id, NULL::text AS parent_kind, NULL::int AS parent_id
    FROM street st
    UNION ALL
    SELECT 'community', c.id, 'street', c.street FROM community c
    UNION ALL
    SELECT 'grid', g.id, 'community', g.community FROM responsibility_grid g
    UNION ALL
    SELECT 'staff', s.id,
           CASE WHEN s.community IS NULL THEN 'street' ELSE 'community' END,
           COALESCE(s.community, s.street)
    FROM staff_member s
    WHERE s.id IN (SELECT id FROM check_in_rates WHERE kind = 'staff'
                   UNION SELECT id FROM on_time_rates WHERE kind = 'staff'
                   UNION SELECT id FROM scores WHERE kind = 'staff')
),
metrics AS (
    SELECT t.kind, t.id, t.parent_kind, t.parent_id,
           ci.done::numeric / NULLIF(ci.due, 0) AS check_in_rate,
           ot.done::numeric / NULLIF(ot.due, 0) AS on_time_rate,
           -- 1 without red escalations, a third less per red, 0 from three on; none when
           -- the target had neither work due nor a red in the period
           CASE WHEN ot.due IS NULL AND rc.reds IS NULL THEN NULL
                ELSE 1 - LEAST(COALESCE(rc.reds, 0), 3)::numeric / 3 END AS red_free,
           rr.done::numeric / NULLIF(rr.raised, 0) AS response_rate,
           rr.hours AS response_hours,{PARTY_RATE_COLUMNS}
           sa.content::numeric / NULLIF(sa.ratings, 0) AS satisfaction_rate,
           COALESCE(sa.ratings, 0) AS ratings,
           sc.top_down, sc.bottom_up, sc.average,
           COALESCE(ci.due, 0) + COALESCE(ot.due, 0) + COALESCE(rr.raised, 0)
               + COALESCE(sa.ratings, 0) + COALESCE(sc.n, 0) AS sample_size
    FROM targets t
    LEFT JOIN check_in_rates ci ON ci.kind = t.kind AND ci.id = t.id
    LEFT JOIN on_time_rates ot ON ot.kind = t.kind AND ot.id = t.id
    LEFT JOIN red_counts rc ON rc.kind = t.kind AND rc.id = t.id
    LEFT JOIN response_rates rr ON rr.kind = t.kind AND rr.id = t.id
    LEFT JOIN satisfaction sa ON sa.kind = t.kind AND sa.id = t.id
    LEFT JOIN scores sc ON sc.kind = t.kind AND sc.id = t.id
    LEFT JOIN party_counts pc ON pc.kind = t.kind AND pc.id = t.id
),
components AS (
    -- what each indicator contributes, on its own scale (a measured rate r as r × max_score)
    SELECT m.kind, m.id, i.weight::numeric AS weight, i.max_score::numeric AS max_score,
           CASE i.metric
               WHEN 'check_in_rate' THEN m.check_in_rate
               WHEN 'on_time_rate' THEN m.on_time_rate
               WHEN 'supervision_response_rate' THEN m.response_rate
               WHEN 'resident_satisfaction_rate' THEN m.satisfaction_rate
               WHEN 'red_escalation_free' THEN m.red_free
               WHEN 'party_branch_coverage' THEN m.party_branch_coverage
               WHEN 'party_grid_leader_rate' THEN m.party_grid_leader_rate
               WHEN 'party_members_serving_rate' THEN m.party_members_serving_rate
               WHEN 'in_service_serving_rate' THEN m.in_service_serving_rate
           END * i.max_score::numeric AS value
    FROM metrics m CROSS JOIN indicator i
    WHERE i.kind = 'measured'
    UNION ALL
    SELECT kind, id, weight, max_score, avg(score)
    FROM period_scores GROUP BY kind, id, indicator, weight, max_score
),
composite AS (
    SELECT kind, id, 100 * sum(weight * value / max_score) / sum(weight) AS score
    FROM components WHERE value IS NOT NULL
    GROUP BY kind, id
),
ranked AS (
    SELECT m.*, cp.score AS composite,
           (cp.score IS NOT NULL AND m.sample_size >= $5::int) AS rankable
    FROM metrics m LEFT JOIN composite cp ON cp.kind = m.kind AND cp.id = m.id
),
final AS (
    SELECT r.*,
           CASE WHEN r.rankable THEN rank() OVER (
               PARTITION BY r.kind, r.parent_kind, r.parent_id, r.rankable
               ORDER BY r.composite DESC) END AS rank,
           CASE WHEN $1::text = 'month' AND s.role = 'community_worker'
                     AND r.composite IS NOT NULL THEN (
               SELECT g.grade FROM subsidy_grade g
               WHERE g.min_score <= r.composite
                 AND (g.street = COALESCE(s.street, sc.street)
                      OR (g.street IS NULL AND NOT EXISTS (
                          SELECT 1 FROM subsidy_grade own
                          WHERE own.street = COALESCE(s.street, sc.street))))
               ORDER BY g.min_score DESC LIMIT 1) END AS subsidy_grade
    FROM ranked r
    LEFT JOIN staff_member s ON r.kind = 'staff' AND s.id = r.id
    LEFT JOIN community sc ON sc.id = s.community
),
upserted AS (
    INSERT INTO evaluation_rollup AS e (
        target_kind, target_id, parent_kind, parent_id, period_kind, period_start,
        check_in_rate, on_time_rate, supervision_response_rate, avg_response_hours,
        satisfaction_rate, ratings, top_down_score, bottom_up_score, average_score, sample_size, composite_score, rank,
        subsidy_grade, computed_at)
    SELECT kind, id, parent_kind, parent_id, $1::text, $2::date,
           check_in_rate::float8, on_time_rate::float8, response_rate::float8,
           response_hours::float8, satisfaction_rate::float8, ratings, top_down::float8, bottom_up::float8, average::float8,
           sample_size, composite::float8, rank, subsidy_grade, $7::timestamptz
    FROM final
    ON CONFLICT (target_kind, target_id, period_kind, period_start) DO UPDATE SET
        parent_kind = EXCLUDED.parent_kind, parent_id = EXCLUDED.parent_id,
        check_in_rate = EXCLUDED.check_in_rate, on_time_rate = EXCLUDED.on_time_rate,
        supervision_response_rate = EXCLUDED.supervision_response_rate,
        avg_response_hours = EXCLUDED.avg_response_hours,
        satisfaction_rate = EXCLUDED.satisfaction_rate, ratings = EXCLUDED.ratings,
        top_down_score = EXCLUDED.top_down_score, bottom_up_score = EXCLUDED.bottom_up_score,
        average_score = EXCLUDED.average_score, sample_size = EXCLUDED.sample_size,
        composite_score = EXCLUDED.composite_score, rank = EXCLUDED.rank,
        subsidy_grade = EXCLUDED.subsidy_grade, computed_at = EXCLUDED.computed_at
    WHERE (e.parent_kind, e.parent_id, e.check_in_rate, e.on_time_rate,
           e.supervision_response_rate, e.avg_response_hours, e.satisfaction_rate, e.ratings,
           e.top_down_score,
           e.bottom_up_score, e.average_score, e.sample_size, e.composite_score, e.rank,
           e.subsidy_grade)
          IS DISTINCT FROM
          (EXCLUDED.parent_kind, EXCLUDED.parent_id, EXCLUDED.check_in_rate,
           EXCLUDED.on_time_rate, EXCLUDED.supervision_response_rate,
           EXCLUDED.avg_response_hours, EXCLUDED.satisfaction_rate, EXCLUDED.ratings,
           EXCLUDED.top_down_score, EXCLUDED.bottom_up_score,
           EXCLUDED.average_score, EXCLUDED.sample_size, EXCLUDED.composite_score,
           EXCLUDED.rank, EXCLUDED.subsidy_grade)
    RETURNING (xmax = 0) AS inserted
),
removed AS (
    DELETE FROM evaluation_rollup e
    WHERE e.period_kind = $1::text AND e.period_start = $2::date
      -- NOT IN over the CTE is hashed; an anti-join is planned as a nested loop
      AND (e.target_kind::text, e.target_id) NOT IN (SELECT f.kind, f.id FROM final f)
    RETURNING 1
)
SELECT (SELECT count(*) FROM final) AS total,
       (SELECT count(*) FROM upserted WHERE inserted) AS inserted,
       (SELECT count(*) FROM upserted WHERE NOT inserted) AS updated,
       (SELECT count(*) FROM removed) AS deleted
"""


def period_bounds(period_kind: str, start: dt.date) -> tuple[dt.date, dt.date]:
    """First and last day of a day or month period; a month starts on its 1st."""
    kind = check_choice(period_kind, PeriodKind, "period_kind")
    if kind == PeriodKind.day:
        return start, start
    if start.day != 1:
        raise ValidationFailed("a month period starts on the 1st", field="period_start")
    following = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return start, following - dt.timedelta(days=1)


def previous_day(moment: dt.datetime) -> dt.date:
    """The local day before `moment` (what the nightly rollup covers)."""
    return local_date_of(moment) - dt.timedelta(days=1)


def previous_month(moment: dt.datetime) -> dt.date:
    """The 1st of the local month before `moment` (what the month-end rollup covers)."""
    first_of_this_month = local_date_of(moment).replace(day=1)
    return (first_of_this_month - dt.timedelta(days=1)).replace(day=1)


def rollup_lock(period_kind: str, start: dt.date) -> str:
    """The advisory lock two runs of the same period share."""
    return f"rollup:{period_kind}:{start.isoformat()}"


async def rollup_period(
    period_kind: str,
    period_start: dt.date,
    min_sample: int = MIN_RANK_SAMPLE,
    now: dt.datetime | None = None,
    actor_id: int | None = None,
    as_of: dt.datetime | None = None,
) -> RollupSummary:
    """Compute and upsert every rollup row of one period; safe to run again at any time.

    Nothing after `as_of` (default: now) counts: a period still running is computed up to
    it. The run (not each derived row) is audited, under `actor_id`, in the same transaction.
    """
    start, end = period_bounds(period_kind, period_start)
    moment = now or utc_now()
    counted_until = as_of or moment
    if start > local_date_of(counted_until):
        raise ValidationFailed("the period has not started yet", field="period_start")
    if isinstance(min_sample, bool) or not isinstance(min_sample, int) or min_sample < 1:
        raise ValidationFailed("must be a whole number of at least 1", field="min_sample")
    async with write_transaction(actor_id):
        row = (
            await fetch(
                _ROLLUP,
                str(period_kind),
                start,
                end,
                settings.timezone_name,
                min_sample,
                counted_until,
                moment,
                lock=rollup_lock(str(period_kind), start),
                # The planner overestimates the duty rows by far; JIT compiling for that
                # estimate costs seconds and saves nothing.
                options={"jit": "off"},
                actor_id=actor_id,
            )
        )[0]
        total, inserted, updated = int(row["total"]), int(row["inserted"]), int(row["updated"])
        summary = RollupSummary(
            period_kind=str(period_kind),
            period_start=start,
            period_end=end,
            inserted=inserted,
            updated=updated,
            unchanged=total - inserted - updated,
            deleted=int(row["deleted"]),
        )
        await audit_run(summary, min_sample, actor_id)
    return summary


async def refresh_month_to_date(now: dt.datetime | None = None) -> RollupSummary | None:
    """The current local month through yesterday, so the month's figures (maps, dashboards,
    rankings) are at most a night old; None on the 1st, when the month-end run has the whole
    last month. Through yesterday, not today: today's check-ins are still to come. Always the
    month of the clock, never of a late task's day, so a complete month is never overwritten
    with part of it."""
    today = local_date_of(now or utc_now())
    if today.day == 1:
        return None
    midnight = dt.datetime.combine(today, dt.time(), tzinfo=settings.timezone)
    return await rollup_period(
        "month", today.replace(day=1), now=now, as_of=midnight - dt.timedelta(microseconds=1)
    )


async def audit_run(summary: RollupSummary, min_sample: int, actor_id: int | None) -> None:
    """One audit row for one run (the rollup rows themselves are derived and not audited)."""
    after = {**msgspec.to_builtins(summary), "min_sample": min_sample}
    await AuditLog.insert(
        AuditLog(
            actor_id=actor_id,
            table_name=str(EvaluationRollup._meta.tablename),
            row_id=None,
            action="RUN",
            after=after,
            at=utc_now(),
        )
    ).run()


async def run_rollup(data: RollupRun, actor_id: int | None = None) -> RollupSummary:
    """Re-run one period on request (admin form): same as the scheduled run, audited as a
    run under `actor_id`."""
    return await rollup_period(
        data.period_kind, data.period_start, data.min_sample, actor_id=actor_id
    )


# ---------------------------------------------------------------- reports

_NAMES = """
CASE r.target_kind
    WHEN 'staff' THEN (SELECT name FROM staff_member WHERE id = r.target_id)
    WHEN 'grid' THEN (SELECT code || ' ' || name FROM responsibility_grid WHERE id = r.target_id)
    WHEN 'community' THEN (SELECT name FROM community WHERE id = r.target_id)
    WHEN 'street' THEN (SELECT name FROM street WHERE id = r.target_id)
END"""

_PARENT_NAMES = """
CASE r.parent_kind
    WHEN 'community' THEN (SELECT name FROM community WHERE id = r.parent_id)
    WHEN 'street' THEN (SELECT name FROM street WHERE id = r.parent_id)
END"""

# The street a rollup row belongs to, for scoping a report to one street.
_STREET_OF = """
CASE r.target_kind
    WHEN 'street' THEN r.target_id
    WHEN 'community' THEN r.parent_id
    ELSE CASE r.parent_kind
        WHEN 'street' THEN r.parent_id
        ELSE (SELECT street FROM community WHERE id = r.parent_id)
    END
END"""

_REPORT = f"""
SELECT r.target_kind, r.target_id, {_NAMES} AS name,
       r.parent_kind, r.parent_id, {_PARENT_NAMES} AS parent_name,
       r.period_kind, r.period_start, r.check_in_rate, r.on_time_rate,
       r.supervision_response_rate, r.avg_response_hours, r.satisfaction_rate, r.ratings,
       r.top_down_score, r.bottom_up_score, r.average_score, r.sample_size, r.composite_score, r.rank,
       r.subsidy_grade, r.computed_at
FROM evaluation_rollup r
LEFT JOIN staff_member s ON r.target_kind = 'staff' AND s.id = r.target_id
WHERE r.period_kind = $1::text AND r.period_start = $2::date AND r.target_kind = $3::text
  AND ($4::int IS NULL OR {_STREET_OF} = $4::int)
  AND (NOT $5::bool OR s.role = 'community_worker')
ORDER BY r.parent_kind, r.parent_id, r.rank NULLS LAST, r.composite_score DESC NULLS LAST,
         r.target_id
"""


async def rollup_report(
    period_kind: str,
    period_start: dt.date,
    target_kind: str = TargetKind.staff,
    street_id: int | None = None,
    community_workers_only: bool = False,
) -> list[dict[str, Any]]:
    """The rollup rows of one period and kind with names, grouped by parent, best first."""
    start, _ = period_bounds(period_kind, period_start)
    kind = check_choice(target_kind, TargetKind, "target_kind")
    rows = await fetch(_REPORT, str(period_kind), start, kind, street_id, community_workers_only)
    return [dict(row) for row in rows]


async def subsidy_report(month: dt.date, street_id: int | None = None) -> list[dict[str, Any]]:
    """The month's community workers with composite score, rank and salary-scale subsidy grade."""
    return await rollup_report(
        PeriodKind.month, month, TargetKind.staff, street_id, community_workers_only=True
    )


# ---------------------------------------------------------------- subsidy grades


async def clean_subsidy_grade(
    values: dict[str, Any], current: dict[str, Any] | None
) -> dict[str, Any]:
    """A named grade with a threshold 0–100, unique by name and by threshold per street."""
    street = values.get("street")
    if street is not None:
        street = (await get_row(Street, street, field="street"))["id"]
    grade = check_text(values.get("grade"), "grade", max_length=16)
    min_score = values.get("min_score")
    if isinstance(min_score, bool) or not isinstance(min_score, int | float):
        raise ValidationFailed("must be a number", field="min_score")
    if not 0 <= min_score <= 100:
        raise ValidationFailed("must be between 0 and 100", field="min_score")
    scope = "this street" if street is not None else "the district-wide grades"
    await ensure_unique(
        SubsidyGrade,
        current,
        "grade",
        f"{scope} already have grade {grade}",
        street=street,
        grade=grade,
    )
    await ensure_unique(
        SubsidyGrade,
        current,
        "min_score",
        f"{scope} already have a grade from {min_score}",
        street=street,
        min_score=float(min_score),
    )
    return {
        "street": street,
        "grade": grade,
        "min_score": float(min_score),
        "note": check_text(values.get("note"), "note", max_length=200, required=False),
    }


async def create_subsidy_grade(
    data: SubsidyGradeCreate, actor_id: int | None = None
) -> dict[str, Any]:
    """Add a subsidy grade threshold (used by the next monthly rollup or re-run)."""
    return await create_with(SubsidyGrade, clean_subsidy_grade, changes_of(data), actor_id)


async def update_subsidy_grade(
    grade_id: int, data: SubsidyGradeUpdate, actor_id: int | None = None
) -> dict[str, Any]:
    """Change a subsidy grade threshold (re-run the month to apply it)."""
    return await update_with(
        SubsidyGrade, clean_subsidy_grade, grade_id, changes_of(data), actor_id
    )
