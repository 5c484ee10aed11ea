"""Departments, the access list and work items: the push rule and its refusals over HTTP."""

from __future__ import annotations

import httpx

from tables.work import AccessRefusal, WorkItem
from tests.admin.support import admin_login
from tests.api.support import API, assert_problem, bearer, exercise, make_token
from tests.factories import (
    area_tree,
    make_access_entry,
    make_department,
    make_staff,
    make_user,
)


async def test_departments(client: httpx.AsyncClient) -> None:
    await make_user("root", superuser=True)
    csrf = await admin_login(client, "root")
    await exercise(
        client,
        csrf,
        "departments",
        {"name": "区人社局", "line": "人社"},
        {"line": "人力资源和社会保障"},
        matching={"line": "人社"},
        excluding={"line": "民政"},
    )


async def test_access_list_decisions(client: httpx.AsyncClient) -> None:
    tree = await area_tree()
    department = await make_department()
    street_a = bearer(await make_token(tree, street="A"))
    entry = {
        "street": tree.streets["A"]["id"],
        "name": "高龄津贴申领初审",
        "department": department["id"],
        "category": "civil_affairs",
        "legal_basis": "《老年人权益保障法》第三十三条",
        "valid_from": "2026-01-01",
    }
    path = "access-list/entries"
    await exercise(
        client,
        street_a,
        path,
        entry,
        {"name": "高龄津贴申领"},
        matching={"status": "proposed", "street": tree.streets["A"]["code"]},
        excluding={"status": "approved"},
        deletable=False,
    )
    proposed = (await client.post(f"{API}/{path}", json=entry, headers=street_a)).json()
    approved = await client.post(f"{API}/{path}/{proposed['id']}/approve", headers=street_a)
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    assert approved.json()["decided_by"] is not None
    edit = await client.patch(
        f"{API}/{path}/{proposed['id']}", json={"name": "x"}, headers=street_a
    )
    assert_problem(edit, 409, "status")
    again = await client.post(f"{API}/{path}/{proposed['id']}/approve", headers=street_a)
    assert_problem(again, 409, "status")
    no_reason = await client.post(
        f"{API}/{path}/{proposed['id']}/revoke", json={"reason": " "}, headers=street_a
    )
    assert_problem(no_reason, 422, "decision_reason")
    revoked = await client.post(
        f"{API}/{path}/{proposed['id']}/revoke",
        json={"reason": "减负：并入综合事项"},
        headers=street_a,
    )
    assert revoked.json()["status"] == "revoked"
    assert revoked.json()["decision_reason"] == "减负：并入综合事项"
    other = (await client.post(f"{API}/{path}", json=entry, headers=street_a)).json()
    rejected = await client.post(
        f"{API}/{path}/{other['id']}/reject", json={"reason": "无法律依据"}, headers=street_a
    )
    assert rejected.json()["status"] == "rejected"
    # Another street's list is not reachable; community tokens cannot decide.
    street_b = bearer(await make_token(tree, street="B"))
    assert_problem(await client.post(f"{API}/{path}/{other['id']}/approve", headers=street_b), 404)
    a1 = bearer(await make_token(tree, community="A1"))
    fresh = (await client.post(f"{API}/{path}", json=entry, headers=street_a)).json()
    decided = await client.post(f"{API}/{path}/{fresh['id']}/approve", headers=a1)
    assert_problem(decided, 403)


async def test_push_refused_without_an_approved_entry_is_recorded(
    client: httpx.AsyncClient,
) -> None:
    tree = await area_tree()
    department = await make_department()
    proposed = await make_access_entry(tree.streets["A"], department, status="proposed")
    a1 = bearer(await make_token(tree, community="A1"))
    push = {"community": tree.communities["A1"]["id"], "title": "上报高龄老人名册"}
    refused = await client.post(
        f"{API}/work-items", json={**push, "access_entry": proposed["id"]}, headers=a1
    )
    body = assert_problem(refused, 403, "access_entry")
    assert "not approved" in body["detail"] and body["type"].endswith("access-refused")
    unlisted = await client.post(
        f"{API}/work-items", json={**push, "department": department["id"]}, headers=a1
    )
    assert "准入清单" in assert_problem(unlisted, 403, "access_entry")["detail"]
    assert await WorkItem.count() == 0
    refusals = await AccessRefusal.select().order_by(AccessRefusal.id)
    assert [(r["access_entry"], r["department"]) for r in refusals] == [
        (proposed["id"], department["id"]),
        (None, department["id"]),
    ]
    listed = await client.get(
        f"{API}/access-list/refusals",
        params={"community": tree.communities["A1"]["code"], "sort": "refused_at"},
        headers=a1,
    )
    assert [r["pushed_title"] for r in listed.json()["items"]] == ["上报高龄老人名册"] * 2
    detail = await client.get(f"{API}/access-list/refusals/{refusals[0]['id']}", headers=a1)
    assert detail.json()["reason"] == refusals[0]["reason"]
    assert (
        await client.post(f"{API}/access-list/refusals", json={}, headers=a1)
    ).status_code == 405


async def test_work_item_life_cycle(client: httpx.AsyncClient) -> None:
    tree = await area_tree()
    entry = await make_access_entry(tree.streets["A"], await make_department())
    worker = await make_staff("wg", community=tree.communities["A1"], grids=[tree.grids["A1-1"]])
    a1 = bearer(await make_token(tree, community="A1"))
    pushed = await client.post(
        f"{API}/work-items",
        json={
            "access_entry": entry["id"],
            "community": tree.communities["A1"]["id"],
            "grid": tree.grids["A1-1"]["id"],
            "title": "高龄津贴申领初审",
        },
        headers=a1,
    )
    assert pushed.status_code == 201, pushed.text
    item = pushed.json()
    assert item["status"] == "reported"
    url = f"{API}/work-items/{item['id']}"
    changed = await client.patch(url, json={"description": "本月底前完成"}, headers=a1)
    assert changed.json()["description"] == "本月底前完成"
    skip = await client.post(f"{url}/transitions", json={"to_status": "closed"}, headers=a1)
    assert_problem(skip, 409, "status")
    for step in ("accepted", "dispatched", "handled"):
        moved = await client.post(
            f"{url}/transitions",
            json={"to_status": step, "note": step, "assignee": worker["id"]},
            headers=a1,
        )
        assert moved.status_code == 200, moved.text
        assert moved.json()["status"] == step
    events = (await client.get(f"{url}/events", headers=a1)).json()
    assert [(e["from_status"], e["to_status"]) for e in events] == [
        (None, "reported"),
        ("reported", "accepted"),
        ("accepted", "dispatched"),
        ("dispatched", "handled"),
    ]
    for params, expected in (
        ({"status": "handled"}, 1),
        ({"status": "closed"}, 0),
        ({"assignee": worker["id"], "grid": tree.grids["A1-1"]["code"]}, 1),
        ({"street": tree.streets["B"]["code"]}, 0),
        ({"created_at__gte": "2000-01-01T00:00:00Z", "created_at__lt": "2100-01-01T00:00:00"}, 1),
        ({"created_at__lt": "2000-01-01T00:00:00Z"}, 0),
    ):
        found = await client.get(f"{API}/work-items", params=params, headers=a1)
        assert found.json()["total"] == expected, (params, found.text)
    b1 = bearer(await make_token(tree, community="B1"))
    assert_problem(await client.get(f"{url}/events", headers=b1), 404)
    assert_problem(
        await client.post(f"{url}/transitions", json={"to_status": "verified"}, headers=b1), 404
    )
    assert (await client.delete(url, headers=a1)).status_code == 405
