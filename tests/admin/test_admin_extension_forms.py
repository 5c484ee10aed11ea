"""延期申请 in the admin's forms: the assignee asks, the community or the street decides —
through app/worktime/extensions.py, whose rules (who asks, who approves how much) hold here."""

from __future__ import annotations

import datetime as dt

import httpx

from tables.work import WorkItemEvent
from tables.worktime import ExtensionRequest
from tests.admin.support import admin_login
from tests.admin.test_admin_forms import FORMS, choices, submit
from tests.factories import make_staff
from tests.jobs.support import World, local
from tests.worktime.conftest import MONDAY, Clock, clock, w  # noqa: F401
from tests.worktime.test_extensions import handle_stage, handling

ASK = "申请延期-ask-for-an-extension"
DECIDE = "审批延期申请-decide-an-extension-request"
WEDNESDAY = MONDAY + dt.timedelta(days=2)


async def test_the_assignee_asks_for_their_items_current_stage(
    w: World,  # noqa: F811
    clock: Clock,  # noqa: F811
    client: httpx.AsyncClient,
) -> None:
    item = await handling(w)
    headers = await admin_login(client, "wang")
    forms = {f["slug"] for f in (await client.get(f"{FORMS}/")).json()}
    assert ASK in forms and DECIDE not in forms  # a grid worker asks, never decides
    offered = await choices(client, ASK, "work_item")
    assert list(offered) == [str(item["id"])]
    assert "处置环节" in offered[str(item["id"])] and "期限 10-14 09:00" in offered[str(item["id"])]
    assert set(await choices(client, ASK, "unit")) == {"days", "hours"}

    bad = [
        ({"amount": 0}, "填写有误（延长时间）：must be more than 0"),
        ({"unit": "weeks"}, "填写有误（单位）"),
        ({"reason": " "}, "填写有误（理由）"),
    ]
    for change, words in bad:
        data = {
            "work_item": item["id"],
            "amount": 1,
            "unit": "days",
            "reason": "住户外出",
            **change,
        }
        status, message = await submit(client, headers, ASK, data)
        assert status == 422 and message.startswith(words), (change, message)
    assert await ExtensionRequest.count() == 0

    data = {"work_item": item["id"], "amount": 1, "unit": "days", "reason": "住户外出，需再次上门"}
    status, message = await submit(client, headers, ASK, data)
    assert status == 200 and message.startswith("已申请延期 1 个工作日"), message
    (row,) = await ExtensionRequest.select().run()
    assert row["status"] == "pending" and row["minutes"] == 420
    assert row["requested_by"] == w.staff["wang"]["id"]
    # One pending per stage: asking again is refused by the service, not stored twice.
    status, message = await submit(client, headers, ASK, data)
    assert status == 422 and "已" not in message[:2] and "与现有数据冲突" in message
    assert await ExtensionRequest.count() == 1

    # Someone else in the community may not ask for wang's item.
    li = await admin_login(client, "li")
    assert await choices(client, ASK, "work_item") == {}
    status, message = await submit(client, li, ASK, {**data, "reason": "我来"})
    assert status == 422 and message.startswith("不允许（工作事项（当前环节））"), message
    assert await ExtensionRequest.count() == 1


async def test_the_community_admin_approves_short_ones_and_the_deadline_moves(
    w: World,  # noqa: F811
    clock: Clock,  # noqa: F811
    client: httpx.AsyncClient,
) -> None:
    item = await handling(w)
    wang = await admin_login(client, "wang")
    ask = {"work_item": item["id"], "amount": 1, "unit": "days", "reason": "需补材料"}
    assert (await submit(client, wang, ASK, ask))[0] == 200
    (asked,) = await ExtensionRequest.select().run()

    # Another community's admin neither sees it nor may decide it.
    sun = await admin_login(client, "sun")
    assert await choices(client, DECIDE, "request") == {}
    status, message = await submit(
        client, sun, DECIDE, {"request": asked["id"], "decision": "approve"}
    )
    assert status == 422 and message.startswith(("不允许", "找不到")), message

    zhao = await admin_login(client, "zhao")
    offered = await choices(client, DECIDE, "request")
    assert list(offered) == [str(asked["id"])]
    assert (
        "延期 1 个工作日" in offered[str(asked["id"])] and "需补材料" in offered[str(asked["id"])]
    )
    # A refusal needs a note; a decision that is neither is refused naming the field.
    status, message = await submit(
        client, zhao, DECIDE, {"request": asked["id"], "decision": "refuse"}
    )
    assert status == 422 and message.startswith("填写有误（审批意见）"), message
    status, message = await submit(
        client, zhao, DECIDE, {"request": asked["id"], "decision": "maybe"}
    )
    assert status == 422 and message.startswith("填写有误（决定）"), message
    assert (await ExtensionRequest.select().first())["status"] == "pending"

    data = {"request": asked["id"], "decision": "approve", "note": "同意"}
    status, message = await submit(client, zhao, DECIDE, data)
    assert status == 200 and message == "已批准延期 1 个工作日，新期限 10-15 09:00。", message
    stage = await handle_stage(item["id"])
    assert stage["due_at"] == local(WEDNESDAY + dt.timedelta(days=1), 9)
    assert stage["extended_minutes"] == 420
    notes = [
        e["note"]
        for e in await WorkItemEvent.select()
        .where(WorkItemEvent.work_item == item["id"])
        .order_by(WorkItemEvent.id)
        .run()
    ]
    assert notes[-2:] == ["申请延期 1 个工作日：需补材料", "批准延期 1 个工作日：同意"]
    # Decided once: deciding again is refused.
    status, message = await submit(client, zhao, DECIDE, data)
    assert status == 422 and "与现有数据冲突" in message
    assert await choices(client, DECIDE, "request") == {}


async def test_longer_extensions_are_decided_by_the_street_and_may_be_refused(
    w: World,  # noqa: F811
    clock: Clock,  # noqa: F811
    client: httpx.AsyncClient,
) -> None:
    await make_staff("jd", role="street_official", street=w.tree.streets["A"])
    item = await handling(w)
    wang = await admin_login(client, "wang")
    ask = {"work_item": item["id"], "amount": 3, "unit": "days", "reason": "需协调区民政局"}
    assert (await submit(client, wang, ASK, ask))[0] == 200
    (asked,) = await ExtensionRequest.select().run()

    zhao = await admin_login(client, "zhao")
    offered = await choices(client, DECIDE, "request")
    assert offered[str(asked["id"])].endswith("［需街道审批］")  # beyond the community's 2 days
    data = {"request": asked["id"], "decision": "approve"}
    status, message = await submit(client, zhao, DECIDE, data)
    assert status == 422 and message.startswith("不允许（延期申请）"), message
    assert "street official" in message
    assert (await ExtensionRequest.select().first())["status"] == "pending"

    jd = await admin_login(client, "jd")
    offered = await choices(client, DECIDE, "request")
    assert list(offered) == [str(asked["id"])] and "需街道审批" not in offered[str(asked["id"])]
    refuse = {"request": asked["id"], "decision": "refuse", "note": "三天过长，请先办理"}
    status, message = await submit(client, jd, DECIDE, refuse)
    assert status == 200 and message == "已驳回延期申请。", message
    row = await ExtensionRequest.select().first()
    assert row["status"] == "refused" and row["decision_note"] == "三天过长，请先办理"
    stage = await handle_stage(item["id"])
    assert stage["due_at"] == local(WEDNESDAY, 9) and stage["extended_minutes"] == 0
