"""党建覆盖, the figures streets are assessed on, in one place for the dashboards, the API and
the assessment rollups (app/jobs/rollups.py splices `PARTY_CTES` into its statement).

- grids with a branch or party group (支部建在网格上) over all grids;
- grids whose grid leader — the primary grid worker (主责网格员) — is a party member;
- party members who served in the period: confirmed hours of a volunteer activity that
  started in it, or service sent to a work item on a day of it, by the volunteer who is the
  member (the same resident, or the same login as the member's staff record);
- in-service members (双报到) and those of them who served, also counted per unit.

The CTEs need `party_bounds(p_from, p_to, d_from, d_to)`: the period as instants and as days.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from app.clock import utc_now
from app.party.schemas import Coverage
from app.settings import settings
from tables.party import PartyMember

PARTY_CTES = """
party_grids AS MATERIALIZED (
    SELECT DISTINCT pog.grid
    FROM party_organisation_grid pog
    JOIN party_organisation o ON o.id = pog.organisation
    WHERE o.level IN ('branch', 'group')
),
party_people AS MATERIALIZED (
    SELECT pm.id, pm.community, pm.grid, pm.kind, pm.reporting_unit, pm.resident, pm.staff,
           s."user" AS user_id
    FROM party_member pm LEFT JOIN staff_member s ON s.id = pm.staff
),
party_leader_grids AS MATERIALIZED (
    SELECT DISTINCT ga.grid
    FROM grid_assignment ga JOIN party_people pp ON pp.staff = ga.staff
    WHERE ga.kind = 'primary'
),
party_volunteers AS MATERIALIZED (
    SELECT pp.id AS member, v.id AS volunteer
    FROM party_people pp JOIN volunteer v ON v.resident = pp.resident
    UNION
    SELECT pp.id, v.id
    FROM party_people pp JOIN volunteer v ON v."user" = pp.user_id
),
party_served AS MATERIALIZED (
    SELECT DISTINCT pv.member AS id
    FROM party_volunteers pv CROSS JOIN party_bounds pb
    WHERE EXISTS (
        SELECT 1 FROM volunteer_signup su JOIN volunteer_activity a ON a.id = su.activity
        WHERE su.volunteer = pv.volunteer AND su.confirmed_at IS NOT NULL AND su.hours > 0
          AND a.starts_at >= pb.p_from AND a.starts_at < pb.p_to)
       OR EXISTS (
        SELECT 1 FROM volunteer_service vs
        WHERE vs.volunteer = pv.volunteer AND vs.served_on BETWEEN pb.d_from AND pb.d_to)
),
party_grid_facts AS (
    SELECT g.id AS grid, g.community, c.street,
           (pg.grid IS NOT NULL)::int AS with_branch, (pl.grid IS NOT NULL)::int AS with_leader
    FROM responsibility_grid g
    JOIN community c ON c.id = g.community
    LEFT JOIN party_grids pg ON pg.grid = g.id
    LEFT JOIN party_leader_grids pl ON pl.grid = g.id
),
party_member_facts AS (
    SELECT pp.grid, pp.community, c.street, (pp.kind = 'in_service')::int AS in_service,
           (ps.id IS NOT NULL)::int AS served
    FROM party_people pp
    JOIN community c ON c.id = pp.community
    LEFT JOIN party_served ps ON ps.id = pp.id
),
party_counts AS (
    SELECT kind, id, sum(grids) AS grids, sum(with_branch) AS with_branch,
           sum(with_leader) AS with_leader, sum(members) AS members, sum(served) AS served,
           sum(in_service) AS in_service, sum(in_service_served) AS in_service_served
    FROM (
        SELECT 'grid' AS kind, grid AS id, 1 AS grids, with_branch, with_leader,
               0 AS members, 0 AS served, 0 AS in_service, 0 AS in_service_served
        FROM party_grid_facts
        UNION ALL
        SELECT 'community', community, 1, with_branch, with_leader, 0, 0, 0, 0
        FROM party_grid_facts
        UNION ALL
        SELECT 'street', street, 1, with_branch, with_leader, 0, 0, 0, 0 FROM party_grid_facts
        UNION ALL
        SELECT 'grid', grid, 0, 0, 0, 1, served, in_service, in_service * served
        FROM party_member_facts WHERE grid IS NOT NULL
        UNION ALL
        SELECT 'community', community, 0, 0, 0, 1, served, in_service, in_service * served
        FROM party_member_facts
        UNION ALL
        SELECT 'street', street, 0, 0, 0, 1, served, in_service, in_service * served
        FROM party_member_facts
    ) facts
    GROUP BY kind, id
)
"""

# The four measured indicators (tables.choices.MeasuredMetric) as columns over party_counts pc.
PARTY_RATE_COLUMNS = """
           pc.with_branch::numeric / NULLIF(pc.grids, 0) AS party_branch_coverage,
           pc.with_leader::numeric / NULLIF(pc.grids, 0) AS party_grid_leader_rate,
           pc.served::numeric / NULLIF(pc.members, 0) AS party_members_serving_rate,
           pc.in_service_served::numeric / NULLIF(pc.in_service, 0) AS in_service_serving_rate,
"""

# Piccolo placeholders, one per use: — period start, end, start, zone, end, zone, ids.
_COVERAGE = (
    """
WITH party_bounds AS (
    SELECT {}::timestamptz AS p_from, {}::timestamptz AS p_to,
           ({}::timestamptz AT TIME ZONE {}::text)::date AS d_from,
           (({}::timestamptz - interval '1 microsecond') AT TIME ZONE {}::text)::date AS d_to
),
"""
    + PARTY_CTES
    + """
SELECT COALESCE(sum(grids), 0) AS grids, COALESCE(sum(with_branch), 0) AS with_branch,
       COALESCE(sum(with_leader), 0) AS with_leader, COALESCE(sum(members), 0) AS members,
       COALESCE(sum(served), 0) AS served, COALESCE(sum(in_service), 0) AS in_service,
       COALESCE(sum(in_service_served), 0) AS in_service_served
FROM party_counts WHERE kind = 'community' AND id = ANY ({}::int[])
"""
)


def month_bounds(now: dt.datetime | None = None) -> tuple[dt.datetime, dt.datetime]:
    """This local month as [first instant, first instant of the next month)."""
    local = (now or utc_now()).astimezone(settings.timezone)
    start = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    following = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return start, following


async def coverage(community_ids: list[int], start: dt.datetime, end: dt.datetime) -> Coverage:
    """Coverage of these communities together; members served in [start, end)."""
    zone = settings.timezone_name
    rows = await PartyMember.raw(_COVERAGE, start, end, start, zone, end, zone, community_ids).run()
    row: dict[str, Any] = rows[0]
    units = await PartyMember.raw(
        "SELECT reporting_unit AS unit, count(*) AS n FROM party_member"
        " WHERE kind = 'in_service' AND community = ANY ({}::int[])"
        " GROUP BY reporting_unit ORDER BY count(*) DESC, reporting_unit",
        community_ids,
    ).run()
    return Coverage(
        grids=int(row["grids"]),
        grids_with_branch=int(row["with_branch"]),
        grids_with_party_leader=int(row["with_leader"]),
        members=int(row["members"]),
        members_served=int(row["served"]),
        in_service_members=int(row["in_service"]),
        in_service_served=int(row["in_service_served"]),
        in_service_by_unit={u["unit"]: int(u["n"]) for u in units},
    )
