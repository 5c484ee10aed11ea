"""GCJ-02 (AMap, Tencent) and BD-09 (Baidu) to and from the stored WGS84, against published
reference points, and the round trip within 1 m across China; polygons (footprints, area
boundaries) vertex by vertex, and area boundaries sent in either system stored in WGS84 after
the boundary checks judged the converted shape."""

from __future__ import annotations

import json
import math
import random
from collections.abc import Sequence
from typing import Any

import httpx
import pytest

from app import coordinates as c
from app.areas.schemas import DistrictCreate, DistrictUpdate
from app.areas.services import create_district, update_district
from app.crud import get_row
from app.errors import ValidationFailed
from app.geo import rectangle, stored_geojson
from tables.areas import Community, District, ResponsibilityGrid
from tests.api.support import API, assert_problem, bearer, make_token
from tests.factories import area_tree


def metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance of two (longitude, latitude) points."""
    lon1, lat1, lon2, lat2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371008.8 * math.asin(math.sqrt(h))


# (WGS84, GCJ-02) as (longitude, latitude): the test points of googollee/eviltransform,
# shared by its ports in a dozen languages.
EVILTRANSFORM = [
    ((121.5272106, 31.1774276), (121.531541859215, 31.17530398364597)),  # Shanghai
    ((113.912316, 22.543847), (113.9171764808363, 22.540796131694766)),  # Shenzhen
    ((116.377817, 39.911954), (116.38404722455657, 39.91334545536069)),  # Beijing
]
# wandergis/coordtransform's README and test fixture (Tiananmen, 116.404, 39.915).
TIANANMEN = (116.404, 39.915)
COORDTRANSFORM_WGS_TO_GCJ = (116.41024449916938, 39.91640428150164)
COORDTRANSFORM_GCJ_TO_BD = (116.41036949371029, 39.92133699351021)
# Its one-step (approximate) inverses, which the iterated inverse must stay close to.
COORDTRANSFORM_GCJ_TO_WGS = (116.39775550083061, 39.91359571849836)
COORDTRANSFORM_BD_TO_GCJ = (116.39762729119315, 39.90865673957631)
# AMap's own convert API for WGS84 (116.39089, 39.90734), as recorded in a test suite.
AMAP_API = ((116.39089, 39.90734), (116.39713623, 39.90874539))
# A triangle in Beijing cornered on three of those points: WGS84, the GCJ-02 the references
# publish for them, and their BD-09 form (by the GCJ-02 → BD-09 formula checked above).
BEIJING_WGS = [EVILTRANSFORM[2][0], AMAP_API[0], TIANANMEN]
BEIJING_GCJ = [EVILTRANSFORM[2][1], AMAP_API[1], COORDTRANSFORM_WGS_TO_GCJ]
BEIJING_BD = [c.gcj02_to_bd09(*point) for point in BEIJING_GCJ]


def polygon(corners: Sequence[tuple[float, float]]) -> dict[str, Any]:
    """A GeoJSON Polygon through `corners`, closed."""
    ring = [list(point) for point in corners]
    return {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}


def corners_of(geojson: Any) -> list[tuple[float, float]]:
    """The corners of a GeoJSON Polygon's outer ring (stored text or object), closing one left
    out; the ring is checked to be closed."""
    ring = stored_geojson(geojson)["coordinates"][0]
    assert ring[0] == ring[-1]
    return [(lon, lat) for lon, lat, *_ in ring[:-1]]


def assert_within_a_metre(geojson: Any, expected: Sequence[tuple[float, float]]) -> None:
    corners = corners_of(geojson)
    assert len(corners) == len(expected)
    for got, want in zip(corners, expected, strict=True):
        assert metres(got, want) < 1.0, (got, want)


@pytest.mark.parametrize(("wgs", "gcj"), EVILTRANSFORM)
def test_wgs84_to_gcj02_matches_the_published_points(
    wgs: tuple[float, float], gcj: tuple[float, float]
) -> None:
    assert metres(c.wgs84_to_gcj02(*wgs), gcj) < 0.01
    # The inverse gives back the WGS84 point, within 1 m (in fact within millimetres).
    assert metres(c.gcj02_to_wgs84(*gcj), wgs) < 0.01
    assert metres(c.to_wgs84(*gcj, "GCJ-02"), wgs) < 0.01


def test_coordtransform_reference_values() -> None:
    assert metres(c.wgs84_to_gcj02(*TIANANMEN), COORDTRANSFORM_WGS_TO_GCJ) < 0.01
    assert metres(c.gcj02_to_bd09(*TIANANMEN), COORDTRANSFORM_GCJ_TO_BD) < 0.01
    # coordtransform inverts in one step (error of a few metres); ours iterates to the exact
    # inverse: close to its value, and the forward formula reproduces the input.
    wgs = c.gcj02_to_wgs84(*TIANANMEN)
    assert metres(wgs, COORDTRANSFORM_GCJ_TO_WGS) < 5
    assert metres(c.wgs84_to_gcj02(*wgs), TIANANMEN) < 0.001
    gcj = c.bd09_to_gcj02(*TIANANMEN)
    assert metres(gcj, COORDTRANSFORM_BD_TO_GCJ) < 1
    assert metres(c.gcj02_to_bd09(*gcj), TIANANMEN) < 0.001


def test_amap_convert_api_agrees_within_a_metre() -> None:
    wgs, gcj = AMAP_API
    assert metres(c.wgs84_to_gcj02(*wgs), gcj) < 1
    assert metres(c.to_wgs84(*gcj, "GCJ-02"), wgs) < 1


def test_the_offset_is_hundreds_of_metres_in_china() -> None:
    tongling = (117.8025, 30.905)
    assert 300 < metres(c.wgs84_to_gcj02(*tongling), tongling) < 700
    assert 700 < metres(c.wgs84_to_bd09(*tongling), tongling) < 1500


def test_round_trips_within_a_metre_across_china() -> None:
    rng = random.Random(14)
    worst = 0.0
    for _ in range(2000):
        wgs = (rng.uniform(73.7, 134.7), rng.uniform(18.2, 53.4))
        for there, back in (
            (c.wgs84_to_gcj02, c.gcj02_to_wgs84),
            (c.wgs84_to_bd09, c.bd09_to_wgs84),
        ):
            worst = max(worst, metres(back(*there(*wgs)), wgs))
        bd = wgs  # a point read off Baidu's map, there and back
        worst = max(worst, metres(c.wgs84_to_bd09(*c.bd09_to_wgs84(*bd)), bd))
    assert worst < 1.0
    assert worst < 0.01  # the iteration converges far below the metre asked for


@pytest.mark.parametrize("point", [(-0.1278, 51.5074), (139.6917, 35.6895), (0.0, 0.0)])
def test_outside_china_points_are_unchanged(point: tuple[float, float]) -> None:
    for system in ("WGS84", "GCJ-02", "BD-09"):
        assert c.to_wgs84(*point, system) == point
        assert c.from_wgs84(*point, system) == point


def test_names_of_systems_people_type() -> None:
    assert c.system_of("gcj02") == "GCJ-02"
    assert c.system_of(" 高德 ") == "GCJ-02"
    assert c.system_of("BD09") == "BD-09"
    assert c.system_of("百度") == "BD-09"
    assert c.system_of("CGCS2000") == "WGS84"
    assert c.system_of("") is None and c.system_of(None) is None
    with pytest.raises(ValidationFailed) as refused:
        c.system_of("Beijing54")
    assert refused.value.field == "coordinate_system" and "GCJ-02" in refused.value.detail


def test_service_input_is_converted_and_a_lone_coordinate_refused() -> None:
    gcj = c.wgs84_to_gcj02(117.8025, 30.905)
    values = c.in_wgs84(
        {"longitude": gcj[0], "latitude": gcj[1], "coordinate_system": "GCJ-02", "grid": 1}
    )
    assert "coordinate_system" not in values and values["grid"] == 1
    assert metres((values["longitude"], values["latitude"]), (117.8025, 30.905)) < 0.01
    assert c.in_wgs84({"longitude": 1.0, "coordinate_system": None}) == {"longitude": 1.0}
    with pytest.raises(ValidationFailed) as refused:
        c.in_wgs84({"longitude": gcj[0], "coordinate_system": "BD-09"})
    assert refused.value.field == "latitude"


# ---------------------------------------------------------------- polygons


@pytest.mark.parametrize(("system", "given"), [("GCJ-02", BEIJING_GCJ), ("BD-09", BEIJING_BD)])
def test_polygons_are_converted_vertex_by_vertex(
    system: str, given: list[tuple[float, float]]
) -> None:
    converted = c.polygon_to_wgs84(polygon(given), system, field="footprint")
    assert converted["type"] == "Polygon"
    assert_within_a_metre(converted, BEIJING_WGS)
    # JSON text (as JSONB columns are read) is taken too.
    assert c.polygon_to_wgs84(json.dumps(polygon(given)), system) == converted
    # Service input: the polygon field named and the point, in one system.
    values = c.in_wgs84(
        {
            "footprint": polygon(given),
            "coordinate_system": system,
            "longitude": given[0][0],
            "latitude": given[0][1],
        },
        polygon="footprint",
    )
    assert values["footprint"] == converted and "coordinate_system" not in values
    assert metres((values["longitude"], values["latitude"]), BEIJING_WGS[0]) < 1.0


def test_wgs84_polygons_pass_unchanged_and_malformed_ones_are_refused_by_field() -> None:
    shape = polygon(BEIJING_WGS)
    for system in (None, "WGS84"):
        assert c.polygon_to_wgs84(shape, system) is shape
    assert c.in_wgs84({"boundary": shape}, polygon="boundary") == {"boundary": shape}
    line = {"type": "LineString", "coordinates": [list(p) for p in BEIJING_GCJ]}
    for bad in (line, "{not json", polygon(BEIJING_GCJ)["coordinates"]):
        with pytest.raises(ValidationFailed) as refused:
            c.in_wgs84({"footprint": bad, "coordinate_system": "GCJ-02"}, polygon="footprint")
        assert refused.value.field == "footprint"


async def test_a_boundary_given_in_gcj02_or_bd09_is_stored_in_wgs84() -> None:
    created = await create_district(
        DistrictCreate(
            code="110101", name="东城区", boundary=polygon(BEIJING_GCJ), coordinate_system="GCJ-02"
        )
    )
    assert_within_a_metre((await get_row(District, created["id"]))["boundary"], BEIJING_WGS)
    await update_district(
        created["id"], DistrictUpdate(boundary=polygon(BEIJING_BD), coordinate_system="BD-09")
    )
    assert_within_a_metre((await get_row(District, created["id"]))["boundary"], BEIJING_WGS)


def shifted(corners: list[tuple[float, float]], to: Any) -> dict[str, Any]:
    """The polygon through `corners` as the map of `to` (a WGS84 → system function) shows it."""
    return polygon([to(*point) for point in corners])


async def refused_as_wgs84_then_saved(
    client: httpx.AsyncClient,
    url: str,
    headers: dict[str, str],
    corners: list[tuple[float, float]],
    to: Any,
    system: str,
) -> httpx.Response:
    """PATCHes `url` with the boundary through `corners` as the map of `to` shows it: refused
    at "boundary" when taken as WGS84, then saved (200) when it names its `system`."""
    body = {"boundary": shifted(corners, to)}
    assert_problem(await client.patch(url, json=body, headers=headers), 422, "boundary")
    saved = await client.patch(url, json={**body, "coordinate_system": system}, headers=headers)
    assert saved.status_code == 200, saved.text
    return saved


async def test_community_and_grid_boundaries_are_checked_after_conversion(
    client: httpx.AsyncClient,
) -> None:
    tree = await area_tree()
    street = bearer(await make_token(tree, street="A"))
    a2 = tree.communities["A2"]
    # Community A2 (117.81–117.82 E) as AMap draws it: about 500 m east, south.
    wgs = corners_of(rectangle(117.81, 30.90, 117.82, 30.91))
    url = f"{API}/communities/{a2['code']}"
    # Taken as WGS84 it would leave grid A2-1 outside.
    saved = await refused_as_wgs84_then_saved(client, url, street, wgs, c.wgs84_to_gcj02, "GCJ-02")
    assert "coordinate_system" not in saved.json()
    assert_within_a_metre(saved.json()["boundary"], wgs)
    assert_within_a_metre((await get_row(Community, a2["id"]))["boundary"], wgs)

    # Grid A2-1 narrowed to 117.810–117.814 E, drawn on Baidu's map (about 1.2 km east): as
    # WGS84 it would stick out of A2; converted it is checked, stored and its bbox derived.
    grid = tree.grids["A2-1"]
    narrow = corners_of(rectangle(117.81, 30.90, 117.814, 30.91))
    url = f"{API}/grids/{grid['code']}"
    await refused_as_wgs84_then_saved(client, url, street, narrow, c.wgs84_to_bd09, "BD-09")
    row = await get_row(ResponsibilityGrid, grid["id"])
    assert_within_a_metre(row["boundary"], narrow)
    assert abs(row["max_lon"] - 117.814) < 1e-8 and abs(row["min_lat"] - 30.90) < 1e-8
    # A shape that is no polygon is refused naming the field, before any conversion.
    line = {"type": "LineString", "coordinates": [[117.81, 30.90], [117.82, 30.91]]}
    body = {"boundary": line, "coordinate_system": "GCJ-02"}
    assert_problem(await client.patch(url, json=body, headers=street), 422, "boundary")
    assert_within_a_metre((await get_row(ResponsibilityGrid, grid["id"]))["boundary"], narrow)
