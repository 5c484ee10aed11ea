"""Dashboard figures of a street or community: monthly trends and rankings from the rollups
(EvaluationRollup, written by app.jobs.rollups), and live counts of work items, access-list
refusals and supervision records — each one set-based query, run inside the viewer's scope."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from app.clock import local_today
from app.jobs.rollups import rollup_report
from app.pages.areas import Area
from app.party.coverage import coverage, month_bounds
from app.party.schemas import Coverage
from app.scope import Level, Scope
from app.settings import settings
from app.volunteers.services import community_totals, year_bounds
from tables.areas import Community

TREND_MONTHS = 12

TREND_SQL = """
SELECT period_start, check_in_rate, on_time_rate, supervision_response_rate,
       satisfaction_rate, avg_response_hours, composite_score, rank
FROM evaluation_rollup
WHERE target_kind = {} AND target_id = {} AND period_kind = 'month' AND period_start >= {}
ORDER BY period_start
"""
LATEST_CHILD_MONTH_SQL = """
SELECT max(period_start) AS month FROM evaluation_rollup
WHERE period_kind = 'month' AND target_kind = {} AND parent_kind = {} AND parent_id = {}
"""
# Overdue as the field app counts it (app/field/cards.py): open, and marked so by the
# escalation job or past its deadline.
STAGES_SQL = """
SELECT status, count(*) AS n,
       count(*) FILTER (WHERE status NOT IN ('closed', 'rejected')
                        AND (overdue OR due_at < now())) AS overdue
FROM work_item WHERE community = ANY({}::int[]) GROUP BY status
"""
REFUSALS_SQL = """
SELECT COALESCE(d.name, '（未注明部门）') AS department, count(*) AS n
FROM access_refusal r LEFT JOIN department d ON d.id = r.department
WHERE (r.community = ANY({}::int[]) OR (r.community IS NULL AND r.street = {} AND {}))
  AND r.refused_at >= {}
GROUP BY 1 ORDER BY n DESC, department LIMIT 15
"""
SUPERVISION_SQL = """
SELECT kind, count(*) AS records, count(*) FILTER (WHERE answered_at IS NOT NULL) AS answered,
       avg(EXTRACT(EPOCH FROM (answered_at - created_at)) / 3600) AS hours
FROM supervision_record
WHERE community = ANY({}::int[]) AND created_at >= {}
GROUP BY kind ORDER BY kind
"""

# Communities with at least RED_LINE red escalations (红牌督办) this month: what a street
# watches. One indexed range over the red steps of the month.
RED_LINE = 3
RED_ESCALATIONS_SQL = """
SELECT c.id, c.code, c.name, count(*) AS reds
FROM escalation_step e JOIN community c ON c.id = e.community
WHERE e.level = 'red' AND e.community = ANY({}::int[]) AND e.at >= {}
GROUP BY c.id, c.code, c.name
ORDER BY reds DESC, c.code
"""


def months_back(count: int, today: dt.date | None = None) -> list[dt.date]:
    """The first days of the last `count` months, oldest first, ending with this month."""
    month = (today or local_today()).replace(day=1)
    months = [month]
    for _ in range(count - 1):
        month = (month - dt.timedelta(days=1)).replace(day=1)
        months.append(month)
    return months[::-1]


@dataclass
class Dashboard:
    months: list[dt.date]
    trend: dict[dt.date, dict[str, Any]]
    ranking_month: dt.date | None
    rankings: dict[str, list[dict[str, Any]]]
    stages: dict[str, int]
    refusals: list[dict[str, Any]]
    supervision: list[dict[str, Any]]
    since: dt.date
    # communities and their red escalations this month (all with any; the page marks those
    # at or above RED_LINE)
    red_escalations: list[dict[str, Any]] = field(default_factory=list)
    # 党建覆盖 this month, and volunteer activities and confirmed hours this year per community
    party: Coverage | None = None
    volunteer_totals: list[dict[str, Any]] = field(default_factory=list)
    # 一表通 burden this month: per department and community, fields asked / typed by hand
    statistics_burden: list[dict[str, Any]] = field(default_factory=list)
    # open work items past their deadline (or marked overdue), all stages together
    overdue: int = 0


async def load_dashboard(area: Area, scope: Scope) -> Dashboard:
    """Every figure of the dashboard; call inside `scoped_transaction`.

    Staff rankings (with subsidy grades) are for those who steer: community admins, street
    officials and the district — not for grid workers ranking their colleagues.
    """
    months = months_back(TREND_MONTHS)
    since = months[0]
    target_id = area.row["id"]
    trend_rows = await Community.raw(TREND_SQL, area.level, target_id, since).run()
    children = ["community"] if area.level == "street" else ["grid", "staff"]
    if scope.level is Level.grid:
        children = [kind for kind in children if kind != "staff"]
    found = await Community.raw(LATEST_CHILD_MONTH_SQL, children[0], area.level, target_id).run()
    ranking_month = found[0]["month"] if found else None
    rankings: dict[str, list[dict[str, Any]]] = {}
    if ranking_month is not None:
        for kind in children:
            rows = await rollup_report("month", ranking_month, kind, area.street["id"])
            rankings[kind] = [
                r for r in rows if r["parent_kind"] == area.level and r["parent_id"] == target_id
            ]
    ids = area.community_ids
    stage_rows = await Community.raw(STAGES_SQL, ids).run()
    stages = {row["status"]: int(row["n"]) for row in stage_rows}
    since_moment = dt.datetime.combine(since, dt.time(), dt.UTC)
    refusals = await Community.raw(
        REFUSALS_SQL, ids, area.street["id"], area.level == "street", since_moment
    ).run()
    supervision = await Community.raw(SUPERVISION_SQL, ids, since_moment).run()
    month_start = dt.datetime.combine(months[-1], dt.time(), settings.timezone)
    reds = await Community.raw(RED_ESCALATIONS_SQL, ids, month_start).run()
    party_start, party_end = month_bounds()
    year_start, year_end = year_bounds(local_today().year)
    from app.statistics.services import burden

    return Dashboard(
        statistics_burden=[row for row in await burden(local_today()) if row["community"] in ids],
        party=await coverage(ids, party_start, party_end),
        volunteer_totals=await community_totals(ids, year_start, year_end),
        red_escalations=[dict(row) for row in reds],
        months=months,
        trend={row["period_start"]: row for row in trend_rows},
        ranking_month=ranking_month,
        rankings=rankings,
        stages=stages,
        overdue=sum(int(row["overdue"]) for row in stage_rows),
        refusals=refusals,
        supervision=supervision,
        since=since,
    )


def share(part: int, whole: int) -> float | None:
    return part / whole if whole else None
