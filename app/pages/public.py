"""The public openness page of a community (社区公开): no login, no personal data.

Residents' right to know and supervise: what work may enter the community and on what legal
basis (the street's current access list), supervision records the community made public with
their stage and answer (through `public_view`, which drops who raised them), the community's
monthly rollup figures, and its notices. Every query names the public columns it reads; none
of them holds an ID number, a phone or a raiser's name.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from app.clock import local_today
from app.errors import NotFound
from app.notices.services import published_notices
from app.pages.dashboards import TREND_SQL, months_back
from app.residents.community import published_cases
from app.settings import settings
from app.supervision.services import public_view
from app.volunteers.services import community_totals
from app.work.services import active_entries
from tables.areas import Community, Street
from tables.supervision import SupervisionRecord
from tables.work import Department

PUBLIC_RECORDS = 100
# 时限公开: the latest work items' stage deadlines and whether each was met. Read by column:
# no title (a hotline title may name a resident), no assignee, no actor — never who was late.
PUBLIC_STAGE_ITEMS = 50
STAGE_DEADLINES_SQL = """
SELECT w.id, e.name AS service_name, w.status, w.created_at,
       st.stage, st.due_at, st.finished_at, st.late
FROM (SELECT id, access_entry, status, created_at FROM work_item
      WHERE community = {} ORDER BY created_at DESC, id DESC LIMIT {}) w
JOIN access_list_entry e ON e.id = w.access_entry
JOIN work_item_stage st ON st.work_item = w.id AND st.due_at IS NOT NULL
ORDER BY w.created_at DESC, w.id DESC, st.entered_at, st.id
"""


@dataclass
class OpennessPage:
    community: dict[str, Any]
    street: dict[str, Any]
    access_list: list[dict[str, Any]]
    records: list[dict[str, Any]]
    rollups: list[dict[str, Any]]
    notices: list[dict[str, Any]]
    # work items (W<id>, service, status, stages with due_at, finished_at, met)
    stage_deadlines: list[dict[str, Any]] = field(default_factory=list)
    # 志愿服务 by month (activities held, confirmed hours): figures only, never a name
    volunteering: list[dict[str, Any]] = field(default_factory=list)
    # 居民诉求 staff published (approved text, stage, reply): never who raised them
    resident_cases: list[dict[str, Any]] = field(default_factory=list)


async def load_openness(code: str) -> OpennessPage:
    """Everything the public page of community `code` shows, or NotFound."""
    community = (
        await Community.select(
            Community._meta.primary_key,
            Community.code,
            Community.name,
            Community.street,
            Community.boundary,
        )
        .where(Community.code == code)
        .first()
        .run()
    )
    if community is None:
        raise NotFound(f"没有编码为 {code} 的社区", field="code")
    street = (
        await Street.select(Street._meta.primary_key, Street.code, Street.name)
        .where(Street._meta.primary_key == community["street"])
        .first()
        .run()
    )
    assert street is not None
    entries = await active_entries(street["id"], local_today())
    departments = {
        row["id"]: row["name"]
        for row in await Department.select(Department._meta.primary_key, Department.name).run()
    }
    access_list = [
        {
            "name": entry["name"],
            "department": departments.get(entry["department"], ""),
            "category": entry["category"],
            "legal_basis": entry["legal_basis"],
            "valid_from": entry["valid_from"],
            "valid_to": entry["valid_to"],
        }
        for entry in entries
    ]
    records = [
        public_view(record)
        for record in await SupervisionRecord.select(
            SupervisionRecord.kind,
            SupervisionRecord.subject,
            SupervisionRecord.content,
            SupervisionRecord.status,
            SupervisionRecord.answer,
            SupervisionRecord.created_at,
            SupervisionRecord.answered_at,
        )
        .where(SupervisionRecord.community == community["id"], SupervisionRecord.public.eq(True))
        .order_by(SupervisionRecord.created_at, ascending=False)
        .limit(PUBLIC_RECORDS)
        .run()
    ]
    since = months_back(12)[0]
    rollups = await Community.raw(TREND_SQL, "community", community["id"], since).run()
    notices = await published_notices(community["id"])
    deadlines = await public_stage_deadlines(community["id"])
    page = OpennessPage(community, street, access_list, records, rollups[::-1], notices, deadlines)
    page.volunteering = await volunteering_by_month(community["id"])
    page.resident_cases = await published_cases(community["id"])
    return page


async def volunteering_by_month(community_id: int, months: int = 6) -> list[dict[str, Any]]:
    """Activities and confirmed hours of the community in each of the last `months` months."""
    rows = []
    for first in months_back(months)[::-1]:
        start = dt.datetime.combine(first, dt.time(), settings.timezone)
        end = dt.datetime.combine(
            (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1),
            dt.time(),
            settings.timezone,
        )
        totals = await community_totals([community_id], start, end)
        rows.append(
            {"month": first, "activities": totals[0]["activities"], "hours": totals[0]["hours"]}
        )
    return rows


async def public_stage_deadlines(community_id: int) -> list[dict[str, Any]]:
    """The community's latest work items with each stage's deadline and whether it was met."""
    rows = await Community.raw(STAGE_DEADLINES_SQL, community_id, PUBLIC_STAGE_ITEMS).run()
    items: dict[int, dict[str, Any]] = {}
    for row in rows:
        item = items.setdefault(
            row["id"],
            {
                "ref": f"W{row['id']}",
                "service_name": row["service_name"],
                "status": row["status"],
                "created_at": row["created_at"],
                "stages": [],
            },
        )
        item["stages"].append(
            {
                "stage": row["stage"],
                "due_at": row["due_at"],
                "finished_at": row["finished_at"],
                "met": None if row["late"] is None else not row["late"],
            }
        )
    return list(items.values())


def local_time(moment: dt.datetime | None) -> str:
    from app.settings import settings

    return "" if moment is None else moment.astimezone(settings.timezone).strftime("%Y-%m-%d %H:%M")
