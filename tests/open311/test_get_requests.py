"""GET Service Requests: public-safe fields, open/closed from the stages, the spec's defaults."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx

from app.clock import utc_now
from app.crud import insert_row
from app.supervision.schemas import SupervisionRecordUpdate
from app.supervision.services import answer_supervision, update_supervision_record
from app.work.services import transition_work_item
from tables.supervision import SupervisionRecord
from tables.work import WorkItem
from tests.factories import make_staff, make_user, make_work_item
from tests.open311.conftest import BASE, City, errors_of, post_request, xml_root

REQUEST_FIELDS = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
    # extension after the spec's fields (时限公开): each stage's deadline and whether it was met
    "stage_deadlines",
]
IN_A1_2 = {"lat": "30.905", "long": "117.807"}
REPORTER = {
    "first_name": "小明",
    "last_name": "王",
    "phone": "13912345678",
    "email": "wang.xiaoming@example.org",
}


async def report(client: httpx.AsyncClient, city: City, **fields: Any) -> str:
    """POST a report in street A; the new service_request_id."""
    values = {
        "api_key": city.keys["a"],
        "jurisdiction_id": city.street_a,
        "service_code": city.code("urban"),
        "attribute": {"problem": "rubbish"},
        "description": "垃圾堆在楼道口三天没人清",
        **IN_A1_2,
        **fields,
    }
    response = await post_request(client, **values)
    assert response.status_code == 201, response.text
    return str(response.json()[0]["service_request_id"])


async def supervise(client: httpx.AsyncClient, city: City, **fields: Any) -> str:
    return await report(
        client,
        city,
        service_code="supervision-government_work",
        attribute={"subject": "街道社保窗口"},
        description="窗口工作人员推诿，不给办理",
        **fields,
    )


async def get_requests(
    client: httpx.AsyncClient, city: City, fmt: str = "json", **params: str
) -> httpx.Response:
    return await client.get(
        f"{BASE}/requests.{fmt}", params={"jurisdiction_id": city.street_a, **params}
    )


async def age(table: Any, row_id: int, days: int) -> None:
    """Pretend a row was created `days` ago."""
    await table.update({table.created_at: utc_now() - dt.timedelta(days=days)}).where(
        table.id == row_id
    )


async def test_a_report_reads_back_with_the_specs_fields(
    client: httpx.AsyncClient, city: City
) -> None:
    request_id = await report(client, city, address_string="幸福路 18 号", **REPORTER)
    response = await get_requests(client, city)
    assert response.status_code == 200
    (request,) = response.json()
    assert list(request) == REQUEST_FIELDS
    assert request["service_request_id"] == request_id
    assert request["status"] == "open"
    assert request["status_notes"] == "已上报 Reported"
    assert request["service_name"] == "违章搭建巡查上报"
    assert request["service_code"] == city.code("urban")
    assert request["agency_responsible"] == "区城市管理局"
    assert "5 日内办结" in request["service_notice"]
    assert request["address"] == "幸福路 18 号"
    assert (request["lat"], request["long"]) == (30.905, 117.807)
    assert request["zipcode"] is None and request["media_url"] is None
    requested = dt.datetime.fromisoformat(request["requested_datetime"])
    assert request["requested_datetime"].endswith("+08:00")  # local time with its offset
    assert abs(requested - utc_now()) < dt.timedelta(minutes=1)
    expected = dt.datetime.fromisoformat(request["expected_datetime"])
    assert dt.timedelta(days=4, hours=23) < expected - requested <= dt.timedelta(days=5)


async def test_the_same_in_xml(client: httpx.AsyncClient, city: City) -> None:
    request_id = await report(client, city, **REPORTER)
    root = xml_root(await get_requests(client, city, "xml"))
    assert root.tag == "service_requests"
    (request,) = root.findall("request")
    assert [child.tag for child in request] == REQUEST_FIELDS
    assert request.findtext("service_request_id") == request_id
    assert request.findtext("status") == "open"
    assert request.findtext("lat") == "30.905"
    assert request.findtext("zipcode") == ""
    assert request.findtext("agency_responsible") == "区城市管理局"


async def test_nothing_personal_is_ever_shown(client: httpx.AsyncClient, city: City) -> None:
    work_id = await report(client, city, **REPORTER)
    supervision_id = await supervise(client, city, **REPORTER)
    record = await SupervisionRecord.select().first()
    assert record is not None and record["raised_by_name"] == "王小明"
    for fmt in ("json", "xml"):
        for path in (
            f"requests.{fmt}",
            f"requests/{work_id}.{fmt}",
            f"requests/{supervision_id}.{fmt}",
        ):
            response = await client.get(f"{BASE}/{path}", params={"jurisdiction_id": city.street_a})
            assert response.status_code == 200
            text = response.text
            for value in ("王小明", "小明", "13912345678", "139", "wang.xiaoming", "raised_by"):
                assert value not in text, (path, value)


async def test_supervision_content_shows_only_once_published(
    client: httpx.AsyncClient, city: City
) -> None:
    supervision_id = await supervise(client, city)
    record_id = int(supervision_id[1:])
    (hidden,) = (await get_requests(client, city)).json()
    assert hidden["service_request_id"] == supervision_id
    assert hidden["status"] == "open"
    assert hidden["status_notes"] == "已收到 Received"
    assert hidden["description"] == ""
    assert hidden["lat"] is None and hidden["long"] is None
    assert hidden["address"] == "A1社区"
    assert hidden["agency_responsible"] == "A1社区"
    assert "15 日内答复" in hidden["service_notice"]

    official = await make_user("jd")
    await answer_supervision(record_id, "已约谈窗口负责人，当日办结", official["id"])
    await update_supervision_record(record_id, SupervisionRecordUpdate(public=True))
    (shown,) = (await get_requests(client, city)).json()
    assert shown["status"] == "closed"  # answered
    assert shown["status_notes"] == "已答复 Answered: 已约谈窗口负责人，当日办结"
    assert "街道社保窗口" in shown["description"]
    assert "窗口工作人员推诿" in shown["description"]
    assert (shown["lat"], shown["long"]) == (30.905, 117.807)
    assert shown["updated_datetime"] >= shown["requested_datetime"]


async def test_status_is_open_or_closed_from_the_six_stages(
    client: httpx.AsyncClient, city: City
) -> None:
    stages = {
        "reported": ("open", "已上报 Reported"),
        "accepted": ("open", "已受理 Accepted"),
        "dispatched": ("open", "已派遣 Dispatched to a grid worker"),
        "handled": ("open", "已处置 Handled"),
        "verified": ("open", "已核查 Verified"),
        "closed": ("closed", "已办结 Closed"),
        "rejected": ("closed", "已退回 Rejected"),
    }
    ids = {}
    for stage in stages:
        item = await insert_row(
            WorkItem,
            {
                "access_entry": city.entries["urban"]["id"],
                "community": city.tree.communities["A1"]["id"],
                "title": stage,
                "source": "hotline",
                "status": stage,
            },
        )
        ids[f"W{item['id']}"] = stage
    for fmt in ("json", "xml"):
        response = await get_requests(client, city, fmt)
        if fmt == "json":
            found = {
                r["service_request_id"]: (r["status"], r["status_notes"]) for r in response.json()
            }
        else:
            found = {
                r.findtext("service_request_id"): (r.findtext("status"), r.findtext("status_notes"))
                for r in xml_root(response)
            }
        assert found == {request_id: stages[stage] for request_id, stage in ids.items()}
    open_ids = {
        r["service_request_id"] for r in (await get_requests(client, city, status="open")).json()
    }
    closed_ids = {
        r["service_request_id"] for r in (await get_requests(client, city, status="closed")).json()
    }
    both = await get_requests(client, city, status="open,closed")
    assert open_ids == {i for i, s in ids.items() if stages[s][0] == "open"}
    assert closed_ids == {i for i, s in ids.items() if stages[s][0] == "closed"}
    assert len(both.json()) == 7


async def test_moving_a_work_item_shows_in_status_and_updated_time(
    client: httpx.AsyncClient, city: City
) -> None:
    request_id = await report(client, city)
    official = await make_user("jd")
    await transition_work_item(int(request_id[1:]), "accepted", official["id"])
    (accepted,) = (
        await client.get(
            f"{BASE}/requests/{request_id}.json", params={"jurisdiction_id": city.street_a}
        )
    ).json()
    assert accepted["status"] == "open"
    assert accepted["status_notes"] == "已受理 Accepted"
    assert accepted["updated_datetime"] >= accepted["requested_datetime"]
    await transition_work_item(int(request_id[1:]), "rejected", official["id"], note="重复上报")
    (rejected,) = (
        await client.get(
            f"{BASE}/requests/{request_id}.json", params={"jurisdiction_id": city.street_a}
        )
    ).json()
    assert rejected["status"] == "closed"
    assert rejected["status_notes"] == "已退回 Rejected"


async def test_only_hotline_work_of_the_jurisdiction_is_listed(
    client: httpx.AsyncClient, city: City
) -> None:
    mine = await report(client, city)
    # Work a department pushed is internal, not a service request.
    await make_work_item(city.tree.communities["A1"], city.entries["urban"], "部门下派")
    # Street B's report is in street B's jurisdiction.
    theirs = await report(
        client,
        city,
        api_key=city.keys["b"],
        jurisdiction_id=city.street_b,
        service_code=city.code("b_urban"),
        lat="30.905",
        long="117.832",
    )
    assert [r["service_request_id"] for r in (await get_requests(client, city)).json()] == [mine]
    in_b = await client.get(f"{BASE}/requests.json", params={"jurisdiction_id": city.street_b})
    assert [r["service_request_id"] for r in in_b.json()] == [theirs]
    missing = await client.get(
        f"{BASE}/requests/{theirs}.json", params={"jurisdiction_id": city.street_a}
    )
    assert missing.status_code == 404


async def test_the_default_window_is_the_last_90_days(
    client: httpx.AsyncClient, city: City
) -> None:
    recent = await report(client, city)
    old = await report(client, city)
    old_supervision = await supervise(client, city)
    await age(WorkItem, int(old[1:]), 100)
    await age(SupervisionRecord, int(old_supervision[1:]), 95)
    listed = [r["service_request_id"] for r in (await get_requests(client, city)).json()]
    assert listed == [recent]

    now = utc_now()
    start = (now - dt.timedelta(days=120)).isoformat()
    wide = await get_requests(client, city, start_date=start, end_date=now.isoformat())
    assert [r["service_request_id"] for r in wide.json()] == [recent, old_supervision, old]
    # start_date alone: 90 days from it; end_date alone: 90 days up to it.
    from_start = await get_requests(client, city, start_date=start)
    assert [r["service_request_id"] for r in from_start.json()] == [old_supervision, old]
    up_to_end = await get_requests(client, city, end_date=(now - dt.timedelta(days=50)).isoformat())
    assert [r["service_request_id"] for r in up_to_end.json()] == [old_supervision, old]
    # A date alone means its local midnight; Z and offsets are understood.
    day = (now - dt.timedelta(days=97)).date().isoformat()
    by_day = await get_requests(
        client,
        city,
        start_date=day,
        end_date=(now + dt.timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%SZ"),
    )
    assert [r["service_request_id"] for r in by_day.json()] == [recent, old_supervision]


async def test_service_request_id_list_ignores_the_other_filters(
    client: httpx.AsyncClient, city: City
) -> None:
    work = await report(client, city)
    supervision = await supervise(client, city)
    await age(WorkItem, int(work[1:]), 400)
    response = await get_requests(
        client,
        city,
        service_request_id=f"{work}, {supervision},W999999",
        status="closed",
        service_code="nothing",
    )
    assert [r["service_request_id"] for r in response.json()] == [supervision, work]


async def test_filter_by_service_code(client: httpx.AsyncClient, city: City) -> None:
    urban = await report(client, city)
    civil = await report(client, city, service_code=city.code("civil"), attribute={})
    supervision = await supervise(client, city)

    async def codes(value: str) -> list[str]:
        response = await get_requests(client, city, service_code=value)
        return sorted(r["service_request_id"] for r in response.json())

    assert await codes(city.code("urban")) == [urban]
    assert await codes(f"{city.code('civil')},supervision-government_work") == sorted(
        [civil, supervision]
    )
    assert await codes("supervision-cadre_conduct") == []
    assert await codes("unknown-code") == []


async def test_empty_optional_parameters_mean_not_given(
    client: httpx.AsyncClient, city: City
) -> None:
    """As HTML forms and many Open311 clients send them: `service_code=&status=` etc."""
    ids = sorted([await report(client, city), await supervise(client, city)])
    empty = {name: "" for name in ("service_request_id", "service_code", "status")}
    empty |= {"start_date": "", "end_date": ""}
    for fmt in ("json", "xml"):
        response = await get_requests(client, city, fmt, **empty)
        assert response.status_code == 200, response.text
        if fmt == "json":
            assert sorted(r["service_request_id"] for r in response.json()) == ids
        else:
            root = xml_root(response)
            assert sorted(r.findtext("service_request_id", "") for r in root) == ids
    # An empty value beside a real one: the real one still filters.
    response = await get_requests(client, city, status="closed", service_code="")
    assert response.status_code == 200 and response.json() == []


async def test_at_most_1000_requests_newest_first(client: httpx.AsyncClient, city: City) -> None:
    await WorkItem.raw(
        "INSERT INTO work_item (access_entry, community, title, source, status, created_at)"
        " SELECT {}, {}, '批量' || n, 'hotline', 'reported', now() - n * interval '1 minute'"
        " FROM generate_series(1, 1005) AS n",
        city.entries["urban"]["id"],
        city.tree.communities["A1"]["id"],
    )
    newest = (
        await WorkItem.select(WorkItem.id).order_by(WorkItem.created_at, ascending=False).first()
    )
    assert newest is not None
    for fmt in ("json", "xml"):
        response = await get_requests(client, city, fmt)
        assert response.status_code == 200
        if fmt == "json":
            ids = [r["service_request_id"] for r in response.json()]
        else:
            ids = [r.findtext("service_request_id") for r in xml_root(response)]
        assert len(ids) == 1000
        assert ids[0] == f"W{newest['id']}"


async def test_one_request_and_tokens(client: httpx.AsyncClient, city: City) -> None:
    request_id = await report(client, city)
    params = {"jurisdiction_id": city.street_a}
    (one,) = (await client.get(f"{BASE}/requests/{request_id}.json", params=params)).json()
    assert one["service_request_id"] == request_id
    root = xml_root(await client.get(f"{BASE}/requests/{request_id}.xml", params=params))
    assert root.tag == "service_requests"
    assert root.findtext("request/service_request_id") == request_id

    (token,) = (await client.get(f"{BASE}/tokens/{request_id}.json", params=params)).json()
    assert token == {"service_request_id": request_id, "token": request_id}
    token_xml = xml_root(await client.get(f"{BASE}/tokens/{request_id}.xml", params=params))
    assert token_xml.findtext("request/token") == request_id

    for missing in ("W999999", "S1", "X1", "W0", "W-1", "12"):
        for kind in ("requests", "tokens"):
            for fmt in ("json", "xml"):
                response = await client.get(f"{BASE}/{kind}/{missing}.{fmt}", params=params)
                assert response.status_code == 404, (missing, kind, fmt)
                assert "was not found" in errors_of(response)[0][1]


async def test_reads_need_no_api_key_and_ignore_writers(
    client: httpx.AsyncClient, city: City
) -> None:
    await make_staff("wg", community=city.tree.communities["A1"])
    request_id = await report(client, city)
    response = await client.get(f"{BASE}/requests.json", params={"jurisdiction_id": city.street_a})
    assert [r["service_request_id"] for r in response.json()] == [request_id]
