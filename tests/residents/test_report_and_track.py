"""A resident reports a problem from the community's page, follows it with the tracking code
through 受理 → 派遣 → 处置 → 核查 → 办结, rates it and may reopen it once."""

from __future__ import annotations

import io

import httpx
from PIL import Image

from app.residents.photos import folder
from tables.open311 import ServiceRequest
from tables.residents import ResidentCase, TrackingCode
from tables.work import WorkItem
from tests.api.support import API, assert_problem, bearer, make_token
from tests.factories import make_staff
from tests.residents.conftest import City, R, jpeg, point_in, submit


async def report(client: httpx.AsyncClient, city: City, **extra: str) -> httpx.Response:
    community = city.tree.communities["A1"]["code"]
    fields = {
        "service_code": city.code("urban"),
        "attribute[problem]": "manhole_cover",
        "description": "3 栋门口井盖破损，晚上很危险",
        "name": "李四",
        "phone": "139 0013 9000",
        **point_in(city.tree.grids["A1-2"]),
        **extra,
    }
    return await submit(client, community, fields, photos=[jpeg()])


async def test_a_report_becomes_a_work_item_of_the_grid_at_the_point(
    client: httpx.AsyncClient, city: City
) -> None:
    response = await report(client, city)
    assert response.status_code == 201, response.text
    body = response.json()
    assert len(body["code"]) == 12 and body["code"][4] == "-"
    case = await ResidentCase.select().where(ResidentCase.id == body["case"]).first()
    assert case["grid"] == city.tree.grids["A1-2"]["id"]
    assert case["needs_placement"] is False and case["published"] is False
    item = await WorkItem.select().where(WorkItem.id == case["work_item"]).first()
    assert item["source"] == "resident" and item["status"] == "reported"
    assert item["title"].startswith("违章搭建巡查上报：井盖")
    request = await ServiceRequest.select().where(ServiceRequest.work_item == item["id"]).first()
    assert request["raised_by_name"] == "李四" and request["raised_by_contact"] == "13900139000"
    # Only a hash of the code is stored.
    codes = await TrackingCode.select().where(TrackingCode.resident_case == case["id"])
    assert len(codes) == 1 and body["code"].replace("-", "") not in str(codes)
    # The photo was re-encoded: no EXIF GPS or camera model, at most 1600 px.
    (key,) = case["photos"]
    with Image.open(io.BytesIO((folder() / key).read_bytes())) as stored:
        exif = stored.getexif()
        assert 0x8825 not in exif and 0x0110 not in exif
        assert max(stored.size) <= 1600


async def test_the_tracking_page_follows_every_stage_and_shows_no_staff_names(
    client: httpx.AsyncClient, city: City
) -> None:
    code = (await report(client, city)).json()["code"]
    case = await ResidentCase.select().first()
    worker = await make_staff(
        "网格员王五", community=city.tree.communities["A1"], grids=[city.tree.grids["A1-2"]]
    )
    token = await make_token(city.tree, community="A1")
    page = (await client.get(f"{R}/track/{code}")).json()
    assert page["status"] == "reported" and page["can_rate"] is False
    assert [s["label"] for s in page["rounds"][0]["steps"]] == [
        "提交",
        "受理",
        "派遣",
        "处置",
        "核查",
        "办结",
    ]
    for status in ("accepted", "dispatched", "handled", "verified", "closed"):
        moved = await client.post(
            f"{API}/work-items/{case['work_item']}/transitions",
            json={"to_status": status, "note": "王五到现场处理", "assignee": worker["id"]},
            headers=bearer(token),
        )
        assert moved.status_code in (200, 201), moved.text
        page = (await client.get(f"{R}/track/{code}")).json()
        assert page["status"] == status
    steps = page["rounds"][0]["steps"]
    assert all(step["done"] and step["at"] for step in steps)
    assert "王五" not in str(page) and "李四" not in str(page) and "139" not in str(page)
    assert page["can_rate"] is True and page["content"] is None  # not published yet


async def close(client: httpx.AsyncClient, city: City, item_id: int) -> None:
    worker = await make_staff("网格员", community=city.tree.communities["A1"])
    token = await make_token(city.tree, community="A1")
    for status in ("accepted", "dispatched", "handled", "verified", "closed"):
        response = await client.post(
            f"{API}/work-items/{item_id}/transitions",
            json={"to_status": status, "assignee": worker["id"]},
            headers=bearer(token),
        )
        assert response.status_code in (200, 201), response.text


async def test_rating_once_per_closing_and_reopening_once_when_dissatisfied(
    client: httpx.AsyncClient, city: City
) -> None:
    code = (await report(client, city)).json()["code"]
    case = await ResidentCase.select().first()
    early = await client.post(f"{R}/track/{code}/rating", json={"rating": "satisfied"})
    assert_problem(early, 409, "rating")
    await close(client, city, case["work_item"])
    bad = await client.post(f"{R}/track/{code}/rating", json={"rating": "great"})
    assert_problem(bad, 422, "rating")
    rated = await client.post(
        f"{R}/track/{code}/rating", json={"rating": "dissatisfied", "comment": "井盖还是松的"}
    )
    assert rated.status_code == 200, rated.text
    assert rated.json()["rating"] == "dissatisfied" and rated.json()["can_reopen"] is True
    again = await client.post(f"{R}/track/{code}/rating", json={"rating": "satisfied"})
    assert_problem(again, 409, "rating")
    reopened = await client.post(f"{R}/track/{code}/reopen", json={"reason": "井盖还是松的"})
    assert reopened.status_code == 200, reopened.text
    page = reopened.json()
    assert page["status"] == "reported" and page["reopened"] is True
    assert [r["title"] for r in page["rounds"]] == ["第一次办理", "办理进度"]
    after = await ResidentCase.select().where(ResidentCase.id == case["id"]).first()
    assert after["first_work_item"] == case["work_item"] != after["work_item"]
    new_item = await WorkItem.select().where(WorkItem.id == after["work_item"]).first()
    assert new_item["title"].startswith("重新办理：") and new_item["source"] == "resident"
    twice = await client.post(f"{R}/track/{code}/reopen", json={})
    assert_problem(twice, 409, "reopen")


async def test_a_wrong_code_is_a_404_naming_the_code(client: httpx.AsyncClient) -> None:
    assert_problem(await client.get(f"{R}/track/AAAA-BBBB-CC"), 404, "code")
    assert_problem(await client.get(f"{R}/track/not-a-code"), 404, "code")
