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
