"""Extension requests (延期申请): who may ask, who may approve how much, what an approval moves."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest

from app.errors import Conflict, Forbidden, ValidationFailed
from app.work.items import push_work_item, transition_work_item
from app.work.schemas import WorkItemCreate
from app.worktime.extensions import decide_extension, request_extension
from tables.work import WorkItemEvent
from tables.worktime import ExtensionRequest, WorkItemStage
from tests.admin.support import admin_login
from tests.api.support import assert_problem
from tests.factories import make_staff
from tests.jobs.support import World, local
from tests.worktime.conftest import MONDAY, Clock

TUESDAY = MONDAY + dt.timedelta(days=1)


async def handling(w: World) -> dict:
    """An item of A1 in its handle stage, assigned to wang: due Wednesday 09:00 (2 days)."""
    item = await push_work_item(
        WorkItemCreate(
            access_entry=w.entry["id"], community=w.tree.communities["A1"]["id"], title="入户核查"
        )
    )
    await transition_work_item(item["id"], "accepted", None)
    return await transition_work_item(
        item["id"], "dispatched", None, assignee_id=w.staff["wang"]["id"]
    )


def user_of(w: World, name: str) -> int:
    return int(w.staff[name]["user"])


async def handle_stage(item_id: int) -> dict:
    return (
        await WorkItemStage.select()
        .where(WorkItemStage.work_item == item_id, WorkItemStage.stage == "handle")
        .first()
    )


async def test_an_approved_extension_moves_the_deadline_and_shows_in_the_history(
    w: World, clock: Clock
) -> None:
    item = await handling(w)
    before = await handle_stage(item["id"])
    assert before["due_at"] == local(MONDAY + dt.timedelta(days=2), 9)
    asked = await request_extension(
        item["id"], 1, "days", "住户外出，需再次上门", user_of(w, "wang")
    )
    decided = await decide_extension(asked["id"], True, user_of(w, "zhao"), "同意")
    assert decided["status"] == "approved"
    after = await handle_stage(item["id"])
    assert after["due_at"] == local(MONDAY + dt.timedelta(days=3), 9)
    assert after["extended_minutes"] == 420
    assert after["yellow_at"] == local(
        MONDAY + dt.timedelta(days=7), 9
    )  # + 2 days, weekend skipped
    notes = [
        e["note"]
        for e in await WorkItemEvent.select()
        .where(WorkItemEvent.work_item == item["id"])
        .order_by(WorkItemEvent.id)
        .run()
    ]
    assert notes[-2:] == ["申请延期 1 个工作日：住户外出，需再次上门", "批准延期 1 个工作日：同意"]


async def test_longer_extensions_need_the_street(w: World, clock: Clock) -> None:
    official = await make_staff("jd", role="street_official", street=w.tree.streets["A"])
    item = await handling(w)
    asked = await request_extension(item["id"], 3, "days", "需协调区民政局", user_of(w, "wang"))
    with pytest.raises(Forbidden) as refused:
        await decide_extension(asked["id"], True, user_of(w, "zhao"))
    assert "street official" in refused.value.detail
    assert (await handle_stage(item["id"]))["extended_minutes"] == 0
    await decide_extension(asked["id"], True, int(official["user"]))
    assert (await handle_stage(item["id"]))["extended_minutes"] == 3 * 420


async def test_only_the_right_people_ask_and_decide(w: World, clock: Clock) -> None:
    item = await handling(w)
    with pytest.raises(Forbidden) as not_assignee:
        await request_extension(item["id"], 1, "days", "我来", user_of(w, "li"))
    assert not_assignee.value.field == "work_item"
    asked = await request_extension(item["id"], 1, "days", "需补材料", user_of(w, "wang"))
    for outsider in ("sun", "wang", "li"):  # A2's admin, the asker, a colleague
        with pytest.raises(Forbidden):
            await decide_extension(asked["id"], True, user_of(w, outsider))
    await decide_extension(asked["id"], False, user_of(w, "zhao"), "材料已齐")
    assert (await handle_stage(item["id"]))["extended_minutes"] == 0
    with pytest.raises(Conflict) as twice:
        await decide_extension(asked["id"], True, user_of(w, "zhao"))
    assert twice.value.field == "status"


async def test_bad_requests_are_refused_naming_the_field_and_write_nothing(
    w: World, clock: Clock
) -> None:
    item = await handling(w)
    wang = user_of(w, "wang")
    for amount, unit, reason, field in (
        (-1, "days", "理由", "amount"),
        (0, "days", "理由", "amount"),
        (1, "weeks", "理由", "unit"),
        (1, "days", "  ", "reason"),
    ):
        with pytest.raises(ValidationFailed) as bad:
            await request_extension(item["id"], amount, unit, reason, wang)
        assert bad.value.field == field
    first = await request_extension(item["id"], 1, "days", "一", wang)
    await decide_extension(first["id"], True, user_of(w, "zhao"))
    second = await request_extension(item["id"], 1, "days", "二", wang)
    await decide_extension(second["id"], True, user_of(w, "zhao"))
    with pytest.raises(Conflict) as too_many:  # EXTENSION_MAX_PER_ITEM = 2
        await request_extension(item["id"], 1, "days", "三", wang)
    assert too_many.value.field == "work_item"
    assert await ExtensionRequest.count() == 2
    events = await WorkItemEvent.count().where(WorkItemEvent.work_item == item["id"])
    await transition_work_item(item["id"], "rejected", None, note="重复事项")
    with pytest.raises(Conflict) as closed:
        await request_extension(item["id"], 1, "days", "四", wang)
    assert closed.value.field == "work_item"
    assert await ExtensionRequest.count() == 2
    assert await WorkItemEvent.count().where(WorkItemEvent.work_item == item["id"]) == events + 1


async def test_the_api_asks_and_decides_with_problem_details(
    w: World, clock: Clock, client: httpx.AsyncClient
) -> None:
    item = await handling(w)
    wang = await admin_login(client, "wang")
    bad = await client.post(
        f"/api/v1/work-items/{item['id']}/extensions",
        json={"amount": -2, "unit": "days", "reason": "x"},
        headers=wang,
    )
    assert_problem(bad, 422, "amount")
    assert await ExtensionRequest.count() == 0
    asked = await client.post(
        f"/api/v1/work-items/{item['id']}/extensions",
        json={"amount": 4, "unit": "hours", "reason": "等待住户回电"},
        headers=wang,
    )
    assert asked.status_code == 200, asked.text
    request_id = (await ExtensionRequest.select(ExtensionRequest.id).first())["id"]
    zhao = await admin_login(client, "zhao")
    listed = await client.get("/api/v1/extension-requests?status=pending", headers=zhao)
    assert [r["id"] for r in listed.json()["items"]] == [request_id]
    approved = await client.post(
        f"/api/v1/extension-requests/{request_id}/approve", json={"note": "同意"}, headers=zhao
    )
    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "approved"
    assert (await handle_stage(item["id"]))["extended_minutes"] == 240
