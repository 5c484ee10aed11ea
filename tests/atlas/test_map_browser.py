"""The staff map in Chromium: tiles from a local XYZ server, grids coloured with a legend,
buildings at close zoom (clustered), cards with admin links, the 户籍图, today's work, and a
grid boundary redrawn on the map — refused with the overlap highlighted, then accepted."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from playwright.async_api import Browser, Page

from app.clock import local_today
from app.crud import insert_row
from app.geo import rectangle
from tables.areas import ResponsibilityGrid
from tables.daily import CheckIn
from tables.field import FieldReport, Patrol, PatrolPoint
from tables.places import Building, Household
from tables.work import WorkItem
from tests.browser import ARTIFACTS, AdminPage, browser, serve  # noqa: F401
from tests.factories import (
    area_tree,
    make_access_entry,
    make_department,
    make_staff,
    make_work_item,
)
from tests.tiles.support import TileServer, built_app, png

TILE = png((232, 238, 226))
CLUSTERED = 10


async def map_world() -> dict[str, Any]:
    """A1's grids: three apart buildings in A1-1 (one with four households), ten close ones
    in A1-2, an open work item reported in A1-2, and today's check-in and patrol."""
    tree = await area_tree()
    a1_1, a1_2 = tree.grids["A1-1"], tree.grids["A1-2"]
    buildings = []
    for n in range(3):
        buildings.append(
            await insert_row(
                Building,
                {
                    "code": f"{a1_1['code']}{n + 1:03d}",
                    "address": f"五松新村{n + 1}栋",
                    "longitude": 117.801 + n * 0.001,
                    "latitude": 30.902,
                    "floors": 2,
                    "grid": a1_1["id"],
                    "community": a1_1["community"],
                    # the third has an outline in the data: drawn as its footprint
                    "footprint": rectangle(117.8028, 30.9018, 117.8032, 30.9022)
                    if n == 2
                    else None,
                },
            )
        )
    for room, tags in (
        ("1-101", ["elderly_alone"]),
        ("1-102", []),
        ("1-201", []),
        ("1-202", ["low_income"]),
    ):
        await insert_row(
            Household,
            {
                "building": buildings[0]["id"],
                "room": room,
                "care_tags": tags,
                "grid": a1_1["id"],
                "community": a1_1["community"],
            },
        )
    for n in range(CLUSTERED):
        await insert_row(
            Building,
            {
                "code": f"{a1_2['code']}{n + 1:03d}",
                "address": f"铜官花园{n + 1}栋",
                "longitude": 117.808 + (n % 5) * 0.00003,
                "latitude": 30.908 + (n // 5) * 0.00003,
                "grid": a1_2["id"],
                "community": a1_2["community"],
            },
        )
    worker = await make_staff("wg", community=tree.communities["A1"], grids=[a1_1])
    entry = await make_access_entry(tree.streets["A"], await make_department())
    item = await make_work_item(tree.communities["A1"], entry, "井盖破损")
    await WorkItem.update({WorkItem.grid: a1_2["id"]}).where(WorkItem.id == item["id"])
    now = dt.datetime.now(dt.UTC)
    await insert_row(
        FieldReport,
        {
            "work_item": item["id"],
            "staff": worker["id"],
            "grid": a1_2["id"],
            "community": a1_2["community"],
            "latitude": 30.903,
            "longitude": 117.807,
            "created_at": now,
        },
    )
    await insert_row(
        CheckIn,
        {
            "staff": worker["id"],
            "grid": a1_1["id"],
            "community": a1_1["community"],
            "at": now,
            "local_date": local_today(),
            "latitude": 30.906,
            "longitude": 117.802,
            "inside_grid": True,
            "counted": True,
        },
    )
    patrol = await insert_row(
        Patrol,
        {
            "staff": worker["id"],
            "grid": a1_1["id"],
            "community": a1_1["community"],
            "local_date": local_today(),
            "started_at": now - dt.timedelta(minutes=20),
            "created_at": now,
        },
    )
    for n in range(4):
        await insert_row(
            PatrolPoint,
            {
                "patrol": patrol["id"],
                "latitude": 30.9005 + n * 0.002,
                "longitude": 117.8015 + (n % 2) * 0.001,
                "accuracy": 5,
                "at": now - dt.timedelta(minutes=20 - n),
            },
        )
    await make_staff("sq", role="community_admin", community=tree.communities["A1"])
    return {"tree": tree, "register_building": buildings[0]}


class MapPage(AdminPage):
    """An admin tab that also fails on CSP refusals and failed requests, except the ones
    listed in `expected` (the refused save answers 409)."""

    def __init__(self, page: Page, base_url: str, name: str) -> None:
        super().__init__(page, base_url, name)
        self.base_url = base_url
        self.console: list[str] = []
        self.expected = ["status of 409"]
        page.on("console", lambda m: self.console.append(m.text) if m.type == "error" else None)

    async def open_as(self, username: str, path: str, ready: str) -> None:
        """Logged in as `username` (the login's console messages forgotten), the page at
        `path` open until `ready` is on it."""
        await self.login(username)
        self.console.clear()
        await self.page.goto(f"{self.base_url}{path}")
        await self.page.wait_for_selector(ready)

    def assert_clean(self) -> None:
        self.assert_no_errors()
        unexpected = [m for m in self.console if not any(e in m for e in self.expected)]
        assert not unexpected, f"console errors (CSP, scripts, requests): {unexpected}"

    async def point_of(self, longitude: float, latitude: float) -> tuple[float, float]:
        """Where a position is on the page (through the map's own projection)."""
        found = await self.page.evaluate(
            """([lon, lat]) => {
                const atlas = document.getElementById("atlas")._atlas;
                const p = atlas.map.latLngToContainerPoint([lat, lon]);
                const box = atlas.mapEl.getBoundingClientRect();
                return [box.left + p.x, box.top + p.y];
            }""",
            [longitude, latitude],
        )
        return float(found[0]), float(found[1])

    async def view(self, longitude: float, latitude: float, zoom: int) -> None:
        loads = int(await self.page.get_attribute("#atlas", "data-loads") or 0)
        await self.page.evaluate(
            "([lon, lat, z]) => document.getElementById('atlas')._atlas.map.setView([lat, lon], z, {animate: false})",
            [longitude, latitude, zoom],
        )
        await self.until(f"() => Number(document.getElementById('atlas').dataset.loads) > {loads}")

    async def until(self, predicate: str, seconds: float = 10) -> None:
        """Wait until the JavaScript function `predicate` returns true (polled from here:
        Playwright's own wait_for_function evaluates strings, which the CSP forbids)."""
        for _ in range(int(seconds * 10)):
            if await self.page.evaluate(predicate):
                return
            await asyncio.sleep(0.1)
        raise AssertionError(f"still false after {seconds} s: {predicate}")

    async def drag(self, start: tuple[float, float], end: tuple[float, float]) -> None:
        await self.page.mouse.move(*start)
        await self.page.mouse.down()
        await self.page.mouse.move(*end, steps=12)
        await self.page.mouse.up()

    async def shot_map(self, step: str) -> None:
        await self.page.screenshot(path=ARTIFACTS / f"map-admin-{step}.png", full_page=True)


@pytest.fixture
async def tile_server() -> AsyncIterator[TileServer]:
    with TileServer(TILE) as server:
        yield server


async def test_the_staff_map_end_to_end(
    browser: Browser,  # noqa: F811
    tile_server: TileServer,
) -> None:
    world = await map_world()
    tree = world["tree"]
    community = tree.communities["A1"]
    app = built_app(map_tile_url=tile_server.url, map_tile_attribution="测试底图 Test tiles")
    async with serve(app) as base_url:
        context = await browser.new_context(
            viewport={"width": 1366, "height": 1000}, locale="zh-CN", timezone_id="Asia/Shanghai"
        )
        tab = MapPage(await context.new_page(), base_url, "map-admin")
        page = tab.page
        try:
            await tab.open_as(
                "sq",
                f"/maps/community/{community['code']}?metric=open",
                "#atlas.atlas-ready[data-level=grid]",
            )
            await page.wait_for_selector("#atlas img.leaflet-tile-loaded")
            assert await page.get_attribute("#atlas .atlas-map", "data-base-map") == "xyz"
            loaded = await page.eval_on_selector_all(
                "#atlas img.leaflet-tile-loaded", "imgs => imgs.map(i => i.src)"
            )
            assert loaded and all(
                s.startswith(f"http://127.0.0.1:{tile_server.port}/") for s in loaded
            )

            # Grids coloured by open items, with the legend of that metric.
            fills = await page.eval_on_selector_all(
                "#atlas path.atlas-grid", "paths => paths.map(p => p.getAttribute('fill'))"
            )
            assert len(fills) == 2 and len(set(fills)) == 2
            legend = await page.inner_text("#atlas .atlas-legend")
            assert "0" in legend and "1" in legend
            assert await page.input_value("#atlas select.atlas-metric") == "open"
            # Today's check-in and patrol track, the open work item.
            await page.wait_for_selector("#atlas[data-today='2']")
            assert await page.locator("#atlas path.atlas-check-in").count() == 1
            assert await page.locator("#atlas path.atlas-track").count() == 1
            assert await page.locator("#atlas path.atlas-point-work").count() == 1
            await tab.shot_map("grids")

            # Switching the metric recolours the grids (check-in rate: no rollup yet).
            await page.select_option("#atlas select.atlas-metric", "check_in")
            await tab.until(
                "() => document.querySelector('#atlas .atlas-legend').innerText.includes('无汇总')"
            )

            # Zoomed out: communities, then the street, then the district; no grids.
            for zoom, level in ((13, "community"), (12, "street"), (10, "district")):
                await tab.view(117.805, 30.905, zoom)
                assert await page.get_attribute("#atlas", "data-level") == level
                assert await page.locator("#atlas path.atlas-grid").count() == 0
                assert await page.locator("#atlas path.atlas-area").count() >= 1, level
                await tab.shot_map(level)

            # Zoomed in: buildings as points; the ten close ones clustered.
            await tab.view(117.804, 30.905, 17)
            assert await page.get_attribute("#atlas", "data-level") == "grid"
            await page.wait_for_selector("#atlas path.atlas-building")
            assert await page.locator("#atlas path.atlas-footprint").count() == 1
            await tab.view(117.8081, 30.9081, 16)
            await page.wait_for_selector("#atlas .marker-cluster")
            counts = await page.eval_on_selector_all(
                "#atlas .marker-cluster span", "s => s.map(e => Number(e.textContent))"
            )
            assert sum(counts) == CLUSTERED
            await tab.shot_map("buildings")

            # A building's card links to the admin and opens its 户籍图.
            building = world["register_building"]
            await tab.view(building["longitude"], building["latitude"], 18)
            await page.mouse.click(*await tab.point_of(building["longitude"], building["latitude"]))
            card = page.locator(".atlas-building-card")
            await card.wait_for()
            assert await card.locator("a.atlas-admin-link").get_attribute("href") == (
                f"/admin/#/building/{building['id']}/"
            )
            assert "五松新村1栋" in await card.inner_text()
            await tab.shot_map("card")
            await card.locator("button.atlas-open-register").click()
            await page.wait_for_selector("#atlas table.atlas-register td.cell")
            cells = page.locator("#atlas table.atlas-register td.cell")
            assert await cells.count() == 4
            assert await page.get_attribute("#atlas", "data-register-masked") == "0"
            panel = await page.inner_text("#atlas .atlas-panel")
            assert "独居老人" in panel or "elderly" in panel
            assert await page.locator("#atlas table.atlas-register td.due").count() == 2
            await tab.shot_map("register")
            await page.click("#atlas .atlas-close")

            # Redraw grid A1-1: its north-east corner dragged into A1-2 is refused, the
            # overlap highlighted; dragged back inside its community it is saved.
            grid = tree.grids["A1-1"]
            await tab.view(117.805, 30.905, 15)
            # the panel closing resized the map: let every redraw land before the tap
            await tab.until(
                "() => !document.getElementById('atlas').classList.contains('atlas-loading')"
            )
            await page.mouse.click(*await tab.point_of(117.8025, 30.9085))
            await page.locator(".atlas-grid-card button.atlas-edit").click()
            await page.wait_for_selector("#atlas .atlas-editbar")
            await page.wait_for_selector("#atlas .marker-icon:not(.marker-icon-middle)")
            await page.wait_for_selector(".leaflet-popup", state="detached")
            corner = await tab.point_of(117.805, 30.91)
            into_neighbour = await tab.point_of(117.8065, 30.908)
            await tab.drag(corner, into_neighbour)
            await page.click("#atlas button.atlas-save")
            await page.wait_for_selector("#atlas[data-saved=refused]")
            await page.wait_for_selector("#atlas path.atlas-offending")
            message = await page.inner_text("#atlas .atlas-edit-message")
            assert tree.grids["A1-2"]["code"] in message
            stored = (
                await ResponsibilityGrid.select().where(ResponsibilityGrid.id == grid["id"]).first()
            )
            assert stored is not None and stored["boundary"] == grid["boundary"]
            await tab.shot_map("refused")

            # Clicking 保存 scrolled the page: positions are taken again.
            moved_corner = await tab.point_of(117.8065, 30.908)
            inside = await tab.point_of(117.8035, 30.908)
            await tab.drag(moved_corner, inside)
            await page.click("#atlas button.atlas-save")
            await page.wait_for_selector("#atlas[data-saved=ok]")
            await page.wait_for_selector("#atlas .atlas-editbar", state="detached")
            saved = (
                await ResponsibilityGrid.select().where(ResponsibilityGrid.id == grid["id"]).first()
            )
            assert saved is not None
            ring = json.loads(saved["boundary"])["coordinates"][0]
            assert len(ring) == 5
            assert any(
                abs(lon - 117.8035) < 0.0001 and abs(lat - 30.908) < 0.0001 for lon, lat in ring
            )
            # The corner left uncovered now shows as a gap; the refusal's highlight is gone.
            await page.wait_for_selector("#atlas path.atlas-problem-gap")
            assert await page.locator("#atlas path.atlas-offending").count() == 0
            await tab.shot_map("accepted")
            tab.assert_clean()
        except BaseException:
            await tab.shot_map("failed")  # what the map showed when a step failed
            raise
        finally:
            await context.close()
