"""The phone's grid map (/m/api/map): its grid's buildings as points carrying their footprints,
its facilities as points and its roads as their lines, nothing from a neighbouring grid, and no
grid the worker is not on."""

from __future__ import annotations

from typing import Any

import httpx

from app.crud import insert_row
from tables.places import Building, Facility
from tests.atlas.test_roads import ROUTE, line
from tests.field.support import API, field_world, phone_login

FOOTPRINT = {
    "type": "Polygon",
    "coordinates": [
        [
            [117.8011, 30.9011],
            [117.8014, 30.9011],
            [117.8014, 30.9014],
            [117.8011, 30.9014],
            [117.8011, 30.9011],
        ]
    ],
}


async def add_road_and_outlined_building(grid: dict[str, Any], code: str) -> None:
    """Road 五松路 (ROUTE) and building `code` outlined by FOOTPRINT, in `grid`."""
    where = {"grid": grid["id"], "community": grid["community"]}
    await insert_row(
        Building,
        {"code": code, "address": f"五松小区{code}栋", "longitude": 117.80125}
        | {"latitude": 30.90125, "footprint": FOOTPRINT}
        | where,
    )
    await insert_row(
        Facility,
        {"name": "五松路", "kind": "road", "longitude": 117.802, "latitude": 30.9052}
        | {"path": line(ROUTE)}
        | where,
    )


async def test_roads_come_as_lines_and_buildings_with_their_footprints(
    client: httpx.AsyncClient,
) -> None:
    world = await field_world()
    grid, other = world.grid_a, world.grid_b
    where = {"grid": grid["id"], "community": grid["community"]}
    await add_road_and_outlined_building(grid, "B1")
    await insert_row(
        Building,
        {"code": "B2", "address": "五松小区2栋", "longitude": 117.802, "latitude": 30.902} | where,
    )
    await insert_row(
        Facility,
        {"name": "消火栓", "kind": "fire_hydrant", "longitude": 117.8022, "latitude": 30.9031}
        | where,
    )
    await insert_row(
        Facility,
        {"name": "邻格设施", "kind": "park", "longitude": 117.807, "latitude": 30.905}
        | {"grid": other["id"], "community": other["community"]},
    )
    await phone_login(client, "wga")
    answer = await client.get(f"{API}/map", params={"grid": grid["id"]})
    assert answer.status_code == 200, answer.text
    body = answer.json()

    buildings = {f["properties"]["code"]: f for f in body["buildings"]["features"]}
    assert buildings["B1"]["geometry"] == {"type": "Point", "coordinates": [117.80125, 30.90125]}
    assert buildings["B1"]["properties"]["footprint"] == FOOTPRINT
    assert buildings["B2"]["properties"]["footprint"] is None

    facilities = {f["properties"]["name"]: f for f in body["facilities"]["features"]}
    assert set(facilities) == {"五松路", "消火栓"}
    assert facilities["五松路"]["geometry"] == line(ROUTE)
    assert facilities["五松路"]["properties"]["kind_label"] == "道路"
    assert facilities["消火栓"]["geometry"]["type"] == "Point"


async def test_a_grid_the_worker_is_not_on_is_refused(client: httpx.AsyncClient) -> None:
    world = await field_world()
    await phone_login(client, "wga")
    answer = await client.get(f"{API}/map", params={"grid": world.grid_b["id"]})
    assert answer.status_code in (403, 404), answer.text
    assert "boundary" not in answer.text
