"""A resolved token is remembered for CACHE_SECONDS: no token query per request, revocation in
this process at once, anywhere else within CACHE_SECONDS, expiry always."""

from __future__ import annotations

import dataclasses
import datetime as dt
import time

import httpx
import pytest

from app.api import tokens
from app.clock import utc_now
from tables.tokens import ApiToken
from tests.api.support import API, assert_problem, bearer, make_token
from tests.factories import area_tree


def later(seconds: float) -> float:
    return time.monotonic() + seconds


async def test_a_cached_token_needs_no_token_row(client: httpx.AsyncClient) -> None:
    tree = await area_tree()
    token = await make_token(tree, community="A1")
    assert (await client.get(f"{API}/grids", headers=bearer(token))).status_code == 200
    used = (await ApiToken.select().first())["last_used_at"]
    # A second request within the cache time does not read the row: changing it under the
    # cache (as another process would) is not seen yet.
    await ApiToken.update({ApiToken.last_used_at: None}, force=True)
    assert (await client.get(f"{API}/grids", headers=bearer(token))).status_code == 200
    assert (await ApiToken.select().first())["last_used_at"] is None
    assert used is not None


def cache_time_passes() -> None:
    cache = tokens.TOKEN_CACHE
    cache.entries = {
        key: dataclasses.replace(entry, trusted_until=time.monotonic())
        for key, entry in cache.entries.items()
    }


async def test_revoked_elsewhere_is_refused_once_the_cache_time_is_over(
    client: httpx.AsyncClient,
) -> None:
    tree = await area_tree()
    token = await make_token(tree, community="A1")
    assert (await client.get(f"{API}/grids", headers=bearer(token))).status_code == 200
    # Another web process revokes it: this one trusts its cache for at most CACHE_SECONDS.
    await ApiToken.update({ApiToken.revoked_at: utc_now()}, force=True)
    assert (await client.get(f"{API}/grids", headers=bearer(token))).status_code == 200
    cache_time_passes()
    refused = assert_problem(await client.get(f"{API}/grids", headers=bearer(token)), 401)
    assert "revoked" in refused["detail"]


async def test_expiry_is_checked_on_every_request_even_when_cached(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    tree = await area_tree()
    expires = utc_now() + dt.timedelta(minutes=5)
    token = await make_token(tree, community="A1", expires_at=expires)
    assert (await client.get(f"{API}/grids", headers=bearer(token))).status_code == 200
    monkeypatch.setattr(tokens, "utc_now", lambda: expires + dt.timedelta(seconds=1))
    refused = assert_problem(await client.get(f"{API}/grids", headers=bearer(token)), 401)
    assert "expired" in refused["detail"]


async def test_a_lookup_racing_a_revocation_is_not_cached() -> None:
    tree = await area_tree()
    token = await make_token(tree, community="A1")
    cache = tokens.TOKEN_CACHE
    generation = cache.generation
    cache.forget(-1)  # a revocation finished while the lookup was reading the row
    scope = await tokens.scope_for_token(token)
    entry = tokens._Resolved(scope, 1, utc_now() + dt.timedelta(days=1), later(30))
    cache.put("stale", entry, generation)
    assert cache.get("stale") is None
    assert cache.get(tokens.hash_token(token)) is not None
