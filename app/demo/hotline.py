"""The demo district's integrators: each street's 12345 hotline token and one community's
mini-program token, the Open311 requests the hotline sent (work items and supervision
records, with where and from whom), and the notices communities published.

Token secrets are random and thrown away (never derived from the seed): the demo's tokens
cannot be used; a street official makes a working one in the admin. Runs after the work
items and supervision records, on the loader's connection, with its own random generator.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import secrets
from typing import Any

from app.api.tokens import TOKEN_KIND, hash_token
from app.demo.layout import point_inside
from app.demo.names import mobile, person_name
from app.demo.rows import copy, insert
from app.demo.steps import DemoLoader
from app.notices.services import check_no_personal_data
from app.open311.catalogue import ACCESS_PREFIX, REPORTABLE, SUPERVISION_PREFIX

Row = dict[str, Any]
REQUESTS_PER_STREET = 2
# The answer a hotline operator gives to each category's attributes.
ANSWERS: dict[str, dict[str, Any]] = {
    "civil_affairs": {"situation": ["elderly_alone"]},
    "urban_management": {"problem": "rubbish"},
    "comprehensive_management": {"matter": "dispute", "people_involved": 2},
}
NOTICES = [
    ("停水通知", "因供水管网维修，本周六 8:00 至 12:00 小区停水，请居民提前储水。"),
    ("垃圾分类宣传周", "社区将于本周在各小区开展垃圾分类宣传，欢迎居民参加。"),
    ("老年人免费体检", "65 岁以上老年人可持身份证到社区卫生服务站预约免费体检。"),
]


async def api_token(loader: DemoLoader, rng: random.Random, values: Row) -> int:
    """An API token row; its prefix follows the seed, its secret is random and not kept."""
    prefix = f"{rng.getrandbits(48):012x}"
    token = f"{TOKEN_KIND}_{prefix}_{secrets.token_urlsafe(32)}"
    return await insert(
        loader.conn,
        "api_token",
        {
            "prefix": prefix,
            "secret_hash": hash_token(token),
            "community": None,
            "expires_at": loader.at(loader.today + dt.timedelta(days=300), 0),
            "last_used_at": loader.at(loader.today - dt.timedelta(days=1), 16.5),
            "revoked_at": None,
            "created_at": loader.at(loader.today - dt.timedelta(days=65), 10),
            **values,
        },
    )


async def load_hotline(loader: DemoLoader) -> None:
    rng = random.Random(12345)
    for street in loader.streets:
        await api_token(
            loader,
            rng,
            {
                "name": "12345 政务服务便民热线",
                "scope": "street",
                "street": loader.ids[street.code],
                "can_write": True,
                "created_by": loader.staff_user[loader.street_official[street.code]],
            },
        )
    first = loader.streets[0]
    await api_token(
        loader,
        rng,
        {
            "name": f"{first.communities[0].name}微信小程序",
            "scope": "community",
            "street": loader.ids[first.code],
            "community": loader.ids[first.communities[0].code],
            "can_write": False,
            "created_by": loader.staff_user[loader.street_official[first.code]],
        },
    )
    await open311_requests(loader, rng)
    await public_notices(loader)


async def open311_requests(loader: DemoLoader, rng: random.Random) -> None:
    """The first hotline items of each street came over Open311 at a building's address; one
    supervision record of each street too, its raiser kept in the record alone."""
    conn = loader.conn
    rows: list[Row] = []
    for street in loader.streets:
        street_id = loader.ids[street.code]
        items = await conn.fetch(
            "SELECT w.id, w.community, w.grid, w.access_entry, w.created_at, e.category"
            " FROM work_item w JOIN access_list_entry e ON e.id = w.access_entry"
            " JOIN community c ON c.id = w.community"
            " WHERE w.source = 'hotline' AND c.street = $1 AND e.category = ANY($2::text[])"
            " AND w.grid IS NOT NULL ORDER BY w.id LIMIT $3",
            street_id,
            [str(category) for category in REPORTABLE],
            REQUESTS_PER_STREET,
        )
        for item in items:
            building = await conn.fetchrow(
                "SELECT code, address, longitude, latitude FROM building"
                " WHERE grid = $1 ORDER BY id LIMIT 1",
                item["grid"],
            )
            assert building is not None, "every demo grid has buildings"
            rows.append(
                request(street_id, item, f"{ACCESS_PREFIX}{item['access_entry']}")
                | {
                    "work_item": item["id"],
                    "latitude": building["latitude"],
                    "longitude": building["longitude"],
                    "address_string": building["address"],
                    "address_id": building["code"],
                    "attributes": json.dumps(ANSWERS.get(item["category"], {})),
                    "account_id": f"12345-{item['created_at']:%Y%m%d}{len(rows) + 1:04d}",
                    "raised_by_name": person_name(rng),
                    "raised_by_contact": mobile(rng),
                }
            )
        record = await conn.fetchrow(
            "SELECT s.id, s.community, s.grid, s.kind, s.subject, s.anonymous, s.created_at"
            " FROM supervision_record s JOIN community c ON c.id = s.community"
            " WHERE c.street = $1 ORDER BY s.id LIMIT 1",
            street_id,
        )
        assert record is not None, "every demo street has supervision records"
        grid = next(g for _s, _c, g in loader.grids() if loader.ids[g.code] == record["grid"])
        lon, lat = point_inside(rng, grid.bounds)
        rows.append(
            request(street_id, record, f"{SUPERVISION_PREFIX}{record['kind']}")
            | {
                "supervision_record": record["id"],
                "latitude": lat,
                "longitude": lon,
                "address_string": grid.name,
                "address_id": grid.code,
                "attributes": json.dumps(
                    {
                        "subject": record["subject"],
                        "anonymous": "true" if record["anonymous"] else "false",
                    }
                ),
                "account_id": f"12345-{record['created_at']:%Y%m%d}{len(rows) + 1:04d}",
            }
        )
    await copy(conn, "open311_request", rows)


def request(street_id: int, target: Any, service_code: str) -> Row:
    return {
        "street": street_id,
        "community": target["community"],
        "grid": target["grid"],
        "work_item": None,
        "supervision_record": None,
        "service_code": service_code,
        "media_url": "",
        "device_id": "",
        "raised_by_name": "",
        "raised_by_contact": "",
        "contact_unverified": False,
        "created_at": target["created_at"],
    }


async def public_notices(loader: DemoLoader) -> None:
    """One or two notices per community on its openness page; one scheduled for tomorrow."""
    rows = []
    communities = [c for s in loader.streets for c in s.communities]
    for n, community in enumerate(communities):
        for k in range(1 + n % 2):
            title, body = NOTICES[(n + k) % len(NOTICES)]
            rows.append(
                {
                    "community": loader.ids[community.code],
                    "title": check_no_personal_data(title, "title"),
                    "body": check_no_personal_data(body, "body"),
                    "published_at": loader.at(loader.today - dt.timedelta(days=3 * k + n), 9),
                    "visible": True,
                }
            )
    rows[0]["published_at"] = loader.at(loader.today + dt.timedelta(days=1), 9)
    await copy(loader.conn, "public_notice", rows)
