"""A buildings or grids sheet copied from AMap or Baidu says so in its 坐标系 column: the row's
point and its polygon (轮廓 footprint, 边界 boundary) are stored in WGS84."""

from __future__ import annotations

import io
import json
from collections.abc import Sequence

import httpx
from openpyxl import load_workbook

from app.coordinates import wgs84_to_bd09, wgs84_to_gcj02
from app.geo import rectangle
from tables.areas import ResponsibilityGrid
from tables.places import Building
from tests.admin.support import admin_login
from tests.excel.support import read_back, run_import, xlsx
from tests.factories import area_tree, make_community, make_staff
from tests.test_coordinates import assert_within_a_metre, corners_of, metres, shifted

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADERS = ["网格编码", "地址", "经度", "纬度", "坐标系"]
WGS = (117.8025, 30.905)  # inside grid A1-1; its GCJ-02 form lies in grid A1-2


FOOTPRINT_HEADERS = [*HEADERS, "轮廓"]
AROUND = corners_of(rectangle(117.8023, 30.9048, 117.8027, 30.9052))  # around WGS


async def grid_a1_1_code_and_admin_headers(client: httpx.AsyncClient) -> tuple[str, dict[str, str]]:
    """The area tree: grid A1-1's code, and the headers of A1's admin "sq" logged in."""
    tree = await area_tree()
    await make_staff("sq", role="community_admin", community=tree.communities["A1"])
    return tree.grids["A1-1"]["code"], await admin_login(client, "sq")


async def upload(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    rows: list,
    columns: Sequence[str] = HEADERS,
) -> httpx.Response:
    file = {"file": ("b.xlsx", xlsx(columns, rows), XLSX)}
    return await client.post("/api/v1/imports/buildings?dry_run=false", files=file, headers=headers)


async def test_rows_in_gcj02_and_bd09_are_stored_in_wgs84(client: httpx.AsyncClient) -> None:
    code, headers = await grid_a1_1_code_and_admin_headers(client)
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
    code, headers = await grid_a1_1_code_and_admin_headers(client)
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


def corner_list(corners: Sequence[Sequence[float]]) -> str:
    """A polygon cell as people type it: "lng,lat;lng,lat;…" (the ring left open)."""
    return ";".join(f"{lon},{lat}" for lon, lat in corners)


async def test_footprints_in_the_outline_column_are_stored_in_wgs84_and_exported(
    client: httpx.AsyncClient,
) -> None:
    code, headers = await grid_a1_1_code_and_admin_headers(client)
    gcj, bd = wgs84_to_gcj02(*WGS), wgs84_to_bd09(*WGS)
    on_amap = shifted(AROUND, wgs84_to_gcj02)["coordinates"][0][:-1]
    on_baidu = json.dumps(shifted(AROUND, wgs84_to_bd09))
    done = await upload(
        client,
        headers,
        [
            (code, "高德1栋", *gcj, "GCJ-02", corner_list(on_amap)),
            (code, "百度2栋", *bd, "百度", on_baidu),  # GeoJSON text
            (code, "GPS3栋", *WGS, None, corner_list(AROUND)),
            (code, "4栋", *WGS, None, None),  # a building without an outline
        ],
        FOOTPRINT_HEADERS,
    )
    assert done.status_code == 200, done.text
    assert done.json()["committed"] and done.json()["valid"] == 4
    rows = {
        row["address"]: row["footprint"]
        for row in await Building.select(Building.address, Building.footprint)
    }
    for address in ("高德1栋", "百度2栋", "GPS3栋"):
        assert_within_a_metre(rows[address], AROUND)
    assert rows["4栋"] is None

    # The list export has the 轮廓 column: GeoJSON text the template's 轮廓 column takes back.
    exported = read_back((await client.get("/excel/export/building.xlsx")).content)
    [header] = [row for row in exported if row and "轮廓" in row]
    by_address = {row[header.index("地址")]: row for row in exported if row and row[0] != header[0]}
    cell = by_address["高德1栋"][header.index("轮廓")]
    assert json.loads(cell) == json.loads(rows["高德1栋"])
    again = await upload(client, headers, [(code, "5栋", *WGS, None, cell)], FOOTPRINT_HEADERS)
    assert again.status_code == 200, again.text
    [copy] = await Building.select(Building.footprint).where(Building.address == "5栋")
    assert json.loads(copy["footprint"]) == json.loads(rows["高德1栋"])


async def test_bad_outlines_are_reported_at_the_outline_column_and_nothing_is_written() -> None:
    tree = await area_tree()
    code = tree.grids["A1-1"]["code"]
    on_amap = corner_list(shifted(AROUND, wgs84_to_gcj02)["coordinates"][0][:-1])
    line = json.dumps({"type": "LineString", "coordinates": [[117.80, 30.90], [117.81, 30.91]]})
    bow_tie = corner_list([AROUND[0], AROUND[2], AROUND[1], AROUND[3]])
    cases = [
        ("117.8023,30.9048;北门", "longitude,latitude"),
        ("{not json", "GeoJSON"),
        (line, "Polygon"),
        (bow_tie, "invalid polygon"),
        (on_amap, "enclose"),  # AMap's outline taken as WGS84: 500 m off the point
    ]
    rows = [(code, f"{n}栋", *WGS, None, cell) for n, (cell, _) in enumerate(cases, start=1)]
    rows.append((code, "6栋", *wgs84_to_gcj02(*WGS), "GCJ-02", line))
    report = await run_import("buildings", FOOTPRINT_HEADERS, rows)
    assert [(e.row, e.column, e.field) for e in report.errors] == [
        (row, "轮廓", "footprint") for row in range(2, 8)
    ]
    for error, (_, reason) in zip(report.errors, cases, strict=False):
        assert reason in error.reason, error
    assert not report.committed and await Building.count() == 0


async def test_grid_boundaries_follow_the_rows_coordinate_system() -> None:
    tree = await area_tree()
    community = await make_community(tree.streets["A"], "003", 117.85, 30.90, name="新社区")
    headers = ["社区编码", "网格名称", "户数", "边界", "坐标系"]
    west = corners_of(rectangle(117.85, 30.90, 117.855, 30.91))
    east = corners_of(rectangle(117.855, 30.90, 117.86, 30.91))
    on_amap = corner_list(shifted(east, wgs84_to_gcj02)["coordinates"][0][:-1])
    on_baidu = json.dumps(shifted(west, wgs84_to_bd09))
    # Unconverted, AMap's east half sticks out of the community: refused at 边界.
    refused = await run_import("grids", headers, [(community["code"], "东片", 300, on_amap, None)])
    assert [(e.row, e.column) for e in refused.errors] == [(2, "边界")]
    assert "inside the boundary of community" in refused.errors[0].reason
    report = await run_import(
        "grids",
        headers,
        [
            (community["code"], "东片", 300, on_amap, "高德"),
            (community["code"], "西片", 300, on_baidu, "BD-09"),
        ],
    )
    assert report.ok and report.committed, report.errors
    grids = {
        row["name"]: row
        for row in await ResponsibilityGrid.select().where(
            ResponsibilityGrid.community == community["id"]
        )
    }
    assert_within_a_metre(grids["东片"]["boundary"], east)
    assert_within_a_metre(grids["西片"]["boundary"], west)
    # Numbered west → east on the converted shapes.
    assert grids["西片"]["code"] < grids["东片"]["code"]


async def test_the_templates_explain_outlines_and_systems(client: httpx.AsyncClient) -> None:
    tree = await area_tree()
    await make_staff("sq", role="community_admin", community=tree.communities["A1"])
    await admin_login(client, "sq")
    for kind, polygon_header in (("buildings", "轮廓"), ("grids", "边界")):
        response = await client.get(f"/excel/templates/{kind}.xlsx")
        assert response.status_code == 200
        assert {polygon_header, "坐标系"} <= set(read_back(response.content)[0])
        sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
        lists = [v.formula1 for v in sheet.data_validations.dataValidation]
        assert '"WGS84,GCJ-02,BD-09"' in lists
        notes = read_back(response.content, "填写说明")
        [row] = [r for r in notes if r and r[0] == polygon_header]
        assert "GeoJSON Polygon" in row[3] and "分号" in row[3] and "坐标系" in row[3]
        assert ";" in row[2]  # the example is a list of corners
