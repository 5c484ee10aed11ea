"""网格通 in a phone: Debian's Chromium emulating a 390 × 844 Android phone (touch, zh-CN,
Asia/Shanghai, geolocation granted at a given point), plus the small district every phone test
walks in. Test modules import the fixtures from here (`from tests.field.phone import ...`).
"""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
from PIL import Image
from playwright.async_api import Browser, BrowserContext, Page

from app.crud import update_row
from app.work.items import transition_work_item
from tables.work import WorkItem
from tests.browser import ARTIFACTS
from tests.factories import (
    PASSWORD,
    area_tree,
    make_access_entry,
    make_department,
    make_household,
    make_staff,
    make_work_item,
)

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "locale": "zh-CN",
    "timezone_id": "Asia/Shanghai",
    "user_agent": (
        "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/120.0 Mobile Safari/537.36"
    ),
}

# Grid A1-1 of tests.factories.area_tree spans 117.800–117.805 E, 30.90–30.91 N.
INSIDE = {"latitude": 30.905, "longitude": 117.8025, "accuracy": 8}
# About 290 m east of the grid's east edge (117.805), in grid A1-2's community.
OUTSIDE = {"latitude": 30.905, "longitude": 117.808, "accuracy": 8}


@dataclass
class World:
    grid: dict[str, Any]
    worker: dict[str, Any]
    entry: dict[str, Any]
    household: dict[str, Any]
    item: dict[str, Any]


async def field_world() -> World:
    """Grid worker wg001 in grid A1-1, a household to visit (独居老人), a category the street
    admits, and a dispatched work item assigned to the worker."""
    tree = await area_tree()
    grid = tree.grids["A1-1"]
    worker = await make_staff("wg001", community=tree.communities["A1"], grids=[grid])
    entry = await make_access_entry(tree.streets["A"], await make_department(), name="井盖破损")
    household = await make_household(grid, "3-201")
    from tables.places import Household

    await update_row(Household, household["id"], {"care_tags": ["elderly_alone"]})
    item = await make_work_item(tree.communities["A1"], entry, title="3 栋楼道堆物清理")
    await update_row(WorkItem, item["id"], {"grid": grid["id"]})
    await transition_work_item(item["id"], "accepted", None)
    await transition_work_item(item["id"], "dispatched", None, assignee_id=worker["id"])
    return World(grid=grid, worker=worker, entry=entry, household=household, item=item)


def jpeg_bytes(width: int = 2400, height: int = 1800) -> bytes:
    """A camera-sized JPEG (the phone must shrink it to 1600 px before upload)."""
    image = Image.new("RGB", (width, height), (200, 80, 40))
    for x in range(0, width, 200):
        image.paste((30, 120, 200), (x, 0, x + 100, height))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


class PhonePage:
    """One tab of 网格通 on the phone, failing on any JavaScript error."""

    def __init__(self, context: BrowserContext, page: Page, base_url: str, name: str) -> None:
        self.context = context
        self.page = page
        self.base = base_url
        self.name = name
        self.errors: list[str] = []
        page.set_default_timeout(15_000)
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on(
            "console",
            lambda message: self.errors.append(message.text) if message.type == "error" else None,
        )

    async def login(self, username: str = "wg001", password: str = PASSWORD) -> None:
        await self.page.goto(f"{self.base}/m/login")
        await self.page.fill("input[name=username]", username)
        await self.page.fill("input[name=password]", password)
        await self.page.click("button[type=submit]")
        await self.page.wait_for_selector(".van-tabbar")
        await self.page.wait_for_selector("text=我的网格")

    async def open(self, route: str, ready: str) -> None:
        await self.page.evaluate("route => { location.hash = '#/' + route; }", route)
        await self.page.wait_for_selector(ready)

    async def tab(self, name: str, ready: str) -> None:
        await self.page.tap(f".van-tabbar-item[data-tab={name}]")
        await self.page.wait_for_selector(ready)

    async def shot(self, step: str) -> None:
        await self.page.screenshot(path=ARTIFACTS / f"phone-{self.name}-{step}.png", full_page=True)

    async def text(self) -> str:
        return await self.page.inner_text("body")

    def assert_no_errors(self) -> None:
        # A refused request is logged by Chromium as a console error; the app shows the
        # refusal itself, so those are not JavaScript errors.
        real = [e for e in self.errors if "Failed to load resource" not in e]
        assert not real, f"JavaScript errors on the page: {real}"


async def phone_context(browser: Browser, **extra: Any) -> BrowserContext:
    options: dict[str, Any] = {**PHONE, "permissions": ["geolocation"], "geolocation": INSIDE}
    options.update(extra)
    return await browser.new_context(**options)


@pytest.fixture
async def phone(
    browser: Browser, live_app: str, request: pytest.FixtureRequest
) -> AsyncIterator[PhonePage]:
    """A fresh phone (its own storage, service worker and IndexedDB), at a point inside A1-1."""
    context = await phone_context(browser)
    page = PhonePage(context, await context.new_page(), live_app, request.node.name)
    yield page
    # What the phone showed last (pytest prints it only when the test failed).
    await page.shot("last")
    print(await page.text(), page.errors)
    page.assert_no_errors()
    await context.close()
