"""ETags on the map's JSON (app/atlas/caching.py): the same data gives the same ETag and a
304 without a body, a change gives a new one, and one login's ETag never matches another's."""

from __future__ import annotations

from typing import Any

import httpx

from tables.areas import ResponsibilityGrid
from tests.admin.support import admin_login
from tests.atlas.test_map_api import STREET_A_BOX
from tests.factories import Tree, area_tree, make_check_in_today, make_household, make_staff

LAYERS = "/maps/api/layers"
GRID_ZOOM = {"bbox": STREET_A_BOX, "zoom": 15}


async def login(client: httpx.AsyncClient, username: str) -> None:
    client.cookies.clear()
    await admin_login(client, username)


async def fetched(
    client: httpx.AsyncClient, url: str, etag: str | None = None, **params: Any
) -> httpx.Response:
    headers = {"If-None-Match": etag} if etag else {}
    return await client.get(url, params=params or GRID_ZOOM, headers=headers)


def assert_fresh(response: httpx.Response, cache_control: str) -> str:
    """A 200 with a body, a strong ETag and `cache_control`; returns the ETag."""
    assert response.status_code == 200, response.text
    etag = response.headers["etag"]
    assert etag.startswith('"') and etag.endswith('"') and not etag.startswith("W/")
    assert response.headers["cache-control"] == cache_control
    assert response.headers["vary"] == "Accept-Encoding"
    assert response.json()
    return etag


def assert_not_modified(response: httpx.Response, etag: str, cache_control: str) -> None:
    assert response.status_code == 304
    assert response.content == b""
    assert "content-length" not in response.headers or response.headers["content-length"] == "0"
    assert response.headers["etag"] == etag
    assert response.headers["cache-control"] == cache_control


async def street_official(tree: Tree, username: str = "jd") -> None:
    await make_staff(username, role="street_official", street=tree.streets["A"])


async def test_the_same_layers_have_the_same_etag_and_revalidate_with_a_304(
    client: httpx.AsyncClient,
) -> None:
    tree = await area_tree()
    await street_official(tree)
    await login(client, "jd")
    first = await fetched(client, LAYERS)
    etag = assert_fresh(first, "private, no-cache")
    # Four grids' GeoJSON is over a kilobyte: gzipped, as httpx accepts.
    assert first.headers["content-encoding"] == "gzip"
    assert int(first.headers["content-length"]) < len(first.content) / 2
    again = await fetched(client, LAYERS)
    assert again.headers["etag"] == etag and again.content == first.content
    assert_not_modified(await fetched(client, LAYERS, etag), etag, "private, no-cache")
    # A list of tags, a weak form of the same tag and `*` all match (RFC 9110 §13.1.2).
    for header in (f'"other", {etag}', f"W/{etag}", "*"):
        assert (await fetched(client, LAYERS, header)).status_code == 304
    # The same answer uncompressed: its own ETag (no -gzip), and either form revalidates.
    plain = await client.get(LAYERS, params=GRID_ZOOM, headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers and plain.content == first.content
    plain_etag = assert_fresh(plain, "private, no-cache")
    assert etag == plain_etag[:-1] + '-gzip"'
    assert (await fetched(client, LAYERS, plain_etag)).status_code == 304
    # Another view (zoom, box, metric) is another answer.
    other_zoom = await fetched(client, LAYERS, etag, bbox=STREET_A_BOX, zoom=13)
    assert other_zoom.status_code == 200 and other_zoom.headers["etag"] != etag
    other_metric = await fetched(client, LAYERS, etag, **GRID_ZOOM, metric="open")
    assert other_metric.status_code == 200 and other_metric.headers["etag"] != etag


async def test_a_changed_grid_changes_the_etag(client: httpx.AsyncClient) -> None:
    tree = await area_tree()
    await street_official(tree)
    await login(client, "jd")
    etag = assert_fresh(await fetched(client, LAYERS), "private, no-cache")
    grid = tree.grids["A1-1"]
    await ResponsibilityGrid.update({ResponsibilityGrid.name: "改名网格"}).where(
        ResponsibilityGrid.id == grid["id"]
    )
    changed = await fetched(client, LAYERS, etag)
    new_etag = assert_fresh(changed, "private, no-cache")
    assert new_etag != etag
    names = {f["id"]: f["properties"]["name"] for f in changed.json()["grids"]["features"]}
    assert names[grid["id"]] == "改名网格"
    assert_not_modified(await fetched(client, LAYERS, new_etag), new_etag, "private, no-cache")


async def test_no_login_matches_another_logins_etag(client: httpx.AsyncClient) -> None:
    tree = await area_tree()
    await street_official(tree, "jd")
    await street_official(tree, "jd2")
    await make_staff("sq", role="community_admin", community=tree.communities["A1"])
    await login(client, "jd")
    street_response = await fetched(client, LAYERS)
    street_etag = assert_fresh(street_response, "private, no-cache")

    # Without a login the ETag gets a 401, not a 304.
    client.cookies.clear()
    anonymous = await fetched(client, LAYERS, street_etag)
    assert anonymous.status_code == 401 and "etag" not in anonymous.headers

    # A community admin of A1 sees less; the street's ETag gets its own answer in full.
    await login(client, "sq")
    community = await fetched(client, LAYERS, street_etag)
    community_etag = assert_fresh(community, "private, no-cache")
    assert community_etag != street_etag
    grids = {f["id"] for f in community.json()["grids"]["features"]}
    assert grids == {tree.grids["A1-1"]["id"], tree.grids["A1-2"]["id"]}

    # Another street official sees the very same bytes, and still gets their own ETag: what
    # one login was given never validates another login's answer.
    await login(client, "jd2")
    twin = await fetched(client, LAYERS, street_etag)
    assert twin.status_code == 200 and twin.content == street_response.content
    assert twin.headers["etag"] not in (street_etag, community_etag)


async def test_todays_work_revalidates_and_a_check_in_changes_it(
    client: httpx.AsyncClient,
) -> None:
    tree = await area_tree()
    grid = tree.grids["A1-1"]
    worker = await make_staff("wg", community=tree.communities["A1"], grids=[grid])
    await make_staff("sq", role="community_admin", community=tree.communities["A1"])
    await login(client, "sq")
    url = f"/maps/api/today/community/{tree.communities['A1']['code']}"
    etag = assert_fresh(await client.get(url), "private, no-cache")
    revalidated = await client.get(url, headers={"If-None-Match": etag})
    assert_not_modified(revalidated, etag, "private, no-cache")
    await make_check_in_today(worker, grid, latitude=30.905, longitude=117.802)
    after = await client.get(url, headers={"If-None-Match": etag})
    assert assert_fresh(after, "private, no-cache") != etag
    assert len(after.json()["check_ins"]["features"]) == 1


async def test_the_register_stays_out_of_every_cache(client: httpx.AsyncClient) -> None:
    tree = await area_tree()
    household = await make_household(tree.grids["A1-1"], "1-101")
    await make_staff("sq", role="community_admin", community=tree.communities["A1"])
    await login(client, "sq")
    response = await client.get(f"/maps/api/buildings/{household['building']}/register")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    assert "etag" not in response.headers


async def test_the_public_layers_are_cached_publicly_for_a_minute(
    client: httpx.AsyncClient,
) -> None:
    tree = await area_tree()
    url = f"/maps/api/public/communities/{tree.communities['A1']['code']}/layers"
    etag = assert_fresh(await fetched(client, url), "public, max-age=60")
    assert_not_modified(await fetched(client, url, etag), etag, "public, max-age=60")
    # A staff login asking for the public layers gets the public answer and ETag.
    await make_staff("sq", role="community_admin", community=tree.communities["A1"])
    await login(client, "sq")
    assert_not_modified(await fetched(client, url, etag), etag, "public, max-age=60")
    await ResponsibilityGrid.update({ResponsibilityGrid.name: "新名字"}).where(
        ResponsibilityGrid.id == tree.grids["A1-2"]["id"]
    )
    changed = await fetched(client, url, etag)
    assert assert_fresh(changed, "public, max-age=60") != etag
    assert "新名字" in changed.text
    # A bad request is a problem, never a 304.
    bad = await fetched(client, url, etag, bbox="1,2,3", zoom=15)
    assert bad.status_code == 422 and bad.json()["field"] == "bbox"
