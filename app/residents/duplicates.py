"""Already reported (我也遇到了): before submitting, a resident sees the open cases of the same
service within RESIDENT_NEARBY_M of their position and may join one instead of reporting it
again; staff merge the duplicates that came in anyway (app.residents.staff.merge).

Joining gives the resident a tracking code of their own on the existing case: they follow
it, and rate it, like its reporter. The suggestion shows what is public of a case: the
service, how far, when, how many follow it, and its text only once staff published it.
"""

from __future__ import annotations

import math
from typing import Any

from app.errors import Conflict, NotFound
from app.open311.params import check_text
from app.residents.intake import community_scope, find_community, issue_code, read_point
from app.scope import SUPERUSER_SCOPE, scoped_transaction, switch_scope
from app.settings import settings
from tables.choices import CodeKind
from tables.residents import ResidentCase

Row = dict[str, Any]
EARTH_M = 6_371_008.8
SUGGESTIONS = 5

# Open cases of the community and service near the point: a bounding box on the indexed
# community first, the great-circle distance then. Merged cases and finished items are left out.
NEARBY_SQL = f"""
WITH p AS (SELECT {{}}::int AS community, {{}}::float8 AS lat, {{}}::float8 AS lon,
                  {{}}::text AS code, {{}}::float8 AS dlat, {{}}::float8 AS dlon)
SELECT rc.id, rc.created_at, rc.published, rc.public_text, e.name AS service_name,
       (SELECT count(*) FROM tracking_code t WHERE t.resident_case = rc.id) AS followers,
       2 * {EARTH_M} * asin(sqrt(
           power(sin(radians(r.latitude - p.lat) / 2), 2)
           + cos(radians(p.lat)) * cos(radians(r.latitude))
             * power(sin(radians(r.longitude - p.lon) / 2), 2))) AS distance_m
FROM p
JOIN resident_case rc ON rc.community = p.community
JOIN open311_request r ON r.id = rc.service_request
JOIN work_item w ON w.id = rc.work_item
JOIN access_list_entry e ON e.id = w.access_entry
WHERE r.service_code = p.code AND rc.merged_into IS NULL
  AND w.status NOT IN ('closed', 'rejected')
  AND r.latitude BETWEEN p.lat - p.dlat AND p.lat + p.dlat
  AND r.longitude BETWEEN p.lon - p.dlon AND p.lon + p.dlon
ORDER BY distance_m, rc.id
"""


async def nearby(
    community_code: str, service_code: Any, latitude: Any, longitude: Any
) -> list[Row]:
    """Open cases like the one about to be reported, nearest first (at most five)."""
    code = check_text(service_code, "service_code", 64)
    point = read_point(latitude, longitude)
    if point is None or not code:
        return []
    lon, lat = point
    radius = settings.resident_nearby_m
    dlat = math.degrees(radius / EARTH_M)
    dlon = dlat / max(math.cos(math.radians(lat)), 0.01)
    async with scoped_transaction(SUPERUSER_SCOPE):
        community = await find_community(community_code)
        rows = await ResidentCase.raw(NEARBY_SQL, community["id"], lat, lon, code, dlat, dlon).run()
    return [
        {
            "case": row["id"],
            "service_name": row["service_name"],
            "created_at": row["created_at"].isoformat(),
            "distance_m": round(row["distance_m"]),
            "followers": row["followers"],
            "content": row["public_text"] if row["published"] else None,
        }
        for row in rows
        if row["distance_m"] <= radius
    ][:SUGGESTIONS]


async def me_too(case_id: Any, challenge: str) -> Row:
    """Join an open case: a tracking code of one's own on it."""
    if not isinstance(case_id, int):
        raise NotFound("没有这件诉求", field="case")
    async with scoped_transaction(SUPERUSER_SCOPE):
        rows = await ResidentCase.raw(
            "SELECT rc.*, c.street, w.status FROM resident_case rc"
            " JOIN community c ON c.id = rc.community"
            " LEFT JOIN work_item w ON w.id = rc.work_item WHERE rc.id = {}",
            case_id,
        ).run()
        if not rows:
            raise NotFound("没有这件诉求", field="case")
        case = rows[0]
        if case["merged_into"] is not None or case["status"] in (None, "closed", "rejected"):
            raise Conflict("这件诉求已经办结或合并，请直接提交新的反映", field="case")
        await switch_scope(community_scope(case["community"], case["street"], None))
        code = await issue_code(case["id"], CodeKind.me_too, challenge)
    return {"case": case["id"], "code": code, "track_url": f"/r/t/{code}"}
