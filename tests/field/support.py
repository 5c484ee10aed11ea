"""A small field world: community A1 with two grids and their workers, logged in to /m/api/."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

import httpx

from tests.factories import PASSWORD, Tree, area_tree, make_department, make_staff

API = "/m/api"


@dataclass
class Field:
    tree: Tree
    worker_a: dict[str, Any]
    worker_b: dict[str, Any]
    admin: dict[str, Any]
    grid_a: dict[str, Any]
    grid_b: dict[str, Any]
    department: dict[str, Any]


async def field_world() -> Field:
    tree = await area_tree()
    grid_a, grid_b = tree.grids["A1-1"], tree.grids["A1-2"]
    community = tree.communities["A1"]
    return Field(
        tree=tree,
        worker_a=await make_staff("wga", community=community, grids=[grid_a]),
        worker_b=await make_staff("wgb", community=community, grids=[grid_b]),
        admin=await make_staff("sqa", role="community_admin", community=community),
        grid_a=grid_a,
        grid_b=grid_b,
        department=await make_department(),
    )


async def phone_login(client: httpx.AsyncClient, username: str) -> dict[str, str]:
    """Log in through /m/api/login; the headers every write carries (CSRF)."""
    client.cookies.clear()
    answer = await client.post(f"{API}/login", json={"username": username, "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    return {"X-CSRFToken": client.cookies["csrftoken"]}


def key() -> dict[str, str]:
    return {"Idempotency-Key": str(uuid.uuid4())}


def inside(grid: dict[str, Any]) -> dict[str, float]:
    return {
        "latitude": (grid["min_lat"] + grid["max_lat"]) / 2,
        "longitude": (grid["min_lon"] + grid["max_lon"]) / 2,
    }


def now_iso(delta: dt.timedelta = dt.timedelta()) -> str:
    return (dt.datetime.now(dt.UTC) + delta).isoformat()
