"""Staff's side of residents' cases, through the admin's forms: a 1890 call recorded in one
screen (tracking code read back), publishing (no personal data), replying, placing a case
nothing placed, and merging duplicates so every reporter follows the surviving case."""

from __future__ import annotations

import httpx

from tables.open311 import ServiceRequest
from tables.residents import ResidentCase, TrackingCode
from tables.supervision import SupervisionRecord
from tables.work import WorkItem
from tests.admin.support import admin_login
from tests.admin.test_admin_forms import submit as post_form
from tests.factories import make_staff
from tests.residents.conftest import City, R, point_in, submit

HOTLINE = "1890-热线来电登记-record-a-1890-call"
MODERATE = "审核公开居民诉求-publish-a-case"
REPLY = "答复居民诉求-reply-to-a-resident"
PLACE = "居民诉求定位网格-place-a-case-in-a-grid"
MERGE = "合并重复诉求-merge-duplicate-cases"


async def community_admin(client: httpx.AsyncClient, city: City, name: str = "sq") -> dict:
    await make_staff(name, role="community_admin", community=city.tree.communities["A1"])
    return await admin_login(client, name)


def civil(city: City, **extra: str) -> dict[str, str]:
    return {"service_code": city.code("civil"), "description": "独居老人需要关照", **extra}


async def test_a_call_taker_records_a_call_and_reads_back_the_code(
    client: httpx.AsyncClient, city: City
) -> None:
    headers = await community_admin(client, city)
    status, message = await post_form(
        client,
        headers,
        HOTLINE,
        {
            "community": city.tree.communities["A1"]["code"],
            "service_code": city.code("civil"),
            "description": "来电：3 栋 201 老人摔倒后行动不便",
            "caller_name": "张三",
            "caller_phone": "13900139001",
        },
    )
    assert status == 200, message
    code = message.split("查询码：")[1].split("（")[0]
    (case,) = await ResidentCase.select()
    assert case["channel"] == "hotline" and case["needs_placement"] is True
    item = await WorkItem.select().where(WorkItem.id == case["work_item"]).first()
    assert item["source"] == "hotline"
    page = (await client.get(f"{R}/track/{code}")).json()
    assert page["status"] == "reported" and "张三" not in str(page)
    other = await post_form(
        client,
        headers,
        HOTLINE,
        {
            "community": city.tree.communities["A2"]["code"],
            "service_code": city.code("civil"),
            "description": "别的社区的来电",
        },
    )
    assert other[0] == 422 and "不能为其他" in other[1]
    assert await ResidentCase.count() == 1


async def test_publishing_needs_text_without_personal_data_and_a_reply_reaches_the_page(
    client: httpx.AsyncClient, city: City
) -> None:
    code = (
        await submit(
            client,
            city.tree.communities["A1"]["code"],
            civil(city, **point_in(city.tree.grids["A1-1"])),
        )
    ).json()["code"]
    (case,) = await ResidentCase.select()
    headers = await community_admin(client, city)
    status, message = await post_form(
        client,
        headers,
        MODERATE,
        {"case": case["id"], "publish": True, "public_text": "请联系 13900139000"},
    )
    assert status == 422 and "手机号" in message
    assert (await client.get(f"{R}/track/{code}")).json()["content"] is None
    status, _ = await post_form(client, headers, MODERATE, {"case": case["id"], "publish": True})
    assert status == 200
    status, _ = await post_form(
        client, headers, REPLY, {"case": case["id"], "reply": "已安排上门走访。"}
    )
    assert status == 200
    page = (await client.get(f"{R}/track/{code}")).json()
    assert page["content"] == "独居老人需要关照" and page["reply"] == "已安排上门走访。"


async def test_a_case_nothing_placed_is_placed_by_staff(
    client: httpx.AsyncClient, city: City
) -> None:
    await submit(
        client, city.tree.communities["A1"]["code"], civil(city, address="不存在的路 1 号")
    )
    (case,) = await ResidentCase.select()
    assert case["needs_placement"] and case["grid"] is None
    headers = await community_admin(client, city)
    foreign = await post_form(
        client, headers, PLACE, {"case": case["id"], "grid": city.tree.grids["A2-1"]["id"]}
    )
    assert foreign[0] == 422
    status, _ = await post_form(
        client, headers, PLACE, {"case": case["id"], "grid": city.tree.grids["A1-2"]["id"]}
    )
    assert status == 200
    after = await ResidentCase.select().first()
    item = await WorkItem.select().where(WorkItem.id == case["work_item"]).first()
    request = await ServiceRequest.select().first()
    assert after["grid"] == item["grid"] == request["grid"] == city.tree.grids["A1-2"]["id"]
    assert after["needs_placement"] is False


async def test_a_grid_poster_places_a_report_without_a_position(
    client: httpx.AsyncClient, city: City
) -> None:
    grid = city.tree.grids["A1-2"]
    await submit(client, city.tree.communities["A1"]["code"], civil(city, grid=grid["code"]))
    (case,) = await ResidentCase.select()
    assert case["grid"] == grid["id"] and case["needs_placement"] is False


async def test_merging_moves_every_reporter_to_the_surviving_case(
    client: httpx.AsyncClient, city: City
) -> None:
    community = city.tree.communities["A1"]["code"]
    here = point_in(city.tree.grids["A1-1"])
    kept = (await submit(client, community, civil(city, **here))).json()
    duplicate = (await submit(client, community, civil(city, **here))).json()
    headers = await community_admin(client, city)
    status, message = await post_form(
        client, headers, MERGE, {"case": duplicate["case"], "into": duplicate["case"]}
    )
    assert status == 422
    status, message = await post_form(
        client, headers, MERGE, {"case": duplicate["case"], "into": kept["case"]}
    )
    assert status == 200, message
    codes = await TrackingCode.select().where(TrackingCode.resident_case == kept["case"])
    assert len(codes) == 2
    dup = await ResidentCase.select().where(ResidentCase.id == duplicate["case"]).first()
    assert dup["merged_into"] == kept["case"]
    item = await WorkItem.select().where(WorkItem.id == dup["work_item"]).first()
    assert item["status"] == "rejected"
    page = (await client.get(f"{R}/track/{duplicate['code']}")).json()
    assert page["case"] == kept["case"] and page["status"] == "reported"


async def test_an_anonymous_supervision_request_keeps_no_raiser(
    client: httpx.AsyncClient, city: City
) -> None:
    response = await submit(
        client,
        city.tree.communities["A1"]["code"],
        {
            "service_code": "supervision-cadre_conduct",
            "subject": "某科室干部",
            "description": "工作日午间饮酒",
            "anonymous": "true",
            "name": "王五",
            "phone": "13900139002",
        },
    )
    assert response.status_code == 201, response.text
    record = await SupervisionRecord.select().first()
    assert (
        record["anonymous"] and record["raised_by_name"] == "" and record["raised_by_contact"] == ""
    )
    page = (await client.get(f"{R}/track/{response.json()['code']}")).json()
    assert page["kind"] == "supervision" and page["status"] == "received"
    missing = await submit(
        client,
        city.tree.communities["A1"]["code"],
        {"service_code": "supervision-cadre_conduct", "description": "没有写对象"},
    )
    assert missing.status_code == 422 and missing.json()["field"] == "subject"


async def test_the_openness_page_shows_published_cases_only_without_the_raiser(
    client: httpx.AsyncClient, city: City
) -> None:
    community = city.tree.communities["A1"]["code"]
    here = point_in(city.tree.grids["A1-1"])
    await submit(client, community, civil(city, description="甲：楼道灯坏了", name="赵六", **here))
    await submit(client, community, civil(city, description="乙：还没审核的内容", **here))
    first, _ = await ResidentCase.select().order_by(ResidentCase.id)
    headers = await community_admin(client, city)
    status, _ = await post_form(client, headers, MODERATE, {"case": first["id"], "publish": True})
    assert status == 200
    page = await client.get(f"/public/communities/{community}")
    assert page.status_code == 200
    assert "甲：楼道灯坏了" in page.text and "乙：还没审核的内容" not in page.text
    assert "赵六" not in page.text and f"/r/{community}" in page.text
