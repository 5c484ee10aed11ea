"""Roads as lines where the data has them: a facility's `path` (GeoJSON LineString) touches or
crosses its grid and stays inside its community, is kept through /api/v1/facilities and the
admin, refused with the field named otherwise (nothing written), converted from GCJ-02/BD-09,
and served by the map's layers as the line itself, simplified for the zoom."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from app.coordinates import wgs84_to_bd09, wgs84_to_gcj02
from app.geo import MAX_LINE_POSITIONS
from tables.places import Facility
from tests.admin.support import admin_login
from tests.api.support import API, assert_problem, bearer, make_token
from tests.atlas.test_map_api import get_layers
from tests.factories import Tree, area_tree, make_staff, make_user
from tests.test_coordinates import metres

# Community A1 of tests.factories.area_tree spans 117.80–117.81 E, 30.90–30.91 N; its grid
# A1-1 the western half, A1-2 the eastern; community A2 lies east of it.
ROUTE = [(117.8010, 30.9050), (117.8035, 30.9065), (117.8060, 30.9060)]  # A1-1 into A1-2


def line(points: list[tuple[float, float]]) -> dict[str, Any]:
    return {"type": "LineString", "coordinates": [list(p) for p in points]}


async def road_body(tree: Tree) -> dict[str, Any]:
    return {
        "name": "五松路",
        "kind": "road",
        "longitude": 117.8020,
        "latitude": 30.9052,
        "grid": tree.grids["A1-1"]["id"],
    }


def assert_line_within_a_metre(got: Any, expected: list[tuple[float, float]]) -> None:
    positions = (json.loads(got) if isinstance(got, str) else got)["coordinates"]
    assert len(positions) == len(expected)
    for (lon, lat), want in zip(positions, expected, strict=True):
        assert metres((lon, lat), want) < 1.0, ((lon, lat), want)


async def test_a_road_keeps_its_path_and_is_drawn_as_a_line(client: httpx.AsyncClient) -> None:
    tree = await area_tree()
    token = bearer(await make_token(tree, community="A1"))
    body = await road_body(tree)
    created = await client.post(
        f"{API}/facilities", json={**body, "path": line(ROUTE)}, headers=token
    )
    assert created.status_code == 201, created.text
    road = created.json()
    assert road["path"] == line(ROUTE)
    url = f"{API}/facilities/{road['id']}"
    renamed = await client.patch(url, json={"name": "五松大道"}, headers=token)
    assert renamed.status_code == 200 and renamed.json()["path"] == line(ROUTE)
    assert (await client.get(url, headers=token)).json()["path"] == line(ROUTE)
    hydrant = await client.post(
        f"{API}/facilities",
        json={**body, "name": "消防栓", "kind": "fire_hydrant"},
        headers=token,
    )
    assert hydrant.status_code == 201 and hydrant.json()["path"] is None

    await make_staff("sq", role="community_admin", community=tree.communities["A1"])
    await admin_login(client, "sq")
    drawn = {f["id"]: f for f in (await get_layers(client, 17))["facilities"]["features"]}
    assert drawn[road["id"]]["geometry"] == line(ROUTE)
    assert drawn[road["id"]]["properties"]["admin_url"] == f"/admin/#/facility/{road['id']}/"
    assert drawn[road["id"]]["properties"]["name"] == "五松大道"
    assert drawn[hydrant.json()["id"]]["geometry"]["type"] == "Point"
    # Below the facilities' zoom nothing is drawn; a road shows wherever its line is in the
    # box, even where its point is not, and not where the box misses the line.
    assert not (await get_layers(client, 15))["facilities"]["features"]
    east_end = await get_layers(client, 17, bbox="117.8055,30.9050,117.8070,30.9070")
    assert [f["id"] for f in east_end["facilities"]["features"]] == [road["id"]]
    north = await get_layers(client, 17, bbox="117.8000,30.9080,117.8100,30.9100")
    assert not north["facilities"]["features"]

    cleared = await client.patch(url, json={"path": None}, headers=token)
    assert cleared.status_code == 200 and cleared.json()["path"] is None


async def test_a_winding_road_is_simplified_for_the_zoom(client: httpx.AsyncClient) -> None:
    tree = await area_tree()
    token = bearer(await make_token(tree, community="A1"))
    # 400 vertices wobbling by about 5 cm: a straight line to the eye at zoom 16.
    winding = [(117.8010 + n * 0.00001, 30.9050 + (n % 2) * 5e-7) for n in range(400)]
    created = await client.post(
        f"{API}/facilities", json={**await road_body(tree), "path": line(winding)}, headers=token
    )
    assert created.status_code == 201, created.text
    await make_staff("sq", role="community_admin", community=tree.communities["A1"])
    await admin_login(client, "sq")
    [drawn] = (await get_layers(client, 16))["facilities"]["features"]
    assert drawn["geometry"]["type"] == "LineString"
    assert 2 <= len(drawn["geometry"]["coordinates"]) < 10
    assert drawn["geometry"]["coordinates"][0] == list(winding[0])
    assert drawn["geometry"]["coordinates"][-1] == list(winding[-1])


BAD_PATHS: dict[str, tuple[Any, str]] = {
    "one point": (line(ROUTE[:1]), "at least 2 positions"),
    "one point twice": (line([ROUTE[0], ROUTE[0]]), "distinct"),
    "out of range": (line([ROUTE[0], (190.0, 30.905)]), "WGS84 range"),
    "not a position": ({"type": "LineString", "coordinates": [[117.801], [117.806]]}, "position"),
    "too many vertices": (
        line([(117.801 + n * 1e-6, 30.905) for n in range(MAX_LINE_POSITIONS + 1)]),
        f"at most {MAX_LINE_POSITIONS}",
    ),
    "a polygon": (
        {"type": "Polygon", "coordinates": [[list(p) for p in [*ROUTE, ROUTE[0]]]]},
        "LineString",
    ),
    "misses its grid": (line([(117.806, 30.905), (117.809, 30.906)]), "touch or cross grid"),
    "leaves the community": (line([(117.801, 30.905), (117.815, 30.905)]), "inside community"),
}


@pytest.mark.parametrize("case", BAD_PATHS)
async def test_a_bad_path_is_refused_naming_it_and_nothing_is_written(
    client: httpx.AsyncClient, case: str
) -> None:
    path, reason = BAD_PATHS[case]
    tree = await area_tree()
    token = bearer(await make_token(tree, community="A1"))
    body = await road_body(tree)
    refused = await client.post(f"{API}/facilities", json={**body, "path": path}, headers=token)
    assert reason in assert_problem(refused, 422, "path")["detail"]
    assert await Facility.count() == 0
    road = (await client.post(f"{API}/facilities", json=body, headers=token)).json()
    url = f"{API}/facilities/{road['id']}"
    refused = await client.patch(url, json={"name": "改名", "path": path}, headers=token)
    assert reason in assert_problem(refused, 422, "path")["detail"]
    assert await Facility.select(Facility.name, Facility.path).run() == [
        {"name": "五松路", "path": None}
    ]


async def test_a_path_that_is_not_an_object_is_refused_naming_it(
    client: httpx.AsyncClient,
) -> None:
    tree = await area_tree()
    token = bearer(await make_token(tree, community="A1"))
    refused = await client.post(
        f"{API}/facilities",
        json={**await road_body(tree), "path": [list(p) for p in ROUTE]},
        headers=token,
    )
    assert "object" in assert_problem(refused, 400, "path")["errors"][0]["message"]
    assert await Facility.count() == 0


async def test_the_admin_refuses_a_bad_path_and_keeps_a_good_one(
    client: httpx.AsyncClient,
) -> None:
    tree = await area_tree()
    await make_user("root", superuser=True)
    headers = await admin_login(client, "root")
    body = {**await road_body(tree), "community": tree.communities["A1"]["id"]}
    outside = line([(117.801, 30.905), (117.815, 30.905)])
    refused = await client.post(
        "/admin/api/tables/facility/", json={**body, "path": json.dumps(outside)}, headers=headers
    )
    assert refused.status_code == 422 and "path" in refused.json()["db_error"]
    assert await Facility.count() == 0
    created = await client.post(
        "/admin/api/tables/facility/",
        json={**body, "path": json.dumps(line(ROUTE))},
        headers=headers,
    )
    assert created.status_code == 201, created.text
    [row] = await Facility.select(Facility.path).run()
    assert json.loads(row["path"]) == line(ROUTE)


# ---------------------------------------------------------------- given in GCJ-02 or BD-09


@pytest.mark.parametrize(("system", "to"), [("GCJ-02", wgs84_to_gcj02), ("BD-09", wgs84_to_bd09)])
async def test_a_path_given_in_gcj02_or_bd09_is_stored_in_wgs84(
    client: httpx.AsyncClient, system: str, to: Any
) -> None:
    tree = await area_tree()
    token = bearer(await make_token(tree, community="A1"))
    body = await road_body(tree)
    as_shown = line([to(*p) for p in ROUTE])
    # Taken as WGS84, the map's line lies 500 m to 1.2 km east: off its grid.
    refused = await client.post(f"{API}/facilities", json={**body, "path": as_shown}, headers=token)
    assert "touch or cross" in assert_problem(refused, 422, "path")["detail"]
    assert await Facility.count() == 0
    point = to(body["longitude"], body["latitude"])
    created = await client.post(
        f"{API}/facilities",
        json={
            **body,
            "longitude": point[0],
            "latitude": point[1],
            "path": as_shown,
            "coordinate_system": system,
        },
        headers=token,
    )
    assert created.status_code == 201, created.text
    assert_line_within_a_metre(created.json()["path"], ROUTE)
    [row] = await Facility.select(Facility.path, Facility.longitude, Facility.latitude).run()
    assert_line_within_a_metre(row["path"], ROUTE)
    assert metres((row["longitude"], row["latitude"]), (body["longitude"], body["latitude"])) < 1
    # A path alone may be changed in another system (it needs no point).
    url = f"{API}/facilities/{created.json()['id']}"
    shorter = line([to(*p) for p in ROUTE[:2]])
    saved = await client.patch(
        url, json={"path": shorter, "coordinate_system": system}, headers=token
    )
    assert saved.status_code == 200, saved.text
    assert_line_within_a_metre(saved.json()["path"], ROUTE[:2])
