"""The bound for the monthly rollup: one hand-written SELECT computing the same figures as
app/jobs/rollups.py, without writing them.

It is written independently of the product's statement (tests/bench checks that both give
the same figures): duty days are counted per staff member once and then summed over the
grids, communities and streets the staff member works in, and only the (staff, grid, day)
check-ins that count are joined, instead of materialising every (staff, grid, day) duty row.

Parameters: $1 period kind, $2 first day, $3 last day, $4 time zone, $5 minimum sample for
a rank, $6 as of.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import asyncpg

BOUND_SQL = """
WITH
b AS (
    SELECT ($2::date)::timestamp AT TIME ZONE $4::text AS p_from,
           ($3::date + 1)::timestamp AT TIME ZONE $4::text AS p_to,
           LEAST($3::date, ($6::timestamptz AT TIME ZONE $4::text)::date) AS last_day
),
days AS MATERIALIZED (
    SELECT d::date AS day FROM b, generate_series($2::date, b.last_day, interval '1 day') d
    EXCEPT SELECT day FROM rest_day
),
on_duty AS MATERIALIZED (
    SELECT s.id AS staff,
           LEAST((s.created_at AT TIME ZONE $4::text)::date,
                 (SELECT min(ci.local_date) FROM check_in ci
                  WHERE ci.staff = s.id AND ci.counted)) AS since
    FROM staff_member s
    WHERE s.active AND s.id IN (SELECT staff FROM grid_assignment)
),
duty_days AS MATERIALIZED (
    -- (staff, day) a staff member was on duty: joined, not a rest day, not on leave
    SELECT o.staff, d.day
    FROM on_duty o JOIN days d ON d.day >= o.since
    WHERE NOT EXISTS (SELECT 1 FROM leave l
                      WHERE l.staff = o.staff AND d.day BETWEEN l.starts_on AND l.ends_on)
),
staff_due AS MATERIALIZED (
    SELECT staff, count(*) AS due FROM duty_days GROUP BY staff
),
hits AS MATERIALIZED (
    -- counted check-ins on a duty day, to a grid the staff member is assigned to
    SELECT DISTINCT ci.staff, ci.grid, g.community, c.street, ci.local_date AS day
    FROM check_in ci
    JOIN duty_days dd ON dd.staff = ci.staff AND dd.day = ci.local_date
    JOIN grid_assignment ga ON ga.staff = ci.staff AND ga.grid = ci.grid
    JOIN responsibility_grid g ON g.id = ci.grid
    JOIN community c ON c.id = g.community
    WHERE ci.counted AND ci.local_date BETWEEN $2::date AND $3::date
),
works_in AS (
    SELECT DISTINCT ga.staff, ga.grid, g.community, c.street
    FROM grid_assignment ga
    JOIN responsibility_grid g ON g.id = ga.grid
    JOIN community c ON c.id = g.community
),
staff_done AS (
    SELECT staff, count(DISTINCT day) AS done FROM hits GROUP BY staff
),
grid_done AS (
    SELECT grid, count(*) AS done FROM hits GROUP BY grid
),
community_done AS (
    SELECT community, count(*) AS done
    FROM (SELECT DISTINCT community, staff, day FROM hits) x GROUP BY community
),
street_done AS (
    SELECT street, count(*) AS done
    FROM (SELECT DISTINCT street, staff, day FROM hits) x GROUP BY street
),
check_in_rates AS (
    SELECT 'staff' AS kind, sd.staff AS id, sd.due, COALESCE(d.done, 0) AS done
    FROM staff_due sd LEFT JOIN staff_done d USING (staff)
    UNION ALL
    SELECT 'grid', x.grid, x.due, COALESCE(d.done, 0)
    FROM (SELECT w.grid, sum(sd.due) AS due FROM works_in w
          JOIN staff_due sd ON sd.staff = w.staff GROUP BY w.grid) x
    LEFT JOIN grid_done d USING (grid)
    UNION ALL
    SELECT 'community', x.community, x.due, COALESCE(d.done, 0)
    FROM (SELECT y.community, sum(sd.due) AS due
          FROM (SELECT DISTINCT staff, community FROM works_in) y
          JOIN staff_due sd ON sd.staff = y.staff GROUP BY y.community) x
    LEFT JOIN community_done d USING (community)
    UNION ALL
    SELECT 'street', x.street, x.due, COALESCE(d.done, 0)
    FROM (SELECT y.street, sum(sd.due) AS due
          FROM (SELECT DISTINCT staff, street FROM works_in) y
          JOIN staff_due sd ON sd.staff = y.staff GROUP BY y.street) x
    LEFT JOIN street_done d USING (street)
),
due_work AS (
    SELECT w.assignee, w.grid, w.community, c.street,
           COALESCE(w.status = 'closed' AND w.closed_at <= w.due_at, false) AS on_time
    FROM work_item w JOIN community c ON c.id = w.community, b
    WHERE w.status <> 'rejected' AND w.due_at >= b.p_from AND w.due_at < b.p_to
      AND w.due_at <= $6::timestamptz
),
on_time_rates AS (
    SELECT 'staff' AS kind, assignee AS id, count(*) AS due, count(*) FILTER (WHERE on_time) AS done
    FROM due_work WHERE assignee IS NOT NULL GROUP BY assignee
    UNION ALL
    SELECT 'grid', grid, count(*), count(*) FILTER (WHERE on_time)
    FROM due_work WHERE grid IS NOT NULL GROUP BY grid
    UNION ALL
    SELECT 'community', community, count(*), count(*) FILTER (WHERE on_time)
    FROM due_work GROUP BY community
    UNION ALL
    SELECT 'street', street, count(*), count(*) FILTER (WHERE on_time) FROM due_work GROUP BY street
),
raised AS (
    SELECT r.grid, r.community, c.street,
           r.answered_at IS NOT NULL AND (r.due_at IS NULL OR r.answered_at <= r.due_at) AS ok,
           EXTRACT(EPOCH FROM r.answered_at - r.created_at) / 3600 AS hours
    FROM supervision_record r JOIN community c ON c.id = r.community, b
    WHERE r.created_at >= b.p_from AND r.created_at < b.p_to AND r.created_at <= $6::timestamptz
),
response_rates AS (
    SELECT 'grid' AS kind, grid AS id, count(*) AS raised, count(*) FILTER (WHERE ok) AS done,
           avg(hours) AS hours
    FROM raised WHERE grid IS NOT NULL GROUP BY grid
    UNION ALL
    SELECT 'community', community, count(*), count(*) FILTER (WHERE ok), avg(hours)
    FROM raised GROUP BY community
    UNION ALL
    SELECT 'street', street, count(*), count(*) FILTER (WHERE ok), avg(hours)
    FROM raised GROUP BY street
),
scored AS (
    SELECT a.id, a.target_kind AS kind, a.target_id AS tid, a.direction, sc.indicator,
           sc.score::numeric AS score, i.weight::numeric AS weight, i.max_score::numeric AS max
    FROM assessment a
    JOIN assessment_score sc ON sc.assessment = a.id
    JOIN indicator i ON i.id = sc.indicator
    WHERE a.period_start <= $3::date AND a.period_end >= $2::date
      AND a.target_kind IN ('staff', 'grid', 'community', 'street')
),
per_assessment AS (
    SELECT id, kind, tid, direction, 100 * sum(weight * score / max) / sum(weight) AS score
    FROM scored GROUP BY id, kind, tid, direction
),
scores AS (
    SELECT kind, tid AS id,
           avg(score) FILTER (WHERE direction = 'top_down') AS top_down,
           avg(score) FILTER (WHERE direction = 'bottom_up') AS bottom_up,
           avg(score) AS average, count(*) AS n
    FROM per_assessment GROUP BY kind, tid
),
targets AS (
    SELECT 'street'::text AS kind, id, NULL::text AS parent_kind, NULL::int AS parent_id FROM street
    UNION ALL SELECT 'community', id, 'street', street FROM community
    UNION ALL SELECT 'grid', id, 'community', community FROM responsibility_grid
    UNION ALL
    SELECT 'staff', s.id, CASE WHEN s.community IS NULL THEN 'street' ELSE 'community' END,
           COALESCE(s.community, s.street)
    FROM staff_member s
    WHERE s.id IN (SELECT id FROM check_in_rates WHERE kind = 'staff'
                   UNION SELECT id FROM on_time_rates WHERE kind = 'staff'
                   UNION SELECT id FROM scores WHERE kind = 'staff')
),
metrics AS (
    SELECT t.*, ci.done::numeric / NULLIF(ci.due, 0) AS check_in_rate,
           ot.done::numeric / NULLIF(ot.due, 0) AS on_time_rate,
           rr.done::numeric / NULLIF(rr.raised, 0) AS response_rate, rr.hours AS response_hours,
           sc.top_down, sc.bottom_up, sc.average,
           COALESCE(ci.due, 0) + COALESCE(ot.due, 0) + COALESCE(rr.raised, 0) + COALESCE(sc.n, 0)
               AS sample_size
    FROM targets t
    LEFT JOIN check_in_rates ci USING (kind, id)
    LEFT JOIN on_time_rates ot USING (kind, id)
    LEFT JOIN response_rates rr USING (kind, id)
    LEFT JOIN scores sc USING (kind, id)
),
parts AS (
    SELECT m.kind, m.id, i.weight::numeric AS weight, i.max_score::numeric AS max,
           i.max_score::numeric * CASE i.metric WHEN 'check_in_rate' THEN m.check_in_rate
                                                 WHEN 'on_time_rate' THEN m.on_time_rate
                                                 WHEN 'supervision_response_rate' THEN m.response_rate
                                  END AS value
    FROM metrics m, indicator i WHERE i.kind = 'measured'
    UNION ALL
    SELECT kind, tid, weight, max, avg(score) FROM scored GROUP BY kind, tid, indicator, weight, max
),
composite AS (
    SELECT kind, id, 100 * sum(weight * value / max) / sum(weight) AS score
    FROM parts WHERE value IS NOT NULL GROUP BY kind, id
)
SELECT m.kind, m.id, m.parent_kind, m.parent_id,
       m.check_in_rate::float8, m.on_time_rate::float8, m.response_rate::float8,
       m.response_hours::float8, m.top_down::float8, m.bottom_up::float8, m.average::float8,
       m.sample_size::int, cp.score::float8 AS composite,
       CASE WHEN cp.score IS NOT NULL AND m.sample_size >= $5::int THEN
           rank() OVER (PARTITION BY m.kind, m.parent_kind, m.parent_id,
                                     cp.score IS NOT NULL AND m.sample_size >= $5::int
                        ORDER BY cp.score DESC) END AS rank,
       CASE WHEN $1::text = 'month' AND s.role = 'community_worker' AND cp.score IS NOT NULL THEN
           (SELECT g.grade FROM subsidy_grade g
            WHERE g.min_score <= cp.score
              AND (g.street = COALESCE(s.street, sc.street)
                   OR (g.street IS NULL AND NOT EXISTS (
                       SELECT 1 FROM subsidy_grade o WHERE o.street = COALESCE(s.street, sc.street))))
            ORDER BY g.min_score DESC LIMIT 1) END AS subsidy_grade
FROM metrics m
LEFT JOIN composite cp USING (kind, id)
LEFT JOIN staff_member s ON m.kind = 'staff' AND s.id = m.id
LEFT JOIN community sc ON sc.id = s.community
"""

# The product's columns in evaluation_rollup, in the bound's order.
ROLLUP_COLUMNS = (
    "target_kind",
    "target_id",
    "parent_kind",
    "parent_id",
    "check_in_rate",
    "on_time_rate",
    "supervision_response_rate",
    "avg_response_hours",
    "top_down_score",
    "bottom_up_score",
    "average_score",
    "sample_size",
    "composite_score",
    "rank",
    "subsidy_grade",
)


async def bound_rows(
    conn: asyncpg.Connection,
    period_kind: str,
    start: dt.date,
    end: dt.date,
    tz: str,
    min_sample: int,
    as_of: dt.datetime,
) -> list[tuple[Any, ...]]:
    async with conn.transaction():
        await conn.execute("SET LOCAL jit = off")
        rows = await conn.fetch(BOUND_SQL, period_kind, start, end, tz, min_sample, as_of)
    return [tuple(row) for row in rows]


async def product_rows(
    conn: asyncpg.Connection, period_kind: str, start: dt.date
) -> list[tuple[Any, ...]]:
    """What the product's rollup stored for the period, in the bound's shape."""
    rows = await conn.fetch(
        f"SELECT {', '.join(ROLLUP_COLUMNS)} FROM evaluation_rollup"
        " WHERE period_kind = $1 AND period_start = $2",
        period_kind,
        start,
    )
    return [tuple(row) for row in rows]


def same_figures(a: list[tuple[Any, ...]], b: list[tuple[Any, ...]], places: int = 9) -> bool:
    """Equal row sets, floats compared to `places` decimals."""

    def norm(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
        return sorted(
            tuple(round(v, places) if isinstance(v, float) else v for v in row) for row in rows
        )

    return norm(a) == norm(b)
