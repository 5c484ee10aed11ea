"""Areas by code and what lives in the grids: every resource over HTTP."""

from __future__ import annotations

import httpx

from app.crud import insert_row
from app.geo import rectangle
from tables.areas import ResponsibilityGrid
from tables.places import Building
from tests.admin.support import admin_login
from tests.api.support import API, assert_problem, bearer, exercise, make_token
from tests.factories import area_tree, make_household, make_user


async def test_districts_and_streets_by_code(client: httpx.AsyncClient) -> None:
    tree = await area_tree()
    await make_user("root", superuser=True)
    csrf = await admin_login(client, "root")
    await exercise(
        client,
        csrf,
        "districts",
        {"code": "340706", "name": "郊区"},
        {"name": "义安区"},
        matching={"sort": "-code"},
        key="code",
    )
    street = await exercise(
        client,
        csrf,
        "streets",
        {"code": "340705003", "name": "新街道", "district": tree.district["id"]},
        {"name": "新名字"},
        matching={"district": "340705"},
        excluding={"district": "340799"},
        key="code",
    )
    assert street["code"] == "340705003"
    wrong = await client.post(
        f"{API}/streets",
        json={"code": "340706001", "name": "错", "district": tree.district["id"]},
        headers=csrf,
    )
    assert_problem(wrong, 422, "code")
    used = await client.delete(f"{API}/districts/340705", headers=csrf)
    # Names what still points at the district, in words: its streets.
    body = assert_problem(used, 409, "street.district")
    assert "街道" in body["detail"] and body["dependent"]["table"] == "street"


async def test_communities_and_grids(client: httpx.AsyncClient) -> None:
    tree = await area_tree()
    await make_user("root", superuser=True)
    csrf = await admin_login(client, "root")
    await exercise(
        client,
        csrf,
        "communities",
        {
            "code": "340705001003",
            "name": "新社区",
            "street": tree.streets["A"]["id"],
            "boundary": rectangle(117.86, 30.90, 117.87, 30.91),
        },
        {"name": "改名社区"},
        matching={"street": "340705001"},
        excluding={"street": "340705002"},
        key="code",
    )
    a1 = bearer(await make_token(tree, community="A1"))
    grid = await exercise(
        client,
        a1,
        "grids",
        {"community": tree.communities["A1"]["id"], "name": "新网格"},
        {"household_count": 120},
        matching={"community": tree.communities["A1"]["code"], "size_warning": "true"},
        excluding={"kind": "unit"},
        key="code",
    )
    assert grid["code"] == tree.communities["A1"]["code"] + "003"
    assert grid["size_warning"] and "250" in grid["size_warning_message"]


async def test_grids_page_sort_and_geojson(client: httpx.AsyncClient) -> None:
    tree = await area_tree()
    street_a = bearer(await make_token(tree, street="A"))
    page = await client.get(
        f"{API}/grids", params={"page": 2, "page_size": 3, "sort": "-code"}, headers=street_a
    )
    body = page.json()
    assert body["total"] == 4 and body["page"] == 2 and body["page_size"] == 3
    assert [g["code"] for g in body["items"]] == [tree.grids["A1-1"]["code"]]
    by_street = await client.get(f"{API}/grids", params={"street": "340705001"}, headers=street_a)
    assert by_street.json()["total"] == 4
    assert_problem(
        await client.get(f"{API}/grids", params={"page_size": 501}, headers=street_a),
        400,
        "page_size",
    )
    assert_problem(
        await client.get(f"{API}/grids", params={"sort": "boundary"}, headers=street_a), 400, "sort"
    )
    assert_problem(
        await client.get(f"{API}/grids", params={"kind": "castle"}, headers=street_a), 400, "kind"
    )
    for response in (
        await client.get(
            f"{API}/grids.geojson", params={"community": "340705001001"}, headers=street_a
        ),
        await client.get(
            f"{API}/grids",
            params={"format": "geojson", "community": "340705001001"},
            headers=street_a,
        ),
    ):
        assert response.headers["content-type"].startswith("application/geo+json")
        collection = response.json()
        assert collection["type"] == "FeatureCollection" and collection["total"] == 2
        feature = collection["features"][0]
        assert feature["geometry"]["type"] == "Polygon"
        assert feature["properties"]["code"] == tree.grids["A1-1"]["code"]
    communities = await client.get(f"{API}/communities.geojson", headers=street_a)
    assert len(communities.json()["features"]) == 2


async def test_buildings_facilities_and_organisations(client: httpx.AsyncClient) -> None:
    tree = await area_tree()
    a1 = bearer(await make_token(tree, community="A1"))
    grid = tree.grids["A1-1"]
    building = {
        "address": "幸福路1号",
        "longitude": 117.801,
        "latitude": 30.901,
        "grid": grid["id"],
    }
    await exercise(
        client,
        a1,
        "buildings",
        {**building, "kind": "commercial"},
        {"floors": 6},
        matching={"grid": grid["code"], "kind": "commercial"},
        excluding={"grid": tree.grids["A1-2"]["code"]},
    )
    outside = await client.post(
        f"{API}/buildings", json={**building, "longitude": 117.809}, headers=a1
    )
    assert_problem(outside, 422, "longitude")
    stored = await insert_row(
        Building,
        {**building, "code": grid["code"] + "001", "community": grid["community"]},
    )
    points = (await client.get(f"{API}/buildings.geojson", headers=a1)).json()
    assert points["features"][0]["geometry"] == {"type": "Point", "coordinates": [117.801, 30.901]}
    assert points["features"][0]["properties"]["code"] == stored["code"]
    await exercise(
        client,
        a1,
        "facilities",
        {
            "name": "健身广场",
            "kind": "sports_venue",
            "longitude": 117.801,
            "latitude": 30.902,
            "grid": grid["id"],
        },
        {"name": "全民健身广场"},
        matching={"kind": "sports_venue", "community": tree.communities["A1"]["code"]},
        excluding={"kind": "park"},
    )
    await exercise(
        client,
        a1,
        "organisations",
        {"name": "菜市场", "kind": "market", "grid": grid["id"], "contact_phone": "13812345678"},
        {"address": "幸福路2号"},
        matching={"kind": "market", "grid": grid["code"]},
        excluding={"kind": "school"},
    )
    bad_code = await client.post(
        f"{API}/organisations",
        json={"name": "公司", "grid": grid["id"], "credit_code": "91340705MA2N00000X"},
        headers=a1,
    )
    assert_problem(bad_code, 422, "credit_code")


async def test_households_and_residents(client: httpx.AsyncClient) -> None:
    tree = await area_tree()
    a1 = bearer(await make_token(tree, community="A1"))
    existing = await make_household(tree.grids["A1-1"])
    building_code = (
        await Building.select(Building.code).where(Building.id == existing["building"]).first()
    )["code"]
    household = await exercise(
        client,
        a1,
        "households",
        {"building": existing["building"], "room": "2-201", "care_tags": ["elderly_alone"]},
        {"member_count": 3},
        matching={"care_tag": "elderly_alone", "building": building_code},
        excluding={"care_tag": "low_income"},
        deletable=True,
    )
    assert household["grid"] == tree.grids["A1-1"]["id"]
    resident = await exercise(
        client,
        a1,
        "residents",
        {"household": existing["id"], "name": "张三", "id_number": "11010519491231002X"},
        {"phone": "13912345678"},
        matching={"household": existing["id"], "grid": tree.grids["A1-1"]["code"]},
        excluding={"grid": tree.grids["A1-2"]["code"]},
    )
    assert resident["birth_date"] == "1949-12-31"
    bad = await client.post(
        f"{API}/residents",
        json={"household": existing["id"], "name": "李四", "id_number": "110105194912310021"},
        headers=a1,
    )
    assert_problem(bad, 422, "id_number")
    missing = await client.post(f"{API}/residents", json={"household": existing["id"]}, headers=a1)
    assert_problem(missing, 400, "name")
    assert await ResponsibilityGrid.count() == 6
