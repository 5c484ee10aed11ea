"""ETags on the map's JSON (app/atlas/caching.py) and the shape cache behind them
(app/atlas/shape_cache.py): the same data gives the same ETag and a 304 without a body,
answered without drawing anything. Each kind of change, including plain SQL from outside the
app, gives a new ETag and redraws only what changed. One login's ETag never matches another's,
and a narrower scope never gets a cached shape made of what it does not see. The cache stays
within its size cap."""

from __future__ import annotations

import datetime as dt
import json
import os
from collections import Counter
from collections.abc import Callable
from typing import Any

import asyncpg
import httpx
import pytest
from shapely.geometry import box

from app.atlas import routes, services
from app.atlas.shape_cache import SHAPES, Shape, ShapeCache, weight_of
from app.clock import local_today
from app.crud import insert_row
from app.geo import rectangle
from tables.areas import ResponsibilityGrid
from tables.assessment import EvaluationRollup
from tables.field import FieldReport
from tables.places import Facility
from tests.admin.support import admin_login
from tests.atlas.test_map_api import STREET_A_BOX
from tests.factories import (
    Tree,
    area_tree,
    make_access_entry,
    make_check_in_today,
    make_department,
    make_household,
    make_staff,
    make_work_item,
)

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


async def logged_in_official(client: httpx.AsyncClient) -> Tree:
    """The area tree, with street A's official `jd` logged in."""
    tree = await area_tree()
    await street_official(tree)
    await login(client, "jd")
    return tree


async def test_the_same_layers_have_the_same_etag_and_revalidate_with_a_304(
    client: httpx.AsyncClient,
) -> None:
    await logged_in_official(client)
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
    tree = await logged_in_official(client)
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


# ---------------------------------------------------------------- the shape cache


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """How often each part of drawing an answer runs: the Shapely simplification, the
    topology check, drawing the layers and the public layers. The shape cache starts empty."""
    counted: Counter[str] = Counter()

    def spy(module: Any, name: str) -> None:
        real = getattr(module, name)

        def counting(*args: Any, **kwargs: Any) -> Any:
            counted[name] += 1
            return real(*args, **kwargs)

        monkeypatch.setattr(module, name, counting)

    for name in ("thinned", "topology_problems"):
        spy(services, name)
    for name in ("draw_layers", "draw_public_layers"):
        spy(routes, name)
    SHAPES.clear()
    return counted


async def run_sql(sql: str, *args: Any) -> None:
    """`sql` on a connection of its own, outside the app: as psql or another process would."""
    connection = await asyncpg.connect(dsn=os.environ["DATABASE_URL"])
    try:
        await connection.execute(sql, *args)
    finally:
        await connection.close()


def features(response: httpx.Response, layer: str) -> dict[Any, Any]:
    return {f["id"]: f for f in response.json()[layer]["features"]}


async def test_a_revalidation_draws_nothing_and_a_change_redraws_only_itself(
    client: httpx.AsyncClient, calls: Counter[str]
) -> None:
    tree = await logged_in_official(client)
    first = await fetched(client, LAYERS)
    etag = assert_fresh(first, "private, no-cache")
    # Four grids and two community outlines simplified, two communities' topology checked.
    assert calls == {"thinned": 6, "topology_problems": 2, "draw_layers": 1}

    calls.clear()
    assert_not_modified(await fetched(client, LAYERS, etag), etag, "private, no-cache")
    assert not calls  # nothing simplified, checked, drawn or encoded

    # Without its copy the browser gets the same answer again, drawn from the cache.
    again = await fetched(client, LAYERS)
    assert again.headers["etag"] == etag and again.content == first.content
    assert calls == {"draw_layers": 1}

    # A grid's boundary changed by plain SQL, as another process would: a new ETag, and only
    # that grid simplified again and its community's topology checked again.
    grid = tree.grids["A1-1"]
    narrower = rectangle(117.80, 30.90, 117.804, 30.91)
    calls.clear()
    await run_sql(
        "UPDATE responsibility_grid SET boundary = $1::jsonb WHERE id = $2",
        json.dumps(narrower),
        grid["id"],
    )
    changed = await fetched(client, LAYERS, etag)
    new_etag = assert_fresh(changed, "private, no-cache")
    assert new_etag != etag
    assert features(changed, "grids")[grid["id"]]["geometry"]["coordinates"] == [
        [list(p) for p in narrower["coordinates"][0]]
    ]
    # The grid no longer covers its community: the gap is drawn.
    assert [p["properties"]["kind"] for p in changed.json()["problems"]["features"]] == ["gap"]
    assert calls == {"thinned": 1, "topology_problems": 1, "draw_layers": 1}
    assert_not_modified(await fetched(client, LAYERS, new_etag), new_etag, "private, no-cache")


async def _rename_community(tree: Tree) -> str:
    await run_sql(
        "UPDATE community SET name = '新社区名' WHERE id = $1", tree.communities["A1"]["id"]
    )
    return "新社区名"


async def _move_community_outline(tree: Tree) -> str:
    bigger = rectangle(117.80, 30.90, 117.8101, 30.9101)
    await run_sql(
        "UPDATE community SET boundary = $1::jsonb WHERE id = $2",
        json.dumps(bigger),
        tree.communities["A1"]["id"],
    )
    return "117.8101"


async def _rate_check_ins(tree: Tree) -> str:
    await insert_row(
        EvaluationRollup,
        {
            "target_kind": "grid",
            "target_id": tree.grids["A1-1"]["id"],
            "period_kind": "month",
            "period_start": local_today().replace(day=1),
            "check_in_rate": 0.4321,
            "computed_at": dt.datetime.now(dt.UTC),
        },
    )
    return "43%"


async def _open_an_item(tree: Tree) -> str:
    entry = await make_access_entry(tree.streets["A"], await make_department())
    item = await make_work_item(tree.communities["A1"], entry, "井盖缺失")
    await run_sql(
        "UPDATE work_item SET grid = $1 WHERE id = $2", tree.grids["A1-2"]["id"], item["id"]
    )
    await insert_row(
        FieldReport,
        {
            "work_item": item["id"],
            "staff": (await make_staff("wg1", community=tree.communities["A1"]))["id"],
            "grid": tree.grids["A1-2"]["id"],
            "community": tree.communities["A1"]["id"],
            "latitude": 30.905,
            "longitude": 117.807,
            "created_at": dt.datetime.now(dt.UTC),
        },
    )
    return "井盖缺失"


async def _add_a_building(tree: Tree) -> str:
    household = await make_household(tree.grids["A1-1"], "2-301")
    return f"/maps/api/buildings/{household['building']}/register"


async def _add_a_facility(tree: Tree) -> str:
    await insert_row(
        Facility,
        {
            "name": "新建广场",
            "kind": "other",
            "longitude": 117.802,
            "latitude": 30.905,
            "grid": tree.grids["A1-1"]["id"],
            "community": tree.communities["A1"]["id"],
        },
    )
    return "新建广场"


CHANGES: dict[str, Callable[[Tree], Any]] = {
    "a community's name": _rename_community,
    "a community's outline": _move_community_outline,
    "a grid's check-in rate": _rate_check_ins,
    "an open work item (the grid's count and its point)": _open_an_item,
    "a building": _add_a_building,
    "a facility": _add_a_facility,
}


@pytest.mark.parametrize("change", CHANGES)
async def test_each_kind_of_change_gives_a_new_etag(
    client: httpx.AsyncClient, calls: Counter[str], change: str
) -> None:
    tree = await logged_in_official(client)
    close = {"bbox": STREET_A_BOX, "zoom": 17}
    etag = assert_fresh(await fetched(client, LAYERS, **close), "private, no-cache")
    assert (await fetched(client, LAYERS, etag, **close)).status_code == 304
    shown = await CHANGES[change](tree)
    changed = await fetched(client, LAYERS, etag, **close)
    new_etag = assert_fresh(changed, "private, no-cache")
    assert new_etag != etag and shown in changed.text
    assert_not_modified(
        await fetched(client, LAYERS, new_etag, **close), new_etag, "private, no-cache"
    )


async def test_a_narrower_scope_never_gets_a_shape_made_of_what_it_does_not_see(
    client: httpx.AsyncClient, calls: Counter[str]
) -> None:
    tree = await area_tree()
    await street_official(tree)
    await make_staff("sq", role="community_admin", community=tree.communities["A1"])
    streets = {"bbox": STREET_A_BOX, "zoom": 12}
    await login(client, "jd")
    whole = await fetched(client, LAYERS, **streets)
    street_etag = assert_fresh(whole, "private, no-cache")
    street_a = tree.streets["A"]["id"]
    # Street A has no boundary of its own: drawn as the union of A1 and A2 (0.02° wide).
    drawn = features(whole, "areas")[street_a]
    assert drawn["properties"]["derived"]
    assert _width(drawn) == pytest.approx(0.02)
    # Asked again, the union comes from the cache.
    calls.clear()
    assert (await fetched(client, LAYERS, **streets)).content == whole.content
    assert calls == {"draw_layers": 1}

    # The community admin sees only A1: their street is the union of A1 alone, not the
    # cached union of both, and the street official's ETag is not theirs.
    await login(client, "sq")
    narrow = await fetched(client, LAYERS, street_etag, **streets)
    narrow_etag = assert_fresh(narrow, "private, no-cache")
    assert narrow_etag != street_etag
    assert _width(features(narrow, "areas")[street_a]) == pytest.approx(0.01)
    grids = await fetched(client, LAYERS)
    assert set(features(grids, "grids")) == {tree.grids["A1-1"]["id"], tree.grids["A1-2"]["id"]}
    assert set(features(grids, "outlines")) == {tree.communities["A1"]["id"]}


def _width(area: dict[str, Any]) -> float:
    longitudes = [p[0] for ring in area["geometry"]["coordinates"] for p in ring]
    return float(max(longitudes) - min(longitudes))


async def test_the_public_layers_revalidate_without_drawing(
    client: httpx.AsyncClient, calls: Counter[str]
) -> None:
    tree = await area_tree()
    url = f"/maps/api/public/communities/{tree.communities['A1']['code']}/layers"
    etag = assert_fresh(await fetched(client, url), "public, max-age=60")
    assert calls == {"thinned": 3, "draw_public_layers": 1}  # the outline and two grids
    calls.clear()
    assert_not_modified(await fetched(client, url, etag), etag, "public, max-age=60")
    assert not calls
    await run_sql(
        "UPDATE responsibility_grid SET boundary = $1::jsonb WHERE id = $2",
        json.dumps(rectangle(117.80, 30.90, 117.803, 30.91)),
        tree.grids["A1-1"]["id"],
    )
    assert assert_fresh(await fetched(client, url, etag), "public, max-age=60") != etag
    assert calls == {"thinned": 1, "draw_public_layers": 1}


def test_the_cache_keeps_the_recently_used_within_its_cap() -> None:
    square = Shape.of(box(0, 0, 1, 1))
    weight = weight_of([square])
    cache = ShapeCache(max_weight=3 * weight)
    for n in range(3):
        cache.put(("grid", n), square, weight)
    assert cache.get(("grid", 0)) is square  # now the most recently used
    cache.put(("grid", 3), square, weight)
    assert len(cache) == 3 and cache.weight == 3 * weight and cache.evictions == 1
    assert cache.get(("grid", 1)) is not square  # the least recently used went
    assert all(cache.get(("grid", n)) is square for n in (0, 2, 3))
    # A value heavier than the whole cap is not kept, and pushes nothing out.
    cache.put(("street", 1), square, 4 * weight)
    assert cache.get(("street", 1)) is not square and len(cache) == 3


async def test_the_maps_cache_stays_within_its_cap(
    client: httpx.AsyncClient, calls: Counter[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    await logged_in_official(client)
    # Room for about three of the street's shapes.
    monkeypatch.setattr(SHAPES, "max_weight", 3 * weight_of([Shape.of(box(0, 0, 1, 1))]))
    for zoom in (14, 15, 16):
        answer = await fetched(client, LAYERS, bbox=STREET_A_BOX, zoom=zoom)
        assert len(features(answer, "grids")) == 4  # still whole answers
        assert SHAPES.weight <= SHAPES.max_weight
    assert SHAPES.evictions > 0
