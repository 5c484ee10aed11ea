"""The street's map on its 大屏, in Debian's Chromium: the map component loads the street's
grids and today's check-ins, offers neither editing nor the 户籍图, is dark, and reloads with
the screen (revalidated by ETag). Screenshot: test-artifacts/big-screen-map.png."""

from __future__ import annotations

from typing import Any

from playwright.async_api import Browser, Request

from tests.browser import ARTIFACTS, browser, live_app  # noqa: F401
from tests.factories import make_check_in_today, make_staff
from tests.pages.test_dashboard_browser import no_errors, staff_tab
from tests.pages.test_dashboards import world

MAP = ".screen-map .atlas"


async def check_in_today(
    worker: dict[str, Any], grid: dict[str, Any], counted: bool, longitude: float
) -> None:
    await make_check_in_today(worker, grid, latitude=30.907, longitude=longitude, counted=counted)


async def test_the_big_screen_maps_the_street_with_todays_check_ins_and_reloads_it(
    browser: Browser,  # noqa: F811
    live_app: str,  # noqa: F811
) -> None:
    tree: Any = await world()
    grid = tree.grids["A1-1"]
    worker = await make_staff("wg2", community=tree.communities["A1"], grids=[grid])
    await check_in_today(worker, grid, counted=True, longitude=117.8012)
    code = tree.streets["A"]["code"]
    admin = await staff_tab(browser, live_app, "jd", width=1920, height=1080)
    page = admin.page
    asked: list[Request] = []
    page.on("request", lambda r: asked.append(r) if "/maps/api/" in r.url else None)
    await page.goto(f"/dashboards/street/{code}/screen?refresh=2")

    atlas = page.locator(MAP)
    assert await atlas.get_attribute("data-layers-url") == "/maps/api/layers"
    assert await atlas.get_attribute("data-today-url") == f"/maps/api/today/street/{code}"
    assert await atlas.get_attribute("data-can-edit") == "0"
    assert await atlas.get_attribute("data-register") == "0"
    assert await atlas.get_attribute("data-metric") == "check_in"
    # The street's four grids, coloured, and today's one check-in.
    await page.wait_for_selector(f"{MAP}.atlas-ready")
    await page.wait_for_function(
        "s => document.querySelectorAll(s + ' path[data-grid-id]').length === 4", arg=MAP
    )
    await page.wait_for_function("s => document.querySelector(s).dataset.today === '1'", arg=MAP)
    assert await page.locator(f"{MAP} path.atlas-check-in").count() == 1
    assert await atlas.get_attribute("data-level") == "grid"
    assert "签到率" in await page.locator(f"{MAP} .atlas-legend").inner_text()
    # Watched, not worked on: no boundary editor loaded, no 户籍图 panel, no layer switch.
    assert await page.evaluate("typeof L.PM") == "undefined"
    assert await page.locator(f"{MAP} .atlas-panel").is_hidden()
    assert await page.locator(f"{MAP} .leaflet-control-layers").is_hidden()
    # Dark: the base map's tiles are inverted, the legend sits on the screen's dark blue.
    tile_filter = await page.evaluate(
        "s => getComputedStyle(document.querySelector(s + ' .leaflet-tile-pane')).filter", MAP
    )
    assert "invert(1)" in tile_filter
    legend = await page.evaluate(
        "s => getComputedStyle(document.querySelector(s + ' .atlas-legend')).backgroundColor", MAP
    )
    assert legend == "rgba(8, 26, 54, 0.92)"

    # A second check-in shows up when the screen next refreshes, without reloading the page;
    # the map's own answers are asked again with the ETags the browser was given.
    loads = int(await atlas.get_attribute("data-loads") or 0)
    first_today = [r for r in asked if "/today/" in r.url]
    await check_in_today(worker, grid, counted=False, longitude=117.8038)
    await page.wait_for_function("s => document.querySelector(s).dataset.today === '2'", arg=MAP)
    await page.wait_for_function(
        "([s, n]) => Number(document.querySelector(s).dataset.loads) > n", arg=[MAP, loads]
    )
    assert await page.locator(f"{MAP} path.atlas-check-in").count() == 2  # none drawn twice
    layers = [r for r in asked if "/maps/api/layers?" in r.url]
    revalidated = [r for r in layers[1:] if "if-none-match" in await r.all_headers()]
    assert len(first_today) >= 1 and revalidated, [r.url for r in asked]
    await page.screenshot(path=str(ARTIFACTS / "big-screen-map.png"))
    await no_errors(page, admin)
    await page.context.close()
