"""Log in to the admin over HTTP, as the browser does (session cookie + CSRF header)."""

from __future__ import annotations

import httpx

from tests.factories import PASSWORD


async def admin_login(client: httpx.AsyncClient, username: str) -> dict[str, str]:
    """Log `username` in; returns the headers every later write must carry (CSRF)."""
    await client.get("/admin/")
    token = client.cookies.get("csrftoken", "")
    response = await client.post(
        "/admin/public/login/",
        json={"username": username, "password": PASSWORD},
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 200, response.text
    return {"X-CSRFToken": client.cookies.get("csrftoken", token)}
