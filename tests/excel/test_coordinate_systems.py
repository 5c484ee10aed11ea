"""A buildings sheet copied from AMap or Baidu says so in its 坐标系 column; WGS84 is stored."""

from __future__ import annotations

import io

import httpx
from openpyxl import load_workbook

from app.coordinates import wgs84_to_bd09, wgs84_to_gcj02
from tables.places import Building
from tests.admin.support import admin_login
from tests.excel.support import read_back, xlsx
from tests.factories import area_tree, make_staff
from tests.test_coordinates import metres

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADERS = ["网格编码", "地址", "经度", "纬度", "坐标系"]
WGS = (117.8025, 30.905)  # inside grid A1-1; its GCJ-02 form lies in grid A1-2


async def upload(client: httpx.AsyncClient, headers: dict[str, str], rows: list) -> httpx.Response:
    file = {"file": ("b.xlsx", xlsx(HEADERS, rows), XLSX)}
    return await client.post("/api/v1/imports/buildings?dry_run=false", files=file, headers=headers)


async def test_rows_in_gcj02_and_bd09_are_stored_in_wgs84(client: httpx.AsyncClient) -> None:
    tree = await area_tree()
    code = tree.grids["A1-1"]["code"]
    await make_staff("sq", role="community_admin", community=tree.communities["A1"])
    headers = await admin_login(client, "sq")
    gcj, bd = wgs84_to_gcj02(*WGS), wgs84_to_bd09(*WGS)
    done = await upload(
        client,
        headers,
        [
            (code, "高德1栋", *gcj, "GCJ-02"),
            (code, "腾讯2栋", *gcj, "腾讯"),
            (code, "百度3栋", *bd, "百度"),
            (code, "GPS4栋", *WGS, None),  # blank: WGS84
            (code, "天地图5栋", *WGS, "CGCS2000"),
        ],
    )
    assert done.status_code == 200, done.text
    assert done.json()["committed"] and done.json()["valid"] == 5
    rows = await Building.select(Building.address, Building.longitude, Building.latitude)
    assert len(rows) == 5
    for row in rows:
        assert metres((row["longitude"], row["latitude"]), WGS) < 0.01, row


async def test_unknown_systems_and_unconverted_points_are_reported_by_column(
    client: httpx.AsyncClient,
) -> None:
    tree = await area_tree()
    code = tree.grids["A1-1"]["code"]
    await make_staff("sq", role="community_admin", community=tree.communities["A1"])
    headers = await admin_login(client, "sq")
    gcj = wgs84_to_gcj02(*WGS)
    refused = await upload(
        client,
        headers,
        [
            (code, "1栋", *gcj, "北京54"),
            (code, "2栋", *gcj, None),  # AMap's numbers taken as WGS84: the next grid
            (code, "3栋", *gcj, "GCJ-02"),
        ],
    )
    assert refused.status_code == 422
    errors = refused.json()["errors"]
    assert [(e["row"], e["column"], e["field"]) for e in errors] == [
        (2, "坐标系", "coordinate_system"),
        (3, "经度", "longitude"),
    ]
    assert "GCJ-02" in errors[0]["reason"] and "outside grid" in errors[1]["reason"]
    assert await Building.count() == 0


async def test_the_template_offers_the_systems(client: httpx.AsyncClient) -> None:
    tree = await area_tree()
    await make_staff("sq", role="community_admin", community=tree.communities["A1"])
    await admin_login(client, "sq")
    response = await client.get("/excel/templates/buildings.xlsx")
    assert response.status_code == 200
    assert "坐标系" in read_back(response.content)[0]
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    lists = [v.formula1 for v in sheet.data_validations.dataValidation]
    assert '"WGS84,GCJ-02,BD-09"' in lists
    notes = read_back(response.content, "填写说明")
    [row] = [r for r in notes if r and r[0] == "坐标系"]
    assert "高德" in row[3] and "百度" in row[3] and row[4] == "WGS84、GCJ-02、BD-09"
