"""The /m/ map on a real base layer: tiles from a local XYZ tile server (its origin let through
by the CSP) or from the app's own MBTiles file, buildings clustered, reports as heat, roads as
their lines and footprints drawn around their buildings."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser

from app.crud import insert_row
from tables.field import FieldReport
from tables.places import Building
from tests.browser import ARTIFACTS, browser, serve  # noqa: F401
from tests.field.phone import PhonePage, World, field_world, phone_context
from tests.field.test_field_map import add_road_and_outlined_building
from tests.tiles.support import TileServer, built_app, make_mbtiles, png, tiles_covering

TILE = png((228, 236, 222))
BUILDINGS = 30


async def grid_with_many_buildings() -> World:
    """wg001's grid A1-1 with 30 buildings in one block (they cluster) and a field report."""
    world = await field_world()
    grid = world.grid
    for n in range(BUILDINGS):
        await insert_row(
            Building,
            {
                "code": f"{grid['code']}{n + 1:03d}",
                "address": f"五松小区{n + 1}栋",
                "longitude": 117.8012 + (n % 6) * 0.00006,
                "latitude": 30.9012 + (n // 6) * 0.00006,
                "grid": grid["id"],
                "community": grid["community"],
            },
        )
    await insert_row(
        FieldReport,
        {
            "work_item": world.item["id"],
            "staff": world.worker["id"],
            "grid": grid["id"],
            "community": grid["community"],
            "latitude": 30.907,
            "longitude": 117.803,
            "accuracy": 8,
            "created_at": dt.datetime.now(dt.UTC),
        },
    )
    return world


@pytest.fixture
async def tile_server() -> AsyncIterator[TileServer]:
    with TileServer(TILE) as server:
        yield server


async def open_map(browser: Browser, base_url: str, name: str) -> PhonePage:  # noqa: F811
    context = await phone_context(browser)
    phone = PhonePage(context, await context.new_page(), base_url, name)
    await phone.login()
    await phone.open("map", ".big-map.map-ready")
    await phone.page.wait_for_selector(".big-map img.leaflet-tile-loaded")
    await phone.page.wait_for_selector(".big-map .marker-cluster")
    await phone.page.wait_for_load_state("networkidle")
    return phone


async def assert_clusters_and_heat(phone: PhonePage) -> None:
    counts = await phone.page.eval_on_selector_all(
        ".big-map .marker-cluster span", "spans => spans.map(s => Number(s.textContent))"
    )
    singles = await phone.page.locator(".big-map path.leaflet-interactive").count()
    # Every building is in a cluster or drawn alone (with the boundary, the report, me).
    assert counts and all(c >= 2 for c in counts)
    assert sum(counts) <= BUILDINGS + 2 and sum(counts) + singles >= BUILDINGS
    assert await phone.page.locator(".big-map canvas.leaflet-heatmap-layer").count() == 1


async def test_tiles_from_an_xyz_server_under_clustered_buildings(
    browser: Browser,  # noqa: F811
    tile_server: TileServer,
) -> None:
    await grid_with_many_buildings()
    app = built_app(map_tile_url=tile_server.url, map_tile_attribution="测试底图 Test tiles")
    async with serve(app) as base_url:
        phone = await open_map(browser, base_url, "xyz")
        try:
            assert await phone.page.get_attribute(".big-map", "data-base-map") == "xyz"
            loaded = await phone.page.eval_on_selector_all(
                ".big-map img.leaflet-tile-loaded", "imgs => imgs.map(i => i.src)"
            )
            assert loaded and all(
                src.startswith(f"http://127.0.0.1:{tile_server.port}/") for src in loaded
            )
            assert len(tile_server.requested) >= len(loaded)
            zooms = {int(path.strip("/").split("/")[0]) for path in tile_server.requested}
            assert zooms and all(15 <= z <= 19 for z in zooms)
            assert "测试底图" in await phone.page.inner_text(".leaflet-control-attribution")
            await assert_clusters_and_heat(phone)
            await phone.page.screenshot(path=ARTIFACTS / "map-xyz-grid.png")
            # A cluster opens into its buildings when tapped.
            before = await phone.page.locator(".big-map .marker-cluster").count()
            await phone.page.locator(".big-map .marker-cluster").first.click()
            await phone.page.wait_for_timeout(800)
            after_singles = await phone.page.locator(".big-map path.leaflet-interactive").count()
            after = await phone.page.locator(".big-map .marker-cluster").count()
            assert after_singles > 3 or after != before
            await phone.page.screenshot(path=ARTIFACTS / "map-xyz-cluster-opened.png")
            phone.assert_no_errors()  # no CSP refusal of the tile origin, no script error
        finally:
            await phone.context.close()


async def test_tiles_from_the_apps_own_mbtiles(browser: Browser, tmp_path: Path) -> None:  # noqa: F811
    await grid_with_many_buildings()
    box = (117.78, 30.88, 117.83, 30.93)
    file = make_mbtiles(
        tmp_path / "tongling.mbtiles",
        [(z, x, y, TILE) for z, x, y in tiles_covering(*box, range(13, 17))],
        minzoom="13",
        maxzoom="16",
        attribution="离线底图",
    )
    async with serve(built_app(map_mbtiles=str(file))) as base_url:
        phone = await open_map(browser, base_url, "mbtiles")
        try:
            assert await phone.page.get_attribute(".big-map", "data-base-map") == "mbtiles"
            loaded = await phone.page.eval_on_selector_all(
                ".big-map img.leaflet-tile-loaded", "imgs => imgs.map(i => i.src)"
            )
            # Zoomed in past the file's 16: Leaflet scales the zoom-16 tiles up.
            assert loaded and all(src.startswith(f"{base_url}/tiles/16/") for src in loaded)
            await assert_clusters_and_heat(phone)
            await phone.page.screenshot(path=ARTIFACTS / "map-mbtiles-grid.png")
            phone.assert_no_errors()
        finally:
            await phone.context.close()


async def test_roads_as_lines_and_footprints_around_their_buildings(
    browser: Browser,  # noqa: F811
    tile_server: TileServer,
) -> None:
    world = await grid_with_many_buildings()
    await add_road_and_outlined_building(world.grid, "FP1")
    async with serve(built_app(map_tile_url=tile_server.url)) as base_url:
        phone = await open_map(browser, base_url, "roads")
        try:
            assert await phone.page.locator(".big-map path.map-road").count() == 1
            assert await phone.page.locator(".big-map path.map-footprint").count() == 1
            legend = await phone.page.inner_text(".legend")
            buildings = await Building.count().where(Building.grid == world.grid["id"])
            assert "道路 1" in legend and "设施 0" in legend and f"楼栋 {buildings}" in legend
            # The road's line runs across the map, not a dot: its drawn box is wide.
            box = await phone.page.locator(".big-map path.map-road").bounding_box()
            assert box is not None and box["width"] > 100
            await phone.page.screenshot(path=ARTIFACTS / "map-phone-roads.png")
            phone.assert_no_errors()
        finally:
            await phone.context.close()
