"""Dashboards: rollup trends and rankings, work by stage, refusals and supervision."""

from __future__ import annotations

import datetime as dt

import httpx

from app.clock import local_today
from app.crud import insert_row
from app.jobs.rollups import rollup_period
from app.supervision.schemas import SupervisionRecordCreate
from app.supervision.services import answer_supervision, raise_supervision
from tables.work import AccessRefusal, WorkItem
from tests.admin.support import admin_login
from tests.factories import (
    area_tree,
    make_access_entry,
    make_department,
    make_staff,
    make_work_item,
)


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
    assert response.status_code == 200
    page = response.text
    assert "签到率与按时办结率" in page and "社区排名" in page
    assert "A1社区" in page and "A2社区" in page and "B1社区" not in page
    # work items by stage: street A has 3 items, one accepted, two reported
    assert "<title>上报 2件</title>" in page and "<title>受理 1件</title>" in page
    assert "<title>区住建局 3次</title>" in page  # street B's five refusals are not counted
    assert "<title>干部八小时以外 1件</title>" in page
    assert "Noto Sans CJK SC" in page


async def test_a_community_worker_sees_only_their_community(client: httpx.AsyncClient) -> None:
    tree = await world()
    await admin_login(client, "wg")
    street = await client.get(f"/dashboards/street/{tree.streets['A']['code']}")  # type: ignore[attr-defined]
    assert street.status_code == 403
    page = (await client.get(f"/dashboards/community/{tree.communities['A1']['code']}")).text  # type: ignore[attr-defined]
    assert "网格排名" in page and "人员排名" not in page  # colleagues are not ranked for them
    assert tree.grids["A1-1"]["name"] in page  # type: ignore[attr-defined]
    assert "<title>上报 1件</title>" in page and "<title>受理 1件</title>" in page
    assert "A2社区" not in page
    client.cookies.clear()
    await make_staff("sq", role="community_admin", community=tree.communities["A1"])  # type: ignore[attr-defined]
    await admin_login(client, "sq")
    admin_page = (await client.get(f"/dashboards/community/{tree.communities['A1']['code']}")).text  # type: ignore[attr-defined]
    assert "人员排名" in admin_page
    other = await client.get(f"/dashboards/community/{tree.communities['A2']['code']}")  # type: ignore[attr-defined]
    assert other.status_code == 404
