"""The web app answers: health with the database status, the OpenAPI docs, the admin."""

import httpx

from tests.factories import PASSWORD, make_user


async def test_health_reports_database_ok(client: httpx.AsyncClient) -> None:
    response = await client.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert body["database_version"]


async def test_openapi_schema_is_served(client: httpx.AsyncClient) -> None:
    response = await client.get("/schema/openapi.json")
    assert response.status_code == 200
    assert response.json()["openapi"].startswith("3.1")
    assert "/health" in response.json()["paths"]


async def test_unknown_route_is_a_problem_document(client: httpx.AsyncClient) -> None:
    response = await client.get("/no-such-page")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["status"] == 404


async def test_admin_login_lists_every_domain_table(client: httpx.AsyncClient) -> None:
    from tables.piccolo_app import ALL_TABLES

    await make_user("district-admin", superuser=True)
    page = await client.get("/admin/")
    assert page.status_code == 200
    login = await client.post(
        "/admin/public/login/",
        json={"username": "district-admin", "password": PASSWORD},
        headers={"X-CSRFToken": client.cookies.get("csrftoken", "")},
    )
    assert login.status_code == 200, login.text
    tables = await client.get("/admin/api/tables/")
    assert tables.status_code == 200
    assert set(tables.json()) >= {t._meta.tablename for t in ALL_TABLES}


def test_every_table_has_a_place_in_the_admin_menu() -> None:
    from admin.site import MENU
    from tables.piccolo_app import ALL_TABLES

    in_menu = {table for tables in MENU.values() for table in tables}
    assert not [t.__name__ for t in ALL_TABLES if t not in in_menu]
