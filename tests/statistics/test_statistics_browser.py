"""一表通 in headless Chromium: the community's inbox → fill → submit, the street aggregates."""

from __future__ import annotations

import json
import re

import pytest
from playwright.async_api import Browser

from app.settings import settings
from tests.browser import AdminPage, admin_page, browser, live_app
from tests.statistics.conftest import BOUND, Demo
from tests.statistics.test_statistics import HAND, ask

__all__ = ["admin_page", "browser", "live_app"]  # fixtures used by the tests
pytestmark = pytest.mark.shared_data

FILL = "/forms/填报统计报表-fill-in-a-statistics-report"
LINE = re.compile(r"^(?P<key>[a-z][a-z0-9_.]*) = (?P<value>[^#]*?)\s+#", re.MULTILINE)


async def test_inbox_fill_submit_and_aggregate(
    demo: Demo, admin_page: AdminPage, browser: Browser, live_app: str
) -> None:
    request = await ask(demo, "browser")
    page = admin_page
    await page.login("sq01", settings.demo_password)
    await page.open(FILL, "form")
    options = await page.page.locator("form select[name=answer] option").all_inner_texts()
    mine = [o for o in options if "社区基本情况 browser" in o]
    assert len(mine) == 1 and "待填报" in mine[0]
    await page.shot("1-inbox")
    value = await page.page.locator(
        "form select[name=answer] option", has_text="browser"
    ).first.get_attribute("value")
    assert value is not None
    shown = await page.submit_form({"answer": value})
    prefilled = {m["key"]: m["value"].strip() for m in LINE.finditer(shown)}
    assert set(prefilled) >= {k for k, _, _ in BOUND} and "系统计算" in shown
    await page.shot("2-computed-values")
    prefilled["hh.total"] = str(int(prefilled["hh.total"]) + 1)  # a correction
    prefilled["elderly.total"] = str(int(prefilled["res.age60"]) + int(prefilled["res.age80"]))
    typed = {**{k: str(v) for k, v in HAND.items()}, "has.plan": "是"}
    lines = "\n".join(f"{k} = {v}" for k, v in {**prefilled, **typed}.items())
    await page.page.reload()
    await page.page.wait_for_selector("form select[name=answer]")
    await page.page.wait_for_load_state("networkidle")
    await page.page.locator("form select[name=answer]").select_option(value)
    await page.page.locator("form [name=values]:visible").fill(lines)
    await page.page.locator("form select[name=submit]").select_option("true")
    await page.shot("3-filled")
    await page.page.click("button[data-uitest=submit_custom_form_button]")
    outcome = page.page.locator("#success_message:visible, div.errors:visible")
    await outcome.first.wait_for()
    assert "已提交" in await outcome.first.inner_text()
    await page.shot("4-submitted")

    context = await browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    street = AdminPage(
        await context.new_page(), live_app, "test_inbox_fill_submit_and_aggregate-street"
    )
    await street.login("jd1", settings.demo_password)
    await street.page.goto(f"{live_app}/api/v1/statistics/requests/{request['id']}/results")
    result = json.loads(await street.page.inner_text("body"))
    assert result["submitted"] == 1
    assert float(next(iter(result["streets"].values()))["hh.total"]) == int(prefilled["hh.total"])
    await street.shot("5-aggregate")
    street.assert_no_errors()
    await context.close()
