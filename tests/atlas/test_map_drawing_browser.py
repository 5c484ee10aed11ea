"""Drawing on the staff map in Chromium: a community admin draws a new grid by clicking its
vertices (snapped to the neighbours), saves it and sees it on the map, then draws one across
a neighbour and sees the refusal highlighted; a street official redraws a community's
boundary into its neighbour and sees the overlap highlighted."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from playwright.async_api import Browser

from tables.areas import Community
from tests.atlas.test_map_browser import MapPage, tile_server  # noqa: F401
from tests.atlas.test_map_drawing_api import free_community, grids_of
from tests.browser import ARTIFACTS, browser, serve  # noqa: F401
from tests.factories import area_tree, make_staff
from tests.tiles.support import TileServer, built_app


class DrawingPage(MapPage):
    async def click_at(self, longitude: float, latitude: float) -> None:
        """A click on the map at this position, the mouse moved there first (Geoman snaps
        the vertex it follows)."""
        x, y = await self.point_of(longitude, latitude)
        await self.page.mouse.move(x - 6, y - 6)
        await self.page.mouse.move(x, y, steps=6)
        await self.page.mouse.click(x, y)

    async def draw(self, corners: list[tuple[float, float]]) -> None:
        """新建网格, the corners clicked in turn, the first again to close the shape."""
        await self.page.click("#atlas button.atlas-new-grid")
        await self.page.wait_for_selector("#atlas .atlas-editbar")
        for longitude, latitude in [*corners, corners[0]]:
            await self.click_at(longitude, latitude)
        await self.page.wait_for_selector("#atlas form.atlas-grid-form")

    async def shot_drawing(self, step: str) -> None:
        await self.page.screenshot(path=ARTIFACTS / f"map-drawing-{step}.png", full_page=True)


def context_options() -> dict[str, object]:
    return {
        "viewport": {"width": 1366, "height": 1000},
        "locale": "zh-CN",
        "timezone_id": "Asia/Shanghai",
    }


@asynccontextmanager
async def drawing_tab(
    browser: Browser,  # noqa: F811
    tile_server: TileServer,  # noqa: F811
    name: str,
    failed_shot: str,
) -> AsyncIterator[DrawingPage]:
    """A drawing tab on a served app with the local tiles; on a failure the page is shot as
    `failed_shot`, and the browser context is closed at the end either way."""
    app = built_app(map_tile_url=tile_server.url, map_tile_attribution="测试底图 Test tiles")
    async with serve(app) as base_url:
        context = await browser.new_context(**context_options())  # type: ignore[arg-type]
        tab = DrawingPage(await context.new_page(), base_url, name)
        try:
            yield tab
        except BaseException:
            await tab.shot_drawing(failed_shot)
            raise
        finally:
            await context.close()


async def test_a_new_grid_is_drawn_saved_and_refused_across_a_neighbour(
    browser: Browser,  # noqa: F811
    tile_server: TileServer,  # noqa: F811
) -> None:
    tree = await area_tree()
    community = await free_community(tree)
    await make_staff("sq", role="community_admin", community=community)
    async with drawing_tab(browser, tile_server, "map-drawing", failed_shot="failed") as tab:
        page = tab.page
        await tab.open_as(
            "sq", f"/maps/community/{community['code']}", "#atlas.atlas-ready[data-level=grid]"
        )
        await tab.view(117.825, 30.905, 16)

        # The free east half of A3, its corners on A3-1's edge and the community's.
        await tab.draw([(117.825, 30.90), (117.83, 30.90), (117.83, 30.91), (117.825, 30.91)])
        assert await page.locator("#atlas path.atlas-drawn").count() == 1
        form = page.locator("#atlas form.atlas-grid-form")
        assert await form.locator("select[name=community]").input_value() == str(community["id"])
        await form.locator("input[name=name]").fill("新绘网格")
        await form.locator("input[name=household_count]").fill("300")
        await tab.shot_drawing("drawn")
        await form.locator("button.atlas-save").click()
        await page.wait_for_selector("#atlas[data-saved=ok]")
        code = community["code"] + "002"
        assert await page.get_attribute("#atlas", "data-created") == code
        await page.wait_for_selector(f"#atlas path.atlas-grid[data-code='{code}']")
        assert await page.locator("#atlas path.atlas-drawn").count() == 0
        [_, created] = await grids_of(community)
        assert created["code"] == code and created["name"] == "新绘网格"
        assert created["household_count"] == 300
        # Snapped onto the neighbours' vertices: exactly the free half.
        ring = json.loads(created["boundary"])["coordinates"][0]
        assert {(round(lon, 9), round(lat, 9)) for lon, lat in ring} == {
            (117.825, 30.90),
            (117.83, 30.90),
            (117.83, 30.91),
            (117.825, 30.91),
        }
        await tab.shot_drawing("created")

        # Across A3-1 and the new grid: refused, the overlap in red, nothing written.
        await tab.draw([(117.822, 30.902), (117.828, 30.902), (117.828, 30.905), (117.822, 30.905)])
        await form.locator("input[name=name]").fill("越界网格")
        await form.locator("button.atlas-save").click()
        await page.wait_for_selector("#atlas[data-saved=refused]")
        await page.wait_for_selector("#atlas path.atlas-offending")
        message = await page.inner_text("#atlas .atlas-edit-message")
        assert tree.grids["A3-1"]["code"] in message or code in message
        assert len(await grids_of(community)) == 2
        await tab.shot_drawing("refused")
        await page.click("#atlas .atlas-editbar button.atlas-cancel")
        await page.wait_for_selector("#atlas .atlas-editbar", state="detached")
        assert await page.locator("#atlas path.atlas-drawn").count() == 0
        assert await page.locator("#atlas path.atlas-offending").count() == 0
        tab.assert_clean()


async def test_a_street_official_redraws_a_community_into_its_neighbour(
    browser: Browser,  # noqa: F811
    tile_server: TileServer,  # noqa: F811
) -> None:
    tree = await area_tree()
    a2 = tree.communities["A2"]
    await make_staff("jd", role="street_official", street=tree.streets["A"])
    async with drawing_tab(
        browser, tile_server, "map-drawing-community", failed_shot="community-failed"
    ) as tab:
        page = tab.page
        await tab.open_as("jd", f"/maps/street/{tree.streets['A']['code']}", "#atlas.atlas-ready")
        await tab.view(117.81, 30.905, 13)
        assert await page.get_attribute("#atlas", "data-level") == "community"
        await page.mouse.click(*await tab.point_of(117.817, 30.903))
        card = page.locator(".atlas-card")
        await card.wait_for()
        assert "A2社区" in await card.inner_text()
        await card.locator("button.atlas-edit").click()
        await page.wait_for_selector("#atlas .atlas-editbar")
        await page.wait_for_selector("#atlas .marker-icon:not(.marker-icon-middle)")
        await page.wait_for_selector(".leaflet-popup", state="detached")
        # A2's north-west corner dragged west along A1's north edge (snapped onto it, half
        # way between A1's corners so that no vertex pulls it back): into A1.
        await tab.drag(await tab.point_of(117.81, 30.91), await tab.point_of(117.805, 30.91))
        await tab.until(
            "() => document.getElementById('atlas')._atlas.editing.layer.toGeoJSON()"
            ".geometry.coordinates[0].some(([lon]) => lon < 117.8095)"
        )
        await page.click("#atlas button.atlas-save")
        await page.wait_for_selector("#atlas[data-saved=refused]")
        await page.wait_for_selector("#atlas path.atlas-offending")
        message = await page.inner_text("#atlas .atlas-edit-message")
        assert tree.communities["A1"]["code"] in message
        stored = await Community.select().where(Community.id == a2["id"]).first()
        assert stored is not None and stored["boundary"] == a2["boundary"]
        await tab.shot_drawing("community-refused")
        await page.click("#atlas .atlas-editbar button.atlas-cancel")
        await page.wait_for_selector("#atlas .atlas-editbar", state="detached")
        tab.assert_clean()
