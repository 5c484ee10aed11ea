"""Security headers on every response, production cookies, login brute force, no secret in logs."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import AsyncIterator

import httpx
import pytest

from app.api.auth import RATE_LIMITS
from app.settings import settings
from app.system.security import APP_CSP, DOCS_CSP, harden_cookie
from tables.system import AuditLog
from tests.admin.support import admin_login
from tests.api.support import API, bearer, make_token
from tests.factories import PASSWORD, area_tree, make_user

REQUIRED = {
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
}


@pytest.fixture(autouse=True)
def fresh_rate_limits() -> None:
    RATE_LIMITS.reset()


def assert_secured(response: httpx.Response, csp: str = APP_CSP) -> None:
    for name, value in REQUIRED.items():
        assert response.headers.get(name) == value, (response.request.url, name)
    assert response.headers.get("content-security-policy") == csp, response.request.url
    assert "frame-ancestors 'none'" in csp


async def test_every_kind_of_response_carries_the_security_headers(
    client: httpx.AsyncClient,
) -> None:
    await area_tree()
    answers = {
        "ok": await client.get("/health"),
        "html page": await client.get("/maps/"),
        "index": await client.get("/"),
        "unknown route (router 404)": await client.get("/no-such-page"),
        "wrong method (router 405)": await client.post("/health"),
        "admin page (mounted app)": await client.get("/admin/"),
        "admin bundle": await client.get("/admin/assets/does-not-exist.js"),
        "admin api without login": await client.get("/admin/api/tables/"),
        "api without token": await client.get(f"{API}/grids"),
        "api bad parameter": await client.get(f"{API}/grids", params={"page": "x"}),
        "open311": await client.get("/open311/v2/discovery.json"),
    }
    for what, response in answers.items():
        assert response.status_code < 500, what
        assert_secured(response)
    assert answers["unknown route (router 404)"].status_code == 404
    assert answers["wrong method (router 405)"].status_code == 405
    # Scoped data is never cached; the public health check may be.
    assert answers["api without token"].headers["cache-control"] == "no-store"
    assert answers["admin api without login"].headers["cache-control"] == "no-store"
    assert "cache-control" not in answers["ok"].headers
    # Scripts only from this origin in the app; no HSTS outside production.
    assert "script-src 'self';" in APP_CSP and "unsafe-eval" not in APP_CSP
    assert "strict-transport-security" not in answers["ok"].headers


async def test_the_api_docs_get_the_policy_their_renderers_need(client: httpx.AsyncClient) -> None:
    for path in ("/schema", "/schema/swagger", "/schema/redoc"):
        response = await client.get(path)
        assert response.status_code == 200
        assert_secured(response, DOCS_CSP)
    assert_secured(await client.get("/schemas-are-not-docs"))


@pytest.fixture
async def production_client() -> AsyncIterator[httpx.AsyncClient]:
    """The app as built with PRODUCTION=1 (same database and admin)."""
    import app.asgi

    original = app.asgi.settings
    app.asgi.settings = dataclasses.replace(settings, production=True)
    try:
        production_app = app.asgi.create_app()
    finally:
        app.asgi.settings = original
    transport = httpx.ASGITransport(app=production_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


def cookie_attributes(response: httpx.Response, name: str) -> set[str]:
    for header in response.headers.get_list("set-cookie"):
        if header.startswith(f"{name}="):
            return {part.strip().lower() for part in header.split(";")[1:]}
    raise AssertionError(f"no {name} cookie set: {response.headers.get_list('set-cookie')}")


async def test_production_cookies_are_secure_samesite_and_the_session_httponly(
    production_client: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    await make_user("root", superuser=True)
    page = await production_client.get("/admin/")
    csrf = cookie_attributes(page, "csrftoken")
    assert {"secure", "samesite=lax"} <= csrf
    assert "httponly" not in csrf  # the admin's JavaScript must read it (double submit)
    # httpx keeps Secure cookies for https only; the browser would send it back over https.
    token = page.cookies["csrftoken"]
    login = await production_client.post(
        "/admin/public/login/",
        json={"username": "root", "password": PASSWORD},
        headers={"X-CSRFToken": token, "Cookie": f"csrftoken={token}"},
    )
    assert login.status_code == 200, login.text
    session = cookie_attributes(login, "id")
    assert {"httponly", "secure", "samesite=lax"} <= session
    assert login.headers["strict-transport-security"].startswith("max-age=31536000")

    # Outside production piccolo-admin's own flags stand: HttpOnly and SameSite, not Secure
    # (plain http://127.0.0.1 in development would drop a Secure cookie).
    await client.get("/admin/")
    dev = await client.post(
        "/admin/public/login/",
        json={"username": "root", "password": PASSWORD},
        headers={"X-CSRFToken": client.cookies["csrftoken"]},
    )
    assert {"httponly", "samesite=lax"} <= cookie_attributes(dev, "id")
    assert "secure" not in cookie_attributes(dev, "id")


def test_cookie_hardening_keeps_what_is_set_and_adds_what_is_missing() -> None:
    assert harden_cookie(b"id=abc; Path=/; SameSite=strict") == (
        b"id=abc; Path=/; SameSite=strict; Secure; HttpOnly"
    )
    assert harden_cookie(b"csrftoken=x; Max-Age=31449600; Path=/") == (
        b"csrftoken=x; Max-Age=31449600; Path=/; Secure; SameSite=Lax"
    )
    already = b"id=abc; HttpOnly; Secure; SameSite=lax"
    assert harden_cookie(already) == already


async def login_attempt(http: httpx.AsyncClient, username: str, password: str) -> httpx.Response:
    return await http.post(
        "/public/login/",
        json={"username": username, "password": password},
        headers={"X-CSRFToken": http.cookies.get("csrftoken", "")},
    )


async def test_admin_login_is_blocked_after_the_configured_number_of_attempts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """ADMIN_LOGIN_LIMIT attempts per address in 5 minutes; then even the right password is
    refused for that address, while other addresses still log in."""
    import admin.site

    await make_user("root", superuser=True)
    monkeypatch.setattr(admin.site, "settings", dataclasses.replace(settings, admin_login_limit=3))
    limited_admin = admin.site.build_admin.__wrapped__()  # a second instance, limit 3

    def client_from(address: str) -> httpx.AsyncClient:
        transport = httpx.ASGITransport(app=limited_admin, client=(address, 40000))
        return httpx.AsyncClient(transport=transport, base_url="http://testserver")

    async with client_from("203.0.113.7") as attacker, client_from("198.51.100.2") as colleague:
        await attacker.get("/")
        for guess in ("123456", "password", "grid2026"):
            assert (await login_attempt(attacker, "root", guess)).status_code == 401
        blocked = await login_attempt(attacker, "root", PASSWORD)
        assert blocked.status_code == 429, blocked.text
        assert "id" not in blocked.cookies
        await colleague.get("/")
        assert (await login_attempt(colleague, "root", PASSWORD)).status_code == 200


async def test_the_api_has_no_password_login(client: httpx.AsyncClient) -> None:
    """Integrators authenticate with tokens only: nothing under /api/v1 takes a password."""
    await make_user("root", superuser=True)
    document = (await client.get("/schema/openapi.json")).json()
    assert set(document["components"]["securitySchemes"]) == {"bearer", "session"}
    takes_password = set()
    for path, operations in document["paths"].items():
        if not path.startswith(API):
            continue
        assert not any(word in path for word in ("login", "password", "session", "auth")), path
        for method, operation in operations.items():
            for media in operation.get("requestBody", {}).get("content", {}).values():
                if "password" in schema_of(document, media).get("properties", {}):
                    takes_password.add((method, path))
                    answer = operation["responses"]["201"]["content"]["application/json"]
                    returned = schema_of(document, answer).get("properties", {})
                    assert not {"password", "token", "session"} & set(returned), path
    # The one password the API takes is a new staff member's initial one (by their admin).
    assert takes_password == {("post", f"{API}/staff")}
    for attempt in (
        client.post(f"{API}/login", json={"username": "root", "password": PASSWORD}),
        client.post(f"{API}/auth/token", data={"username": "root", "password": PASSWORD}),
    ):
        assert (await attempt).status_code in (401, 404, 405)
    basic = await client.get(f"{API}/grids", auth=("root", PASSWORD))
    assert basic.status_code == 401
    assert basic.headers["www-authenticate"] == "Bearer"


def schema_of(document: dict, media: dict) -> dict:
    ref = media.get("schema", {}).get("$ref", "")
    return dict(document["components"]["schemas"].get(ref.rsplit("/", 1)[-1], {}))


async def test_tokens_and_passwords_never_reach_the_logs(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    # Loggers that do not propagate to the root (uvicorn's, some libraries') are heard too.
    silent = [
        logger
        for logger in logging.root.manager.loggerDict.values()
        if isinstance(logger, logging.Logger) and not logger.propagate
    ]
    for logger in silent:
        logger.addHandler(caplog.handler)
    try:
        await exercise_secrets(client, caplog)
    finally:
        for logger in silent:
            logger.removeHandler(caplog.handler)


async def exercise_secrets(client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture) -> None:
    """A bearer request (good and bad token), an admin login (good and wrong password)."""
    tree = await area_tree()
    token = await make_token(tree, community="A1")
    RATE_LIMITS.reset()
    assert (await client.get(f"{API}/grids", headers=bearer(token))).status_code == 200
    assert (await client.get(f"{API}/grids", headers=bearer(token + "x"))).status_code == 401
    await make_user("official")
    await admin_login(client, "official")
    wrong = await client.post(
        "/admin/public/login/",
        json={"username": "official", "password": PASSWORD + "-wrong"},
        headers={"X-CSRFToken": client.cookies.get("csrftoken", "")},
    )
    assert wrong.status_code == 401
    assert caplog.records, "nothing was logged: the capture is not working"
    logged = "\n".join(
        f"{record.getMessage()} {record.args!r} {record.__dict__!r}" for record in caplog.records
    )
    secret = token.split("_")[-1]
    assert secret not in logged
    assert PASSWORD not in logged
    trail = " ".join(
        str(row) for row in await AuditLog.select(AuditLog.before, AuditLog.after).run()
    )
    assert secret not in trail and PASSWORD not in trail


async def test_no_cookie_authenticated_write_succeeds_without_the_csrf_token(
    client: httpx.AsyncClient,
) -> None:
    """Every write route of the admin's table API and of /api/v1, sent with a superuser's
    session cookie but without the X-CSRFToken header, is refused and writes nothing."""
    from tables.piccolo_app import ALL_TABLES
    from tables.work import Department

    await area_tree()
    await make_user("root", superuser=True)
    await admin_login(client, "root")
    department = await client.post(
        "/admin/api/tables/department/", json={"name": "民政局", "line": "民政"}
    )
    assert department.status_code == 403 and "CSRF" in department.text
    for table in ALL_TABLES:
        name = table._meta.tablename
        for method, path in (
            ("POST", f"/admin/api/tables/{name}/"),
            ("PATCH", f"/admin/api/tables/{name}/1/"),
            ("DELETE", f"/admin/api/tables/{name}/1/"),
        ):
            answer = await client.request(method, path, json={})
            assert answer.status_code == 403, (method, path, answer.status_code)
    api = await client.post(f"{API}/departments", json={"name": "民政局", "line": "民政"})
    assert_problem_field(api, 403, "X-CSRFToken")
    document = (await client.get("/schema/openapi.json")).json()
    for path, operations in document["paths"].items():
        if not path.startswith(API):
            continue
        concrete = path.replace("{id}", "1").replace("{code}", "340705")
        for method in operations:
            if method.upper() in ("POST", "PATCH", "PUT", "DELETE"):
                answer = await client.request(method.upper(), concrete, json={})
                assert not answer.is_success, (method, path, answer.status_code)
    assert await Department.count().run() == 0


def assert_problem_field(response: httpx.Response, status: int, field: str) -> None:
    assert response.status_code == status, response.text
    assert response.json().get("field") == field, response.text
