"""Coverage figures on the demo district equal an independent SQL count of the same facts;
the demo has a party tree in every community, in-service members and two months of
volunteer activities."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from app.db import DB
from app.demo import load_demo
from app.party.coverage import coverage, month_bounds
from tables.areas import Community
from tests.conftest import truncate_all

pytestmark = pytest.mark.shared_data


@pytest.fixture(scope="module", autouse=True)
async def demo() -> AsyncIterator[None]:
    await load_demo()
    yield
    await truncate_all()


async def one(sql: str, *args: object) -> int:
    rows = await DB.run_ddl(sql) if not args else await Community.raw(sql, *args).run()
    return int(rows[0]["n"])


async def test_every_demo_community_has_a_party_tree_on_its_grids() -> None:
    communities = await Community.count().run()
    assert (
        await one(
            "SELECT count(DISTINCT community) AS n FROM party_organisation WHERE level = 'community_committee'"
        )
        == communities
    )
    assert (
        await one(
            "SELECT count(*) AS n FROM party_organisation WHERE level = 'street_working_committee'"
        )
        == 3
    )
    # every branch and group sits on grids of its own community
    assert (
        await one(
            "SELECT count(*) AS n FROM party_organisation_grid og"
            " JOIN party_organisation o ON o.id = og.organisation"
            " JOIN responsibility_grid g ON g.id = og.grid"
            " WHERE g.community <> o.community OR o.level NOT IN ('branch', 'group')"
        )
        == 0
    )
    assert await one("SELECT count(*) AS n FROM party_member WHERE kind = 'in_service'") > 20
    span = await DB.run_ddl(
        "SELECT max(starts_at) - min(starts_at) AS span FROM volunteer_activity"
        " WHERE starts_at < now()"
    )
    assert span[0]["span"].days >= 40, "about two months of activities"
    assert (
        await one("SELECT count(*) AS n FROM volunteer_signup WHERE confirmed_at IS NOT NULL") > 100
    )


async def test_coverage_of_each_community_equals_an_independent_count() -> None:
    start, end = month_bounds()
    for community in await Community.select(Community._meta.primary_key).run():
        cid = community["id"]
        figures = await coverage([cid], start, end)
        assert figures.grids == await one(
            "SELECT count(*) AS n FROM responsibility_grid WHERE community = {}", cid
        )
        assert figures.grids_with_branch == await one(
            "SELECT count(*) AS n FROM responsibility_grid g WHERE g.community = {} AND g.id IN ("
            " SELECT og.grid FROM party_organisation_grid og JOIN party_organisation o"
            " ON o.id = og.organisation WHERE o.level IN ('branch', 'group'))",
            cid,
        )
        assert figures.grids_with_party_leader == await one(
            "SELECT count(*) AS n FROM responsibility_grid g WHERE g.community = {} AND EXISTS ("
            " SELECT 1 FROM grid_assignment ga JOIN party_member pm ON pm.staff = ga.staff"
            " WHERE ga.grid = g.id AND ga.kind = 'primary')",
            cid,
        )
        assert figures.members == await one(
            "SELECT count(*) AS n FROM party_member WHERE community = {}", cid
        )
        served = (
            "SELECT count(*) AS n FROM party_member pm WHERE pm.community = {} {} AND EXISTS ("
            " SELECT 1 FROM volunteer v LEFT JOIN staff_member s ON s.id = pm.staff"
            ' WHERE (v.resident = pm.resident OR v."user" = s."user") AND (EXISTS ('
            "  SELECT 1 FROM volunteer_signup su JOIN volunteer_activity a ON a.id = su.activity"
            "  WHERE su.volunteer = v.id AND su.confirmed_at IS NOT NULL AND su.hours > 0"
            "  AND a.starts_at >= {} AND a.starts_at < {}) OR EXISTS ("
            "  SELECT 1 FROM volunteer_service vs WHERE vs.volunteer = v.id"
            "  AND vs.served_on >= {} AND vs.served_on < {})))"
        )
        args = (cid, start, end, start.date(), end.date())
        assert figures.members_served == await one(served.replace("{} {}", "{}", 1), *args)
        assert figures.in_service_served == await one(
            served.replace("{} {}", "{} AND pm.kind = 'in_service'", 1), *args
        )
        units = await Community.raw(
            "SELECT reporting_unit, count(*) AS n FROM party_member"
            " WHERE community = {} AND kind = 'in_service' GROUP BY reporting_unit",
            cid,
        ).run()
        assert figures.in_service_by_unit == {u["reporting_unit"]: u["n"] for u in units}
        assert figures.in_service_members == sum(figures.in_service_by_unit.values())


async def test_the_demo_is_not_fully_covered_so_the_figure_means_something() -> None:
    start, end = month_bounds()
    ids = [c["id"] for c in await Community.select(Community._meta.primary_key).run()]
    figures = await coverage(ids, start, end)
    assert 0 < figures.grids_with_branch < figures.grids
    assert 0 < figures.grids_with_party_leader < figures.grids
    assert 0 < figures.members_served < figures.members
