"""Drawing on the staff map through /maps/api/: a new grid (POST /grids) and the boundaries of
communities and streets (PUT /{communities|streets}/{id}/boundary), judged by the areas'
own rules, refused with the offending area as GeoJSON and nothing written."""

from __future__ import annotations

import json
from typing import Any

import httpx

from app.geo import rectangle
from tables.areas import Community, ResponsibilityGrid, Street
from tables.system import AuditLog
from tests.admin.support import admin_login
from tests.factories import Tree, area_tree, make_community, make_grid, make_staff, make_user

NEW_GRIDS = "/maps/api/grids"


async def free_community(tree: Tree) -> dict[str, Any]:
    """Community A3 of street A (117.82–117.83) with one grid in its west half: the east half
    is free to draw in."""
    community = await make_community(tree.streets["A"], "003", 117.82, 30.90, name="A3社区")
    tree.communities["A3"] = community
    tree.grids["A3-1"] = await make_grid(community, "001", (117.82, 30.90, 117.825, 30.91))
    return community


def drawn(
    community: dict[str, Any], bounds: tuple[float, float, float, float], **fields: Any
) -> Any:
    return {"community": community["id"], "boundary": rectangle(*bounds), **fields}


async def grids_of(community: dict[str, Any]) -> list[dict[str, Any]]:
    return list(
        await ResponsibilityGrid.select()
        .where(ResponsibilityGrid.community == community["id"])
        .order_by(ResponsibilityGrid.code)
    )


def lon_range(geometry: dict[str, Any]) -> tuple[float, float]:
    lons = [p[0] for p in geometry["coordinates"][0]]
    return min(lons), max(lons)


async def community_admin_of_free_community(
    client: httpx.AsyncClient,
) -> tuple[Tree, dict[str, Any], dict[str, str]]:
    """The area tree with the free community A3, and the headers of its admin "sq" logged in."""
    tree = await area_tree()
    community = await free_community(tree)
    await make_staff("sq", role="community_admin", community=community)
    return tree, community, await admin_login(client, "sq")


async def refused_grid(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    community: dict[str, Any],
    bounds: tuple[float, float, float, float],
    status: int,
) -> dict[str, Any]:
    """The problem a new grid drawn over `bounds` is refused with (with this status)."""
    response = await client.post(NEW_GRIDS, json=drawn(community, bounds), headers=headers)
    assert response.status_code == status, response.text
    return response.json()


# ---------------------------------------------------------------- a new grid


async def test_a_community_admin_draws_a_new_grid(client: httpx.AsyncClient) -> None:
    tree = await area_tree()
    community = await free_community(tree)
    staff = await make_staff("sq", role="community_admin", community=community)
    headers = await admin_login(client, "sq")
    body = drawn(
        community, (117.825, 30.90, 117.83, 30.91), name="铜官花园网格", household_count=320
    )
    response = await client.post(NEW_GRIDS, json=body, headers=headers)
    assert response.status_code == 201, response.text
    created = response.json()
    # No code given: the community's next sequence number.
    assert created["code"] == community["code"] + "002"
    assert created["name"] == "铜官花园网格" and created["kind"] == "residential"
    assert created["boundary"] == rectangle(117.825, 30.90, 117.83, 30.91)
    [_, row] = await grids_of(community)
    assert row["id"] == created["id"] and row["household_count"] == 320
    assert (row["min_lon"], row["max_lon"]) == (117.825, 117.83)  # bounding box derived
    assert not row["size_warning"]
    audit = await AuditLog.select().where(
        AuditLog.table_name == "responsibility_grid",
        AuditLog.row_id == created["id"],
        AuditLog.action == "INSERT",
    )
    assert [a["actor_id"] for a in audit] == [staff["user"]]
    # It is on the map at once.
    layers = await client.get(
        "/maps/api/layers", params={"bbox": "117.819,30.899,117.831,30.911", "zoom": 15}
    )
    assert created["id"] in {f["id"] for f in layers.json()["grids"]["features"]}


async def test_a_street_official_chooses_the_community_and_the_code(
    client: httpx.AsyncClient,
) -> None:
    tree = await area_tree()
    community = await free_community(tree)
    await make_staff("jd", role="street_official", street=tree.streets["A"])
    headers = await admin_login(client, "jd")
    code = community["code"] + "007"
    body = drawn(
        community,
        (117.825, 30.90, 117.83, 30.905),
        code=code,
        name="市场",
        kind="unit",
        responsible_organisation="铜官农贸市场",
    )
    response = await client.post(NEW_GRIDS, json=body, headers=headers)
    assert response.status_code == 201, response.text
    assert response.json()["code"] == code and response.json()["kind"] == "unit"
    assert [g["code"] for g in await grids_of(community)] == [tree.grids["A3-1"]["code"], code]


async def test_a_new_grid_across_a_neighbour_is_refused_with_the_overlap(
    client: httpx.AsyncClient,
) -> None:
    tree, community, headers = await community_admin_of_free_community(client)
    # Reaches 0.002° into A3-1 (117.82–117.825).
    problem = await refused_grid(client, headers, community, (117.823, 30.90, 117.83, 30.91), 409)
    assert problem["field"] == "boundary" and tree.grids["A3-1"]["code"] in problem["detail"]
    assert problem["offending_area"]["code"] == tree.grids["A3-1"]["code"]
    west, east = lon_range(problem["offending_geometry"])
    assert abs(west - 117.823) < 1e-9 and abs(east - 117.825) < 1e-9
    assert len(await grids_of(community)) == 1  # nothing written


async def test_a_new_grid_outside_its_community_is_refused_with_the_part_outside(
    client: httpx.AsyncClient,
) -> None:
    _, community, headers = await community_admin_of_free_community(client)
    problem = await refused_grid(client, headers, community, (117.825, 30.90, 117.833, 30.91), 422)
    assert problem["field"] == "boundary"
    assert problem["offending_area"]["code"] == community["code"]
    west, east = lon_range(problem["offending_geometry"])
    assert west > 117.83 - 1e-5 and abs(east - 117.833) < 1e-9
    assert len(await grids_of(community)) == 1


async def test_new_grid_fields_are_checked_by_the_grid_rules(client: httpx.AsyncClient) -> None:
    tree, community, headers = await community_admin_of_free_community(client)
    free = (117.825, 30.90, 117.83, 30.91)
    bow_tie = {
        "type": "Polygon",
        "coordinates": [
            [[117.825, 30.90], [117.83, 30.91], [117.83, 30.90], [117.825, 30.91], [117.825, 30.90]]
        ],
    }
    cases: list[tuple[Any, str]] = [
        ({"community": community["id"]}, "boundary"),
        ({**drawn(community, free), "boundary": {"type": "Point"}}, "boundary"),
        ({**drawn(community, free), "boundary": bow_tie}, "boundary"),
        ({"boundary": rectangle(*free)}, "community"),
        (drawn(community, free, kind="shop"), "kind"),
        (drawn(community, free, kind="unit"), "responsible_organisation"),
        (drawn(community, free, household_count="many"), "household_count"),
        (drawn(community, free, household_count=-1), "household_count"),
        (drawn(community, free, code="340705001"), "code"),
        (drawn(community, free, code=tree.grids["A3-1"]["code"]), "code"),
    ]
    for body, field in cases:
        response = await client.post(NEW_GRIDS, json=body, headers=headers)
        assert response.status_code in (409, 422), (body, response.text)
        assert response.json()["field"] == field, (body, response.text)
    not_json = await client.post(
        NEW_GRIDS, content=b"{", headers={**headers, "Content-Type": "application/json"}
    )
    assert not_json.status_code == 422
    assert len(await grids_of(community)) == 1


async def test_new_grids_need_csrf_and_the_right_role_and_scope(
    client: httpx.AsyncClient,
) -> None:
    tree = await area_tree()
    community = await free_community(tree)
    body = drawn(community, (117.825, 30.90, 117.83, 30.91))
    await make_staff("sq", role="community_admin", community=community)
    headers = await admin_login(client, "sq")
    no_csrf = await client.post(NEW_GRIDS, json=body)
    assert no_csrf.status_code == 403 and no_csrf.json()["field"] == "X-CSRFToken"
    # Another community, outside this admin's scope.
    other = drawn(tree.communities["A1"], (117.80, 30.90, 117.801, 30.901))
    outside = await client.post(NEW_GRIDS, json=other, headers=headers)
    assert outside.status_code == 404 and outside.json()["field"] == "community"
    client.cookies.clear()
    await make_staff("wg", community=community, grids=[tree.grids["A3-1"]])
    worker = await client.post(NEW_GRIDS, json=body, headers=await admin_login(client, "wg"))
    assert worker.status_code == 403 and worker.json()["field"] == "boundary"
    client.cookies.clear()
    await make_staff("jdb", role="street_official", street=tree.streets["B"])
    street_b = await client.post(NEW_GRIDS, json=body, headers=await admin_login(client, "jdb"))
    assert street_b.status_code == 404 and street_b.json()["field"] == "community"
    client.cookies.clear()
    assert (await client.post(NEW_GRIDS, json=body)).status_code == 401
    assert len(await grids_of(community)) == 1
    assert len(await grids_of(tree.communities["A1"])) == 2


async def test_the_drawing_rights_follow_the_role(client: httpx.AsyncClient) -> None:
    tree = await area_tree()
    logins = {
        "sq": ("community_admin", {"community": tree.communities["A1"]}),
        "jd": ("street_official", {"street": tree.streets["A"]}),
        "wg": ("community_worker", {"community": tree.communities["A1"]}),
    }
    expected = {
        "sq": ["grid"],
        "jd": ["grid", "community"],
        "wg": [],
        "root": ["grid", "community", "street"],
    }
    for username, (role, place) in logins.items():
        await make_staff(username, role=role, **place)
    await make_user("root", superuser=True)
    for username, levels in expected.items():
        client.cookies.clear()
        await admin_login(client, username)
        response = await client.get("/maps/api/drawing")
        assert response.status_code == 200, response.text
        assert response.json()["levels"] == levels, username
        if username == "sq":  # a new grid goes in one of the scope's communities
            assert response.json()["communities"] == [
                {k: tree.communities["A1"][k] for k in ("id", "code", "name")}
            ]
        assert response.headers["cache-control"] == "no-store"
    kinds = response.json()["grid_kinds"]
    assert [k["value"] for k in kinds] == ["residential", "unit"]
    assert kinds[0]["label"] == "居民区网格"


# ---------------------------------------------------------------- community boundaries


def community_url(community: dict[str, Any]) -> str:
    return f"/maps/api/communities/{community['id']}/boundary"


async def stored(table: Any, row: dict[str, Any]) -> Any:
    found = await table.select(table.boundary).where(table.id == row["id"]).first()
    return json.loads(found["boundary"]) if found["boundary"] else None


async def refused_boundary(
    client: httpx.AsyncClient,
    url: str,
    headers: dict[str, str],
    bounds: tuple[float, float, float, float],
    status: int,
) -> dict[str, Any]:
    """The problem a boundary redrawn to `bounds` at `url` is refused with (with this status)."""
    response = await client.put(url, json={"boundary": rectangle(*bounds)}, headers=headers)
    assert response.status_code == status, response.text
    return response.json()


async def test_a_street_official_redraws_a_community_boundary(client: httpx.AsyncClient) -> None:
    tree = await area_tree()
    staff = await make_staff("jd", role="street_official", street=tree.streets["A"])
    headers = await admin_login(client, "jd")
    a2 = tree.communities["A2"]
    # The stored boundary, unsimplified, is where an edit starts.
    start = await client.get(community_url(a2))
    assert start.status_code == 200, start.text
    assert start.json()["boundary"] == json.loads(a2["boundary"])
    wider = rectangle(117.81, 30.90, 117.825, 30.91)
    response = await client.put(community_url(a2), json={"boundary": wider}, headers=headers)
    assert response.status_code == 200, response.text
    assert response.json()["boundary"] == wider and response.json()["level"] == "community"
    assert await stored(Community, a2) == wider
    audit = await AuditLog.select().where(
        AuditLog.table_name == "community", AuditLog.row_id == a2["id"], AuditLog.action == "UPDATE"
    )
    assert [a["actor_id"] for a in audit] == [staff["user"]]


async def test_community_boundaries_are_judged_by_the_community_rules(
    client: httpx.AsyncClient,
) -> None:
    tree = await area_tree()
    await make_staff("jd", role="street_official", street=tree.streets["A"])
    headers = await admin_login(client, "jd")
    a2 = tree.communities["A2"]
    url = community_url(a2)

    # Over neighbour A1 (117.80–117.81): the overlap.
    over = await refused_boundary(client, url, headers, (117.808, 30.90, 117.82, 30.91), 409)
    assert over["offending_area"]["code"] == tree.communities["A1"]["code"]
    west, east = lon_range(over["offending_geometry"])
    assert abs(west - 117.808) < 1e-9 and abs(east - 117.81) < 1e-9

    # Leaving its grid A2-2 (117.815–117.82) outside.
    smaller = await refused_boundary(client, url, headers, (117.81, 30.90, 117.817, 30.91), 422)
    assert smaller["offending_area"]["code"] == tree.grids["A2-2"]["code"]
    west, east = lon_range(smaller["offending_geometry"])
    assert abs(west - 117.817) < 1e-5 and abs(east - 117.82) < 1e-9

    # Out of its street.
    await Street.update({Street.boundary: rectangle(117.80, 30.90, 117.82, 30.91)}).where(
        Street.id == tree.streets["A"]["id"]
    )
    outside = await refused_boundary(client, url, headers, (117.81, 30.90, 117.822, 30.91), 422)
    assert outside["offending_area"]["code"] == tree.streets["A"]["code"]
    assert await stored(Community, a2) == json.loads(a2["boundary"])  # nothing written


async def test_community_boundaries_need_a_street_login_and_csrf(
    client: httpx.AsyncClient,
) -> None:
    tree = await area_tree()
    a1 = tree.communities["A1"]
    body = {"boundary": rectangle(117.80, 30.90, 117.81, 30.912)}
    await make_staff("sq", role="community_admin", community=a1)
    headers = await admin_login(client, "sq")
    community_staff = await client.put(community_url(a1), json=body, headers=headers)
    assert community_staff.status_code == 403 and community_staff.json()["field"] == "boundary"
    client.cookies.clear()
    await make_staff("jd", role="street_official", street=tree.streets["A"])
    headers = await admin_login(client, "jd")
    assert (await client.put(community_url(a1), json=body)).status_code == 403
    missing = await client.put(community_url(a1), json={}, headers=headers)
    assert missing.status_code == 422 and missing.json()["field"] == "boundary"
    b1 = await client.put(community_url(tree.communities["B1"]), json=body, headers=headers)
    assert b1.status_code == 404
    unknown = await client.put("/maps/api/buildings/1/boundary", json=body, headers=headers)
    assert unknown.status_code == 404
    assert await stored(Community, a1) == json.loads(a1["boundary"])


# ---------------------------------------------------------------- street boundaries


async def test_the_district_redraws_street_boundaries_by_the_street_rules(
    client: httpx.AsyncClient,
) -> None:
    tree = await area_tree()
    await make_user("root", superuser=True)
    headers = await admin_login(client, "root")
    street_a, street_b = tree.streets["A"], tree.streets["B"]
    around = rectangle(117.80, 30.90, 117.82, 30.91)
    url_a = f"/maps/api/streets/{street_a['id']}/boundary"
    saved = await client.put(url_a, json={"boundary": around}, headers=headers)
    assert saved.status_code == 200, saved.text
    assert await stored(Street, street_a) == around
    # Street B over street A; street A leaving its community A2 outside.
    over = await client.put(
        f"/maps/api/streets/{street_b['id']}/boundary",
        json={"boundary": rectangle(117.815, 30.90, 117.84, 30.91)},
        headers=headers,
    )
    assert over.status_code == 409 and over.json()["offending_area"]["code"] == street_a["code"]
    small = await client.put(
        url_a, json={"boundary": rectangle(117.80, 30.90, 117.815, 30.91)}, headers=headers
    )
    assert small.status_code == 422
    assert small.json()["offending_area"]["code"] == tree.communities["A2"]["code"]
    assert await stored(Street, street_a) == around and await stored(Street, street_b) is None
    client.cookies.clear()
    await make_staff("jd", role="street_official", street=street_a)
    official = await client.put(
        url_a,
        json={"boundary": rectangle(117.80, 30.90, 117.821, 30.91)},
        headers=await admin_login(client, "jd"),
    )
    assert official.status_code == 403
    assert await stored(Street, street_a) == around
