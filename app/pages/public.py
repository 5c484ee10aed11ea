"""The public openness page of a community (社区公开): no login, no personal data.

Residents' right to know and supervise: what work may enter the community and on what legal
basis (the street's current access list), supervision records the community made public with
their stage and answer (through `public_view`, which drops who raised them), the community's
monthly rollup figures, and its notices. Every query names the public columns it reads; none
of them holds an ID number, a phone or a raiser's name.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from app.clock import local_today
from app.errors import NotFound
from app.notices.services import published_notices
from app.pages.dashboards import TREND_SQL, months_back
from app.supervision.services import public_view
from app.work.services import active_entries
from tables.areas import Community, Street
from tables.supervision import SupervisionRecord
from tables.work import Department

PUBLIC_RECORDS = 100


@dataclass
class OpennessPage:
    community: dict[str, Any]
    street: dict[str, Any]
    access_list: list[dict[str, Any]]
    records: list[dict[str, Any]]
    rollups: list[dict[str, Any]]
    notices: list[dict[str, Any]]


async def load_openness(code: str) -> OpennessPage:
    """Everything the public page of community `code` shows, or NotFound."""
    community = (
        await Community.select(
            Community._meta.primary_key, Community.code, Community.name, Community.street
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
    return OpennessPage(community, street, access_list, records, rollups[::-1], notices)


def local_time(moment: dt.datetime | None) -> str:
    from app.settings import settings

    return "" if moment is None else moment.astimezone(settings.timezone).strftime("%Y-%m-%d %H:%M")
