"""The demo loads only into an empty database, and its printed logins work."""

import httpx

from app.demo import load_demo_if_empty
from app.settings import settings


async def test_demo_loads_only_into_an_empty_database_and_its_logins_work(
    client: httpx.AsyncClient,
) -> None:
    logins = await load_demo_if_empty()
    assert logins is not None
    assert await load_demo_if_empty() is None
    await client.get("/admin/")
    response = await client.post(
        "/admin/public/login/",
        json={"username": logins["grid worker 网格员"], "password": settings.demo_password},
        headers={"X-CSRFToken": client.cookies.get("csrftoken", "")},
    )
    assert response.status_code == 200
