"""POST Service Request: a hotline report becomes a work item or a supervision record."""

from __future__ import annotations

import datetime as dt
import json

import httpx

from app.clock import utc_now
from tables.open311 import ServiceRequest
from tables.supervision import SupervisionRecord
from tables.work import AccessRefusal, WorkItem, WorkItemEvent
from tests.factories import make_household
from tests.open311.conftest import City, errors_of, post_request, xml_root

# Points inside the grids of the area tree (each grid is 0.005° wide, 0.01° high).
IN_A1_2 = {"lat": "30.905", "long": "117.807"}
IN_A2_1 = {"lat": "30.905", "long": "117.812"}
IN_B1_1 = {"lat": "30.905", "long": "117.832"}


async def counts() -> tuple[int, int, int, int]:
    return (
        await WorkItem.count(),
        await SupervisionRecord.count(),
        await ServiceRequest.count(),
        await AccessRefusal.count(),
    )


async def test_a_report_becomes_a_hotline_work_item_in_the_grid_at_the_point(
    client: httpx.AsyncClient, city: City
) -> None:
    before = utc_now()
    response = await post_request(
        client,
        api_key=city.keys["a"],
        jurisdiction_id=city.street_a,
        service_code=city.code("urban"),
        description="小区东门外有人搭建铁皮棚",
        attribute={"problem": "illegal_construction"},
        address_string="幸福路 18 号东门",
        first_name="小明",
        last_name="王",
        phone="13912345678",
        email="wang@example.org",
        account_id="app-user-7",
        device_id="device-1",
        **IN_A1_2,
    )
    assert response.status_code == 201, response.text
    (created,) = response.json()
    assert list(created) == ["service_request_id", "service_notice", "account_id"]
    assert created["service_request_id"].startswith("W")
    assert created["account_id"] == "app-user-7"
    assert "5 日内办结" in created["service_notice"]

    item = await WorkItem.select().first()
    assert item is not None
    assert created["service_request_id"] == f"W{item['id']}"
    assert item["status"] == "reported"
    assert item["source"] == "hotline"
    assert item["access_entry"] == city.entries["urban"]["id"]
    assert item["community"] == city.tree.communities["A1"]["id"]
    assert item["grid"] == city.tree.grids["A1-2"]["id"]  # point-in-polygon
    assert item["title"] == "违章搭建巡查上报：违章搭建 Illegal construction"
    assert "小区东门外有人搭建铁皮棚" in item["description"]
    assert "问题类型 What is wrong: 违章搭建 Illegal construction" in item["description"]
    # The category's 5 days to settle become the due time.
    assert before + dt.timedelta(days=5) <= item["due_at"] <= utc_now() + dt.timedelta(days=5)
    (event,) = await WorkItemEvent.select().run()
    assert event["to_status"] == "reported"

    kept = await ServiceRequest.select().first()
    assert kept is not None
    assert kept["work_item"] == item["id"] and kept["supervision_record"] is None
    assert (kept["latitude"], kept["longitude"]) == (30.905, 117.807)
    assert kept["address_string"] == "幸福路 18 号东门"
    assert json.loads(kept["attributes"]) == {"problem": "illegal_construction"}
    # Kept for the call-back (回访), Chinese name order.
    assert kept["raised_by_name"] == "王小明"
    assert kept["raised_by_contact"] == "13912345678"


async def test_a_contact_that_is_no_phone_number_keeps_the_report_and_is_flagged(
    client: httpx.AsyncClient, city: City
) -> None:
    """The specification's own example phone (5555550100) is no Chinese number: the report is
    kept, with the contact as typed and flagged; international numbers are read as such."""

    async def contact_kept(**contact: str) -> tuple[str, bool]:
        response = await post_request(
            client,
            api_key=city.keys["a"],
            jurisdiction_id=city.street_a,
            service_code=city.code("civil"),
            description="楼道灯坏了",
            first_name="John",
            last_name="Smith",
            **contact,
            **IN_A1_2,
        )
        assert response.status_code == 201, (contact, response.text)
        item_id = int(response.json()[0]["service_request_id"][1:])
        kept = await ServiceRequest.select().where(ServiceRequest.work_item == item_id).first()
        assert kept is not None
        return kept["raised_by_contact"], kept["contact_unverified"]

    assert await contact_kept(phone="5555550100") == ("5555550100", True)
    assert await contact_kept(phone="+1 555 555 0100") == ("+15555550100", False)
    assert await contact_kept(phone="0086 139 1234 5678") == ("13912345678", False)
    # With an e-mail beside a phone that does not read, the e-mail is the contact kept.
    both = {"phone": "ask at the gate", "email": "john@example.org"}
    assert await contact_kept(**both) == ("john@example.org", False)


async def test_post_in_xml(client: httpx.AsyncClient, city: City) -> None:
    response = await post_request(
        client,
        "xml",
        api_key=city.keys["a"],
        jurisdiction_id=city.street_a,
        service_code=city.code("civil"),
        description="独居老人家中无人照看",
        attribute={"situation": ["elderly_alone", "disability"]},
        **IN_A2_1,
    )
    assert response.status_code == 201, response.text
    root = xml_root(response)
    assert root.tag == "service_requests"
    (request,) = root.findall("request")
    assert [child.tag for child in request] == [
        "service_request_id",
        "service_notice",
        "account_id",
    ]
    assert request.findtext("service_request_id", "").startswith("W")
    assert request.findtext("account_id") == ""
    item = await WorkItem.select().first()
    assert item is not None
    assert item["grid"] == city.tree.grids["A2-1"]["id"]
    assert "独居老人 Elderly person living alone、残疾 Disability" in item["description"]


async def test_address_id_of_a_building_or_a_grid_locates_the_report(
    client: httpx.AsyncClient, city: City
) -> None:
    household = await make_household(city.tree.grids["A2-2"], room="3-502")
    from tables.places import Building

    building = await Building.select().where(Building.id == household["building"]).first()
    assert building is not None
    by_building = await post_request(
        client,
        api_key=city.keys["a"],
        jurisdiction_id=city.street_a,
        service_code=city.code("civil"),
        address_id=building["code"],
    )
    assert by_building.status_code == 201, by_building.text
    by_grid = await post_request(
        client,
        api_key=city.keys["a"],
        jurisdiction_id=city.street_a,
        service_code=city.code("civil"),
        address_id=city.tree.grids["A1-1"]["code"],
    )
    assert by_grid.status_code == 201, by_grid.text
    by_address = await post_request(
        client,
        api_key=city.keys["a"],
        jurisdiction_id=city.street_a,
        service_code=city.code("civil"),
        address_string=building["address"],
    )
    assert by_address.status_code == 201, by_address.text
    items = await WorkItem.select().order_by(WorkItem.id).run()
    assert [i["grid"] for i in items] == [
        city.tree.grids["A2-2"]["id"],
        city.tree.grids["A1-1"]["id"],
        city.tree.grids["A2-2"]["id"],
    ]
    kept = await ServiceRequest.select().order_by(ServiceRequest.id).run()
    assert kept[0]["address_id"] == building["code"]
    assert (kept[0]["longitude"], kept[0]["latitude"]) == (
        building["longitude"],
        building["latitude"],
    )
    # A grid's point is inside the grid.
    grid = city.tree.grids["A1-1"]
    assert grid["min_lon"] < kept[1]["longitude"] < grid["max_lon"]


async def test_a_supervision_report_keeps_its_raiser_protected(
    client: httpx.AsyncClient, city: City
) -> None:
    response = await post_request(
        client,
        api_key=city.keys["a"],
        jurisdiction_id=city.street_a,
        service_code="supervision-cadre_conduct",
        description="某科长工作日晚上在小区棋牌室赌博",
        attribute={"subject": "区某局某科长"},
        first_name="芳",
        last_name="李",
        email="li.fang@example.org",
        **IN_A1_2,
    )
    assert response.status_code == 201, response.text
    (created,) = response.json()
    assert created["service_request_id"].startswith("S")
    assert "15 日内答复" in created["service_notice"]
    record = await SupervisionRecord.select().first()
    assert record is not None
    assert created["service_request_id"] == f"S{record['id']}"
    assert record["kind"] == "cadre_conduct"
    assert record["subject"] == "区某局某科长"
    assert record["content"] == "某科长工作日晚上在小区棋牌室赌博"
    assert record["grid"] == city.tree.grids["A1-2"]["id"]
    assert record["status"] == "received"
    assert record["raised_by_name"] == "李芳"
    assert record["raised_by_contact"] == "li.fang@example.org"
    assert record["anonymous"] is False
    # The raiser lives in the record only, never a second time.
    kept = await ServiceRequest.select().first()
    assert kept is not None
    assert kept["supervision_record"] == record["id"]
    assert kept["raised_by_name"] == "" and kept["raised_by_contact"] == ""
    assert await WorkItem.count() == 0


async def test_anonymous_supervision_keeps_no_name(client: httpx.AsyncClient, city: City) -> None:
    for extra in (
        {"attribute": {"subject": "某物业公司", "anonymous": "true"}, "last_name": "张"},
        {"attribute": {"subject": "某物业公司"}},
    ):
        response = await post_request(
            client,
            api_key=city.keys["a"],
            jurisdiction_id=city.street_a,
            service_code="supervision-unit_social_responsibility",
            description="物业长期不清理楼道杂物",
            phone="13800001111",
            **IN_A1_2,
            **extra,
        )
        assert response.status_code == 201, response.text
    records = await SupervisionRecord.select().order_by(SupervisionRecord.id).run()
    assert [r["anonymous"] for r in records] == [True, False]
    assert records[0]["raised_by_name"] == records[0]["raised_by_contact"] == ""
    # A phone without a name is kept: the resident wants to be called back.
    assert records[1]["raised_by_contact"] == "13800001111"


async def test_an_entry_that_is_not_approved_is_refused_and_recorded(
    client: httpx.AsyncClient, city: City
) -> None:
    for key, reason in (
        ("proposed", "not approved"),
        ("revoked", "not approved"),
        ("expired", "expired"),
    ):
        for fmt in ("json", "xml"):
            response = await post_request(
                client,
                fmt,
                api_key=city.keys["a"],
                jurisdiction_id=city.street_a,
                service_code=city.code(key),
                description="楼下有人占道经营",
                attribute={"problem": "street_vending"} if key != "proposed" else {},
                **IN_A1_2,
            )
            assert response.status_code == 403, response.text
            ((_, description),) = errors_of(response)
            assert reason in description
    refusals = await AccessRefusal.select().order_by(AccessRefusal.id).run()
    assert [r["access_entry"] for r in refusals] == [
        city.entries[key]["id"] for key in ("proposed", "revoked", "expired") for _ in range(2)
    ]
    assert all(r["community"] == city.tree.communities["A1"]["id"] for r in refusals)
    assert refusals[2]["department"] == city.departments["urban"]["id"]
    assert refusals[2]["pushed_title"].startswith("社区创建达标评比材料")
    assert (await counts())[:3] == (0, 0, 0)


async def test_another_streets_entry_and_unknown_entries_are_refused_and_recorded(
    client: httpx.AsyncClient, city: City
) -> None:
    for code in (city.code("b_urban"), "access-999999"):
        response = await post_request(
            client,
            api_key=city.keys["a"],
            jurisdiction_id=city.street_a,
            service_code=code,
            description="占道经营",
            **IN_A1_2,
        )
        assert response.status_code == 403, response.text
    assert await AccessRefusal.count() == 2
    assert (await counts())[:3] == (0, 0, 0)


async def test_entries_residents_may_not_report_and_unknown_codes_are_404(
    client: httpx.AsyncClient, city: City
) -> None:
    for code in (city.code("party"), "pothole", "supervision-other", "access-", "access-1x"):
        response = await post_request(
            client,
            api_key=city.keys["a"],
            jurisdiction_id=city.street_a,
            service_code=code,
            description="…",
            **IN_A1_2,
        )
        assert response.status_code == 404, (code, response.text)
        assert "service_code" in errors_of(response)[0][1]
    assert await counts() == (0, 0, 0, 0)


async def test_api_key_is_required_valid_writable_and_within_reach(
    client: httpx.AsyncClient, city: City
) -> None:
    fields = {
        "jurisdiction_id": city.street_a,
        "service_code": city.code("civil"),
        **IN_A1_2,
    }
    cases = [
        (None, "api_key was not provided"),
        ("", "api_key was not provided"),
        ("pg_nothing_here", "invalid api_key"),
        (city.keys["a"] + "x", "invalid api_key"),
        (city.keys["a_read"], "read-only"),
        (city.keys["b"], f"not valid for jurisdiction {city.street_a}"),
    ]
    for key, message in cases:
        for fmt in ("json", "xml"):
            response = await post_request(client, fmt, api_key=key, **fields)
            assert response.status_code == 403, (key, response.text)
            assert message in errors_of(response)[0][1]
    # A community key reaches its own community only.
    outside = await post_request(client, api_key=city.keys["a1"], **{**fields, **IN_A2_1})
    assert outside.status_code == 403
    assert "does not reach" in errors_of(outside)[0][1]
    assert await counts() == (0, 0, 0, 0)


async def test_a_community_key_reports_in_its_community(
    client: httpx.AsyncClient, city: City
) -> None:
    response = await post_request(
        client,
        api_key=city.keys["a1"],
        jurisdiction_id=city.street_a,
        service_code=city.code("civil"),
        **IN_A1_2,
    )
    assert response.status_code == 201, response.text
    supervision = await post_request(
        client,
        api_key=city.keys["a1"],
        jurisdiction_id=city.street_a,
        service_code="supervision-residents_rights",
        description="社区食堂收费不公示",
        attribute={"subject": "社区食堂"},
        **IN_A1_2,
    )
    assert supervision.status_code == 201, supervision.text
    assert (await counts())[:3] == (1, 1, 2)


async def test_a_location_in_no_grid_of_the_jurisdiction_is_400(
    client: httpx.AsyncClient, city: City
) -> None:
    for location in (IN_B1_1, {"lat": "39.9", "long": "116.4"}):
        response = await post_request(
            client,
            api_key=city.keys["a"],
            jurisdiction_id=city.street_a,
            service_code=city.code("civil"),
            **location,
        )
        assert response.status_code == 400
        assert "lies in no grid of jurisdiction" in errors_of(response)[0][1]
    assert await counts() == (0, 0, 0, 0)


async def test_required_and_wrong_attributes_are_400(client: httpx.AsyncClient, city: City) -> None:
    base = {
        "api_key": city.keys["a"],
        "jurisdiction_id": city.street_a,
        "service_code": city.code("urban"),
        **IN_A1_2,
    }
    cases = [
        ({}, "attribute[problem] is required"),
        ({"problem": "pothole"}, "is not one of"),
        ({"problem": ["rubbish", "noise"]}, "takes one value"),
        ({"problem": "rubbish", "colour": "red"}, "attribute[colour] is not an attribute"),
    ]
    for attributes, message in cases:
        for fmt in ("json", "xml"):
            response = await post_request(client, fmt, attribute=attributes, **base)
            assert response.status_code == 400, response.text
            assert message in errors_of(response)[0][1]
    supervision = await post_request(
        client,
        **{**base, "service_code": "supervision-government_work"},
        description="窗口办事推诿",
    )
    assert supervision.status_code == 400
    assert "attribute[subject] is required" in errors_of(supervision)[0][1]
    no_content = await post_request(
        client,
        **{**base, "service_code": "supervision-government_work"},
        attribute={"subject": "x"},
    )
    assert "description is required" in errors_of(no_content)[0][1]
    assert await counts() == (0, 0, 0, 0)
