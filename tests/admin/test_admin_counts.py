"""The admin list count: the planner's estimate above ADMIN_COUNT_ESTIMATE_ABOVE, exact below.

The threshold is set tiny here so that a few rows are "a big table". That the endpoint did not
count is shown with deleted, not yet vacuumed rows: the planner still expects them (its
statistics are from before the delete), `count(*)` does not.
"""

import dataclasses
import json
from typing import Any

import httpx
import pytest

import admin.counts
from app.scope import scope_for_user, scoped_transaction
from app.settings import settings
from tables.places import Household
from tests.admin.support import admin_login
from tests.browser import AdminPage, admin_page, browser, live_app
from tests.factories import area_tree, make_household, make_staff, make_user

__all__ = ["admin_page", "browser", "live_app"]  # fixtures used by the browser test

API = "/admin/api/tables"


@pytest.fixture
def estimate_above(monkeypatch: pytest.MonkeyPatch) -> Any:
    def set_threshold(rows: int) -> None:
        monkeypatch.setattr(
            admin.counts, "settings", dataclasses.replace(settings, admin_count_estimate_above=rows)
        )

    return set_threshold


async def households(grid: dict[str, Any], count: int) -> list[dict[str, Any]]:
    return [await make_household(grid, room=f"1-{101 + i}") for i in range(count)]


async def planner_estimate(user_id: int, where: str = "", *args: Any) -> int:
    """The planner's row estimate for `SELECT id FROM household <where>` in that user's scope."""
    async with scoped_transaction(await scope_for_user(user_id)):
        plan = await Household.raw(f"EXPLAIN (FORMAT JSON) SELECT id FROM household {where}", *args)
    document = plan[0]["QUERY PLAN"]
    return int(json.loads(document)[0]["Plan"]["Plan Rows"])


async def twelve_of_twenty_households(client: httpx.AsyncClient) -> tuple[Any, list[Any], Any]:
    """20 households in grid A1-1, analyzed; then 8 deleted (not vacuumed); a superuser in."""
    tree = await area_tree()
    rows = await households(tree.grids["A1-1"], 20)
    await Household.raw("ANALYZE household")
    await Household.delete().where(Household.id.is_in([r["id"] for r in rows[12:]])).run()
    admin_user = await make_user("admin", superuser=True)
    await admin_login(client, "admin")
    return tree, rows, admin_user


async def test_a_count_above_the_threshold_is_the_estimate_and_nothing_is_counted(
    client: httpx.AsyncClient, estimate_above: Any
) -> None:
    tree, _, admin_user = await twelve_of_twenty_households(client)
    estimate_above(5)

    count = (await client.get(f"{API}/household/count/")).json()

    expected = await planner_estimate(admin_user["id"])
    assert count == {"count": expected, "page_size": 15, "approximate": True}
    assert expected == 20  # the deleted rows are still in the statistics
    assert await Household.count() == 12  # what count(*) would have said
    # A filtered count is estimated from the plan of the filtered query.
    grid = tree.grids["A1-1"]["id"]
    filtered = (await client.get(f"{API}/household/count/", params={"grid": grid})).json()
    assert filtered["approximate"] is True
    assert filtered["count"] == await planner_estimate(admin_user["id"], "WHERE grid = {}", grid)


async def test_a_count_at_or_below_the_threshold_stays_exact(
    client: httpx.AsyncClient, estimate_above: Any
) -> None:
    _, rows, _ = await twelve_of_twenty_households(client)
    estimate_above(5)

    kept, deleted = rows[0], rows[-1]
    one = await client.get(f"{API}/household/count/", params={"building": kept["building"]})
    assert one.json() == {"count": 1, "page_size": 15}
    gone = await client.get(f"{API}/household/count/", params={"building": deleted["building"]})
    assert gone.json() == {"count": 0, "page_size": 15}
    # With the default threshold (1,000,000) the whole table is counted exactly.
    estimate_above(settings.admin_count_estimate_above)
    assert (await client.get(f"{API}/household/count/")).json() == {"count": 12, "page_size": 15}


async def test_community_staff_count_only_their_community(
    client: httpx.AsyncClient, estimate_above: Any
) -> None:
    tree = await area_tree()
    await households(tree.grids["A1-1"], 3)
    await households(tree.grids["B1-1"], 6)
    await Household.raw("ANALYZE household")
    staff = await make_staff("sq-a1", role="community_admin", community=tree.communities["A1"])
    await admin_login(client, "sq-a1")

    exact = (await client.get(f"{API}/household/count/")).json()
    assert exact == {"count": 3, "page_size": 15}
    other = {"community": tree.communities["B1"]["id"]}
    assert (await client.get(f"{API}/household/count/", params=other)).json()["count"] == 0

    # Estimated, the plan is the one of their scope (row-level security included).
    estimate_above(0)
    estimated = (await client.get(f"{API}/household/count/")).json()
    assert estimated["approximate"] is True
    assert estimated["count"] == await planner_estimate(staff["user"])
    assert estimated["count"] < await Household.count()  # not the whole table's 9


@pytest.mark.parametrize("threshold", [0, 1_000_000])
@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"grid": "not-a-number"}, "grid"),
        ({"grid": "1", "grid__operator": "bogus"}, "bogus"),
        ({"no_such_column": "1"}, "no_such_column"),
        ({"grid": str(2**40)}, "grid"),
    ],
)
async def test_bad_filters_are_still_a_4xx(
    client: httpx.AsyncClient,
    estimate_above: Any,
    threshold: int,
    params: dict[str, str],
    named: str,
) -> None:
    tree = await area_tree()
    await households(tree.grids["A1-1"], 3)
    await make_user("admin", superuser=True)
    await admin_login(client, "admin")
    estimate_above(threshold)

    response = await client.get(f"{API}/household/count/", params=params)
    assert 400 <= response.status_code < 500, response.text
    assert named in response.text


async def test_the_list_page_says_the_total_is_approximate(
    admin_page: AdminPage, estimate_above: Any
) -> None:
    tree = await area_tree()
    await households(tree.grids["A1-1"], 20)
    await Household.raw("ANALYZE household")
    await make_user("admin", superuser=True)
    page = admin_page
    await page.login("admin")

    estimate_above(5)
    # Wait for the count itself: the list renders "显示 …" before the count arrives.
    await page.open("/household", "p:has-text('共 约 20 条')")
    assert "共 约 20 条" in await page.text()
    await page.shot("household-approximate-count")
    estimate_above(settings.admin_count_estimate_above)
    await page.open("/household?grid=" + str(tree.grids["A1-1"]["id"]), "p:has-text('共 20 条')")
    listing = await page.text()
    assert "共 20 条" in listing and "约" not in listing
    page.assert_no_errors()
