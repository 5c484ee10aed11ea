"""What a community's public page needs: its name, grids, the services residents may use
(with the questions each asks), its place on the map and its satisfaction figure."""

from __future__ import annotations

import json
from typing import Any

from app.geo import parse_polygon
from app.open311.catalogue import REPORTABLE, SUPERVISION_SERVICES, Attribute, access_code
from app.open311.services import public_scope, reportable_entries
from app.residents.intake import find_community
from app.scope import SUPERUSER_SCOPE, scoped_transaction, switch_scope
from tables.areas import Community

Row = dict[str, Any]

SATISFACTION_SQL = """
SELECT period_start, satisfaction_rate, ratings FROM evaluation_rollup
WHERE target_kind = 'community' AND target_id = {} AND period_kind = 'month'
  AND satisfaction_rate IS NOT NULL
ORDER BY period_start DESC LIMIT 1
"""


def chinese(text: str) -> str:
    """The Chinese half of a bilingual label ("路灯损坏 Broken street light" → "路灯损坏")."""
    head = text.split(" ", 1)[0]
    return head if any("\u4e00" <= c <= "\u9fff" for c in head) else text


def question(attribute: Attribute) -> Row:
    return {
        "code": attribute.code,
        "datatype": attribute.datatype,
        "label": chinese(attribute.description),
        "required": attribute.required,
        "values": [{"key": key, "name": chinese(name)} for key, name in attribute.values],
    }


async def community_page(code: str) -> Row:
    async with scoped_transaction(SUPERUSER_SCOPE):
        community = await find_community(code)
        row = (
            await Community.select(Community.boundary)
            .where(Community._meta.primary_key == community["id"])
            .first()
        )
        satisfaction = await Community.raw(SATISFACTION_SQL, community["id"]).run()
        await switch_scope(public_scope(community["street"]))
        entries = await reportable_entries(community["street"])
        grids = await Community.raw(
            "SELECT code, name, boundary FROM responsibility_grid WHERE community = {}"
            " ORDER BY code",
            community["id"],
        ).run()
    centre = None
    if row and row["boundary"]:
        point = parse_polygon(row["boundary"]).representative_point()
        centre = {"latitude": point.y, "longitude": point.x}
    return {
        "code": community["code"],
        "name": community["name"],
        "street": community["street_name"],
        "centre": centre,
        "grids": [
            {
                "code": g["code"],
                "name": g["name"],
                "boundary": json.loads(g["boundary"])
                if isinstance(g["boundary"], str)
                else g["boundary"],
            }
            for g in grids
        ],
        "services": [
            {
                "service_code": access_code(entry["id"]),
                "name": entry["name"],
                "department": department["name"],
                "group": chinese(REPORTABLE[entry["category"]].label),
                "questions": [question(a) for a in REPORTABLE[entry["category"]].attributes],
            }
            for entry, department in entries
        ],
        "supervision": [
            {
                "service_code": service.code,
                "name": chinese(service.name),
                "description": chinese(service.description),
            }
            for service in SUPERVISION_SERVICES.values()
        ],
        "satisfaction": (
            {
                "month": satisfaction[0]["period_start"].isoformat(),
                "rate": satisfaction[0]["satisfaction_rate"],
                "ratings": satisfaction[0]["ratings"],
            }
            if satisfaction
            else None
        ),
    }


PUBLISHED_SQL = """
SELECT rc.created_at, rc.public_text, rc.reply, w.status, w.closed_at,
       COALESCE(e.name, '') AS service_name, s.kind AS supervision_kind, s.status AS s_status
FROM resident_case rc
LEFT JOIN work_item w ON w.id = rc.work_item
LEFT JOIN access_list_entry e ON e.id = w.access_entry
LEFT JOIN supervision_record s ON s.id = rc.supervision_record
WHERE rc.community = {} AND rc.published AND rc.merged_into IS NULL
ORDER BY rc.created_at DESC LIMIT {}
"""
PUBLISHED_LIMIT = 50


async def published_cases(community_id: int) -> list[Row]:
    """The community's cases staff published: what, the approved text, the stage, the reply."""
    from app.residents.tracking import STATUS_WORDS

    rows = await Community.raw(PUBLISHED_SQL, community_id, PUBLISHED_LIMIT).run()
    return [
        {
            "created_at": row["created_at"],
            "service_name": row["service_name"]
            or chinese(SUPERVISION_SERVICES[row["supervision_kind"]].name),
            "content": row["public_text"],
            "status": STATUS_WORDS[row["status"] or row["s_status"]],
            "reply": row["reply"],
        }
        for row in rows
    ]
