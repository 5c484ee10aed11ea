"""The residents' pages: the shell of every community and tracking page, the QR codes, and
the poster the admin prints (one sheet per community and per grid)."""

from __future__ import annotations

import httpx

from tests.residents.conftest import City


async def test_the_poster_has_a_qr_code_for_the_community_and_each_grid(
    client: httpx.AsyncClient, city: City
) -> None:
    code = city.tree.communities["A1"]["code"]
    poster = await client.get(f"/r/poster/{code}")
    assert poster.status_code == 200
    assert poster.text.count("<svg") == 1 + 2  # the community and its two grids
    assert f"/r/{code}?grid={city.tree.grids['A1-2']['code']}" in poster.text
    assert "1890" in poster.text
    qr = await client.get(f"/r/qr/community/{code}")
    assert qr.status_code == 200 and qr.headers["content-type"].startswith("image/svg+xml")
    assert (await client.get("/r/poster/999999999999")).status_code == 404


async def test_a_tracking_qr_needs_a_well_formed_code(client: httpx.AsyncClient) -> None:
    assert (await client.get("/r/qr/track/K7M2-9QXH-4T")).status_code == 200
    assert (await client.get("/r/qr/track/not-a-code")).status_code == 404


async def test_the_shell_is_one_page_under_the_strict_csp(
    client: httpx.AsyncClient, city: City
) -> None:
    for path in (f"/r/{city.tree.communities['A1']['code']}", "/r/t/K7M2-9QXH-4T"):
        page = await client.get(path)
        assert page.status_code == 200 and 'lang="zh-CN"' in page.text
        csp = page.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-eval" not in csp
        assert "<script>" not in page.text  # no inline script
    api = await client.get(f"/r/api/communities/{city.tree.communities['A1']['code']}")
    assert api.headers["cache-control"] == "no-store"
    services = {s["service_code"] for s in api.json()["services"]}
    assert services == {city.code("urban"), city.code("civil")}  # approved and reportable only


async def test_the_poster_index_lists_every_community(
    client: httpx.AsyncClient, city: City
) -> None:
    index = await client.get("/r/poster/")
    assert index.status_code == 200
    for community in city.tree.communities.values():
        assert f"/r/poster/{community['code']}" in index.text
