"""A resident's case moving through the flow is sent to the webhook endpoints (an SMS or
WeChat gateway) as resident.case_status, signed, once per change, whoever moved it: a
problem through its work item's stages, a supervision request through its record's status."""

from __future__ import annotations

import httpx

from app.jobs.notifiers import create_webhook_endpoint, deliver_due_webhooks, verify_signature
from app.jobs.schemas import WebhookEndpointCreate
from app.supervision.schemas import SupervisionRecordUpdate
from app.supervision.services import (
    answer_supervision,
    move_supervision,
    update_supervision_record,
)
from app.work.items import transition_work_item
from tables.jobs import WebhookDelivery
from tables.residents import ResidentCase
from tables.supervision import SupervisionRecord
from tests.factories import make_staff
from tests.jobs.support import WebhookReceiver
from tests.residents.conftest import City, point_in, submit

SECRET = "sms-gateway-secret-0123456789"


async def test_each_status_change_of_a_case_is_posted_once(
    client: httpx.AsyncClient, city: City
) -> None:
    with WebhookReceiver() as receiver:
        await create_webhook_endpoint(
            WebhookEndpointCreate(
                name="短信网关", url=receiver.url, secret=SECRET, events=["resident.case_status"]
            )
        )
        fields = {
            "service_code": city.code("civil"),
            "description": "独居老人需要关照",
            "phone": "13900139003",
            **point_in(city.tree.grids["A1-1"]),
        }
        response = await submit(client, city.tree.communities["A1"]["code"], fields)
        assert response.status_code == 201
        (case,) = await ResidentCase.select()
        worker = await make_staff("网格员", community=city.tree.communities["A1"])
        await transition_work_item(case["work_item"], "accepted", None)
        await transition_work_item(case["work_item"], "dispatched", None, assignee_id=worker["id"])
        assert await WebhookDelivery.count() == 2
        summary = await deliver_due_webhooks()
        assert (summary.attempted, summary.delivered) == (2, 2)
        assert (await deliver_due_webhooks()).attempted == 0
    bodies = [r["json"] for r in receiver.requests]
    assert [b["status"] for b in sorted(bodies, key=lambda b: b["at"])] == [
        "accepted",
        "dispatched",
    ]
    assert {b["case_id"] for b in bodies} == {case["id"]}
    assert {b["contact"] for b in bodies} == {"13900139003"}
    assert "网格员" not in str(bodies)
    request = receiver.requests[0]
    headers = request["headers"]
    assert headers["X-Grid-Event"] == "resident.case_status"
    assert verify_signature(
        SECRET, headers["X-Grid-Timestamp"], request["body"], headers["X-Grid-Signature"]
    )


async def test_a_supervision_request_is_posted_at_each_step_and_an_anonymous_one_without_contact(
    client: httpx.AsyncClient, city: City
) -> None:
    community = city.tree.communities["A1"]["code"]
    with WebhookReceiver() as receiver:
        await create_webhook_endpoint(
            WebhookEndpointCreate(name="短信网关", url=receiver.url, secret=SECRET, events=[])
        )
        for anonymous, subject in (("false", "环卫所"), ("true", "某科室干部")):
            response = await submit(
                client,
                community,
                {
                    "service_code": "supervision-cadre_conduct",
                    "subject": subject,
                    "description": "工作日午间饮酒",
                    "anonymous": anonymous,
                    "phone": "13900139004",
                },
            )
            assert response.status_code == 201, response.text
        named, nameless = await SupervisionRecord.select().order_by(SupervisionRecord.id)
        await move_supervision(named["id"], "handling")
        await update_supervision_record(
            named["id"], SupervisionRecordUpdate(subject="环卫所（东）")
        )
        await answer_supervision(named["id"], "已约谈，责令整改")
        await answer_supervision(nameless["id"], "已调查核实")
        assert await WebhookDelivery.count() == 3
        assert (await deliver_due_webhooks()).delivered == 3
    cases = {
        c["supervision_record"]: c["id"]
        for c in await ResidentCase.select(ResidentCase.id, ResidentCase.supervision_record)
    }
    steps = sorted(
        (b["case_id"], b["status"], b["contact"]) for b in (r["json"] for r in receiver.requests)
    )
    assert steps == sorted(
        [
            (cases[named["id"]], "handling", "13900139004"),
            (cases[named["id"]], "answered", "13900139004"),
            (cases[nameless["id"]], "answered", ""),
        ]
    )
    assert {r["json"]["kind"] for r in receiver.requests} == {"supervision"}
    assert "已约谈" not in str(receiver.requests) and "王" not in str(receiver.requests)
