"""Households due a visit: care-tagged households visited less often than their interval.

A community sets, per care tag, how often its households with that tag are visited
(CareVisitInterval, in the admin); a tag the community has not set uses DEFAULT_INTERVALS,
and a tag in neither is not followed up. A household with several tags is due by the
shortest interval. The last visit is the latest diary entry of category visit about it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from app.clock import local_date_of
from app.crud import ensure_unique, get_row
from app.labels import label
from app.validation import check_choice, check_whole
from tables.areas import Community
from tables.choices import CareTag
from tables.field import CareVisitInterval

Row = dict[str, Any]
DEFAULT_INTERVALS: dict[str, int] = {
    CareTag.elderly_alone: 7,
    CareTag.disability: 14,
    CareTag.low_income: 30,
}
DUE_LIMIT = 200

_CARE_HOUSEHOLDS = """
SELECT h.id, h.room, h.care_tags, h.community, h.grid,
       b.id AS building_id, b.code AS building_code, b.address AS building_address,
       (SELECT max(d.created_at) FROM diary_entry d
        WHERE d.household = h.id AND d.category = 'visit') AS last_visit
FROM household h JOIN building b ON b.id = h.building
WHERE h.grid = ANY({}) AND cardinality(h.care_tags) > 0
ORDER BY b.code, h.room
LIMIT 5000
"""


async def clean_care_visit_interval(
    values: dict[str, Any], current: dict[str, Any] | None
) -> dict[str, Any]:
    """One interval per community and care tag, 1 to 366 days."""
    community = await get_row(Community, values.get("community"), field="community")
    tag = check_choice(values.get("tag"), CareTag, "tag")
    await ensure_unique(
        CareVisitInterval,
        current,
        "tag",
        f"该社区已设置「{label(CareTag, tag)}」的走访周期 This community already has an interval"
        " for this tag",
        community=community["id"],
        tag=tag,
    )
    return {
        "community": community["id"],
        "tag": tag,
        "interval_days": check_whole(values.get("interval_days"), "interval_days", 1, 366),
    }


async def intervals_of(community_ids: list[int]) -> dict[int, dict[str, int]]:
    """Community → tag → days, the defaults filled in where a community set nothing."""
    rows = (
        await CareVisitInterval.select()
        .where(CareVisitInterval.community.is_in(community_ids))
        .run()
        if community_ids
        else []
    )
    found: dict[int, dict[str, int]] = {c: dict(DEFAULT_INTERVALS) for c in community_ids}
    for row in rows:
        found[row["community"]][row["tag"]] = row["interval_days"]
    return found


async def visits_due(grid_ids: list[int], today: dt.date) -> list[Row]:
    """Households of these grids due a visit today, the longest overdue first."""
    if not grid_ids:
        return []
    households = [dict(r) for r in await CareVisitInterval.raw(_CARE_HOUSEHOLDS, grid_ids).run()]
    intervals = await intervals_of(sorted({h["community"] for h in households}))
    due: list[Row] = []
    for household in households:
        by_tag = intervals[household["community"]]
        tagged = [(by_tag[t], t) for t in household["care_tags"] if t in by_tag]
        if not tagged:
            continue
        days, tag = min(tagged)
        last = local_date_of(household["last_visit"]) if household["last_visit"] else None
        due_since = last + dt.timedelta(days=days) if last else None
        if due_since is not None and due_since > today:
            continue
        due.append(
            {
                "household": {
                    "id": household["id"],
                    "room": household["room"],
                    "care_tags": household["care_tags"],
                    "building": {
                        "id": household["building_id"],
                        "code": household["building_code"],
                        "address": household["building_address"],
                    },
                },
                "tag": tag,
                "tag_label": label(CareTag, tag),
                "interval_days": days,
                "last_visit": last,
                "due_since": due_since,
            }
        )
    # Never visited first, then the longest overdue.
    due.sort(key=lambda d: (d["due_since"] is not None, d["due_since"] or today))
    return due[:DUE_LIMIT]
