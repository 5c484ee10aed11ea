"""The shell of 网格通: pages, manifest, service worker and static files as a phone gets them
(strict CSP, gzip, long caching of hashed assets), the first load's weight, and 360 px."""

from __future__ import annotations

import httpx
import pytest
from playwright.async_api import Browser

from app.field.pages import SHELL_CSS, SHELL_JS, asset_url
from tests.browser import browser, live_app  # noqa: F401
from tests.field.phone import PHONE, PhonePage, field_world, phone, phone_context  # noqa: F401

BUDGET_BYTES = 300_000


async def test_the_shell_is_served_with_a_strict_csp_and_revalidated(
    client: httpx.AsyncClient,
) -> None:
    for path in ("/m/", "/m/login"):
        response = await client.get(path, headers={"accept-encoding": "gzip"})
        assert response.status_code == 200
        assert response.headers["content-encoding"] == "gzip"
        assert response.headers["cache-control"] == "no-cache"
        csp = response.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-eval" not in csp
        assert "script-src 'self' 'unsafe-inline'" not in csp
        html = response.text
        assert '<html lang="zh-CN">' in html
        assert "<script>" not in html  # no inline script: every script has a src
        for name in [*SHELL_CSS, *SHELL_JS]:
            assert asset_url(name) in html


async def test_static_files_are_gzipped_cached_for_a_year_and_confined(
    client: httpx.AsyncClient,
) -> None:
    url = asset_url("vendor/vue/vue.runtime.global.prod.js")
    response = await client.get(url, headers={"accept-encoding": "gzip"})
    assert response.status_code == 200
    assert response.headers["content-encoding"] == "gzip"
    assert "immutable" in response.headers["cache-control"]
    assert response.headers["content-type"].startswith("text/javascript")
    # httpx decoded it: the body is Vue's runtime build (no template compiler: no eval needed).
    assert "compile" in response.text and len(response.content) > 100_000
    again = await client.get(url, headers={"if-none-match": response.headers["etag"]})
    assert again.status_code == 304
    for bad in ("/m/static/../pages.py", "/m/static/%2e%2e/pages.py", "/m/static/nothing.js"):
        refused = await client.get(bad)
        assert refused.status_code == 404, bad
        assert "pages.py" not in refused.text or refused.headers["content-type"].startswith(
            "application/problem"
        )


async def test_manifest_and_service_worker_make_it_installable(client: httpx.AsyncClient) -> None:
    manifest = (await client.get("/m/manifest.webmanifest")).json()
    assert manifest["start_url"] == "/m/" and manifest["scope"] == "/m/"
    assert manifest["display"] == "standalone" and manifest["lang"] == "zh-CN"
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon in manifest["icons"]:
        png = await client.get(icon["src"])
        assert png.status_code == 200 and png.content[:8] == b"\x89PNG\r\n\x1a\n"
    sw = await client.get("/m/sw.js")
    assert sw.status_code == 200
    assert sw.headers["service-worker-allowed"] == "/m/"
    assert sw.headers["cache-control"] == "no-cache"
    assert "__PRECACHE__" not in sw.text and asset_url("app/main.js") in sw.text


async def test_the_first_load_weighs_under_300_kb_compressed(
    browser: Browser,  # noqa: F811
    live_app: str,  # noqa: F811
) -> None:
    await field_world()
    # No service worker: every byte of the first visit comes over the network.
    context = await phone_context(browser, service_workers="block")
    page = PhonePage(context, await context.new_page(), live_app, "weight")
    await page.login()
    sizes: list[tuple[str, int]] = []

    async def count(response: object) -> None:
        request = response.request  # type: ignore[attr-defined]
        measured = await request.sizes()
        sizes.append((request.url, measured["responseBodySize"] + measured["responseHeadersSize"]))

    page.page.on("response", count)
    await page.page.goto(f"{live_app}/m/")
    await page.page.wait_for_selector("text=我的网格")
    await page.page.wait_for_load_state("networkidle")
    total = sum(size for _, size in sizes)
    assert any("/m/static/vendor/vant/vant.min.js" in url for url, _ in sizes)
    assert not any("leaflet" in url for url, _ in sizes)  # the map library waits for a map
    assert total < BUDGET_BYTES, f"first load {total} bytes: {sorted(sizes, key=lambda s: -s[1])}"
    page.assert_no_errors()
    await context.close()


@pytest.mark.parametrize("route", ["today", "checkin", "patrol", "report", "visit", "work", "mine"])
async def test_no_screen_scrolls_sideways_at_360_px(
    browser: Browser,  # noqa: F811
    live_app: str,  # noqa: F811
    route: str,
) -> None:
    await field_world()
    context = await phone_context(browser, viewport={"width": 360, "height": 740})
    page = PhonePage(context, await context.new_page(), live_app, f"360-{route}")
    await page.login()
    await page.open(route, ".screen .van-nav-bar")
    await page.page.wait_for_load_state("networkidle")
    width = await page.page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= 360, f"{route}: page is {width} px wide at 360 px"
    # Every tab of the bottom bar is a thumb-sized target.
    boxes = await page.page.eval_on_selector_all(
        ".van-tabbar-item", "items => items.map(i => i.getBoundingClientRect().height)"
    )
    assert len(boxes) == 6 and min(boxes) >= 44
    await page.shot("360")
    page.assert_no_errors()
    await context.close()
