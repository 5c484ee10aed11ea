"""Base map by settings: MBTiles served by the app, Tianditu, any XYZ URL, or none; the CSP
allows the configured tile origins and nothing more."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import httpx
import pytest

from app.settings import settings
from app.system.security import APP_CSP
from app.tiles.basemap import BaseMapMisconfigured, base_map_of
from tests.api.support import assert_problem
from tests.tiles.support import app_with, make_mbtiles, png

# Tongling at zoom 14: the XYZ tile holding (117.8025, 30.905).
Z, X, Y = 14, 13553, 6711
RED, BLUE = png((200, 22, 29)), png((25, 137, 250))


def img_src(response: httpx.Response) -> str:
    policy = response.headers["content-security-policy"]
    [directive] = [d.strip() for d in policy.split(";") if d.strip().startswith("img-src")]
    return directive


async def test_no_base_map_by_default(client: httpx.AsyncClient) -> None:
    config = await client.get("/tiles/basemap.json")
    assert config.status_code == 200
    assert config.json() == {"kind": "none", "layers": [], "bounds": None}
    assert img_src(config) == "img-src 'self' data: blob:"
    assert config.headers["content-security-policy"] == APP_CSP
    assert_problem(await client.get(f"/tiles/{Z}/{X}/{Y}.png"), 404)


async def test_mbtiles_are_served_with_the_row_flipped_and_cached(tmp_path: Path) -> None:
    file = make_mbtiles(
        tmp_path / "tongling.mbtiles",
        [(Z, X, Y, RED), (Z, X + 1, Y, BLUE)],
        attribution="© 铜陵市自然资源和规划局",
        bounds="117.70,30.85,117.90,30.98",
    )
    async with app_with(map_mbtiles=str(file)) as http:
        config = (await http.get("/tiles/basemap.json")).json()
        assert config["kind"] == "mbtiles" and config["bounds"] == [117.7, 30.85, 117.9, 30.98]
        [layer] = config["layers"]
        assert layer["url"] == "/tiles/{z}/{x}/{y}.png"
        assert layer["attribution"] == "© 铜陵市自然资源和规划局"
        assert (layer["min_zoom"], layer["max_zoom"]) == (10, 16)
        red = await http.get(f"/tiles/{Z}/{X}/{Y}.png")
        assert red.status_code == 200 and red.content == RED
        assert red.headers["content-type"] == "image/png"
        assert "max-age=86400" in red.headers["cache-control"]
        assert (await http.get(f"/tiles/{Z}/{X + 1}/{Y}.png")).content == BLUE
        # The same tile again: 304 with no body when the browser has it.
        again = await http.get(
            f"/tiles/{Z}/{X}/{Y}.png", headers={"if-none-match": red.headers["etag"]}
        )
        assert again.status_code == 304 and again.content == b""
        # Same-origin tiles need nothing more in the CSP.
        assert img_src(red) == "img-src 'self' data: blob:"
        # The row as stored (TMS, counted from the south) is not the XYZ row.
        tms = (1 << Z) - 1 - Y
        assert_problem(await http.get(f"/tiles/{Z}/{X}/{tms}.png"), 404, "y")
        assert_problem(await http.get(f"/tiles/{Z}/{X}/{Y + 1}.png"), 404, "y")
        assert_problem(await http.get(f"/tiles/{Z}/{X}/{Y}.jpg"), 404, "y")
        assert_problem(await http.get(f"/tiles/{Z}/{X}/abc.png"), 422, "y")
        assert_problem(await http.get(f"/tiles/{Z}/{X}/².png"), 422, "y")
        assert_problem(await http.get(f"/tiles/-1/{X}/{Y}.png"), 422, "z")
        assert_problem(await http.get(f"/tiles/30/{X}/{Y}.png"), 422, "z")
        assert_problem(await http.get("/tiles/2/9/1.png"), 404, "y")


async def test_tianditu_layers_and_their_origins_in_the_csp() -> None:
    async with app_with(tianditu_key="abc123def456") as http:
        response = await http.get("/tiles/basemap.json")
        config = response.json()
        assert config["kind"] == "tianditu"
        vec, cva = config["layers"]
        assert vec["url"].startswith("https://t{s}.tianditu.gov.cn/vec_w/wmts?")
        assert "LAYER=vec" in vec["url"] and "TILEMATRIXSET=w" in vec["url"]
        assert "TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=abc123def456" in vec["url"]
        assert cva["url"].startswith("https://t{s}.tianditu.gov.cn/cva_w/wmts?")
        assert vec["subdomains"] == "01234567" and "天地图" in vec["attribution"]
        expected = " ".join(f"https://t{n}.tianditu.gov.cn" for n in range(8))
        assert img_src(response) == f"img-src 'self' data: blob: {expected}"
        # Only img-src changes: scripts, styles and connections stay same-origin.
        policy = response.headers["content-security-policy"]
        assert policy.count("tianditu") == 8
        page = await http.get("/m/")
        assert img_src(page) == f"img-src 'self' data: blob: {expected}"


async def test_any_xyz_url_with_its_attribution() -> None:
    url = "https://{s}.tiles.example.org/base/{z}/{x}/{y}.png"
    async with app_with(map_tile_url=url, map_tile_attribution="© Example 2026") as http:
        response = await http.get("/tiles/basemap.json")
        [layer] = response.json()["layers"]
        assert layer == {
            "url": url,
            "attribution": "© Example 2026",
            "subdomains": "abc",
            "min_zoom": 0,
            "max_zoom": 18,
        }
        origins = (
            "https://a.tiles.example.org https://b.tiles.example.org https://c.tiles.example.org"
        )
        assert img_src(response) == f"img-src 'self' data: blob: {origins}"
    async with app_with(map_tile_url="http://127.0.0.1:8765/{z}/{x}/{y}.png") as http:
        assert img_src(await http.get("/health")) == (
            "img-src 'self' data: blob: http://127.0.0.1:8765"
        )


@pytest.mark.parametrize(
    ("changes", "named"),
    [
        ({"map_tile_url": "ftp://tiles.example.org/{z}/{x}/{y}.png"}, "MAP_TILE_URL"),
        ({"map_tile_url": "https://tiles.example.org/{z}/{x}.png"}, "MAP_TILE_URL"),
        ({"map_tile_url": "https://x.org;script-src *'/{z}/{x}/{y}"}, "MAP_TILE_URL"),
        ({"tianditu_key": "key'; script-src *"}, "TIANDITU_KEY"),
        ({"map_mbtiles": "/nonexistent/base.mbtiles"}, "MAP_MBTILES"),
    ],
)
def test_unusable_settings_stop_the_start_naming_the_variable(
    changes: dict[str, str], named: str
) -> None:
    with pytest.raises(BaseMapMisconfigured, match=named):
        base_map_of(dataclasses.replace(settings, **changes))


def test_a_file_that_is_not_mbtiles_is_refused(tmp_path: Path) -> None:
    junk = tmp_path / "junk.mbtiles"
    junk.write_bytes(b"not sqlite at all" * 100)
    with pytest.raises(BaseMapMisconfigured, match="MAP_MBTILES"):
        base_map_of(dataclasses.replace(settings, map_mbtiles=str(junk)))
    vector = make_mbtiles(tmp_path / "vector.mbtiles", [], format="pbf")
    with pytest.raises(BaseMapMisconfigured, match="pbf"):
        base_map_of(dataclasses.replace(settings, map_mbtiles=str(vector)))
