"""/maps/api/: layers by zoom and box in the viewer's scope, the 户籍图 masked by role, today's
work, and grid boundaries drawn on the map judged by the grid rules."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import httpx

from app.clock import local_today
from app.crud import insert_row
from app.geo import rectangle
from tables.areas import ResponsibilityGrid
from tables.daily import CheckIn, DiaryEntry
from tables.field import FieldReport, Patrol, PatrolPoint
from tables.places import Building, Facility, Household
from tables.system import AuditLog
from tests.admin.support import admin_login
from tests.factories import (
    area_tree,
    make_access_entry,
    make_department,
    make_household,
    make_staff,
    make_work_item,
)

# The whole of street A (communities A1 and A2: 117.80–117.82, 30.90–30.91).
STREET_A_BOX = "117.799,30.899,117.821,30.911"


async def get_layers(client: httpx.AsyncClient, zoom: int, **params: Any) -> dict[str, Any]:
    response = await client.get(
        "/maps/api/layers", params={"bbox": STREET_A_BOX, "zoom": zoom, **params}
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


def ids(collection: dict[str, Any]) -> set[Any]:
    return {f["id"] for f in collection["features"]}


async def test_the_layers_change_with_the_zoom(client: httpx.AsyncClient) -> None:
    tree = await area_tree()
    household = await make_household(tree.grids["A1-1"], "3-502")
    await insert_row(
        Facility,
        {
            "name": "五松广场",
            "kind": "other",
            "longitude": 117.801,
            "latitude": 30.905,
            "grid": tree.grids["A1-1"]["id"],
            "community": tree.communities["A1"]["id"],
        },
    )
    await make_staff("jd", role="street_official", street=tree.streets["A"])
    await admin_login(client, "jd")

    street_level = await get_layers(client, 12)
    assert street_level["level"] == "street"
    assert [f["properties"]["code"] for f in street_level["areas"]["features"]] == [
        tree.streets["A"]["code"]
    ]
    assert not street_level["grids"]["features"]

    community_level = await get_layers(client, 13)
    assert community_level["level"] == "community"
    assert ids(community_level["areas"]) == {
        tree.communities["A1"]["id"],
        tree.communities["A2"]["id"],
    }

    grid_level = await get_layers(client, 15)
    assert grid_level["level"] == "grid"
    assert ids(grid_level["grids"]) == {
        tree.grids[k]["id"] for k in ("A1-1", "A1-2", "A2-1", "A2-2")
    }
    assert not grid_level["buildings"]["features"]  # buildings from zoom 16
    # The communities' outlines are drawn over their grids.
    assert ids(grid_level["outlines"]) == {
        tree.communities["A1"]["id"],
        tree.communities["A2"]["id"],
    }

    close = await get_layers(client, 17)
    [building] = close["buildings"]["features"]
    assert building["id"] == household["building"]
    assert building["geometry"]["type"] == "Point"
    assert building["properties"]["households"] == 1
    assert building["properties"]["admin_url"] == f"/admin/#/building/{building['id']}/"
    [facility] = close["facilities"]["features"]
    assert facility["properties"]["name"] == "五松广场"


async def test_grid_polygons_are_the_stored_ones_and_coloured_by_the_metric(
    client: httpx.AsyncClient,
) -> None:
    tree = await area_tree()
    entry = await make_access_entry(tree.streets["A"], await make_department())
    for title in ("一", "二", "三"):
        item = await make_work_item(tree.communities["A1"], entry, title)
        await insert_row(
            FieldReport,
            {
                "work_item": item["id"],
                "staff": (await make_staff(f"wg{title}", community=tree.communities["A1"]))["id"],
                "grid": tree.grids["A1-2"]["id"],
                "community": tree.communities["A1"]["id"],
                "latitude": 30.905,
                "longitude": 117.807,
                "created_at": dt.datetime.now(dt.UTC),
            },
        )
    from tables.work import WorkItem

    await WorkItem.update({WorkItem.grid: tree.grids["A1-2"]["id"]}).where(
        WorkItem.community == tree.communities["A1"]["id"]
    )
    await make_staff("sq", role="community_admin", community=tree.communities["A1"])
    await admin_login(client, "sq")
    answer = await get_layers(client, 16, metric="open")
    grids = {f["id"]: f for f in answer["grids"]["features"]}
    # A community admin sees their own community's grids only.
    assert set(grids) == {tree.grids["A1-1"]["id"], tree.grids["A1-2"]["id"]}
    busy, quiet = grids[tree.grids["A1-2"]["id"]], grids[tree.grids["A1-1"]["id"]]
    assert busy["properties"]["open_items"] == 3 and busy["properties"]["value"] == 3
    assert quiet["properties"]["value"] == 0
    assert busy["properties"]["colour"] != quiet["properties"]["colour"]
    assert [e["label"] for e in answer["legend"]] == ["0", "3"]
    stored = json.loads(tree.grids["A1-1"]["boundary"])
    assert quiet["geometry"]["coordinates"] == stored["coordinates"]
    # The open items as points, linking to the admin.
    points = answer["points"]["features"]
    assert len(points) == 3 and {p["properties"]["kind"] for p in points} == {"work"}
    assert all(p["properties"]["admin_url"].startswith("/admin/#/work_item/") for p in points)
    check_in = await get_layers(client, 16)
    assert check_in["metric"] == "check_in"
    assert "无汇总" in [e["label"] for e in check_in["legend"]]


async def test_polygons_are_simplified_for_the_zoom(client: httpx.AsyncClient) -> None:
    tree = await area_tree()
    # A community edge with 200 points a few centimetres off a straight line.
    west, south = 117.80, 30.90
    edge = [[west + i * 0.00005, south + (0.0000001 if i % 2 else 0)] for i in range(201)]
    ring = [*edge, [117.81, 30.91], [west, 30.91], edge[0]]
    from tables.areas import Community

    await Community.update({Community.boundary: {"type": "Polygon", "coordinates": [ring]}}).where(
        Community.id == tree.communities["A1"]["id"]
    )
    await make_staff("jd", role="street_official", street=tree.streets["A"])
    await admin_login(client, "jd")
    answer = await get_layers(client, 13)
    [a1] = [f for f in answer["areas"]["features"] if f["id"] == tree.communities["A1"]["id"]]
    assert len(a1["geometry"]["coordinates"][0]) < 10


async def test_the_box_and_zoom_are_checked(client: httpx.AsyncClient) -> None:
    tree = await area_tree()
    await make_staff("sq", role="community_admin", community=tree.communities["A1"])
    await admin_login(client, "sq")
    bad_box = await client.get("/maps/api/layers", params={"bbox": "1,2,3", "zoom": 15})
    assert bad_box.status_code == 422 and bad_box.json()["field"] == "bbox"
    upside_down = await client.get(
        "/maps/api/layers", params={"bbox": "117.9,30.9,117.8,30.95", "zoom": 15}
    )
    assert upside_down.status_code == 422 and upside_down.json()["field"] == "bbox"
    bad_zoom = await client.get("/maps/api/layers", params={"bbox": STREET_A_BOX, "zoom": 40})
    assert bad_zoom.status_code == 422 and bad_zoom.json()["field"] == "zoom"
    # Another box: B1's grids are outside this login's scope and outside the box asked for.
    elsewhere = await get_layers(client, 16)
    assert tree.grids["B1-1"]["id"] not in ids(elsewhere["grids"])


async def test_the_api_needs_a_staff_login(client: httpx.AsyncClient) -> None:
    tree = await area_tree()
    anonymous = await client.get("/maps/api/layers", params={"bbox": STREET_A_BOX, "zoom": 15})
    assert anonymous.status_code == 401
    assert anonymous.headers["content-type"].startswith("application/problem+json")
    from tests.factories import make_user

    await make_user("nobody")
    await admin_login(client, "nobody")
    refused = await client.get("/maps/api/layers", params={"bbox": STREET_A_BOX, "zoom": 15})
    assert refused.status_code == 403
    community_b1 = tree.communities["B1"]["code"]
    client.cookies.clear()
    await make_staff("sq", role="community_admin", community=tree.communities["A1"])
    await admin_login(client, "sq")
    assert (await client.get(f"/maps/api/today/community/{community_b1}")).status_code == 404


# ---------------------------------------------------------------- 户籍图


async def register_world() -> tuple[Any, dict[str, Any]]:
    tree = await area_tree()
    grid = tree.grids["A1-1"]
    first = await make_household(grid, "1-101")
    building_id = first["building"]
    await Household.update({Household.care_tags: ["elderly_alone"]}).where(
        Household.id == first["id"]
    )
    rooms = {"1-102": [], "1-201": ["low_income"], "1-202": []}
    for room, tags in rooms.items():
        await insert_row(
            Household,
            {
                "building": building_id,
                "room": room,
                "care_tags": tags,
                "grid": grid["id"],
                "community": grid["community"],
            },
        )
    await Building.update({Building.floors: 2}).where(Building.id == building_id)
    return tree, {"building": building_id, "visited": first}


async def test_the_register_is_floors_by_rooms_with_care_tags_and_visits(
    client: httpx.AsyncClient,
) -> None:
    tree, world = await register_world()
    staff = await make_staff("sq", role="community_admin", community=tree.communities["A1"])
    await insert_row(
        DiaryEntry,
        {
            "staff": staff["id"],
            "grid": tree.grids["A1-1"]["id"],
            "community": tree.communities["A1"]["id"],
            "household": world["visited"]["id"],
            "category": "visit",
            "content": "上门看望",
            "created_at": dt.datetime.now(dt.UTC) - dt.timedelta(days=2),
        },
    )
    await admin_login(client, "sq")
    response = await client.get(f"/maps/api/buildings/{world['building']}/register")
    assert response.status_code == 200, response.text
    register = response.json()
    assert response.headers["cache-control"] == "no-store"
    assert register["masked"] is False and register["household_count"] == 4
    assert [r["floor"] for r in register["rows"]] == [2, 1]
    assert [c["position"] for c in register["columns"]] == ["01", "02"]
    cells = {c["room"]: c for row in register["rows"] for c in row["cells"] if c}
    assert cells["1-101"]["care_tags"][0]["tag"] == "elderly_alone"
    assert cells["1-101"]["last_visit_days"] == 2 and cells["1-101"]["due"] is False
    assert cells["1-201"]["due"] is True and cells["1-201"]["last_visit_days"] is None
    assert cells["1-102"]["care_tags"] == [] and cells["1-102"]["due"] is False
    assert len({cells[r]["colour"] for r in ("1-101", "1-201", "1-102")}) == 3


async def test_the_register_hides_personal_data_from_roles_that_may_not_see_it(
    client: httpx.AsyncClient,
) -> None:
    tree, world = await register_world()
    await make_staff("jd", role="street_official", street=tree.streets["A"])
    await admin_login(client, "jd")
    register = (await client.get(f"/maps/api/buildings/{world['building']}/register")).json()
    assert register["masked"] is True
    cells = [c for row in register["rows"] for c in row["cells"] if c]
    assert len(cells) == 4
    assert all(c["care_tags"] is None and c["last_visit_days"] is None for c in cells)
    assert "elderly_alone" not in json.dumps(register) and "low_income" not in json.dumps(register)
    # A grid worker of another grid sees it masked too; of this grid, in clear.
    client.cookies.clear()
    await make_staff("other", community=tree.communities["A1"], grids=[tree.grids["A1-2"]])
    await admin_login(client, "other")
    other = (await client.get(f"/maps/api/buildings/{world['building']}/register")).json()
    assert other["masked"] is True
    client.cookies.clear()
    await make_staff("own", community=tree.communities["A1"], grids=[tree.grids["A1-1"]])
    await admin_login(client, "own")
    own = (await client.get(f"/maps/api/buildings/{world['building']}/register")).json()
    assert own["masked"] is False
    # Out of scope reads as not found.
    client.cookies.clear()
    await make_staff("b1", role="community_admin", community=tree.communities["B1"])
    await admin_login(client, "b1")
    assert (
        await client.get(f"/maps/api/buildings/{world['building']}/register")
    ).status_code == 404


# ---------------------------------------------------------------- today


async def test_todays_check_ins_and_patrol_tracks(client: httpx.AsyncClient) -> None:
    tree = await area_tree()
    grid = tree.grids["A1-1"]
    worker = await make_staff("wg", community=tree.communities["A1"], grids=[grid])
    now = dt.datetime.now(dt.UTC)
    for days_ago in (0, 1):
        await insert_row(
            CheckIn,
            {
                "staff": worker["id"],
                "grid": grid["id"],
                "community": grid["community"],
                "at": now - dt.timedelta(days=days_ago),
                "local_date": local_today() - dt.timedelta(days=days_ago),
                "latitude": 30.905,
                "longitude": 117.802,
                "inside_grid": True,
                "counted": True,
            },
        )
    patrol = await insert_row(
        Patrol,
        {
            "staff": worker["id"],
            "grid": grid["id"],
            "community": grid["community"],
            "local_date": local_today(),
            "started_at": now - dt.timedelta(minutes=30),
            "created_at": now,
        },
    )
    for n in range(3):
        await insert_row(
            PatrolPoint,
            {
                "patrol": patrol["id"],
                "latitude": 30.901 + n * 0.001,
                "longitude": 117.801,
                "accuracy": 5,
                "at": now - dt.timedelta(minutes=30 - n),
            },
        )
    await make_staff("sq", role="community_admin", community=tree.communities["A1"])
    await admin_login(client, "sq")
    response = await client.get(f"/maps/api/today/community/{tree.communities['A1']['code']}")
    assert response.status_code == 200, response.text
    answer = response.json()
    assert len(answer["check_ins"]["features"]) == 1  # yesterday's is not today's
    assert answer["check_ins"]["features"][0]["properties"]["staff_name"] == "wg"
    [track] = answer["patrols"]["features"]
    assert track["geometry"]["type"] == "LineString"
    assert track["geometry"]["coordinates"] == [[117.801, 30.901 + n * 0.001] for n in range(3)]


# ---------------------------------------------------------------- boundary


def moved(bounds: tuple[float, float, float, float]) -> dict[str, Any]:
    return {"boundary": rectangle(*bounds)}


async def test_a_boundary_inside_the_community_is_saved_and_audited(
    client: httpx.AsyncClient,
) -> None:
    tree = await area_tree()
    staff = await make_staff("sq", role="community_admin", community=tree.communities["A1"])
    headers = await admin_login(client, "sq")
    grid = tree.grids["A1-1"]
    smaller = (117.80, 30.90, 117.804, 30.91)
    response = await client.put(
        f"/maps/api/grids/{grid['id']}/boundary", json=moved(smaller), headers=headers
    )
    assert response.status_code == 200, response.text
    row = await ResponsibilityGrid.select().where(ResponsibilityGrid.id == grid["id"]).first()
    assert row is not None
    assert json.loads(row["boundary"]) == rectangle(*smaller)
    assert row["max_lon"] == 117.804  # the bounding box is derived again
    audit = await AuditLog.select().where(
        AuditLog.table_name == "responsibility_grid",
        AuditLog.row_id == grid["id"],
        AuditLog.action == "UPDATE",
    )
    assert [a["actor_id"] for a in audit] == [staff["user"]]


async def test_an_overlapping_boundary_is_refused_with_the_overlap(
    client: httpx.AsyncClient,
) -> None:
    tree = await area_tree()
    await make_staff("sq", role="community_admin", community=tree.communities["A1"])
    headers = await admin_login(client, "sq")
    grid = tree.grids["A1-1"]
    # Reaches 0.001° into A1-2 (117.805–117.81).
    response = await client.put(
        f"/maps/api/grids/{grid['id']}/boundary",
        json=moved((117.80, 30.90, 117.806, 30.91)),
        headers=headers,
    )
    assert response.status_code == 409, response.text
    problem = response.json()
    assert problem["field"] == "boundary" and tree.grids["A1-2"]["code"] in problem["detail"]
    assert problem["offending_area"]["code"] == tree.grids["A1-2"]["code"]
    offending = problem["offending_geometry"]
    assert offending["type"] == "Polygon"
    lons = [p[0] for p in offending["coordinates"][0]]
    assert abs(min(lons) - 117.805) < 1e-9 and abs(max(lons) - 117.806) < 1e-9
    row = await ResponsibilityGrid.select().where(ResponsibilityGrid.id == grid["id"]).first()
    assert row is not None and row["boundary"] == tree.grids["A1-1"]["boundary"]


async def test_a_boundary_outside_the_community_is_refused_with_the_part_outside(
    client: httpx.AsyncClient,
) -> None:
    tree = await area_tree()
    await make_staff("sq", role="community_admin", community=tree.communities["A1"])
    headers = await admin_login(client, "sq")
    grid = tree.grids["A1-1"]
    response = await client.put(
        f"/maps/api/grids/{grid['id']}/boundary",
        json=moved((117.799, 30.90, 117.805, 30.91)),
        headers=headers,
    )
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["field"] == "boundary"
    assert problem["offending_area"]["code"] == tree.communities["A1"]["code"]
    lons = [p[0] for p in problem["offending_geometry"]["coordinates"][0]]
    assert abs(min(lons) - 117.799) < 1e-9 and max(lons) < 117.8


async def test_boundary_writes_need_csrf_a_polygon_and_the_right_role(
    client: httpx.AsyncClient,
) -> None:
    tree = await area_tree()
    await make_staff("sq", role="community_admin", community=tree.communities["A1"])
    headers = await admin_login(client, "sq")
    url = f"/maps/api/grids/{tree.grids['A1-1']['id']}/boundary"
    body = moved((117.80, 30.90, 117.804, 30.91))
    no_csrf = await client.put(url, json=body)
    assert no_csrf.status_code == 403 and no_csrf.json()["field"] == "X-CSRFToken"
    not_polygon = await client.put(url, json={"boundary": {"type": "Point"}}, headers=headers)
    assert not_polygon.status_code == 422 and not_polygon.json()["field"] == "boundary"
    missing = await client.put(url, json={}, headers=headers)
    assert missing.status_code == 422 and missing.json()["field"] == "boundary"
    other = await client.put(
        f"/maps/api/grids/{tree.grids['B1-1']['id']}/boundary", json=body, headers=headers
    )
    assert other.status_code == 404
    client.cookies.clear()
    await make_staff("wg", community=tree.communities["A1"], grids=[tree.grids["A1-1"]])
    worker_headers = await admin_login(client, "wg")
    worker = await client.put(url, json=body, headers=worker_headers)
    assert worker.status_code == 403
    row = (
        await ResponsibilityGrid.select()
        .where(ResponsibilityGrid.id == tree.grids["A1-1"]["id"])
        .first()
    )
    assert row is not None and row["boundary"] == tree.grids["A1-1"]["boundary"]


async def test_the_public_map_has_shapes_and_names_only(client: httpx.AsyncClient) -> None:
    tree = await area_tree()
    await make_household(tree.grids["A1-1"], "1-101")
    code = tree.communities["A1"]["code"]
    response = await client.get(
        f"/maps/api/public/communities/{code}/layers", params={"bbox": STREET_A_BOX, "zoom": 17}
    )
    assert response.status_code == 200, response.text
    answer = response.json()
    assert ids(answer["grids"]) == {tree.grids["A1-1"]["id"], tree.grids["A1-2"]["id"]}
    assert all(
        set(f["properties"]) == {"code", "name", "shown", "colour"}
        for f in answer["grids"]["features"]
    )
    assert not answer["buildings"]["features"] and not answer["points"]["features"]
    assert "admin" not in response.text and "household" not in response.text
    missing = await client.get(
        "/maps/api/public/communities/340705009009/layers",
        params={"bbox": STREET_A_BOX, "zoom": 15},
    )
    assert missing.status_code == 404
