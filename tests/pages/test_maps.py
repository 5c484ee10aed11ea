"""Grid maps: drawn from the stored polygons, scoped to the viewer, with topology problems."""

from __future__ import annotations

import datetime as dt
import json

import httpx

from app.clock import local_today
from app.crud import insert_row
from app.geo import rectangle
from app.jobs.rollups import rollup_period
from tables.areas import ResponsibilityGrid
from tables.work import WorkItem
from tests.admin.support import admin_login
from tests.factories import (
    area_tree,
    make_access_entry,
    make_department,
    make_grid,
    make_household,
    make_staff,
    make_user,
    make_work_item,
)
from tests.pages.support import drawn_grids


async def test_without_a_login_the_map_sends_you_to_the_admin_login(
    client: httpx.AsyncClient,
) -> None:
    tree = await area_tree()
    response = await client.get(f"/maps/street/{tree.streets['A']['code']}")
    assert response.status_code == 303 and response.headers["location"] == "/admin/"


async def test_a_login_without_staff_scope_is_refused(client: httpx.AsyncClient) -> None:
    tree = await area_tree()
    await make_user("nobody")
    await admin_login(client, "nobody")
    response = await client.get(f"/maps/community/{tree.communities['A1']['code']}")
    assert response.status_code == 403


async def test_the_drawn_polygons_are_the_stored_polygons(client: httpx.AsyncClient) -> None:
    tree = await area_tree()
    await make_staff("jd", role="street_official", street=tree.streets["A"])
    await admin_login(client, "jd")
    response = await client.get(f"/maps/street/{tree.streets['A']['code']}")
    assert response.status_code == 200
    drawn = drawn_grids(response.text)
    stored = {
        g["id"]: json.loads(g["boundary"])
        for g in await ResponsibilityGrid.select().where(
            ResponsibilityGrid.community.is_in(
                [tree.communities["A1"]["id"], tree.communities["A2"]["id"]]
            )
        )
    }
    assert set(drawn) == set(stored)
    for grid_id, geojson in stored.items():
        [ring] = drawn[grid_id]
        expected = geojson["coordinates"][0][:-1]
        assert len(ring) == len(expected)
        for (lon, lat), (want_lon, want_lat) in zip(ring, expected, strict=True):
            assert abs(lon - want_lon) < 1e-6 and abs(lat - want_lat) < 1e-6


async def test_each_login_sees_only_its_scope(client: httpx.AsyncClient) -> None:
    tree = await area_tree()
    await make_staff("jd", role="street_official", street=tree.streets["A"])
    await make_staff("wg", community=tree.communities["A1"], grids=[tree.grids["A1-1"]])
    await admin_login(client, "jd")
    street_a = await client.get(f"/maps/street/{tree.streets['A']['code']}")
    assert {tree.grids[k]["id"] for k in ("A1-1", "A1-2", "A2-1", "A2-2")} == set(
        drawn_grids(street_a.text)
    )
    assert (await client.get(f"/maps/street/{tree.streets['B']['code']}")).status_code == 404
    assert (
        await client.get(f"/maps/community/{tree.communities['B1']['code']}")
    ).status_code == 404

    client.cookies.clear()
    await admin_login(client, "wg")
    own = await client.get(f"/maps/community/{tree.communities['A1']['code']}")
    assert set(drawn_grids(own.text)) == {tree.grids["A1-1"]["id"], tree.grids["A1-2"]["id"]}
    assert (
        await client.get(f"/maps/community/{tree.communities['A2']['code']}")
    ).status_code == 404
    assert (await client.get(f"/maps/street/{tree.streets['A']['code']}")).status_code == 403
    index = await client.get("/maps/")
    assert tree.communities["A1"]["code"] in index.text
    assert tree.communities["A2"]["code"] not in index.text


async def test_grids_link_to_their_admin_page_and_buildings_are_points(
    client: httpx.AsyncClient,
) -> None:
    tree = await area_tree()
    await make_household(tree.grids["A1-1"], "1-101")
    await make_staff("sq", role="community_admin", community=tree.communities["A1"])
    await admin_login(client, "sq")
    response = await client.get(f"/maps/community/{tree.communities['A1']['code']}")
    grid = tree.grids["A1-1"]
    assert f'href="/admin/#/responsibility_grid/{grid["id"]}/"' in response.text
    assert response.text.count('class="building"') == 1
    assert grid["name"] in response.text and grid["code"] in response.text


async def test_the_metric_colours_grids_by_open_and_overdue_work(client: httpx.AsyncClient) -> None:
    tree = await area_tree()
    entry = await make_access_entry(tree.streets["A"], await make_department())
    for title in ("一", "二", "三"):
        item = await make_work_item(tree.communities["A1"], entry, title)
        await WorkItem.update(
            {
                WorkItem.grid: tree.grids["A1-2"]["id"],
                WorkItem.due_at: dt.datetime.now(dt.UTC) - dt.timedelta(days=1),
            }
        ).where(WorkItem.id == item["id"])
    await make_staff("sq", role="community_admin", community=tree.communities["A1"])
    await admin_login(client, "sq")
    url = f"/maps/community/{tree.communities['A1']['code']}"
    overdue = await client.get(url, params={"metric": "overdue"})
    assert "逾期事项" in overdue.text
    assert f"{tree.grids['A1-2']['code']} {tree.grids['A1-2']['name']}: 3</title>" in overdue.text
    assert f"{tree.grids['A1-1']['code']} {tree.grids['A1-1']['name']}: 0</title>" in overdue.text


async def test_check_in_rate_comes_from_this_months_rollup(client: httpx.AsyncClient) -> None:
    tree = await area_tree()
    await make_staff("sq", role="community_admin", community=tree.communities["A1"])
    await admin_login(client, "sq")
    url = f"/maps/community/{tree.communities['A1']['code']}"
    before = await client.get(url, params={"metric": "check_in"})
    assert "尚无月度汇总" in before.text
    await rollup_period("month", local_today().replace(day=1))
    after = await client.get(url, params={"metric": "check_in"})
    assert "月度汇总" in after.text and "尚无月度汇总" not in after.text


async def test_overlaps_gaps_and_grids_outside_the_community_are_drawn(
    client: httpx.AsyncClient,
) -> None:
    tree = await area_tree()
    community = tree.communities["A1"]
    # Written past the services (as old data or a bad import would be) to show the checks.
    await ResponsibilityGrid.delete().where(ResponsibilityGrid.id == tree.grids["A1-2"]["id"])
    await make_grid(community, "003", (117.8045, 30.90, 117.8080, 30.905))  # overlaps A1-1
    await insert_row(
        ResponsibilityGrid,
        {
            "code": community["code"] + "004",
            "name": "越界网格",
            "community": community["id"],
            "boundary": rectangle(117.809, 30.905, 117.812, 30.91),
            "household_count": 300,
        },
    )
    await make_staff("sq", role="community_admin", community=community)
    await admin_login(client, "sq")
    page = (await client.get(f"/maps/community/{community['code']}")).text
    for kind in ("overlap", "gap", "outside"):
        assert f'class="topology {kind}"' in page
    assert "网格重叠" in page and "未覆盖区域" in page and "超出社区" in page
    assert "越界网格" in page


async def test_a_clean_grid_layout_has_no_topology_problems(client: httpx.AsyncClient) -> None:
    tree = await area_tree()
    await make_staff("sq", role="community_admin", community=tree.communities["A1"])
    await admin_login(client, "sq")
    page = (await client.get(f"/maps/community/{tree.communities['A1']['code']}")).text
    assert 'class="topology' not in page and "未发现重叠、缺口或越界" in page
