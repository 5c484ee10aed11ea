"""API tokens: created by superusers and street officials, shown once, hashed, expiring, revocable."""

from __future__ import annotations

import datetime as dt
import hashlib

import httpx

from app.clock import utc_now
from tables.system import AuditLog
from tables.tokens import ApiToken
from tests.admin.support import admin_login
from tests.api.support import API, assert_problem, bearer, make_token
from tests.factories import area_tree, make_staff, make_user


async def test_street_official_creates_a_token_shown_once_and_stored_hashed(
    client: httpx.AsyncClient,
) -> None:
    tree = await area_tree()
    await make_staff("jd-a", role="street_official", street=tree.streets["A"])
    csrf = await admin_login(client, "jd-a")
    created = await client.post(
        f"{API}/tokens",
        json={
            "name": "12345 热线",
            "scope": "community",
            "community": tree.communities["A1"]["id"],
        },
        headers=csrf,
    )
    assert created.status_code == 201, created.text
    body = created.json()
    token = body["token"]
    assert token.startswith(f"pg_{body['prefix']}_")
    assert body["street"] == tree.streets["A"]["id"] and body["can_write"] is False
    stored = await ApiToken.select().where(ApiToken.prefix == body["prefix"]).first()
    assert stored["secret_hash"] == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(stored)
    # Listed and shown again without the secret.
    listed = await client.get(f"{API}/tokens")
    assert [t["prefix"] for t in listed.json()["items"]] == [body["prefix"]]
    assert "token" not in listed.json()["items"][0]
    detail = await client.get(f"{API}/tokens/{body['id']}")
    assert "token" not in detail.json()
    # The new token works, read-only, within community A1.
    client.cookies.clear()
    grids = await client.get(f"{API}/grids", headers=bearer(token))
    assert {g["community"] for g in grids.json()["items"]} == {tree.communities["A1"]["id"]}


async def test_street_official_cannot_give_tokens_for_another_street(
    client: httpx.AsyncClient,
) -> None:
    tree = await area_tree()
    await make_staff("jd-a", role="street_official", street=tree.streets["A"])
    csrf = await admin_login(client, "jd-a")
    refused = await client.post(
        f"{API}/tokens",
        json={"name": "越权", "scope": "community", "community": tree.communities["B1"]["id"]},
        headers=csrf,
    )
    assert refused.status_code in (403, 404)
    assert_problem(refused, refused.status_code, "community")
    street_b = await client.post(
        f"{API}/tokens",
        json={"name": "越权", "scope": "street", "street": tree.streets["B"]["id"]},
        headers=csrf,
    )
    assert street_b.status_code in (403, 404)
    assert await ApiToken.count() == 0


async def test_community_staff_and_tokens_cannot_manage_tokens(client: httpx.AsyncClient) -> None:
    tree = await area_tree()
    await make_staff("sq-a1", role="community_admin", community=tree.communities["A1"])
    csrf = await admin_login(client, "sq-a1")
    body = {"name": "x", "scope": "community", "community": tree.communities["A1"]["id"]}
    assert_problem(await client.post(f"{API}/tokens", json=body, headers=csrf), 403)
    client.cookies.clear()
    token = await make_token(tree, street="A")
    assert_problem(await client.post(f"{API}/tokens", json=body, headers=bearer(token)), 403)
    assert_problem(await client.get(f"{API}/tokens", headers=bearer(token)), 403)
    assert await ApiToken.count() == 1


async def test_session_writes_need_the_csrf_header(client: httpx.AsyncClient) -> None:
    tree = await area_tree()
    await make_user("root", superuser=True)
    csrf = await admin_login(client, "root")
    body = {"name": "x", "scope": "street", "street": tree.streets["A"]["id"]}
    assert_problem(await client.post(f"{API}/tokens", json=body), 403, "X-CSRFToken")
    wrong = {"X-CSRFToken": "forged"}
    assert_problem(await client.post(f"{API}/tokens", json=body, headers=wrong), 403)
    assert await ApiToken.count() == 0
    assert (await client.post(f"{API}/tokens", json=body, headers=csrf)).status_code == 201


async def test_missing_unknown_expired_and_revoked_tokens_are_401(
    client: httpx.AsyncClient,
) -> None:
    tree = await area_tree()
    missing = assert_problem(await client.get(f"{API}/grids"), 401)
    assert "Bearer" in missing["detail"]
    assert (await client.get(f"{API}/grids")).headers["www-authenticate"] == "Bearer"
    assert_problem(await client.get(f"{API}/grids", headers={"Authorization": "Basic eA=="}), 401)
    assert_problem(await client.get(f"{API}/grids", headers=bearer("pg_nope_secret")), 401)
    token = await make_token(tree, community="A1")
    forged = token[:-4] + "AAAA"
    assert_problem(await client.get(f"{API}/grids", headers=bearer(forged)), 401)

    expired = await make_token(tree, community="A2", expires_at=utc_now() + dt.timedelta(seconds=1))
    await ApiToken.update({ApiToken.expires_at: utc_now() - dt.timedelta(seconds=1)}).where(
        ApiToken.name == "integrator A2"
    )
    assert (
        "expired"
        in assert_problem(await client.get(f"{API}/grids", headers=bearer(expired)), 401)["detail"]
    )

    root = await make_user("root", superuser=True)
    csrf = await admin_login(client, "root")
    row = await ApiToken.select().where(ApiToken.name == "integrator A1").first()
    assert (await client.get(f"{API}/grids", headers=bearer(token))).status_code == 200
    revoked = await client.post(f"{API}/tokens/{row['id']}/revoke", headers=csrf)
    assert revoked.status_code == 200 and revoked.json()["revoked_at"]
    client.cookies.clear()
    assert (
        "revoked"
        in assert_problem(await client.get(f"{API}/grids", headers=bearer(token)), 401)["detail"]
    )
    audited = (
        await AuditLog.select()
        .where((AuditLog.table_name == "api_token") & (AuditLog.row_id == row["id"]))
        .order_by(AuditLog.id)
    )
    assert [(a["action"], a["actor_id"]) for a in audited] == [
        ("INSERT", row["created_by"]),
        ("UPDATE", root["id"]),
    ]


async def test_last_used_time_is_kept_without_filling_the_audit_log(
    client: httpx.AsyncClient,
) -> None:
    tree = await area_tree()
    token = await make_token(tree, community="A1")
    assert (await ApiToken.select().first())["last_used_at"] is None
    for _ in range(3):
        assert (await client.get(f"{API}/grids", headers=bearer(token))).status_code == 200
    assert (await ApiToken.select().first())["last_used_at"] is not None
    assert await AuditLog.count().where(AuditLog.table_name == "api_token") == 1  # the insert


async def test_read_only_token_cannot_write(client: httpx.AsyncClient) -> None:
    tree = await area_tree()
    token = await make_token(tree, community="A1", can_write=False)
    grid = tree.grids["A1-1"]
    refused = await client.patch(
        f"{API}/grids/{grid['code']}", json={"name": "改名"}, headers=bearer(token)
    )
    assert "read-only" in assert_problem(refused, 403)["detail"]
    building = {"address": "x", "longitude": 117.801, "latitude": 30.901, "grid": grid["id"]}
    assert_problem(await client.post(f"{API}/buildings", json=building, headers=bearer(token)), 403)
    assert (await client.get(f"{API}/grids/{grid['code']}", headers=bearer(token))).json()[
        "name"
    ] == grid["name"]


async def test_admin_form_creates_a_token_that_works(client: httpx.AsyncClient) -> None:
    tree = await area_tree()
    await make_staff("jd-a", role="street_official", street=tree.streets["A"])
    csrf = await admin_login(client, "jd-a")
    forms = await client.get("/admin/api/forms/")
    slug = next(f["slug"] for f in forms.json() if f["name"].startswith("创建 API 令牌"))
    posted = await client.post(
        f"/admin/api/forms/{slug}/",
        json={
            "name": "网格员 App",
            "scope": "community",
            "area_code": tree.communities["A2"]["code"],
            "can_write": True,
            "valid_days": 30,
        },
        headers=csrf,
    )
    assert posted.status_code == 200, posted.text
    token = posted.json()["custom_form_success"].rsplit(" ", 1)[-1]
    refused = await client.post(
        f"/admin/api/forms/{slug}/",
        json={"name": "越权", "scope": "street", "area_code": tree.streets["B"]["code"]},
        headers=csrf,
    )
    assert refused.status_code == 422 and "custom_form_error" in refused.json()
    client.cookies.clear()
    grids = await client.get(f"{API}/grids", headers=bearer(token))
    assert {g["code"] for g in grids.json()["items"]} == {
        tree.grids["A2-1"]["code"],
        tree.grids["A2-2"]["code"],
    }
    stored = await ApiToken.select().first()
    assert stored["can_write"] and stored["expires_at"] < utc_now() + dt.timedelta(days=31)
    assert await ApiToken.count() == 1
