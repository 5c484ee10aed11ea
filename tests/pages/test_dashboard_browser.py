"""The dashboards' ECharts and a street's 大屏 in Debian's Chromium: drawn under the strict CSP
without a console error, downloadable as PNG and SVG, and the big screen redrawing itself from
screen.json (and keeping its figures, with a notice, when offline). Screenshots:
test-artifacts/dashboard-echarts.png and big-screen.png."""

from __future__ import annotations

import datetime as dt
import re

from playwright.async_api import Browser, Page

from tables.work import WorkItem
from tests.browser import ARTIFACTS, AdminPage, browser, live_app  # noqa: F401
from tests.factories import PASSWORD
from tests.pages.test_dashboards import world

# Recorded before any page script runs; CSP violations do not always reach the console.
WATCH_CSP = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation",
  e => window.cspViolations.push(e.violatedDirective + " " + e.blockedURI));
"""

RECORD_DOWNLOAD_NAMES = """() => {
  window.downloadNames = [];
  const click = HTMLAnchorElement.prototype.click;
  HTMLAnchorElement.prototype.click = function () {
    window.downloadNames.push(this.download);
    return click.call(this);
  };
}"""


async def staff_tab(
    browser: Browser,  # noqa: F811
    live_app: str,  # noqa: F811
    username: str,
    width: int = 1280,
    height: int = 900,
) -> AdminPage:
    context = await browser.new_context(
        base_url=live_app, viewport={"width": width, "height": height}, locale="zh-CN"
    )
    page = await context.new_page()
    await page.add_init_script(WATCH_CSP)
    admin = AdminPage(page, live_app, username)
    page.on(
        "console",
        lambda message: admin.errors.append(message.text) if message.type == "error" else None,
    )
    page.on(
        "response",
        lambda response: (
            admin.errors.append(f"{response.status} {response.url}")
            if response.status >= 400
            else None
        ),
    )
    # the admin's login endpoint, without loading its single-page app
    await context.request.get("/admin/")
    cookies = {c["name"]: c["value"] for c in await context.cookies()}
    response = await context.request.post(
        "/admin/public/login/",
        data={"username": username, "password": PASSWORD},
        headers={"X-CSRFToken": cookies["csrftoken"]},
    )
    assert response.ok, await response.text()
    return admin


async def no_errors(page: Page, admin: AdminPage) -> None:
    assert await page.evaluate("window.cspViolations") == []
    assert admin.errors == []


async def test_the_dashboard_draws_echarts_with_png_and_svg_downloads(
    browser: Browser,  # noqa: F811
    live_app: str,  # noqa: F811
) -> None:
    tree = await world()
    code = tree.streets["A"]["code"]  # type: ignore[attr-defined]
    admin = await staff_tab(browser, live_app, "jd")
    page = admin.page
    await page.goto(f"/dashboards/street/{code}")
    figures = await page.locator("figure.chart").count()
    assert figures >= 7  # trend, community ranking, stages, refusals, burden, supervision ×2
    await page.wait_for_function(
        "n => document.querySelectorAll('figure.chart.drawn canvas').length >= n", arg=figures
    )
    toolbox = await page.evaluate(
        "Object.keys(PGCharts.chart('trend').getOption().toolbox[0].feature)"
    )
    assert "saveAsImage" in toolbox and "mySvg" in toolbox
    png = await page.evaluate("PGCharts.chart('stages').getDataURL({type: 'png'})")
    assert png.startswith("data:image/png;base64,") and len(png) > 1000
    # Chromium without the zh_CN locale installed saves a Chinese file name as "download";
    # the name the page asks for is read from the link.
    await page.evaluate(RECORD_DOWNLOAD_NAMES)
    async with page.expect_download() as downloading:
        await page.evaluate("PGCharts.svg('stages')")
    assert await page.evaluate("window.downloadNames") == [
        "工作事项（按环节）Work items by stage.svg"
    ]
    download = await downloading.value
    svg = (await download.path()).read_text()
    assert svg.startswith("<svg") and "上报" in svg
    # the tables stay in the page, one click away
    details = page.locator("#stages details.chart-table")
    assert await details.get_attribute("open") is None
    await details.locator("summary").click()
    assert await details.locator("td", has_text="上报").is_visible()
    assert await page.locator("a", has_text="大屏").get_attribute("href") == (
        f"/dashboards/street/{code}/screen"
    )
    # the map component of the map pages, here with the street's areas drawn
    await page.wait_for_selector(".atlas .leaflet-overlay-pane path.leaflet-interactive")
    await page.screenshot(path=str(ARTIFACTS / "dashboard-echarts.png"), full_page=True)

    await page.goto(f"/dashboards/street/{code}?renderer=svg")
    await page.wait_for_function(
        "n => document.querySelectorAll('figure.chart.drawn .chart-canvas svg').length >= n",
        arg=figures,
    )
    assert await page.locator("#trend .chart-canvas svg text", has_text="签到率").count() >= 1
    await no_errors(page, admin)
    await page.context.close()


async def test_the_big_screen_redraws_itself_and_keeps_its_figures_offline(
    browser: Browser,  # noqa: F811
    live_app: str,  # noqa: F811
) -> None:
    tree = await world()
    code = tree.streets["A"]["code"]  # type: ignore[attr-defined]
    admin = await staff_tab(browser, live_app, "jd", width=1920, height=1080)
    page = admin.page
    await page.goto(f"/dashboards/street/{code}/screen?refresh=1")
    await page.wait_for_function(
        "() => document.querySelectorAll('figure.chart.drawn canvas').length === 3"
    )
    overdue = page.locator('.figures [data-key="overdue_work"] dd')
    assert await overdue.inner_text() == "0件"
    first = await page.locator("#screen-updated").inner_text()

    await WorkItem.update(
        {WorkItem.due_at: dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)}, force=True
    ).where(WorkItem.title == "A1-1")
    await page.wait_for_function(
        "() => document.querySelector('[data-key=overdue_work] dd').textContent === '1件'"
    )
    assert await page.locator('.figures [data-key="overdue_work"]').get_attribute("class") == "warn"
    updated = await page.locator("#screen-updated").inner_text()
    assert updated != first and re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", updated)
    assert int(await page.locator("#screen").get_attribute("data-updates") or 0) >= 1
    await page.screenshot(path=str(ARTIFACTS / "big-screen.png"))
    await no_errors(page, admin)

    await page.context.set_offline(True)
    await page.wait_for_function(
        "() => document.getElementById('screen-notice').textContent.includes('数据更新失败')"
    )
    assert await overdue.inner_text() == "1件"  # the last figures stay
    assert await page.locator("#screen-updated").inner_text() in (
        await page.locator("#screen-notice").inner_text()
    )
    await page.context.set_offline(False)
    await page.wait_for_function(
        "() => document.getElementById('screen-notice').textContent === ''"
    )
    assert await page.evaluate("window.cspViolations") == []
    await page.context.close()


async def test_the_public_page_maps_the_communitys_grids_without_personal_data(
    browser: Browser,  # noqa: F811
    live_app: str,  # noqa: F811
) -> None:
    tree = await world()
    community = tree.communities["A1"]  # type: ignore[attr-defined]
    context = await browser.new_context(base_url=live_app, viewport={"width": 390, "height": 844})
    page = await context.new_page()
    await page.add_init_script(WATCH_CSP)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    layers: list[str] = []
    page.on("request", lambda r: layers.append(r.url) if "/layers?" in r.url else None)
    await page.goto(f"/public/communities/{community['code']}")
    await page.wait_for_selector(".atlas .leaflet-overlay-pane path.leaflet-interactive")
    assert layers and all(
        f"/maps/api/public/communities/{community['code']}/layers?" in url for url in layers
    )
    atlas = page.locator(".atlas")
    assert await atlas.locator("a[href*='/admin/']").count() == 0
    assert "户籍图" not in await atlas.inner_text()
    assert await atlas.locator(".leaflet-control-layers").count() == 0  # nothing but shapes
    assert await page.evaluate("window.cspViolations") == [] and errors == []
    await page.screenshot(path=str(ARTIFACTS / "public-page-map.png"), full_page=True)
    await context.close()
