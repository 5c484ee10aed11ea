"""Staff, grid assignments and leave over HTTP."""

from __future__ import annotations

import httpx

from tests.api.support import API, assert_problem, bearer, exercise, make_token
from tests.factories import area_tree, make_staff


async def test_staff_accounts_assignments_and_leave(client: httpx.AsyncClient) -> None:
    tree = await area_tree()
    a1 = bearer(await make_token(tree, community="A1"))
    staff = await exercise(
        client,
        a1,
        "staff",
        {
            "username": "wg-new",
            "password": "long-password-1",
            "name": "新网格员",
            "role": "community_worker",
            "community": tree.communities["A1"]["id"],
            "grids": [tree.grids["A1-1"]["id"]],
        },
        {"phone": "13912345678"},
        matching={
            "role": "community_worker",
            "street": tree.streets["A"]["code"],
            "active": "true",
        },
        excluding={"role": "street_official"},
        deletable=False,
    )
    assignments = await client.get(
        f"{API}/grid-assignments", params={"staff": staff["id"]}, headers=a1
    )
    assert [a["grid"] for a in assignments.json()["items"]] == [tree.grids["A1-1"]["id"]]
    await exercise(
        client,
        a1,
        "grid-assignments",
        {"staff": staff["id"], "grid": tree.grids["A1-2"]["id"], "kind": "assistant"},
        {"kind": "primary"},
        matching={"grid": tree.grids["A1-2"]["code"]},
        excluding={"grid": tree.grids["A1-1"]["code"]},
    )
    elsewhere = await client.post(
        f"{API}/grid-assignments",
        json={"staff": staff["id"], "grid": tree.grids["A2-1"]["id"]},
        headers=a1,
    )
    assert elsewhere.status_code in (404, 422)
    assert_problem(elsewhere, elsewhere.status_code, "grid")
    await exercise(
        client,
        a1,
        "leave",
        {
            "staff": staff["id"],
            "starts_on": "2026-12-01",
            "ends_on": "2026-12-03",
            "reason": "病假",
        },
        {"ends_on": "2026-12-04"},
        matching={"on": "2026-12-02", "staff": staff["id"]},
        excluding={"on": "2026-12-05"},
    )
    first = {"staff": staff["id"], "starts_on": "2027-01-01", "ends_on": "2027-01-05"}
    assert (await client.post(f"{API}/leave", json=first, headers=a1)).status_code == 201
    overlap = {"staff": staff["id"], "starts_on": "2027-01-04", "ends_on": "2027-01-08"}
    assert_problem(await client.post(f"{API}/leave", json=overlap, headers=a1), 409, "starts_on")
    backwards = {"staff": staff["id"], "starts_on": "2027-02-04", "ends_on": "2027-02-01"}
    assert_problem(await client.post(f"{API}/leave", json=backwards, headers=a1), 422, "ends_on")


async def test_staff_phones_are_masked_for_street_tokens(client: httpx.AsyncClient) -> None:
    tree = await area_tree()
    worker = await make_staff("wg", community=tree.communities["A1"], grids=[tree.grids["A1-1"]])
    street_a = bearer(await make_token(tree, street="A", can_write=False))
    listed = (await client.get(f"{API}/staff", headers=street_a)).json()["items"]
    assert [(s["id"], s["phone"]) for s in listed] == [(worker["id"], "138****8000")]
    bad_date = await client.get(f"{API}/leave", params={"on": "tomorrow"}, headers=street_a)
    assert_problem(bad_date, 400, "on")
