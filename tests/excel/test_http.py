"""Excel through the web: upload page (check, then import), API, templates and exports."""

from __future__ import annotations

import httpx

from app.clock import local_today
from app.jobs.rollups import rollup_period
from tables.places import Household
from tests.admin.support import admin_login
from tests.excel.support import read_back, xlsx
from tests.excel.test_imports import HOUSEHOLD_HEADERS, buildings_in
from tests.factories import area_tree, make_household, make_staff

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def test_pages_and_downloads_need_a_login(client: httpx.AsyncClient) -> None:
    for url in ("/excel/", "/excel/templates/households.xlsx", "/excel/export/household.xlsx"):
        response = await client.get(url)
        assert response.status_code == 303 and response.headers["location"] == "/admin/"


async def test_upload_is_checked_first_and_imported_on_confirmation(
    client: httpx.AsyncClient,
) -> None:
    tree = await area_tree()
    [code] = await buildings_in(tree.grids["A1-1"], 1)
    await make_staff("sq", role="community_admin", community=tree.communities["A1"])
    await admin_login(client, "sq")
    page = await client.get("/excel/")
    assert "下载模板" in page.text
    csrf = client.cookies["csrftoken"]
    file = xlsx(HOUSEHOLD_HEADERS, [(code, "1-101", 2, ""), (code, "1-102", 3, "低保")])
    checked = await client.post(
        "/excel/import",
        data={"kind": "households", "csrf": csrf},
        files={"file": ("households.xlsx", file, XLSX)},
    )
    assert checked.status_code == 200 and "预检通过" in checked.text
    assert await Household.count() == 0
    token = checked.text.split('name="token" value="')[1].split('"')[0]
    done = await client.post(
        "/excel/import/confirm", data={"kind": "households", "token": token, "csrf": csrf}
    )
    assert "已导入 2 行" in done.text and await Household.count() == 2
    again = await client.post(
        "/excel/import/confirm", data={"kind": "households", "token": token, "csrf": csrf}
    )
    assert again.status_code == 422 and await Household.count() == 2  # a token is used once


async def test_an_upload_with_errors_lists_them_and_offers_no_import(
    client: httpx.AsyncClient,
) -> None:
    tree = await area_tree()
    [code] = await buildings_in(tree.grids["A1-1"], 1)
    await make_staff("sq", role="community_admin", community=tree.communities["A1"])
    await admin_login(client, "sq")
    file = xlsx(HOUSEHOLD_HEADERS, [(code, "1-101", "两", ""), ("404", "1-102", 3, "")])
    checked = await client.post(
        "/excel/import",
        data={"kind": "households", "csrf": client.cookies["csrftoken"]},
        files={"file": ("households.xlsx", file, XLSX)},
    )
    assert (
        "整份文件未写入" in checked.text and "人口数" in checked.text and "楼栋编码" in checked.text
    )
    assert 'name="token"' not in checked.text


async def test_the_api_imports_with_a_dry_run_first(client: httpx.AsyncClient) -> None:
    tree = await area_tree()
    [code] = await buildings_in(tree.grids["A1-1"], 1)
    await make_staff("sq", role="community_admin", community=tree.communities["A1"])
    headers = await admin_login(client, "sq")
    file = {"file": ("h.xlsx", xlsx(HOUSEHOLD_HEADERS, [(code, "1-101", 2, "")]), XLSX)}
    dry = await client.post("/api/v1/imports/households", files=file, headers=headers)
    assert dry.status_code == 200 and dry.json()["valid"] == 1 and not dry.json()["committed"]
    assert await Household.count() == 0
    real = await client.post(
        "/api/v1/imports/households?dry_run=false", files=file, headers=headers
    )
    assert real.json()["committed"] and await Household.count() == 1
    bad = await client.post(
        "/api/v1/imports/households?dry_run=false",
        files={"file": ("h.xlsx", xlsx(HOUSEHOLD_HEADERS, [(code, "", 2, "")]), XLSX)},
        headers=headers,
    )
    assert bad.status_code == 422
    assert bad.json()["errors"] == [
        {"row": 2, "column": "房号", "field": "room", "reason": "必填 is required"}
    ]
    assert (
        await client.post("/api/v1/imports/pets", files=file, headers=headers)
    ).status_code == 404


async def test_templates_have_chinese_headers_and_explanations(client: httpx.AsyncClient) -> None:
    tree = await area_tree()
    await make_staff("sq", role="community_admin", community=tree.communities["A1"])
    await admin_login(client, "sq")
    response = await client.get("/excel/templates/households.xlsx")
    assert response.headers["content-type"] == XLSX
    assert read_back(response.content)[0] == ["楼栋编码*", "房号*", "人口数", "关爱标签"]
    explained = read_back(response.content, "填写说明")
    assert any(row[0] == "关爱标签" and "独居老人" in (row[4] or "") for row in explained)


async def test_a_list_export_keeps_the_filters_and_the_scope(client: httpx.AsyncClient) -> None:
    tree = await area_tree()
    await make_household(tree.grids["A1-1"], "1-101")
    await make_household(tree.grids["A1-2"], "2-201")
    await make_household(tree.grids["B1-1"], "3-301")
    await make_staff("jd", role="street_official", street=tree.streets["A"])
    await admin_login(client, "jd")
    everything = read_back((await client.get("/excel/export/household.xlsx")).content)
    header_row = next(i for i, row in enumerate(everything) if "房号" in row)
    rooms = sorted(
        row[everything[header_row].index("房号")] for row in everything[header_row + 1 :]
    )
    assert rooms == ["1-101", "2-201"]  # street B's household is outside the scope
    filtered = read_back(
        (await client.get(f"/excel/export/household.xlsx?grid={tree.grids['A1-2']['id']}")).content
    )
    assert [row[filtered[header_row].index("房号")] for row in filtered[header_row + 1 :]] == [
        "2-201"
    ]
    grid_cell = filtered[header_row + 1][filtered[header_row].index("所属网格")]
    assert tree.grids["A1-2"]["code"] in grid_cell  # foreign keys by their readable name


async def test_rollups_and_the_monthly_report_export(client: httpx.AsyncClient) -> None:
    tree = await area_tree()
    await make_staff("wg", community=tree.communities["A1"], grids=[tree.grids["A1-1"]])
    await make_staff("jd", role="street_official", street=tree.streets["A"])
    month = local_today().replace(day=1)
    await rollup_period("month", month)
    await admin_login(client, "jd")
    rollups = read_back(
        (
            await client.get(f"/excel/rollups.xlsx?period_start={month}&target_kind=community")
        ).content
    )
    names = [row[1] for row in rollups[4:]]
    assert sorted(names) == ["A1社区", "A2社区"]
    report = await client.get(f"/excel/reports/{tree.streets['A']['code']}/{month:%Y-%m}.xlsx")
    assert report.status_code == 200
    import io

    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(report.content))
    assert book.sheetnames == ["汇总", "社区排名", "网格排名", "网格员考核与补贴", "准入拒绝"]
    assert "幸福街道" in book["汇总"]["A1"].value
    other = await client.get(f"/excel/reports/{tree.streets['B']['code']}/{month:%Y-%m}.xlsx")
    assert other.status_code == 404


async def test_admin_forms_download_templates_and_exports(client: httpx.AsyncClient) -> None:
    tree = await area_tree()
    await make_household(tree.grids["A1-1"], "1-101")
    await make_staff("sq", role="community_admin", community=tree.communities["A1"])
    headers = await admin_login(client, "sq")
    response = await client.post(
        "/admin/api/forms/下载导入模板-excel-template/", json={"kind": "buildings"}, headers=headers
    )
    assert response.status_code == 200, response.text
    assert read_back(response.content)[0][0] == "网格编码*"
    exported = await client.post(
        "/admin/api/forms/导出列表-export-a-list-to-excel/",
        json={"table": "household", "filters": "room=1-101"},
        headers=headers,
    )
    assert exported.status_code == 200, exported.text
    assert any("1-101" in row for row in read_back(exported.content))


async def test_notices_are_edited_in_the_admin_through_their_cleaner(
    client: httpx.AsyncClient,
) -> None:
    from tables.notices import PublicNotice

    tree = await area_tree()
    await make_staff("sq", role="community_admin", community=tree.communities["A1"])
    headers = await admin_login(client, "sq")
    notice = {
        "community": tree.communities["A1"]["id"],
        "title": "停水通知",
        "body": "周六停水",
        "visible": True,
        "published_at": None,
    }
    created = await client.post("/admin/api/tables/public_notice/", json=notice, headers=headers)
    assert created.status_code in (200, 201), created.text
    refused = await client.post(
        "/admin/api/tables/public_notice/",
        json={**notice, "body": "联系人电话 13912345678"},
        headers=headers,
    )
    assert refused.status_code == 422 and "phone" in refused.text
    assert await PublicNotice.count() == 1
