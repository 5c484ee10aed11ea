"""The permission world's rows of residents' cases (tables/residents.py): a case beside a
service request and its supervision record, and a tracking code of the case."""

from __future__ import annotations

import hashlib
from typing import Any

from app.clock import utc_now
from app.crud import insert_row
from tables.residents import ResidentCase, TrackingCode

Row = dict[str, Any]


def _w() -> Any:
    from tests.security import world

    return world


async def case_values(w: Any, place: Any) -> Row:
    """A new case's columns: a fresh service request and the supervision record it raised."""
    request = await _w().seed_service_request(w, place)
    (row,) = await ResidentCase.raw(
        "SELECT supervision_record FROM open311_request WHERE id = {}", request
    ).run()
    return {
        "community": w.community(str(place.community))["id"],
        "service_request": request,
        "supervision_record": row["supervision_record"],
        "channel": "web",
        "summary": f"监督：社区服务站{_w().n()}",
        "created_at": utc_now(),
    }


async def case_at(w: Any, place: Any) -> Row:
    return await insert_row(ResidentCase, await case_values(w, place))


async def seed_resident_case(w: Any, place: Any) -> int:
    return int((await case_at(w, place))["id"])


def digest(mark: int) -> str:
    return hashlib.sha256(f"code{mark}".encode()).hexdigest()


async def seed_tracking_code(w: Any, place: Any) -> int:
    case = await case_at(w, place)
    row = await insert_row(
        TrackingCode,
        {
            "resident_case": case["id"],
            "code_hash": digest(_w().n()),
            "kind": "reporter",
            "created_at": case["created_at"],
        },
    )
    return int(row["id"])


SEEDERS = {"resident_case": seed_resident_case, "tracking_code": seed_tracking_code}


def seed_places() -> dict[str, list[Any]]:
    w = _w()
    return {"resident_case": w.COMMUNITY_OF_STREET, "tracking_code": w.COMMUNITY_OF_STREET}


JOINS = {
    "resident_case": "SELECT id, NULL AS street, community FROM resident_case",
    "tracking_code": "SELECT t.id, NULL AS street, c.community"
    " FROM tracking_code t JOIN resident_case c ON c.id = t.resident_case",
}


async def body_resident_case(w: Any, place: Any, p: Any, mark: int) -> Row:
    values = await case_values(w, place)
    return {**values, "summary": f"新诉求{mark}", "created_at": values["created_at"].isoformat()}


async def body_tracking_code(w: Any, place: Any, p: Any, mark: int) -> Row:
    case = await case_at(w, place)
    return {
        "resident_case": case["id"],
        "code_hash": digest(10**6 + mark),
        "kind": "me_too",
        "created_at": case["created_at"].isoformat(),
    }
