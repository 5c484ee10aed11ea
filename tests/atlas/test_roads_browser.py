"""Roads on the staff map in Chromium: a facility with a path is drawn as its line (layer
道路 Roads) at the facilities' zoom, next to a facility drawn as a point, and a click on the
line opens the facility's card with its admin link."""

from __future__ import annotations

from playwright.async_api import Browser

from app.crud import insert_row
from tables.places import Facility
from tests.atlas.test_map_browser import tile_server  # noqa: F401
from tests.atlas.test_map_drawing_browser import drawing_tab
from tests.atlas.test_roads import ROUTE, line
from tests.browser import ARTIFACTS, browser  # noqa: F401
from tests.factories import area_tree, make_staff
from tests.tiles.support import TileServer


async def test_a_road_is_drawn_as_a_line_and_opens_its_card(
    browser: Browser,  # noqa: F811
    tile_server: TileServer,  # noqa: F811
) -> None:
    tree = await area_tree()
    grid, community = tree.grids["A1-1"], tree.communities["A1"]
    place = {"grid": grid["id"], "community": community["id"]}
    road = await insert_row(
        Facility,
        {"name": "五松路", "kind": "road", "longitude": 117.802, "latitude": 30.9052, **place},
    )
    await Facility.update({Facility.path: line(ROUTE)}).where(Facility.id == road["id"])
    await insert_row(
        Facility,
        {"name": "消防栓", "kind": "fire_hydrant", "longitude": 117.8025, "latitude": 30.9040}
        | place,
    )
    await make_staff("sq", role="community_admin", community=community)
    async with drawing_tab(browser, tile_server, "map-roads", "roads-failed") as tab:
        page = tab.page
        await tab.open_as(
            "sq", f"/maps/community/{community['code']}", "#atlas.atlas-ready[data-level=grid]"
        )
        await tab.view(117.8035, 30.9055, 15)
        assert await page.locator("#atlas path.atlas-road").count() == 0  # not at grid zoom
        await tab.view(117.8035, 30.9055, 17)
        await page.wait_for_selector("#atlas path.atlas-road")
        assert await page.locator("#atlas path.atlas-road").count() == 1
        assert await page.locator("#atlas path.atlas-facility").count() == 1  # the hydrant
        # A line: an open SVG path, stroked and not filled, through the road's vertices.
        shape = page.locator("#atlas path.atlas-road")
        assert await shape.get_attribute("fill") == "none"
        outline = await shape.get_attribute("d") or ""
        assert outline.count("L") == len(ROUTE) - 1 and "z" not in outline.lower()
        box = await shape.bounding_box()
        west, east = await tab.point_of(*ROUTE[0]), await tab.point_of(*ROUTE[-1])
        assert box is not None and box["width"] >= east[0] - west[0] - 1
        assert "道路 Roads" in await page.inner_text("#atlas .leaflet-control-layers")

        await page.mouse.click(*await tab.point_of(*ROUTE[1]))
        card = page.locator(".atlas-facility-card")
        await card.wait_for()
        assert "五松路" in await card.inner_text()
        assert "道路" in await card.inner_text()  # the kind by its Chinese name
        assert await card.locator("a.atlas-admin-link").get_attribute("href") == (
            f"/admin/#/facility/{road['id']}/"
        )
        await tab.until(  # the card has faded in
            "() => getComputedStyle(document.querySelector('.leaflet-popup')).opacity === '1'"
        )
        await page.screenshot(path=ARTIFACTS / "map-roads.png", full_page=True)
        tab.assert_clean()
