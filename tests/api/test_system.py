"""Reminders (read, mark read), the audit log (superusers only), problem details and rate limits."""

from __future__ import annotations

import datetime as dt

import httpx

from app.api.auth import RATE_LIMITS
from app.crud import insert_row
from tables.system import Reminder
from tests.admin.support import admin_login
from tests.api.support import API, assert_problem, bearer, make_token
from tests.factories import area_tree, make_staff, make_user


async def test_reminders_are_read_and_marked_read_by_their_staff(client: httpx.AsyncClient) -> None:
    tree = await area_tree()
    worker = await make_staff("wg", community=tree.communities["A1"], grids=[tree.grids["A1-1"]])
    other = await make_staff("wg2", community=tree.communities["A1"], grids=[tree.grids["A1-2"]])
    mine = await insert_row(
        Reminder,
        {
            "staff": worker["id"],
            "date": dt.date(2026, 11, 23),
            "slot": "check-in@10:00",
            "message": "请签到",
        },
    )
    theirs = await insert_row(
        Reminder,
        {
            "staff": other["id"],
            "date": dt.date(2026, 11, 23),
            "slot": "check-in@10:00",
            "message": "请签到",
        },
    )
    a1 = bearer(await make_token(tree, community="A1"))
    listed = await client.get(f"{API}/reminders", params={"staff": worker["id"]}, headers=a1)
    assert [r["id"] for r in listed.json()["items"]] == [mine["id"]]
    assert_problem(await client.post(f"{API}/reminders/{mine['id']}/read", headers=a1), 403)
    csrf = await admin_login(client, "wg")
    read = await client.post(f"{API}/reminders/{mine['id']}/read", headers=csrf)
    assert read.status_code == 200 and read.json()["status"] == "read"
    assert_problem(await client.post(f"{API}/reminders/{theirs['id']}/read", headers=csrf), 403)
    pending = await client.get(f"{API}/reminders", params={"status": "pending"})
    assert [r["id"] for r in pending.json()["items"]] == [theirs["id"]]


async def test_audit_log_is_for_superusers_only(client: httpx.AsyncClient) -> None:
    tree = await area_tree()
    a1 = bearer(await make_token(tree, community="A1"))
    assert_problem(await client.get(f"{API}/audit-log", headers=a1), 403)
    root = await make_user("root", superuser=True)
    csrf = await admin_login(client, "root")
    changed = await client.patch(
        f"{API}/grids/{tree.grids['A1-1']['code']}", json={"name": "幸福网格"}, headers=csrf
    )
    assert changed.status_code == 200
    entries = await client.get(
        f"{API}/audit-log",
        params={
            "table_name": "responsibility_grid",
            "row_id": tree.grids["A1-1"]["id"],
            "action": "UPDATE",
        },
    )
    [entry] = entries.json()["items"]
    assert entry["actor_id"] == root["id"]
    assert entry["before"]["name"] == "第1网格" and entry["after"]["name"] == "幸福网格"
    detail = await client.get(f"{API}/audit-log/{entry['id']}")
    assert detail.json() == entry
    assert (await client.delete(f"{API}/audit-log/{entry['id']}", headers=csrf)).status_code == 405


async def test_problem_details_name_the_field(client: httpx.AsyncClient) -> None:
    tree = await area_tree()
    a1 = bearer(await make_token(tree, community="A1"))
    not_json = await client.post(
        f"{API}/buildings", content=b"{not json", headers={**a1, "content-type": "application/json"}
    )
    assert_problem(not_json, 400)
    wrong_type = await client.post(
        f"{API}/buildings",
        json={"address": "x", "longitude": "east", "latitude": 30.9, "grid": 1},
        headers=a1,
    )
    assert_problem(wrong_type, 400, "longitude")
    assert_problem(await client.get(f"{API}/buildings/abc", headers=a1), 404)
    assert_problem(await client.get(f"{API}/grids/12", headers=a1), 404, "code")
    assert_problem(await client.get(f"{API}/grids", params={"page": 0}, headers=a1), 400, "page")
    assert_problem(
        await client.get(f"{API}/work-items", params={"created_at__gte": "soon"}, headers=a1),
        400,
        "created_at__gte",
    )


async def test_rate_limits_answer_429_with_retry_after(client: httpx.AsyncClient) -> None:
    tree = await area_tree()
    token = bearer(await make_token(tree, community="A1"))
    other = bearer(await make_token(tree, community="B1"))
    per_caller, per_ip = RATE_LIMITS.per_caller, RATE_LIMITS.per_ip
    try:
        per_caller.limit, per_ip.limit = 3, 5
        for _ in range(3):
            assert (await client.get(f"{API}/grids", headers=token)).status_code == 200
        limited = await client.get(f"{API}/grids", headers=token)
        assert_problem(limited, 429)
        assert 1 <= int(limited.headers["retry-after"]) <= per_caller.window
        # Another token has its own budget, until the address is over its limit too.
        assert (await client.get(f"{API}/grids", headers=other)).status_code == 200
        assert_problem(await client.get(f"{API}/grids", headers=other), 429)
        # Guessing tokens from one address is limited as well.
        assert_problem(await client.get(f"{API}/grids", headers=bearer("pg_x_y")), 429)
    finally:
        per_caller.limit, per_ip.limit = 600, 1200
