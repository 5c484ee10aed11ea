"""Malformed workbooks and hostile cell values: always a clear 4xx, never a 500, nothing written.

A seeded fuzz (same cases on every run) over POST /api/v1/imports/{kind}: byte-level mutations
of a valid workbook, truncated and non-workbook files, and rows of odd values in every column.
"""

from __future__ import annotations

import random

import httpx

from tables.areas import ResponsibilityGrid
from tables.people import StaffMember
from tables.places import Building, Household, Resident
from tests.admin.support import admin_login
from tests.excel.support import xlsx
from tests.excel.test_imports import HOUSEHOLD_HEADERS, buildings_in
from tests.factories import area_tree, make_staff

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODD_VALUES = [
    "",
    " ",
    "💥" * 50,
    "x" * 5000,
    "=1+1",
    "-1",
    "1e309",
    "NaN",
    "2026-02-30",
    "<script>alert(1)</script>",
    "'; DROP TABLE household; --",
    3.5,
    -7,
    10**30,
    True,
    None,
]


async def counts() -> tuple[int, ...]:
    return (
        await Household.count(),
        await Resident.count(),
        await Building.count(),
        await ResponsibilityGrid.count(),
        await StaffMember.count(),
    )


def mutations(valid: bytes, rng: random.Random) -> list[bytes]:
    files = [b"", b"PK\x03\x04", valid[: len(valid) // 2], b"not a workbook at all", b"\xff" * 2048]
    for _ in range(12):
        data = bytearray(valid)
        for _ in range(rng.randint(1, 20)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        files.append(bytes(data))
    return files


async def test_malformed_files_and_odd_values_are_refused_with_nothing_written(
    client: httpx.AsyncClient,
) -> None:
    rng = random.Random(2026)
    tree = await area_tree()
    [code] = await buildings_in(tree.grids["A1-1"], 1)
    await make_staff("sq", role="community_admin", community=tree.communities["A1"])
    headers = await admin_login(client, "sq")
    before = await counts()
    valid = xlsx(HOUSEHOLD_HEADERS, [(code, "1-101", 2, "")])

    for data in mutations(valid, rng):
        for kind in ("households", "residents", "grids", "buildings", "staff"):
            response = await client.post(
                f"/api/v1/imports/{kind}?dry_run=false",
                files={"file": ("f.xlsx", data, XLSX)},
                headers=headers,
            )
            # A mutation may leave a readable workbook whose rows are wrong for this kind.
            assert 400 <= response.status_code < 500, (
                kind,
                response.status_code,
                response.text[:300],
            )
            assert response.headers["content-type"].startswith("application/problem+json") or (
                response.status_code == 422 and "errors" in response.json()
            )
    for _ in range(40):
        row = [rng.choice(ODD_VALUES) for _ in HOUSEHOLD_HEADERS]
        response = await client.post(
            "/api/v1/imports/households?dry_run=false",
            files={"file": ("f.xlsx", xlsx(HOUSEHOLD_HEADERS, [row]), XLSX)},
            headers=headers,
        )
        assert response.status_code == 422, (row, response.status_code, response.text[:300])
        assert response.json()["errors"], row
    assert await counts() == before
