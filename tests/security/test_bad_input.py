"""Hostile and broken input over /api/v1 and the admin: a clear 4xx, nothing written, never 5xx.

Oversized bodies and uploads (413), very long strings, unicode (kept exactly; NUL refused),
malformed JSON and GeoJSON, self-intersecting polygons, impossible dates.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.settings import settings
from tables.areas import ResponsibilityGrid
from tables.daily import DiaryEntry
from tables.people import Leave
from tables.places import Building, Resident
from tests.admin.support import admin_login
from tests.api.support import API, assert_problem, bearer, make_token
from tests.factories import Tree, area_tree, make_household, make_staff, make_user


@pytest.fixture
async def world() -> tuple[Tree, dict[str, str], dict[str, Any]]:
    tree = await area_tree()
    worker = await make_staff("wg", community=tree.communities["A1"], grids=[tree.grids["A1-1"]])
    return tree, bearer(await make_token(tree, community="A1")), worker


async def counts() -> dict[str, int]:
    return {
        table._meta.tablename: await table.count().run()
        for table in (Building, ResponsibilityGrid, Leave, Resident, DiaryEntry)
    }


def building(tree: Tree, **changes: Any) -> dict[str, Any]:
    grid = tree.grids["A1-1"]
    return {
        "address": "幸福路1号",
        "longitude": grid["min_lon"] + 0.001,
        "latitude": grid["min_lat"] + 0.001,
        "grid": grid["id"],
        **changes,
    }


# ---------------------------------------------------------------------- size


def stored(folder: Path) -> set[Path]:
    return set(folder.glob("*")) if folder.exists() else set()


def remove(path: Path) -> None:
    path.unlink()


async def test_an_oversized_api_body_is_413_announced_or_streamed(
    client: httpx.AsyncClient, world: tuple[Tree, dict[str, str], Any]
) -> None:
    tree, token, _ = world
    before = await counts()
    padding = "楼" * (settings.api_max_body_bytes // 3 + 10)  # 3 bytes each in UTF-8
    body = json.dumps(building(tree, address=padding), ensure_ascii=False).encode()
    assert len(body) > settings.api_max_body_bytes
    headers = {**token, "content-type": "application/json"}
    announced = await client.post(f"{API}/buildings", content=body, headers=headers)
    assert_problem(announced, 413)

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: counted as it arrives
        for start in range(0, len(body), 65536):
            yield body[start : start + 65536]

    streamed = await client.post(f"{API}/buildings", content=chunks(), headers=headers)
    assert_problem(streamed, 413)
    assert await counts() == before
    # Just under the limit is read (and refused for what it says, not for its size).
    fits = json.dumps(building(tree, address="楼" * 1000), ensure_ascii=False)
    answered = await client.post(f"{API}/buildings", content=fits, headers=headers)
    assert_problem(answered, 422, "address")


async def test_an_oversized_admin_upload_is_413_and_stores_nothing(
    client: httpx.AsyncClient,
) -> None:
    await make_user("root", superuser=True)
    headers = await admin_login(client, "root")
    folder = Path(settings.media_dir, "supervision_record", "evidence")
    stored_before = stored(folder)
    too_big = b"%PDF-1.4\n" + b"0" * settings.upload_max_bytes
    refused = await client.post(
        "/admin/api/media/",
        data={"table_name": "supervision_record", "column_name": "evidence"},
        files={"file": ("证据.pdf", too_big, "application/pdf")},
        headers=headers,
    )
    assert refused.status_code == 413, refused.text
    assert refused.headers["content-type"] == "application/problem+json"
    assert "过大" in refused.json()["db_error"]
    oversized_json = await client.post(
        "/admin/api/tables/department/",
        content=b'{"name": "' + b"x" * settings.upload_max_bytes + b'"}',
        headers={**headers, "content-type": "application/json"},
    )
    assert oversized_json.status_code == 413
    assert stored(folder) == stored_before
    # A file within the limit is still accepted.
    accepted = await client.post(
        "/admin/api/media/",
        data={"table_name": "supervision_record", "column_name": "evidence"},
        files={"file": ("证据.pdf", b"%PDF-1.4\n" + b"0" * 100_000, "application/pdf")},
        headers=headers,
    )
    assert accepted.status_code == 200, accepted.text
    remove(folder / accepted.json()["file_key"])


# ---------------------------------------------------------------------- strings


@pytest.mark.parametrize(
    ("path", "field"),
    [("buildings", "address"), ("buildings", "code"), ("residents", "name")],
)
async def test_very_long_strings_are_refused_naming_the_field(
    client: httpx.AsyncClient, world: tuple[Tree, dict[str, str], Any], path: str, field: str
) -> None:
    tree, token, _ = world
    before = await counts()
    long = "长" * 100_000
    if path == "buildings":
        body = building(tree, **{field: long})
    else:
        household = await make_household(tree.grids["A1-1"])
        body = {"household": household["id"], "name": long}
        before = await counts()
    assert_problem(await client.post(f"{API}/{path}", json=body, headers=token), 422, field)
    assert await counts() == before


async def test_very_long_query_strings_and_paths_are_answered_without_error(
    client: httpx.AsyncClient, world: tuple[Tree, dict[str, str], Any]
) -> None:
    _, token, _ = world
    long = "3" * 20_000
    for url in (
        f"{API}/grids?community={long}",
        f"{API}/grids/{long}",
        f"{API}/buildings?sort={'x' * 5000}",
        f"{API}/buildings/{long}",
    ):
        response = await client.get(url, headers=token)
        assert response.status_code < 500, (url[:60], response.text[:200])
        if response.status_code == 200:  # a filter nothing matches
            assert response.json()["items"] == [], url[:60]


UNICODE = [
    "王小明",  # CJK
    "𠀀𪚥𫝀",  # CJK extension B and beyond (4-byte UTF-8)
    "Zoë Ångström",  # Latin with diacritics
    "e\u0301\u0301",  # combining marks
    "مرحبا עברית",  # right to left
    "👩‍👩‍👧‍👦 🇨🇳",  # emoji ZWJ sequence and a flag
    "a\u200bb\u2028c",  # zero-width space, line separator
]


async def test_unicode_is_stored_and_returned_exactly(
    client: httpx.AsyncClient, world: tuple[Tree, dict[str, str], Any]
) -> None:
    tree, token, _ = world
    household = await make_household(tree.grids["A1-1"])
    for name in UNICODE:
        created = await client.post(
            f"{API}/residents", json={"household": household["id"], "name": name}, headers=token
        )
        assert created.status_code == 201, created.text
        assert created.json()["name"] == name
        read = await client.get(f"{API}/residents/{created.json()['id']}", headers=token)
        assert read.json()["name"] == name


@pytest.mark.parametrize(
    "name", ["before\x00after", "\x00", "控制\x00字符"], ids=["nul", "only-nul", "cjk-nul"]
)
async def test_nul_characters_are_refused_naming_the_field(
    client: httpx.AsyncClient, world: tuple[Tree, dict[str, str], Any], name: str
) -> None:
    tree, token, _ = world
    household = await make_household(tree.grids["A1-1"])
    before = await counts()
    refused = await client.post(
        f"{API}/residents", json={"household": household["id"], "name": name}, headers=token
    )
    assert 400 <= refused.status_code < 500, refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert await counts() == before


@pytest.mark.parametrize(
    "raw",
    [
        b'{"address": "\\ud800", "grid": 1, "longitude": 1, "latitude": 1}',  # lone surrogate
        b'{"address": "\xff\xfe", "grid": 1, "longitude": 1, "latitude": 1}',  # not UTF-8
        b'{"address": "x", "grid": 1, "longitude": NaN, "latitude": 1}',
        b'{"address": "x", "grid": 1, "longitude": 1e999, "latitude": 1}',
        b'{"address": "x", "grid": 1,',
        b"[" * 100_000 + b"]" * 100_000,
        b'{"address": "x", "address": "y", "grid": 1, "longitude": 1, "latitude": 1}',
        b"",
        b"null",
    ],
    ids=[
        "surrogate",
        "not-utf8",
        "nan",
        "infinite",
        "truncated",
        "deep",
        "duplicate",
        "empty",
        "null",
    ],
)
async def test_malformed_json_is_400_or_422(
    client: httpx.AsyncClient, world: tuple[Tree, dict[str, str], Any], raw: bytes
) -> None:
    _, token, _ = world
    before = await counts()
    response = await client.post(
        f"{API}/buildings", content=raw, headers={**token, "content-type": "application/json"}
    )
    assert response.status_code in (400, 422), response.text[:300]
    assert response.headers["content-type"].startswith("application/problem+json")
    assert await counts() == before


async def test_a_body_that_is_not_json_is_refused(
    client: httpx.AsyncClient, world: tuple[Tree, dict[str, str], Any]
) -> None:
    _, token, _ = world
    for content_type, content in (
        ("text/plain", "address=x"),
        ("application/x-www-form-urlencoded", "address=x&grid=1"),
        ("application/xml", "<building/>"),
    ):
        response = await client.post(
            f"{API}/buildings", content=content, headers={**token, "content-type": content_type}
        )
        assert 400 <= response.status_code < 500, (content_type, response.text)
    assert await Building.count().run() == 0


# ---------------------------------------------------------------------- geometry


def square(west: float, south: float, size: float = 0.002) -> list[list[float]]:
    return [
        [west, south],
        [west + size, south],
        [west + size, south + size],
        [west, south + size],
        [west, south],
    ]


BOW_TIE = [
    [117.800, 30.900],
    [117.802, 30.902],
    [117.802, 30.900],
    [117.800, 30.902],
    [117.800, 30.900],
]


@pytest.mark.parametrize(
    ("boundary", "says"),
    [
        ({"type": "Polygon", "coordinates": [BOW_TIE]}, "Self-intersection"),
        ({"type": "Polygon", "coordinates": [square(117.8, 30.9)[:-1]]}, "closed"),
        ({"type": "Polygon", "coordinates": [square(117.8, 30.9)[:3]]}, "4 positions"),
        ({"type": "Polygon", "coordinates": "117.8,30.9"}, "linear rings"),
        ({"type": "Polygon", "coordinates": []}, "linear rings"),
        ({"type": "Polygon", "coordinates": [[["a", "b"], [1, 2], [3, 4], ["a", "b"]]]}, ""),
        ({"type": "Polygon", "coordinates": [[[200, 95], [201, 95], [201, 96], [200, 95]]]}, ""),
        ({"type": "Point", "coordinates": [117.8, 30.9]}, "Polygon"),
        ({"type": "Polygon"}, ""),
        ({"coordinates": [square(117.8, 30.9)]}, ""),
        (
            {
                "type": "Polygon",
                "coordinates": [[[117.8, 30.9], [117.8, 30.9], [117.8, 30.9], [117.8, 30.9]]],
            },
            "",
        ),
    ],
    ids=[
        "self-intersecting",
        "unclosed",
        "too-few-positions",
        "string-coordinates",
        "no-rings",
        "text-positions",
        "out-of-range",
        "a-point",
        "no-coordinates",
        "no-type",
        "no-area",
    ],
)
async def test_invalid_geojson_boundaries_are_refused_naming_the_field(
    client: httpx.AsyncClient,
    world: tuple[Tree, dict[str, str], Any],
    boundary: dict[str, Any],
    says: str,
) -> None:
    tree, _, _ = world
    street_token = bearer(await make_token(tree, street="A"))
    before = await counts()
    grid = await client.post(
        f"{API}/grids",
        json={"community": tree.communities["A1"]["id"], "name": "新网格", "boundary": boundary},
        headers=street_token,
    )
    body = assert_problem(grid, grid.status_code)
    assert grid.status_code in (400, 422), grid.text
    assert body.get("field") == "boundary" or "boundary" in json.dumps(body), body
    assert says in json.dumps(body, ensure_ascii=False), body
    community = await client.patch(
        f"{API}/communities/{tree.communities['A1']['code']}",
        json={"boundary": boundary},
        headers=street_token,
    )
    assert community.status_code in (400, 422), community.text
    assert await counts() == before


# ---------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("starts_on", "ends_on", "field"),
    [
        ("2026-02-30", "2026-03-01", "starts_on"),
        ("2026-13-01", "2026-13-02", "starts_on"),
        ("2026-04-31", "2026-05-01", "starts_on"),
        ("2025-02-29", "2025-03-01", "starts_on"),
        ("0000-01-01", "2026-01-01", "starts_on"),
        ("2026-01-01", "+10000-01-01", "ends_on"),
        ("20260101", "2026-01-02", "starts_on"),
        ("2026-01-10", "2026-01-01", "ends_on"),
        ("yesterday", "2026-01-01", "starts_on"),
    ],
)
async def test_impossible_dates_are_refused_naming_the_field(
    client: httpx.AsyncClient,
    world: tuple[Tree, dict[str, str], Any],
    starts_on: str,
    ends_on: str,
    field: str,
) -> None:
    _, token, worker = world
    before = await counts()
    response = await client.post(
        f"{API}/leave",
        json={"staff": worker["id"], "starts_on": starts_on, "ends_on": ends_on},
        headers=token,
    )
    assert response.status_code in (400, 422), response.text
    assert_problem(response, response.status_code, field)
    assert await counts() == before


@pytest.mark.parametrize(
    "value",
    [
        "2026-11-31T10:00:00+08:00",
        "2026-11-20T24:01:00+08:00",
        "2026-11-20T10:00:00+25:00",
        "2026-11-20T10:61:00Z",
        "not a time",
    ],
)
async def test_impossible_times_are_refused(
    client: httpx.AsyncClient, world: tuple[Tree, dict[str, str], Any], value: str
) -> None:
    tree, token, worker = world
    grid = tree.grids["A1-1"]
    before = await counts()
    check_in = await client.post(
        f"{API}/check-ins",
        json={
            "staff": worker["id"],
            "grid": grid["id"],
            "latitude": grid["min_lat"] + 0.001,
            "longitude": grid["min_lon"] + 0.001,
            "at": value,
        },
        headers=token,
    )
    assert_problem(check_in, 400, "at")
    listed = await client.get(f"{API}/work-items", params={"created_at__gte": value}, headers=token)
    assert_problem(listed, 400, "created_at__gte")
    assert await counts() == before


async def test_a_far_future_or_far_past_date_in_range_is_still_answered(
    client: httpx.AsyncClient, world: tuple[Tree, dict[str, str], Any]
) -> None:
    """Valid extremes (year 1, year 9999) reach the database without breaking it."""
    _, token, worker = world
    for value in (dt.date(1, 1, 1), dt.date(9999, 12, 31)):
        listed = await client.get(
            f"{API}/leave", params={"starts_on__gte": value.isoformat()}, headers=token
        )
        assert listed.status_code in (200, 400), listed.text
    far = await client.post(
        f"{API}/leave",
        json={"staff": worker["id"], "starts_on": "9999-12-30", "ends_on": "9999-12-31"},
        headers=token,
    )
    assert far.status_code in (201, 422), far.text
