"""Points sent in GCJ-02 (AMap, Tencent) or BD-09 (Baidu) are stored in WGS84."""

from __future__ import annotations

import httpx

from app.coordinates import wgs84_to_bd09, wgs84_to_gcj02
from tables.places import Building, Facility
from tests.api.support import API, assert_problem, bearer, make_token
from tests.factories import area_tree
from tests.test_coordinates import metres

# Inside grid A1-1 (117.800–117.805 E): its GCJ-02 form lies 500 m east, in grid A1-2.
WGS = (117.8025, 30.905)
GCJ = wgs84_to_gcj02(*WGS)
BD = wgs84_to_bd09(*WGS)


async def stored(table: type[Building] | type[Facility], row_id: int) -> tuple[float, float]:
    row = await table.select(table.longitude, table.latitude).where(table.id == row_id).first()
    assert row is not None
    return row["longitude"], row["latitude"]


async def test_buildings_given_in_gcj02_or_bd09_are_stored_in_wgs84(
    client: httpx.AsyncClient,
) -> None:
    tree = await area_tree()
    a1 = bearer(await make_token(tree, community="A1"))
    grid = tree.grids["A1-1"]["id"]
    body = {"address": "1栋", "grid": grid, "longitude": GCJ[0], "latitude": GCJ[1]}
    # Taken as WGS84, the AMap point is in the neighbouring grid: refused at the longitude.
    assert_problem(await client.post(f"{API}/buildings", json=body, headers=a1), 422, "longitude")
    created = await client.post(
        f"{API}/buildings", json={**body, "coordinate_system": "GCJ-02"}, headers=a1
    )
    assert created.status_code == 201, created.text
    building = created.json()
    assert "coordinate_system" not in building
    assert metres((building["longitude"], building["latitude"]), WGS) < 0.01
    assert metres(await stored(Building, building["id"]), WGS) < 0.01
    baidu = await client.post(
        f"{API}/buildings",
        json={
            **body,
            "address": "2栋",
            "longitude": BD[0],
            "latitude": BD[1],
            "coordinate_system": "BD-09",
        },
        headers=a1,
    )
    assert baidu.status_code == 201, baidu.text
    assert metres(await stored(Building, baidu.json()["id"]), WGS) < 0.01
    # WGS84 (the default, and when named) is stored as given.
    plain = await client.post(
        f"{API}/buildings",
        json={
            **body,
            "address": "3栋",
            "longitude": WGS[0],
            "latitude": WGS[1],
            "coordinate_system": "WGS84",
        },
        headers=a1,
    )
    assert plain.status_code == 201 and await stored(Building, plain.json()["id"]) == WGS
    # A move given in GCJ-02 is converted too.
    moved_to = (117.8010, 30.9080)
    gcj_move = wgs84_to_gcj02(*moved_to)
    moved = await client.patch(
        f"{API}/buildings/{building['id']}",
        json={"longitude": gcj_move[0], "latitude": gcj_move[1], "coordinate_system": "GCJ-02"},
        headers=a1,
    )
    assert moved.status_code == 200, moved.text
    assert metres(await stored(Building, building["id"]), moved_to) < 0.01


async def test_a_bad_coordinate_system_is_refused_naming_the_field(
    client: httpx.AsyncClient,
) -> None:
    tree = await area_tree()
    a1 = bearer(await make_token(tree, community="A1"))
    grid = tree.grids["A1-1"]["id"]
    body = {"address": "1栋", "grid": grid, "longitude": WGS[0], "latitude": WGS[1]}
    for value in ("Beijing54", "gcj", 3):
        refused = await client.post(
            f"{API}/buildings", json={**body, "coordinate_system": value}, headers=a1
        )
        problem = assert_problem(refused, 400, "coordinate_system")
        assert problem["errors"][0]["field"] == "coordinate_system"
        assert (
            str(value) in problem["errors"][0]["message"]
            or "int" in problem["errors"][0]["message"]
        )
    assert await Building.count() == 0
    facility = await client.post(
        f"{API}/facilities",
        json={
            "name": "站",
            "grid": grid,
            "longitude": WGS[0],
            "latitude": WGS[1],
            "coordinate_system": "amap",
        },
        headers=a1,
    )
    assert_problem(facility, 400, "coordinate_system")
    assert await Facility.count() == 0


async def test_facilities_convert_and_a_lone_coordinate_cannot_be_converted(
    client: httpx.AsyncClient,
) -> None:
    tree = await area_tree()
    a1 = bearer(await make_token(tree, community="A1"))
    grid = tree.grids["A1-1"]["id"]
    created = await client.post(
        f"{API}/facilities",
        json={
            "name": "消防站",
            "grid": grid,
            "longitude": BD[0],
            "latitude": BD[1],
            "coordinate_system": "BD-09",
        },
        headers=a1,
    )
    assert created.status_code == 201, created.text
    facility = created.json()
    assert metres(await stored(Facility, facility["id"]), WGS) < 0.01
    lone = await client.patch(
        f"{API}/facilities/{facility['id']}",
        json={"latitude": GCJ[1], "coordinate_system": "GCJ-02"},
        headers=a1,
    )
    problem = assert_problem(lone, 422, "longitude")
    assert "both longitude and latitude" in problem["detail"]
    assert metres(await stored(Facility, facility["id"]), WGS) < 0.01
    renamed = await client.patch(
        f"{API}/facilities/{facility['id']}",
        json={"name": "新消防站", "coordinate_system": "GCJ-02"},
        headers=a1,
    )
    assert renamed.status_code == 200 and renamed.json()["name"] == "新消防站"
    assert metres(await stored(Facility, facility["id"]), WGS) < 0.01


async def test_the_openapi_document_lists_the_systems(client: httpx.AsyncClient) -> None:
    document = (await client.get("/schema/openapi.json")).json()
    text = str(document["components"]["schemas"]["BuildingCreate"])
    assert "GCJ-02" in text and "BD-09" in text and "WGS84" in text
