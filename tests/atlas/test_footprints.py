"""Buildings as footprints where the data has them: an outline around the building's point,
inside its grid, kept through /api/v1/buildings, refused with the field named otherwise, and
served by the map's layers (the map draws it instead of the point)."""

from __future__ import annotations

import httpx

from app.geo import rectangle
from tables.places import Building
from tests.admin.support import admin_login
from tests.api.support import API, assert_problem, bearer, make_token
from tests.atlas.test_map_api import get_layers
from tests.factories import area_tree, make_staff

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
