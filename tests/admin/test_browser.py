"""The admin in headless Chromium: each role sees its scope, works through the forms, in Chinese."""

from __future__ import annotations

import datetime as dt

from admin import labels
from app.clock import local_today
from app.demo import load_demo
from app.settings import settings
from tables.daily import CheckIn, DiaryEntry
from tables.work import AccessListEntry
from tests.admin.test_admin_language import admin_tables
from tests.browser import ENGLISH_LEFTOVERS, AdminPage, admin_page, browser, live_app
from tests.factories import area_tree, make_access_entry, make_department, make_staff

__all__ = ["admin_page", "browser", "live_app"]  # fixtures used by the tests

CHECK_IN = "/forms/签到-check-in-now"
DIARY = "/forms/写民情日记-write-a-diary-entry"
DECIDE = "/forms/准入清单审批-decide-an-access-list-entry"


async def test_community_worker_sees_own_grids_checks_in_and_writes_diary(
    admin_page: AdminPage,
) -> None:
    tree = await area_tree()
    grid = tree.grids["A1-1"]
    worker = await make_staff("wg_a1", community=tree.communities["A1"], grids=[grid])
    page = admin_page
    await page.login("wg_a1")

    await page.open("/responsibility_grid", f"text={grid['code']}")
    listing = await page.text()
    assert "责任网格" in listing and "显示 2 条，共 2 条" in listing and "/ 共 1 页" in listing
    page_sizes = page.page.locator("option[label$=条]")
    assert "每页 15 条" in [await o.get_attribute("label") for o in await page_sizes.all()]
    assert tree.grids["A1-2"]["code"] in listing
    for other in ("A2-1", "A2-2", "B1-1", "B1-2"):
        assert tree.grids[other]["code"] not in listing
    assert not ENGLISH_LEFTOVERS.search(listing), ENGLISH_LEFTOVERS.search(listing)
    await page.shot("1-grid-list")

    await page.open(f"/responsibility_grid/{grid['id']}", "label:has-text('网格编码')")
    assert "编辑 责任网格" in await page.text()
    await page.shot("2-grid-detail")

    await page.open(CHECK_IN, "form")
    options = await page.page.locator("form select[name=grid] option").all_inner_texts()
    assert options == [f"{grid['code']} {grid['name']}"]  # only the worker's own grid
    await page.shot("3-check-in-form")
    message = await page.submit_form({"latitude": "30.905", "longitude": "117.802", "note": "到岗"})
    assert "已签到" in message, message
    await page.shot("4-checked-in")
    check_in = await CheckIn.select().where(CheckIn.staff == worker["id"]).first()
    assert check_in is not None and check_in["counted"] and check_in["grid"] == grid["id"]

    await page.open(DIARY, "form")
    message = await page.submit_form(
        {"content": "走访 3-502 独居老人，反映楼道灯坏了", "category": "visit"}
    )
    assert "民情日记已保存" in message, message
    entries = await DiaryEntry.select().where(DiaryEntry.staff == worker["id"]).run()
    assert [e["content"] for e in entries] == ["走访 3-502 独居老人，反映楼道灯坏了"]

    # A follow-up in the past breaks a rule: the form says so, in the form, and saves nothing.
    await page.page.click("text=再填一份")
    yesterday = (local_today() - dt.timedelta(days=1)).isoformat()
    message = await page.submit_form({"content": "回访", "follow_up_due": yesterday})
    assert "填写有误（跟进期限）" in message and "past" in message, message
    await page.shot("5-diary-refused")
    assert await DiaryEntry.count().where(DiaryEntry.staff == worker["id"]) == 1


async def test_street_official_approves_an_access_list_entry(admin_page: AdminPage) -> None:
    tree = await area_tree()
    department = await make_department()
    entry = await make_access_entry(tree.streets["A"], department, status="proposed")
    other_street = await make_access_entry(
        tree.streets["B"], department, status="proposed", name="和平街道的事项"
    )
    official = await make_staff("jd_a", role="street_official", street=tree.streets["A"])
    page = admin_page
    await page.login("jd_a")

    await page.open(DECIDE, "form")
    options = await page.page.locator("form select[name=entry] option").all_inner_texts()
    assert options == ["[拟定] 高龄津贴申领初审"]  # not the other street's entry
    await page.shot("1-decide-form")
    message = await page.submit_form({"entry": str(entry["id"]), "decision": "approved"})
    assert "已准入" in message, message
    await page.shot("2-approved")

    decided = await AccessListEntry.select().where(AccessListEntry.id == entry["id"]).first()
    assert decided is not None
    assert (decided["status"], decided["decided_by"]) == ("approved", official["user"])
    untouched = (
        await AccessListEntry.select().where(AccessListEntry.id == other_street["id"]).first()
    )
    assert untouched is not None and untouched["status"] == "proposed"

    # A decided entry can no longer be edited: the edit page says why (a 409, not a 422).
    await page.open(f"/access_list_entry/{entry['id']}", "button[data-uitest=save_button]")
    await page.page.fill("input[name=name]", "改过的名称")
    await page.page.click("button[data-uitest=save_button]")
    refusal = await page.page.locator("div.errors").inner_text()
    assert "状态：this entry is approved: only proposed entries can be edited" in refusal, refusal
    await page.shot("3-edit-refused")

    await page.open("/access_list_entry", "text=高龄津贴申领初审")
    listing = await page.text()
    assert "已准入" in listing and "和平街道的事项" not in listing
    assert not ENGLISH_LEFTOVERS.search(listing), ENGLISH_LEFTOVERS.search(listing)
    await page.shot("4-access-list")


async def test_every_table_list_and_detail_page_renders_in_chinese(admin_page: AdminPage) -> None:
    """The district administrator opens each table of the demo district and one of its rows."""
    await load_demo()
    page = admin_page
    await page.login("admin", settings.demo_password)
    for table in admin_tables():
        name = table._meta.tablename
        heading = labels.table_names(table)[0]
        try:
            await page.open(f"/{name}", "p:has-text('显示'), p:has-text('没有找到记录')")
        except Exception:
            await page.shot(f"{name}-failed")
            raise AssertionError(f"{name}: list page did not load: {page.errors}") from None
        listing = await page.text()
        assert heading in listing, name
        assert not ENGLISH_LEFTOVERS.search(listing), (name, ENGLISH_LEFTOVERS.search(listing))
        first = await table.select(table._meta.primary_key).first()
        if first is not None:
            await page.open(f"/{name}/{first['id']}", "button[data-uitest=save_button]")
            detail = await page.text()
            assert f"编辑 {heading}" in detail, name
            assert not ENGLISH_LEFTOVERS.search(detail), (name, ENGLISH_LEFTOVERS.search(detail))
        if name in ("resident", "work_item", "supervision_record"):
            await page.shot(f"{name}-detail")
    page.assert_no_errors()
