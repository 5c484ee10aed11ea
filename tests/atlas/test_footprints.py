"""Buildings as footprints where the data has them: an outline around the building's point,
inside its grid, kept through /api/v1/buildings, refused with the field named otherwise, and
served by the map's layers (the map draws it instead of the point). A footprint sent in GCJ-02
or BD-09 is stored in WGS84, and its checks judge the converted shape."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from app.coordinates import wgs84_to_bd09, wgs84_to_gcj02
from app.crud import insert_row
from app.geo import rectangle
from tables.areas import ResponsibilityGrid
from tables.places import Building
from tests.admin.support import admin_login
from tests.api.support import API, assert_problem, bearer, make_token
from tests.atlas.test_map_api import get_layers
from tests.factories import Tree, area_tree, make_staff
from tests.test_coordinates import (
    BEIJING_BD,
    BEIJING_GCJ,
    BEIJING_WGS,
    assert_within_a_metre,
    corners_of,
    polygon,
    shifted,
)

# Grid A1-1 of tests.factories.area_tree spans 117.800–117.805 E, 30.90–30.91 N.
POINT = {"longitude": 117.8025, "latitude": 30.905}
AROUND = rectangle(117.8023, 30.9048, 117.8027, 30.9052)


async def test_a_footprint_is_kept_and_drawn_on_the_map(client: httpx.AsyncClient) -> None:
    tree = await area_tree()
    token = bearer(await make_token(tree, community="A1"))
    body = {"address": "五松新村9栋", "grid": tree.grids["A1-1"]["id"], **POINT}
    created = await client.post(
        f"{API}/buildings", json={**body, "footprint": AROUND}, headers=token
    )
    assert created.status_code == 201, created.text
    assert created.json()["footprint"] == AROUND
    read = await client.get(f"{API}/buildings/{created.json()['id']}", headers=token)
    assert read.json()["footprint"] == AROUND
    plain = await client.post(
        f"{API}/buildings", json={**body, "address": "五松新村10栋"}, headers=token
    )
    assert plain.status_code == 201 and plain.json()["footprint"] is None

    await make_staff("sq", role="community_admin", community=tree.communities["A1"])
    await admin_login(client, "sq")
    layers = await get_layers(client, 17)
    footprints = {
        f["properties"]["code"]: f["properties"]["footprint"]
        for f in layers["buildings"]["features"]
    }
    assert footprints == {created.json()["code"]: AROUND, plain.json()["code"]: None}


async def test_a_footprint_that_misses_its_point_or_grid_is_refused_and_nothing_kept(
    client: httpx.AsyncClient,
) -> None:
    tree = await area_tree()
    token = bearer(await make_token(tree, community="A1"))
    body = {"address": "五松新村9栋", "grid": tree.grids["A1-1"]["id"], **POINT}
    cases = {
        "elsewhere": rectangle(117.8001, 30.9001, 117.8005, 30.9005),  # misses the point
        "too big": rectangle(117.8020, 30.9040, 117.8060, 30.9060),  # reaches into A1-2
        "a line": {"type": "LineString", "coordinates": [[117.80, 30.90], [117.81, 30.91]]},
    }
    for name, footprint in cases.items():
        response = await client.post(
            f"{API}/buildings", json={**body, "footprint": footprint}, headers=token
        )
        assert_problem(response, 422, "footprint")
        assert response.json()["detail"], name
    assert await Building.count() == 0


# ---------------------------------------------------------------- given in GCJ-02 or BD-09


async def boundless_grid(tree: Tree) -> dict[str, Any]:
    """A grid of community A1 without a boundary: it takes a building anywhere (here: Beijing,
    where the published reference points are)."""
    community = tree.communities["A1"]
    return await insert_row(
        ResponsibilityGrid,
        {
            "code": community["code"] + "009",
            "name": "第9网格",
            "community": community["id"],
            "kind": "residential",
            "household_count": 300,
            "size_warning": False,
        },
    )


@pytest.mark.parametrize(("system", "given"), [("GCJ-02", BEIJING_GCJ), ("BD-09", BEIJING_BD)])
async def test_a_footprint_given_in_gcj02_or_bd09_is_stored_in_wgs84(
    client: httpx.AsyncClient, system: str, given: list[tuple[float, float]]
) -> None:
    tree = await area_tree()
    token = bearer(await make_token(tree, community="A1"))
    grid = await boundless_grid(tree)
    inside = (sum(p[0] for p in given) / 3, sum(p[1] for p in given) / 3)
    created = await client.post(
        f"{API}/buildings",
        json={
            "address": "东城1栋",
            "grid": grid["id"],
            "longitude": inside[0],
            "latitude": inside[1],
            "footprint": polygon(given),
            "coordinate_system": system,
        },
        headers=token,
    )
    assert created.status_code == 201, created.text
    assert_within_a_metre(created.json()["footprint"], BEIJING_WGS)
    row = await Building.select(Building.footprint).where(Building.id == created.json()["id"])
    assert_within_a_metre(row[0]["footprint"], BEIJING_WGS)


async def test_the_footprint_checks_judge_the_converted_shape(client: httpx.AsyncClient) -> None:
    tree = await area_tree()
    token = bearer(await make_token(tree, community="A1"))
    body = {"address": "五松新村9栋", "grid": tree.grids["A1-1"]["id"], **POINT}
    building = (await client.post(f"{API}/buildings", json=body, headers=token)).json()
    url = f"{API}/buildings/{building['id']}"
    around = corners_of(AROUND)
    on_amap = {"footprint": shifted(around, wgs84_to_gcj02)}
    # Taken as WGS84, AMap's outline lies 500 m east of the building's point.
    refused = await client.patch(url, json=on_amap, headers=token)
    assert "enclose" in assert_problem(refused, 422, "footprint")["detail"]
    saved = await client.patch(url, json={**on_amap, "coordinate_system": "GCJ-02"}, headers=token)
    assert saved.status_code == 200, saved.text
    assert_within_a_metre(saved.json()["footprint"], around)
    # Converted from BD-09, this outline encloses the point but reaches into grid A1-2: the grid
    # check runs on the WGS84 shape (unconverted it would miss the point instead).
    too_big = corners_of(rectangle(117.8020, 30.9040, 117.8060, 30.9060))
    on_baidu = {"footprint": shifted(too_big, wgs84_to_bd09), "coordinate_system": "BD-09"}
    refused = await client.patch(url, json=on_baidu, headers=token)
    assert "inside grid" in assert_problem(refused, 422, "footprint")["detail"]
    line = {"type": "LineString", "coordinates": [[117.80, 30.90], [117.81, 30.91]]}
    refused = await client.patch(
        url, json={"footprint": line, "coordinate_system": "GCJ-02"}, headers=token
    )
    assert_problem(refused, 422, "footprint")
    row = await Building.select(Building.footprint).where(Building.id == building["id"])
    assert_within_a_metre(row[0]["footprint"], around)
