"""The pages in a real browser (headless Chromium): scope, the public page, grid clicks.

The app is served by uvicorn inside the test's event loop (sharing its database pool) and
Chromium is Debian's (/usr/bin/chromium, driven by Playwright). Screenshots go to
test-artifacts/.
"""

from __future__ import annotations

import asyncio
import re
import socket
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import uvicorn
from playwright.async_api import BrowserContext, Page, async_playwright

from app.crud import insert_row
from app.demo import load_demo
from app.geo import rectangle
from app.settings import ROOT, settings
from tables.areas import Community, ResponsibilityGrid, Street
from tables.people import StaffMember
from tables.places import Building, Resident
from tables.supervision import SupervisionRecord
from tests.excel.support import xlsx

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = ROOT / "test-artifacts"
ID_NUMBER = re.compile(r"(?<![\d.])\d{17}[\dX](?!\d)")
MOBILE = re.compile(r"(?<![\d.])1[3-9]\d{9}(?!\d)")


@pytest.fixture(autouse=True)
def chromium_installed() -> None:
    """The browser tests need Debian's chromium; without it they fail and say how to get it."""
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: apt-get install -y chromium fonts-noto-cjk "
            "(as .ci/run does)"
        )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
async def server() -> AsyncIterator[str]:
    """The app on a local port, in this event loop (lifespan off: the test pool is used)."""
    from app.asgi import app

    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, lifespan="off", log_level="warning")
    instance = uvicorn.Server(config)
    task = asyncio.create_task(instance.serve())
    for _ in range(200):  # uvicorn has no startup event to await; at most 10 s
        if instance.started:
            break
        await asyncio.sleep(0.05)
    assert instance.started, "the server did not start"
    yield f"http://127.0.0.1:{port}"
    instance.should_exit = True
    await task


@pytest.fixture
async def browser(server: str) -> AsyncIterator[object]:
    ARTIFACTS.mkdir(exist_ok=True)
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield chromium
        await chromium.close()


async def logged_in(browser: object, base: str, username: str) -> BrowserContext:
    context: BrowserContext = await browser.new_context(  # type: ignore[attr-defined]
        base_url=base, viewport={"width": 1280, "height": 900}, locale="zh-CN"
    )
    await context.request.get("/admin/")
    cookies = {c["name"]: c["value"] for c in await context.cookies()}
    response = await context.request.post(
        "/admin/public/login/",
        data={"username": username, "password": settings.demo_password},
        headers={"X-CSRFToken": cookies["csrftoken"]},
    )
    assert response.ok, await response.text()
    return context


async def shot(page: Page, name: str) -> None:
    await page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


async def grid_ids_on(page: Page) -> set[int]:
    """The grids drawn on the page's map (atlas.js, once it shows the grid level)."""
    await page.wait_for_selector("#atlas.atlas-ready[data-level=grid] path.atlas-grid")
    ids = await page.locator("#atlas path.atlas-grid").evaluate_all(
        "els => els.map(e => e.dataset.gridId)"
    )
    return {int(i) for i in ids}


async def zoom_in(page: Page, zoom: int) -> None:
    """Zoom the map in around its centre, as a user does, and wait for the layers."""
    loads = await page.get_attribute("#atlas", "data-loads")
    await page.evaluate(
        """z => { const a = document.getElementById("atlas")._atlas;
                  a.map.setView(a.map.getCenter(), z, {animate: false}); }""",
        zoom,
    )
    await page.wait_for_selector(f"#atlas[data-zoom='{zoom}']:not([data-loads='{loads}'])")


async def test_maps_dashboards_public_page_and_grid_click_in_chromium(
    browser: object, server: str
) -> None:
    await load_demo()
    street = await Street.select().where(Street.code == "340705001").first()
    official_street_grids = set(
        await ResponsibilityGrid.select(ResponsibilityGrid._meta.primary_key)
        .where(ResponsibilityGrid.community.street == street["id"])
        .output(as_list=True)
    )
    worker = (
        await StaffMember.select(StaffMember.community)
        .where(StaffMember.name.like("%"))
        .where(StaffMember.user.username == "wg001")
        .first()
    )
    community = (
        await Community.select().where(Community._meta.primary_key == worker["community"]).first()
    )
    community_grids = set(
        await ResponsibilityGrid.select(ResponsibilityGrid._meta.primary_key)
        .where(ResponsibilityGrid.community == community["id"])
        .output(as_list=True)
    )

    # A street official: the whole street on the map and the dashboard, nothing else.
    official = await logged_in(browser, server, "jd1")
    page = await official.new_page()
    await page.goto(f"/maps/street/{street['code']}")
    assert await grid_ids_on(page) == official_street_grids
    await shot(page, "map-street-official")
    # Buildings are drawn from zoom 16 on: the demo's residential blocks as their footprints
    # (public buildings, without one, as points).
    await zoom_in(page, 17)
    await page.wait_for_selector("#atlas path.atlas-footprint")
    await page.goto(f"/maps/street/{street['code']}?metric=check_in")
    await shot(page, "map-street-check-in")
    await page.goto(f"/dashboards/street/{street['code']}")
    assert "社区排名" in await page.content()
    await page.wait_for_selector("figure.chart.drawn canvas")  # drawn by ECharts
    assert await page.locator("figure.chart.drawn canvas").count() >= 6
    await shot(page, "dashboard-street-official")
    response = await page.goto("/maps/street/340705002")
    assert response is not None and response.status == 404
    await official.close()

    # A grid worker: their community only; the street map is closed to them.
    worker_context = await logged_in(browser, server, "wg001")
    page = await worker_context.new_page()
    response = await page.goto(f"/maps/street/{street['code']}")
    assert response is not None and response.status == 403
    await page.goto(f"/maps/community/{community['code']}?metric=open")
    assert await grid_ids_on(page) == community_grids
    await shot(page, "map-community-worker")
    await page.goto(f"/dashboards/community/{community['code']}")
    assert "网格排名" in await page.content()
    await shot(page, "dashboard-community-worker")

    # Clicking a grid opens its card; the card's link opens its page in the admin.
    await page.goto(f"/maps/community/{community['code']}")
    await grid_ids_on(page)
    first = await page.locator("#atlas path.atlas-grid").first.get_attribute("data-grid-id")
    code = await page.locator("#atlas path.atlas-grid").first.get_attribute("data-code")
    await page.locator("#atlas path.atlas-grid").first.click()
    await page.locator(".atlas-grid-card a.atlas-admin-link").click()
    await page.wait_for_url(re.compile(rf"/admin/#/responsibility_grid/{first}/"))
    await page.wait_for_function(
        "code => [...document.querySelectorAll('input')].some(i => i.value === code)", arg=code
    )
    await shot(page, "admin-grid-after-click")
    await worker_context.close()

    # Logged out: the public page, in Chinese, without personal data.
    anonymous = await browser.new_context(base_url=server, viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    page = await anonymous.new_page()
    await SupervisionRecord.update({SupervisionRecord.public: True}).where(
        SupervisionRecord.community == community["id"]
    )
    await page.goto(f"/public/communities/{community['code']}")
    await page.wait_for_selector("text=准入清单")
    text = await page.content()
    assert not ID_NUMBER.search(text) and not MOBILE.search(text)
    raisers = (
        await SupervisionRecord.select(SupervisionRecord.raised_by_name)
        .where(
            SupervisionRecord.community == community["id"], SupervisionRecord.raised_by_name != ""
        )
        .output(as_list=True)
    )
    assert raisers and not [name for name in raisers if name in text]
    residents = (
        await Resident.select(Resident.name)
        .where(Resident.community == community["id"])
        .limit(500)
        .output(as_list=True)
    )
    assert not [name for name in residents if len(name) >= 3 and name in text]
    await shot(page, "public-community")
    response = await page.goto("/maps/")
    assert "/admin/" in page.url  # staff pages send visitors to the login
    await anonymous.close()

    # Excel: a community admin uploads a household file; the check lists the bad rows.
    building = (
        await Building.select(Building.code).where(Building.community == community["id"]).first()
    )
    admin_context = await logged_in(browser, server, "sq01")
    page = await admin_context.new_page()
    await page.goto("/excel/")
    await page.select_option("select[name=kind]", "households")
    await page.set_input_files(
        "input[name=file]",
        files=[
            {
                "name": "households.xlsx",
                "mimeType": "application/octet-stream",
                "buffer": xlsx(
                    ["楼栋编码", "房号", "人口数", "关爱标签"],
                    [
                        (building["code"], "9-901", 2, "独居老人"),
                        (building["code"], "9-902", "三", ""),
                        ("340705999999999999", "9-903", 1, ""),
                    ],
                ),
            }
        ],
    )
    await page.click("button[type=submit]")
    await page.wait_for_selector("text=整份文件未写入")
    assert await page.locator("td", has_text="人口数").count() == 1
    await shot(page, "excel-check-with-errors")
    await admin_context.close()

    # Topology problems (data written past the services) show on the map.
    grids = await ResponsibilityGrid.select().where(ResponsibilityGrid.community == community["id"])
    west, south = min(g["min_lon"] for g in grids), min(g["min_lat"] for g in grids)
    last = grids[-1]
    half = rectangle(
        last["min_lon"], last["min_lat"], (last["min_lon"] + last["max_lon"]) / 2, last["max_lat"]
    )
    await ResponsibilityGrid.update({ResponsibilityGrid.boundary: half}).where(
        ResponsibilityGrid.id == last["id"]
    )  # leaves a gap
    await insert_row(
        ResponsibilityGrid,
        {
            "code": community["code"] + "099",
            "name": "重叠越界网格",
            "community": community["id"],
            "boundary": rectangle(west + 0.005, south - 0.002, west + 0.012, south + 0.004),
            "household_count": 300,
        },
    )
    official = await logged_in(browser, server, "jd1")
    page = await official.new_page()
    await page.goto(f"/maps/community/{community['code']}")
    await grid_ids_on(page)
    for kind in ("overlap", "gap", "outside"):
        assert await page.locator(f"#atlas path.atlas-problem-{kind}").count() >= 1, kind
    await shot(page, "map-topology-problems")
    await official.close()
