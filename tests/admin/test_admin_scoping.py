"""Through /admin/api/... directly, staff of one community or street never reach another's rows."""

import json

import httpx
import pytest

from app.crud import insert_row
from tables.areas import ResponsibilityGrid
from tables.places import Resident
from tests.admin.support import admin_login
from tests.factories import area_tree, make_household, make_staff, make_user

API = "/admin/api/tables"
ID_NUMBER = "11010519491231002X"


async def residents_in_a1_and_b1() -> tuple[dict, dict, dict]:
    tree = await area_tree()
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
    return tree, rows["A1-1"], rows["B1-1"]


async def test_community_staff_cannot_list_count_read_or_find_another_community(
    client: httpx.AsyncClient,
) -> None:
    tree, mine, theirs = await residents_in_a1_and_b1()
    await make_staff("sq-a1", role="community_admin", community=tree.communities["A1"])
    await admin_login(client, "sq-a1")

    listed = await client.get(f"{API}/resident/", params={"__page_size": 100})
    assert [r["id"] for r in listed.json()["rows"]] == [mine["id"]]
    count = await client.get(f"{API}/resident/count/")
    assert count.json()["count"] == 1
    detail = await client.get(f"{API}/resident/{theirs['id']}/")
    assert detail.status_code == 404
    ids = await client.get(f"{API}/resident/ids/", params={"search": "居民"})
    assert set(ids.json()) == {str(mine["id"])}
    grids = await client.get(f"{API}/responsibility_grid/", params={"__page_size": 100})
    assert {g["code"] for g in grids.json()["rows"]} == {
        tree.grids["A1-1"]["code"],
        tree.grids["A1-2"]["code"],
    }
    # The list filtered by another community is simply empty.
    filtered = await client.get(
        f"{API}/resident/", params={"community": tree.communities["B1"]["id"]}
    )
    assert filtered.json()["rows"] == []


async def test_community_staff_cannot_update_or_delete_another_community(
    client: httpx.AsyncClient,
) -> None:
    tree, _mine, theirs = await residents_in_a1_and_b1()
    await make_staff("sq-a1", role="community_admin", community=tree.communities["A1"])
    headers = await admin_login(client, "sq-a1")

    patched = await client.patch(
        f"{API}/resident/{theirs['id']}/", json={"name": "改名"}, headers=headers
    )
    assert patched.status_code in (403, 404)
    deleted = await client.delete(f"{API}/resident/{theirs['id']}/", headers=headers)
    assert deleted.status_code in (204, 403, 404)  # piccolo answers 204 even when no row matched
    stored = await Resident.select().where(Resident.id == theirs["id"]).first()
    assert stored is not None and stored["name"] == "居民B1-1"


def grid_body(community: dict, suffix: str) -> dict:
    return {
        "code": community["code"] + suffix,
        "name": "越权网格",
        "community": community["id"],
        "kind": "residential",
        "household_count": 300,
        "size_warning": False,
        "responsible_organisation": "",
        "boundary": None,
    }


async def test_another_community_is_not_even_found_when_creating(client: httpx.AsyncClient) -> None:
    tree, _mine, _theirs = await residents_in_a1_and_b1()
    await make_staff("sq-a1", role="community_admin", community=tree.communities["A1"])
    headers = await admin_login(client, "sq-a1")
    b1 = tree.communities["B1"]
    response = await client.post(
        f"{API}/responsibility_grid/", json=grid_body(b1, "009"), headers=headers
    )
    assert response.status_code == 404, response.text
    assert "community" in response.json()["db_error"]
    assert await ResponsibilityGrid.count().where(ResponsibilityGrid.community == b1["id"]) == 2


async def test_a_write_the_policy_refuses_is_a_clear_403(client: httpx.AsyncClient) -> None:
    """A grid worker sees their community but may not add grids to it: the database says no."""
    tree = await area_tree()
    await make_staff("wg", community=tree.communities["A1"], grids=[tree.grids["A1-1"]])
    headers = await admin_login(client, "wg")
    a1 = tree.communities["A1"]
    response = await client.post(
        f"{API}/responsibility_grid/", json=grid_body(a1, "009"), headers=headers
    )
    assert response.status_code == 403, response.text
    assert "scope" in response.json()["db_error"]
    assert await ResponsibilityGrid.count().where(ResponsibilityGrid.community == a1["id"]) == 2


async def test_street_official_sees_their_street_only(client: httpx.AsyncClient) -> None:
    tree, _mine, _theirs = await residents_in_a1_and_b1()
    await make_staff("jd-b", role="street_official", street=tree.streets["B"])
    await admin_login(client, "jd-b")
    grids = await client.get(f"{API}/responsibility_grid/", params={"__page_size": 100})
    assert {g["code"] for g in grids.json()["rows"]} == {
        tree.grids["B1-1"]["code"],
        tree.grids["B1-2"]["code"],
    }
    communities = await client.get(f"{API}/community/", params={"__page_size": 100})
    assert [c["code"] for c in communities.json()["rows"]] == [tree.communities["B1"]["code"]]
    streets = await client.get(f"{API}/street/")
    assert [s["code"] for s in streets.json()["rows"]] == [tree.streets["B"]["code"]]


@pytest.mark.parametrize("grid_key, masked", [("A1-1", False), ("A1-2", True)])
async def test_grid_worker_sees_personal_data_only_in_own_grids(
    client: httpx.AsyncClient, grid_key: str, masked: bool
) -> None:
    tree = await area_tree()
    household = await make_household(tree.grids[grid_key])
    resident = await insert_row(
        Resident,
        {
            "household": household["id"],
            "name": "张三",
            "id_number": ID_NUMBER,
            "phone": "13812345678",
            "community": household["community"],
        },
    )
    await make_staff("wg", community=tree.communities["A1"], grids=[tree.grids["A1-1"]])
    await admin_login(client, "wg")
    listed = (await client.get(f"{API}/resident/")).json()["rows"]
    detail = (await client.get(f"{API}/resident/{resident['id']}/")).json()
    for row in (listed[0], detail):
        if masked:
            assert row["id_number"] == "1101**********002X"
            assert row["phone"] == "138****5678"
        else:
            assert row["id_number"] == ID_NUMBER
            assert row["phone"] == "13812345678"
    assert ID_NUMBER not in json.dumps(listed) or not masked


async def test_grid_worker_cannot_edit_community_records(client: httpx.AsyncClient) -> None:
    tree = await area_tree()
    await make_staff("wg", community=tree.communities["A1"], grids=[tree.grids["A1-1"]])
    headers = await admin_login(client, "wg")
    grid = tree.grids["A1-1"]
    response = await client.patch(
        f"{API}/responsibility_grid/{grid['id']}/", json={"name": "改名"}, headers=headers
    )
    assert response.status_code in (403, 404)
    assert (await ResponsibilityGrid.select().where(ResponsibilityGrid.id == grid["id"]).first())[
        "name"
    ] == grid["name"]


async def test_superuser_sees_everything_unmasked(client: httpx.AsyncClient) -> None:
    await residents_in_a1_and_b1()
    await make_user("root", superuser=True)
    await admin_login(client, "root")
    rows = (await client.get(f"{API}/resident/")).json()["rows"]
    assert {r["id_number"] for r in rows} == {ID_NUMBER, "110105194912310037"}


@pytest.mark.parametrize(
    "query",
    [
        {"id_number": ID_NUMBER},
        {"id_number": "1101", "id_number__operator": "starts_with"},
        {"phone": "13812345678"},
        {"__order": "-id_number"},
    ],
)
async def test_masked_fields_cannot_be_probed_by_filter_or_order(
    client: httpx.AsyncClient, query: dict
) -> None:
    """Masking the output is not enough: a filter would answer "does this number exist?"."""
    tree = await area_tree()
    household = await make_household(tree.grids["A1-2"])
    await insert_row(
        Resident,
        {
            "household": household["id"],
            "name": "张三",
            "id_number": ID_NUMBER,
            "phone": "13812345678",
            "community": household["community"],
        },
    )
    await make_staff("wg", community=tree.communities["A1"], grids=[tree.grids["A1-1"]])
    await admin_login(client, "wg")
    for path in (f"{API}/resident/", f"{API}/resident/count/"):
        response = await client.get(path, params=query)
        assert response.status_code == 403, response.text
        assert "masked" in response.json()["db_error"]
    # Filtering on other columns still works.
    assert (await client.get(f"{API}/resident/count/", params={"name": "张三"})).json()[
        "count"
    ] == 1


async def test_community_staff_may_filter_on_personal_data(client: httpx.AsyncClient) -> None:
    _tree, mine, _theirs = await residents_in_a1_and_b1()
    await make_staff("sq-a1", role="community_admin", community=_tree.communities["A1"])
    await admin_login(client, "sq-a1")
    found = await client.get(f"{API}/resident/", params={"id_number": ID_NUMBER})
    assert [r["id"] for r in found.json()["rows"]] == [mine["id"]]
