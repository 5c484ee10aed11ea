"""The demo district is realistic and obeys every rule the services enforce."""

import datetime as dt
import itertools
import json
from collections import Counter
from collections.abc import AsyncIterator

import pytest

from app.db import DB
from app.demo import load_demo
from app.geo import contains_point, lies_within, overlaps, parse_polygon
from app.places.services import clean_facility
from app.settings import settings
from app.validation import check_credit_code, check_id_number
from tables.areas import Community, ResponsibilityGrid, Street
from tables.daily import CheckIn
from tables.places import Building, Facility, Household, Organisation, Resident
from tables.work import AccessListEntry, WorkItem, WorkItemEvent
from tests.conftest import truncate_all

pytestmark = pytest.mark.shared_data


@pytest.fixture(scope="module", autouse=True)
async def demo() -> AsyncIterator[None]:
    """The demo district, loaded once for every test of this module (they only read it)."""
    await load_demo()
    yield
    await truncate_all()


async def test_demo_has_the_promised_size() -> None:
    assert await Street.count() == 3
    assert 9 <= await Community.count() <= 12
    assert 55 <= await ResponsibilityGrid.count() <= 65
    grids = await ResponsibilityGrid.select().run()
    residential = [g for g in grids if g["kind"] == "residential"]
    in_range = [g for g in residential if 250 <= g["household_count"] <= 500]
    assert len(in_range) >= 0.9 * len(residential)
    assert 1 <= sum(g["size_warning"] for g in grids) <= 6
    assert all(g["size_warning"] == (not 250 <= g["household_count"] <= 500) for g in residential)
    assert any(g["kind"] == "unit" and g["responsible_organisation"] for g in grids)


async def test_demo_geometry_nests_without_overlaps() -> None:
    communities = {c["id"]: c for c in await Community.select().run()}
    grids = await ResponsibilityGrid.select().run()
    for grid in grids:
        community = communities[grid["community"]]
        assert grid["code"].startswith(community["code"]) and len(grid["code"]) == 15
        assert lies_within(parse_polygon(grid["boundary"]), parse_polygon(community["boundary"]))
    for a, b in itertools.combinations(grids, 2):
        if a["community"] == b["community"]:
            assert not overlaps(parse_polygon(a["boundary"]), parse_polygon(b["boundary"]))
    polygons = {g["id"]: parse_polygon(g["boundary"]) for g in grids}
    from shapely.geometry import Point

    outlined = 0
    for building in await Building.select().run():
        point = Point(building["longitude"], building["latitude"])
        assert contains_point(polygons[building["grid"]], point)
        if building["footprint"] is not None:  # the same rule as app/places/services.py
            footprint = parse_polygon(building["footprint"], field="footprint")
            assert contains_point(footprint, point)
            assert lies_within(footprint, polygons[building["grid"]])
            outlined += 1
    assert outlined > 0  # the map has footprints to draw, and points for the rest


async def test_demo_roads_have_paths_the_facility_rules_accept() -> None:
    roads = await Facility.select().where(Facility.path.is_not_null()).run()
    assert len(roads) == 2 * await Community.count()  # a 路 and a 街 in every community
    for road in roads:
        assert road["kind"] == "road"
        cleaned = await clean_facility(dict(road), road)  # the API's and the admin's rule
        assert cleaned["path"] == json.loads(road["path"])


async def test_demo_households_match_grid_counts_and_personal_data_is_valid() -> None:
    per_grid = Counter(h["grid"] for h in await Household.select(Household.grid).run())
    for grid in (
        await ResponsibilityGrid.select().where(ResponsibilityGrid.kind == "residential").run()
    ):
        assert per_grid[grid["id"]] == grid["household_count"]
    residents = await Resident.select(Resident.id_number).run()
    assert len(residents) > 1000
    assert all(check_id_number(r["id_number"]) == r["id_number"] for r in residents)
    for organisation in await Organisation.select(Organisation.credit_code).run():
        assert check_credit_code(organisation["credit_code"]) == organisation["credit_code"]


async def test_demo_work_covers_every_stage_and_the_access_list_every_status() -> None:
    stages = {w["status"] for w in await WorkItem.select(WorkItem.status).run()}
    assert stages == {
        "reported",
        "accepted",
        "dispatched",
        "handled",
        "verified",
        "closed",
        "rejected",
    }
    statuses = {e["status"] for e in await AccessListEntry.select(AccessListEntry.status).run()}
    assert {"approved", "proposed", "revoked"} <= statuses
    # Every work item came from an approved entry and has one event per stage it passed.
    rows = await DB.run_ddl(
        "SELECT count(*) AS n FROM work_item w JOIN access_list_entry e ON e.id = w.access_entry "
        "WHERE e.status <> 'approved'"
    )
    assert rows[0]["n"] == 0
    assert await WorkItemEvent.count() > await WorkItem.count()


async def test_demo_check_ins_cover_a_month_and_count_only_inside_the_grid() -> None:
    check_ins = await CheckIn.select().run()
    days = {c["local_date"] for c in check_ins}
    today = dt.datetime.now(settings.timezone).date()
    assert min(days) <= today - dt.timedelta(days=28)
    assert all(c["counted"] == c["inside_grid"] for c in check_ins)
    assert any(not c["inside_grid"] for c in check_ins)


async def test_demo_comes_with_schedules_subsidy_grades_and_rollups() -> None:
    from tables.assessment import EvaluationRollup
    from tables.jobs import JobSchedule, SubsidyGrade

    assert await JobSchedule.count() > 0
    assert await SubsidyGrade.count() == 3
    kinds = {
        r["target_kind"] for r in await EvaluationRollup.select(EvaluationRollup.target_kind).run()
    }
    assert kinds == {"staff", "grid", "community", "street"}
    ranked = await EvaluationRollup.count().where(EvaluationRollup.rank.is_not_null())
    assert ranked > 0
