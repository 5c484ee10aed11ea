"""A token of community A1 never sees or changes B1; personal data masked where the role needs it."""

from __future__ import annotations

import httpx

from app.crud import insert_row
from tables.places import Building, Organisation, Resident
from tables.supervision import SupervisionRecord
from tests.api.support import API, assert_problem, bearer, make_token
from tests.factories import area_tree, make_household

ID_NUMBER = "11010519491231002X"


async def residents(tree) -> dict[str, dict]:
    rows = {}
    for key, number in (("A1-1", ID_NUMBER), ("B1-1", "110105194912310037")):
        household = await make_household(tree.grids[key])
        rows[key] = await insert_row(
            Resident,
            {
                "household": household["id"],
                "name": f"居民{key}",
                "id_number": number,
                "phone": "13812345678",
                "community": household["community"],
            },
        )
    return rows


async def test_community_token_sees_only_its_community(client: httpx.AsyncClient) -> None:
    tree = await area_tree()
    people = await residents(tree)
    a1 = bearer(await make_token(tree, community="A1"))
    grids = (await client.get(f"{API}/grids", headers=a1)).json()
    assert grids["total"] == 2
    assert {g["code"] for g in grids["items"]} == {
        tree.grids["A1-1"]["code"],
        tree.grids["A1-2"]["code"],
    }
    listed = (await client.get(f"{API}/residents", headers=a1)).json()
    assert [r["id"] for r in listed["items"]] == [people["A1-1"]["id"]]
    # Filtering by another community's code is simply empty; its rows are not found.
    b1_code = tree.communities["B1"]["code"]
    assert (await client.get(f"{API}/residents", params={"community": b1_code}, headers=a1)).json()[
        "total"
    ] == 0
    assert_problem(await client.get(f"{API}/residents/{people['B1-1']['id']}", headers=a1), 404)
    assert_problem(await client.get(f"{API}/grids/{tree.grids['B1-1']['code']}", headers=a1), 404)
    assert_problem(await client.get(f"{API}/communities/{b1_code}", headers=a1), 404)
    assert (await client.get(f"{API}/communities", headers=a1)).json()["total"] == 1


async def test_community_token_cannot_write_into_another_community(
    client: httpx.AsyncClient,
) -> None:
    tree = await area_tree()
    people = await residents(tree)
    a1 = bearer(await make_token(tree, community="A1"))
    renamed = await client.patch(
        f"{API}/residents/{people['B1-1']['id']}", json={"name": "改名"}, headers=a1
    )
    assert renamed.status_code in (403, 404)
    assert_problem(renamed, renamed.status_code)
    grid_b1 = tree.grids["B1-1"]
    created = await client.post(
        f"{API}/buildings",
        json={"address": "越权", "longitude": 117.831, "latitude": 30.901, "grid": grid_b1["id"]},
        headers=a1,
    )
    assert created.status_code in (403, 404)
    assert_problem(created, created.status_code, "grid")
    deleted = await client.delete(f"{API}/grids/{grid_b1['code']}", headers=a1)
    assert_problem(deleted, 404)
    stored = await Resident.select().where(Resident.id == people["B1-1"]["id"]).first()
    assert stored["name"] == "居民B1-1"
    assert await Building.count().where(Building.community == grid_b1["community"]) == 1


async def test_street_token_sees_its_street_with_personal_data_masked(
    client: httpx.AsyncClient,
) -> None:
    tree = await area_tree()
    people = await residents(tree)
    await insert_row(
        Organisation,
        {
            "name": "菜市场",
            "kind": "market",
            "contact_phone": "13812345678",
            "grid": tree.grids["A1-1"]["id"],
            "community": tree.communities["A1"]["id"],
        },
    )
    await insert_row(
        SupervisionRecord,
        {
            "kind": "government_work",
            "subject": "街道办",
            "community": tree.communities["A1"]["id"],
            "raised_by_name": "张三丰",
            "raised_by_contact": "13812345678",
            "content": "办事排队太久",
        },
    )
    street_a = bearer(await make_token(tree, street="A", can_write=False))
    grids = (await client.get(f"{API}/grids", headers=street_a)).json()
    assert grids["total"] == 4
    resident = (await client.get(f"{API}/residents", headers=street_a)).json()["items"]
    assert [r["id"] for r in resident] == [people["A1-1"]["id"]]
    assert resident[0]["id_number"] == "1101**********002X"
    assert resident[0]["phone"] == "138****5678"
    detail = (await client.get(f"{API}/residents/{people['A1-1']['id']}", headers=street_a)).json()
    assert detail["id_number"] == "1101**********002X"
    organisation = (await client.get(f"{API}/organisations", headers=street_a)).json()["items"][0]
    assert organisation["contact_phone"] == "138****5678"
    record = (await client.get(f"{API}/supervision-records", headers=street_a)).json()["items"][0]
    assert record["raised_by_name"] == "张**"
    assert record["raised_by_contact"] == "138****5678"
    # Community staff need the clear values for their work.
    a1 = bearer(await make_token(tree, community="A1", can_write=False))
    clear = (await client.get(f"{API}/residents", headers=a1)).json()["items"][0]
    assert clear["id_number"] == ID_NUMBER and clear["phone"] == "13812345678"
