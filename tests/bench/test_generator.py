"""The benchmark city is valid by the product's own rules (codes, polygons, households)."""

from __future__ import annotations

from collections import Counter

import asyncpg

from app.areas.rules import check_code, order_west_east_north_south, size_warning_of
from app.geo import check_point, contains_point, lies_within, overlaps, parse_polygon
from bench.generate import City, household_counts
from bench.scale import FULL, NAMED, parse_scale


async def test_codes_nest_and_grids_are_numbered_west_to_east_north_to_south(
    city: City, conn: asyncpg.Connection
) -> None:
    parents = {"street": "district", "community": "street", "responsibility_grid": "community"}
    levels = {"street": "street", "community": "community", "responsibility_grid": "grid"}
    for table, parent in parents.items():
        rows = await conn.fetch(
            f'SELECT t.code, p.code AS parent_code FROM {table} t JOIN {parent} p ON p.id = t."{parent}"'
        )
        assert rows
        for row in rows:
            assert check_code(row["code"], levels[table], parent, row["parent_code"]) == row["code"]
    for community in await conn.fetch("SELECT id FROM community"):
        grids = await conn.fetch(
            "SELECT code, min_lon, min_lat, max_lon, max_lat FROM responsibility_grid"
            " WHERE community = $1 ORDER BY code",
            community["id"],
        )
        centroids = [
            ((g["min_lon"] + g["max_lon"]) / 2, (g["min_lat"] + g["max_lat"]) / 2) for g in grids
        ]
        height = grids[0]["max_lat"] - grids[0]["min_lat"]
        assert order_west_east_north_south(centroids, height) == list(range(len(grids)))


async def test_grids_tile_their_community_without_overlaps(
    city: City, conn: asyncpg.Connection
) -> None:
    communities = {
        r["id"]: parse_polygon(r["boundary"])
        for r in await conn.fetch("SELECT id, boundary FROM community")
    }
    streets = {
        r["id"]: parse_polygon(r["boundary"])
        for r in await conn.fetch("SELECT id, boundary FROM street")
    }
    for row in await conn.fetch("SELECT id, street, boundary FROM community"):
        assert lies_within(communities[row["id"]], streets[row["street"]])
    grids = await conn.fetch(
        "SELECT id, community, boundary, min_lon, min_lat, max_lon, max_lat FROM responsibility_grid"
    )
    polygons = {g["id"]: parse_polygon(g["boundary"]) for g in grids}
    for g in grids:
        assert lies_within(polygons[g["id"]], communities[g["community"]])
        assert polygons[g["id"]].bounds == (g["min_lon"], g["min_lat"], g["max_lon"], g["max_lat"])
    for a in grids:
        for b in grids:
            if a["id"] < b["id"]:
                assert not overlaps(polygons[a["id"]], polygons[b["id"]])
    buildings = await conn.fetch("SELECT grid, longitude, latitude FROM building")
    assert buildings
    for b in buildings:
        assert contains_point(polygons[b["grid"]], check_point(b["longitude"], b["latitude"]))


async def test_households_match_counts_and_size_warnings(
    city: City, conn: asyncpg.Connection
) -> None:
    rows = await conn.fetch(
        """SELECT g.kind, g.household_count, g.size_warning, g.community,
                  (SELECT count(*) FROM household h WHERE h.grid = g.id) AS households,
                  (SELECT count(*) FROM household h JOIN building b ON b.id = h.building
                   WHERE h.grid = g.id AND b.grid = g.id AND h.community = g.community) AS placed
           FROM responsibility_grid g"""
    )
    assert len(rows) == city.scale.grids
    for row in rows:
        assert row["households"] == row["placed"] == row["household_count"]
        assert row["size_warning"] == size_warning_of(row["kind"], row["household_count"])
    total = await conn.fetchval("SELECT count(*) FROM household")
    assert total == city.scale.households
    # At full size about 2% of grids are flagged, and the mean stays exactly 350.
    counts = household_counts(__import__("random").Random(1), 1000, 350)
    assert sum(counts) == 350 * 1000
    flagged = sum(not 250 <= c <= 500 for c in counts)
    assert 10 <= flagged <= 30


async def test_check_ins_count_once_a_day_inside_the_grid(
    city: City, conn: asyncpg.Connection
) -> None:
    grids = {
        r["id"]: parse_polygon(r["boundary"])
        for r in await conn.fetch("SELECT id, boundary FROM responsibility_grid")
    }
    rows = await conn.fetch(
        "SELECT staff, grid, local_date, longitude, latitude, inside_grid, counted FROM check_in"
    )
    assert len(rows) > city.scale.workers * (city.scale.days - 2)
    for row in rows:
        inside = contains_point(grids[row["grid"]], check_point(row["longitude"], row["latitude"]))
        assert row["inside_grid"] == inside
        assert not row["counted"] or inside
    counted = Counter((r["staff"], r["grid"], r["local_date"]) for r in rows if r["counted"])
    assert max(counted.values()) == 1
    assigned = {
        (r["staff"], r["grid"]) for r in await conn.fetch("SELECT staff, grid FROM grid_assignment")
    }
    assert {(r["staff"], r["grid"]) for r in rows} <= assigned
    assert max(r["local_date"] for r in rows) < city.today


async def test_references_resolve(city: City, conn: asyncpg.Connection) -> None:
    """The load skips foreign-key triggers (replica role), so check every reference here."""
    references = await conn.fetch(
        """SELECT tc.table_name, kcu.column_name, ccu.table_name AS target
           FROM information_schema.table_constraints tc
           JOIN information_schema.key_column_usage kcu ON kcu.constraint_name = tc.constraint_name
           JOIN information_schema.constraint_column_usage ccu ON ccu.constraint_name = tc.constraint_name
           WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_schema = 'public'"""
    )
    assert references
    for ref in references:
        dangling = await conn.fetchval(
            f'SELECT count(*) FROM "{ref["table_name"]}" t WHERE t."{ref["column_name"]}" IS NOT NULL'
            f' AND NOT EXISTS (SELECT 1 FROM "{ref["target"]}" x WHERE x.id = t."{ref["column_name"]}")'
        )
        assert dangling == 0, f"{ref['table_name']}.{ref['column_name']}"
    # Sequences were moved past the explicit ids: the next insert does not collide.
    assert await conn.fetchval("SELECT nextval(pg_get_serial_sequence('check_in', 'id'))") > (
        await conn.fetchval("SELECT max(id) FROM check_in")
    )


def test_scales() -> None:
    assert (FULL.communities, FULL.grids, FULL.households, FULL.workers) == (
        2_500,
        25_000,
        8_750_000,
        25_000,
    )
    small = NAMED["small"]
    assert small.communities * 50 == FULL.communities
    assert small.work_items * 50 == FULL.work_items
    assert parse_scale("1/50").params() | {"name": "small"} == small.params()
