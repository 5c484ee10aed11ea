"""The map page: the map component configured by data attributes (no inline script, CSP),
editing offered by role, and the SVG and tables kept for browsers without JavaScript."""

from __future__ import annotations

import json
import re

import httpx

from tests.admin.support import admin_login
from tests.factories import area_tree, make_staff

ATLAS = re.compile(r'<div class="atlas" id="atlas"([^>]*)>')
SCRIPT = re.compile(r"<script([^>]*)>(.*?)</script>", re.S)


def attributes(html: str) -> dict[str, str]:
    found = ATLAS.search(html)
    assert found, "no map component on the page"
    return dict(re.findall(r'(data-[a-z-]+)="([^"]*)"', found.group(1)))


async def test_the_map_component_is_configured_without_inline_script(
    client: httpx.AsyncClient,
) -> None:
    tree = await area_tree()
    community = tree.communities["A1"]
    await make_staff("sq", role="community_admin", community=community)
    await admin_login(client, "sq")
    page = (await client.get(f"/maps/community/{community['code']}?metric=open")).text
    data = attributes(page)
    assert data["data-layers-url"] == "/maps/api/layers"
    assert data["data-metric"] == "open"
    assert data["data-can-edit"] == "1" and data["data-register"] == "1"
    assert data["data-today-url"] == f"/maps/api/today/community/{community['code']}"
    assert [float(v) for v in data["data-bounds"].split(",")] == [117.80, 30.90, 117.81, 30.91]
    scripts = SCRIPT.findall(page)
    code = [(attrs, body) for attrs, body in scripts if "application/json" not in attrs]
    # Every script is a static file of this origin; none has inline code.
    assert code and all('src="/m/static/' in attrs and not body.strip() for attrs, body in code)
    code_attrs = [attrs for attrs, _ in code]
    assert any("pages/maps/atlas.js" in attrs for attrs in code_attrs)
    assert any("app/basemap.js" in attrs for attrs in code_attrs)
    [metrics] = [body for attrs, body in scripts if "application/json" in attrs]
    assert {m["key"] for m in json.loads(metrics)} >= {"check_in", "open"}
    # Without JavaScript: the SVG map, and the tables under it.
    noscript = page[page.index("<noscript>") : page.index("</noscript>")]
    assert 'id="grid-map"' in noscript
    assert "拓扑检查" in page and tree.grids["A1-1"]["code"] in page


async def test_editing_is_offered_only_to_those_who_may_change_grids(
    client: httpx.AsyncClient,
) -> None:
    tree = await area_tree()
    community = tree.communities["A1"]
    await make_staff("wg", community=community, grids=[tree.grids["A1-1"]])
    await admin_login(client, "wg")
    page = (await client.get(f"/maps/community/{community['code']}")).text
    assert attributes(page)["data-can-edit"] == "0"
    client.cookies.clear()
    await make_staff("jd", role="street_official", street=tree.streets["A"])
    await admin_login(client, "jd")
    street = (await client.get(f"/maps/street/{tree.streets['A']['code']}")).text
    data = attributes(street)
    assert data["data-can-edit"] == "1"
    assert data["data-today-url"] == f"/maps/api/today/street/{tree.streets['A']['code']}"
