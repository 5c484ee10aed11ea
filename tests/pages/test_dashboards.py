"""Dashboards: rollup trends and rankings, work by stage, refusals and supervision."""

from __future__ import annotations

import datetime as dt
import re

import httpx
from piccolo.apps.user.tables import BaseUser

from app.clock import local_today
from app.crud import insert_row
from app.jobs.rollups import rollup_period
from app.labels import label
from app.pages.areas import find_area
from app.pages.dashboards import load_dashboard
from app.scope import Scope, scope_for_user, scoped_transaction
from app.supervision.schemas import SupervisionRecordCreate
from app.supervision.services import answer_supervision, raise_supervision
from tables.areas import Community
from tables.choices import SupervisionKind, WorkStatus
from tables.work import AccessRefusal, WorkItem
from tests.admin.support import admin_login
from tests.factories import (
    area_tree,
    make_access_entry,
    make_department,
    make_staff,
    make_work_item,
)
from tests.pages.chart_support import chart_of, chart_table


async def world() -> object:
    tree = await area_tree()
    department = await make_department("区住建局", "城建")
    entry = await make_access_entry(tree.streets["A"], department)
    for community, n in (("A1", 2), ("A2", 1), ("B1", 4)):
        for i in range(n):
            await make_work_item(tree.communities[community], entry, f"{community}-{i}")
    await WorkItem.update({WorkItem.status: "accepted"}, force=True).where(WorkItem.title == "A1-0")
    for street, count in (("A", 3), ("B", 5)):
        for _ in range(count):
            await insert_row(
                AccessRefusal,
                {
                    "street": tree.streets[street]["id"],
                    "community": None,
                    "department": department["id"],
                    "pushed_title": "临时台账",
                    "reason": "not on the list",
                    "refused_at": dt.datetime.now(dt.UTC),
                },
            )
    record = await raise_supervision(
        SupervisionRecordCreate(
            kind="cadre_conduct",
            subject="某干部",
            community=tree.communities["A1"]["id"],
            content="…",
        )
    )
    await answer_supervision(record["id"], "已核实")
    await make_staff("jd", role="street_official", street=tree.streets["A"])
    await make_staff("wg", community=tree.communities["A1"], grids=[tree.grids["A1-1"]])
    await rollup_period("month", local_today().replace(day=1))
    return tree


async def test_a_street_official_sees_the_street_with_its_communities_ranked(
    client: httpx.AsyncClient,
) -> None:
    tree = await world()
    await admin_login(client, "jd")
    response = await client.get(f"/dashboards/street/{tree.streets['A']['code']}")  # type: ignore[attr-defined]
    assert response.status_code == 200, response.text[:3000]
    page = response.text
    assert "签到率与按时办结率" in page and "社区排名" in page
    assert "A1社区" in page and "A2社区" in page and "B1社区" not in page
    # work items by stage: street A has 3 items, one accepted, two reported
    stages = chart_table(page, "stages")
    assert stages["上报"] == "2件" and stages["受理"] == "1件"
    # street B's five refusals are not counted
    assert chart_table(page, "refusals") == {"区住建局": "3次"}
    assert chart_table(page, "supervision")["干部八小时以外"] == "1件"
    assert "Noto Sans CJK SC" in page


async def test_a_community_worker_sees_only_their_community(client: httpx.AsyncClient) -> None:
    tree = await world()
    await admin_login(client, "wg")
    street = await client.get(f"/dashboards/street/{tree.streets['A']['code']}")  # type: ignore[attr-defined]
    assert street.status_code == 403
    page = (await client.get(f"/dashboards/community/{tree.communities['A1']['code']}")).text  # type: ignore[attr-defined]
    assert "网格排名" in page and "人员排名" not in page  # colleagues are not ranked for them
    assert tree.grids["A1-1"]["name"] in page  # type: ignore[attr-defined]
    stages = chart_table(page, "stages")
    assert stages["上报"] == "1件" and stages["受理"] == "1件"
    assert "A2社区" not in page
    client.cookies.clear()
    await make_staff("sq", role="community_admin", community=tree.communities["A1"])  # type: ignore[attr-defined]
    await admin_login(client, "sq")
    admin_page = (await client.get(f"/dashboards/community/{tree.communities['A1']['code']}")).text  # type: ignore[attr-defined]
    assert "人员排名" in admin_page
    other = await client.get(f"/dashboards/community/{tree.communities['A2']['code']}")  # type: ignore[attr-defined]
    assert other.status_code == 404


def shown(value: object, unit: str, scale: float = 1) -> str:
    """A value as the chart tables print it."""
    if value is None:
        return "—"
    return f"{float(value) * scale:.1f}".removesuffix(".0") + unit  # type: ignore[arg-type]


async def scope_of(username: str) -> Scope:
    user = await BaseUser.select(BaseUser.id).where(BaseUser.username == username).first()
    assert user is not None
    return await scope_for_user(user["id"])


async def test_every_chart_has_a_table_with_the_loaders_numbers(
    client: httpx.AsyncClient,
) -> None:
    tree = await world()
    code = tree.streets["A"]["code"]  # type: ignore[attr-defined]
    scope = await scope_of("jd")
    async with scoped_transaction(scope):
        data = await load_dashboard(await find_area("street", code, scope), scope)
    await admin_login(client, "jd")
    page = (await client.get(f"/dashboards/street/{code}")).text

    trend, rows = chart_of(page, "trend")
    assert trend["kind"] == "line" and len(rows) == len(data.months) == 12
    this_month = data.trend[data.months[-1]]
    assert rows[-1][1] == shown(this_month["check_in_rate"], "%", 100)
    ranking, rows = chart_of(page, "ranking-community")
    assert ranking["kind"] == "bar"
    assert {row[0] for row in rows} == {"A1社区", "A2社区"}
    scores = {r["name"]: r["composite_score"] for r in data.rankings["community"]}
    assert all(row[1] == shown(scores[row[0]], "分") for row in rows)
    stages = chart_table(page, "stages")
    assert stages == {
        label(WorkStatus, s.value): f"{data.stages.get(s.value, 0)}件" for s in WorkStatus
    }
    assert chart_table(page, "refusals") == {r["department"]: f"{r['n']}次" for r in data.refusals}
    assert chart_table(page, "supervision") == {
        label(SupervisionKind, r["kind"]): f"{r['records']}件" for r in data.supervision
    }
    chart_of(page, "response-hours")  # its table agrees with its data
    chart_of(page, "statistics-burden")
    # the pages load ECharts from this origin only, and no inline script
    assert "/m/static/vendor/echarts/echarts.min.js?v=" in page
    assert "/m/static/pages/charts.js?v=" in page
    assert not re.search(r"<script(?![^>]*(src=|type=\"application/json\"))", page)
    assert f'href="/dashboards/street/{code}/screen"' in page


async def test_a_community_named_like_a_script_is_escaped_on_dashboard_and_public_pages(
    client: httpx.AsyncClient,
) -> None:
    tree = await world()
    evil = "<script>alert(1)</script>"
    community = tree.communities["A1"]  # type: ignore[attr-defined]
    await Community.update({Community.name: evil}).where(
        Community._meta.primary_key == community["id"]
    )
    await rollup_period("month", local_today().replace(day=1))  # rankings carry the new name
    await admin_login(client, "jd")
    pages = [
        (await client.get(f"/dashboards/street/{tree.streets['A']['code']}")).text,  # type: ignore[attr-defined]
        (await client.get(f"/dashboards/street/{tree.streets['A']['code']}/screen")).text,  # type: ignore[attr-defined]
        (await client.get(f"/public/communities/{community['code']}")).text,
        (await client.get("/public/")).text,
    ]
    for page in pages:
        assert "alert(1)" in page
        assert evil not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in pages[0]  # the ranking table
    assert "\\u003cscript\\u003ealert(1)" in pages[0]  # the chart's data
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in pages[2]  # title and heading
    assert "&lt;script&gt;alert(1)&lt;/script&gt;</a>" in pages[3]  # the link text


async def test_the_big_screen_shows_the_streets_figures_to_its_officials_only(
    client: httpx.AsyncClient,
) -> None:
    tree = await world()
    street_a, street_b = tree.streets["A"]["code"], tree.streets["B"]["code"]  # type: ignore[attr-defined]
    await WorkItem.update(
        {WorkItem.due_at: dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)}, force=True
    ).where(WorkItem.title == "A2-0")
    anonymous = await client.get(f"/dashboards/street/{street_a}/screen.json")
    assert anonymous.status_code == 401
    assert anonymous.headers["content-type"].startswith("application/problem+json")
    page = await client.get(f"/dashboards/street/{street_a}/screen")
    assert page.status_code == 303 and page.headers["location"] == "/admin/"

    await admin_login(client, "jd")
    response = await client.get(f"/dashboards/street/{street_a}/screen.json")
    assert response.status_code == 200 and response.headers["cache-control"] == "no-store"
    data = response.json()
    figures = {f["key"]: f for f in data["figures"]}
    assert figures["grids"]["value"] == 4  # A1 and A2, two grids each
    assert figures["open_work"]["value"] == 3 and figures["open_work"]["text"] == "3件"
    assert figures["overdue_work"]["value"] == 1 and figures["overdue_work"]["warn"]
    assert figures["supervision"]["value"] == 1
    assert figures["supervision_answered"]["text"] == "100.0%"
    assert {"check_in_rate", "satisfaction_rate", "red_escalations"} <= figures.keys()
    assert [c["key"] for c in data["charts"]] == ["trend", "ranking-community", "stages"]
    ranking = data["charts"][1]
    assert {row[0] for row in ranking["rows"]} == {"A1社区", "A2社区"}
    assert data["street"] == {"code": street_a, "name": "幸福街道"}
    assert dt.datetime.fromisoformat(data["updated_at"]) <= dt.datetime.now(dt.UTC)

    html = await client.get(f"/dashboards/street/{street_a}/screen?refresh=5")
    assert html.status_code == 200
    assert (
        'data-refresh="5"' in html.text
        and f'data-url="/dashboards/street/{street_a}/screen.json"' in html.text
    )
    assert "逾期工作事项" in html.text and ">1件</dd>" in html.text
    assert chart_of(html.text, "stages")[1]  # the table under the chart

    assert (await client.get(f"/dashboards/street/{street_b}/screen.json")).status_code == 404
    assert (await client.get(f"/dashboards/street/{street_b}/screen")).status_code == 404
    community = tree.communities["A1"]["code"]  # type: ignore[attr-defined]
    assert (await client.get(f"/dashboards/community/{community}/screen.json")).status_code == 404

    client.cookies.clear()
    await admin_login(client, "wg")
    assert (await client.get(f"/dashboards/street/{street_a}/screen.json")).status_code == 403
    assert (await client.get(f"/dashboards/street/{street_a}/screen")).status_code == 403


def test_echarts_stays_out_of_the_phone_apps_shell_and_precache() -> None:
    from app.field.pages import service_worker, shell_html

    assert "echarts" not in shell_html() and "echarts" not in service_worker()
    assert "pages/charts.js" not in service_worker()
