"""API test helpers: tokens of every scope, bearer headers, a district to call into."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx

from app.api.tokens import ApiTokenCreate, create_token
from app.scope import Level, Scope
from tables.tokens import TokenScope
from tests.factories import Tree, make_user

API = "/api/v1"


async def make_token(
    tree: Tree,
    community: str | None = None,
    street: str | None = None,
    can_write: bool = True,
    expires_at: dt.datetime | None = None,
    creator: dict[str, Any] | None = None,
) -> str:
    """A token scoped to community `community` (e.g. "A1") or street `street` (e.g. "A")."""
    creator = creator or await make_user(f"root-{community or street}-{can_write}", superuser=True)
    data = ApiTokenCreate(
        name=f"integrator {community or street}",
        scope=TokenScope.community if community else TokenScope.street,
        community=tree.communities[community]["id"] if community else None,
        street=tree.streets[street]["id"] if street else None,
        can_write=can_write,
        expires_at=expires_at,
    )
    row = await create_token(data, Scope(user_id=creator["id"], level=Level.district))
    return str(row["token"])


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def assert_problem(response: httpx.Response, status: int, field: str | None = None) -> dict:
    """The response is an RFC 9457 problem with `status` (and naming `field`)."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == status
    assert body["title"] and body["type"].startswith("https://")
    if field is not None:
        assert body.get("field") == field, body
    return body


async def exercise(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    path: str,
    create: dict[str, Any],
    update: dict[str, Any],
    matching: dict[str, Any],
    excluding: dict[str, Any] | None = None,
    key: str = "id",
    deletable: bool = True,
) -> dict[str, Any]:
    """Create, list, filter, read, change and delete one record of `path` over HTTP.

    `matching` filters must find the new record, `excluding` ones must not.
    """
    created = await client.post(f"{API}/{path}", json=create, headers=headers)
    assert created.status_code == 201, created.text
    row = created.json()
    for name, value in create.items():
        nested = isinstance(value, dict) or (
            isinstance(value, list) and value and isinstance(value[0], dict)
        )
        if name not in ("password", "username", "grids") and not nested:
            assert row[name] == value, (name, row)
    listed = await client.get(f"{API}/{path}", params={"page_size": 500}, headers=headers)
    assert listed.status_code == 200, listed.text
    assert row["id"] in [item["id"] for item in listed.json()["items"]]
    assert listed.json()["total"] >= 1
    found = await client.get(f"{API}/{path}", params=matching, headers=headers)
    assert found.status_code == 200, found.text
    assert row["id"] in [item["id"] for item in found.json()["items"]], found.json()
    if excluding is not None:
        other = await client.get(f"{API}/{path}", params=excluding, headers=headers)
        assert other.status_code == 200, other.text
        assert row["id"] not in [item["id"] for item in other.json()["items"]]
    url = f"{API}/{path}/{row[key]}"
    detail = await client.get(url, headers=headers)
    assert detail.status_code == 200 and detail.json() == row
    changed = await client.patch(url, json=update, headers=headers)
    assert changed.status_code == 200, changed.text
    for name, value in update.items():
        assert changed.json()[name] == value
    url = f"{API}/{path}/{changed.json()[key]}"
    removed = await client.delete(url, headers=headers)
    if deletable:
        assert removed.status_code == 204, removed.text
        assert_problem(await client.get(url, headers=headers), 404)
    else:
        assert removed.status_code == 405
    return changed.json()
