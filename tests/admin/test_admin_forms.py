"""The admin's forms run the domain services in the user's scope, with readable refusals."""

from __future__ import annotations

from typing import Any

import httpx

from app.crud import insert_row
from app.work import services as work
from tables.daily import CheckIn
from tables.people import GridAssignment, StaffMember
from tables.supervision import SupervisionRecord
from tables.work import AccessListEntry, AccessRefusal, WorkItem, WorkItemEvent
from tests.admin.support import admin_login
from tests.factories import (
    PASSWORD,
    area_tree,
    make_access_entry,
    make_department,
    make_staff,
    make_user,
    make_work_item,
)

FORMS = "/admin/api/forms"
CHECK_IN = "签到-check-in-now"
DIARY = "写民情日记-write-a-diary-entry"
DECIDE = "准入清单审批-decide-an-access-list-entry"
PUSH = "推送工作事项-push-a-work-item"
MOVE = "流转工作事项-dispatch-or-move-a-work-item"
ANSWER = "答复监督记录-answer-a-supervision-record"
STAFF_ACCOUNT = "新建工作人员账号-create-a-staff-account"


async def submit(
    client: httpx.AsyncClient, headers: dict[str, str], slug: str, data: dict[str, Any]
) -> tuple[int, str]:
    """POST a form; (status, the success message or the refusal shown in the form)."""
    response = await client.post(f"{FORMS}/{slug}/", json=data, headers=headers)
    body = response.json()
    return response.status_code, body.get("custom_form_success") or body.get(
        "custom_form_error", response.text
    )


async def choices(client: httpx.AsyncClient, slug: str, field: str) -> dict[str, str]:
    """value → label of a form's select, as the logged-in user is offered it."""
    schema = (await client.get(f"{FORMS}/{slug}/schema/")).json()
    options = schema["properties"][field]["extra"]["choices"]
    return {key: option["display_name"] for key, option in options.items()}


async def test_check_in_form_counts_in_the_workers_own_grid_and_refuses_another(
    client: httpx.AsyncClient,
) -> None:
    tree = await area_tree()
    worker = await make_staff("wg", community=tree.communities["A1"], grids=[tree.grids["A1-1"]])
    headers = await admin_login(client, "wg")
    offered = await choices(client, CHECK_IN, "grid")
    assert list(offered) == [str(tree.grids["A1-1"]["id"])]

    inside = {"grid": tree.grids["A1-1"]["id"], "latitude": 30.905, "longitude": 117.802}
    status, message = await submit(client, headers, CHECK_IN, inside)
    assert (status, message.startswith("已签到")) == (200, True), message
    status, message = await submit(client, headers, CHECK_IN, inside)
    assert status == 200 and "不重复计入" in message

    sibling = {"grid": tree.grids["A1-2"]["id"], "latitude": 30.905, "longitude": 117.807}
    status, message = await submit(client, headers, CHECK_IN, sibling)
    assert status == 422
    assert message.startswith("不允许（网格）：") and "not assigned" in message
    rows = await CheckIn.select(CheckIn.grid, CheckIn.counted).where(CheckIn.staff == worker["id"])
    assert sorted((r["grid"], r["counted"]) for r in rows) == [
        (tree.grids["A1-1"]["id"], False),
        (tree.grids["A1-1"]["id"], True),
    ]


async def test_forms_are_listed_for_the_roles_that_use_them(client: httpx.AsyncClient) -> None:
    tree = await area_tree()
    await make_staff("wg", community=tree.communities["A1"], grids=[tree.grids["A1-1"]])
    await make_staff("jd", role="street_official", street=tree.streets["A"])
    await admin_login(client, "wg")
    worker_forms = {f["slug"] for f in (await client.get(f"{FORMS}/")).json()}
    assert {CHECK_IN, DIARY, MOVE} <= worker_forms
    assert not {DECIDE, PUSH, ANSWER, STAFF_ACCOUNT} & worker_forms

    headers = await admin_login(client, "jd")
    grouped = (await client.get(f"{FORMS}/grouped/")).json()["grouped"]
    official_forms = {f["slug"] for forms in grouped.values() for f in forms}
    assert {DECIDE, PUSH, MOVE, ANSWER, STAFF_ACCOUNT} <= official_forms
    assert CHECK_IN not in official_forms
    # Hidden is not the only guard: posting anyway is refused.
    data = {"grid": tree.grids["A1-1"]["id"], "latitude": 30.905, "longitude": 117.802}
    status, message = await submit(client, headers, CHECK_IN, data)
    assert status == 422 and message.startswith("不允许")
    assert await CheckIn.count() == 0


async def test_street_official_decides_only_their_streets_entries(
    client: httpx.AsyncClient,
) -> None:
    tree = await area_tree()
    department = await make_department()
    mine = await make_access_entry(tree.streets["A"], department, status="proposed")
    theirs = await make_access_entry(
        tree.streets["B"], department, status="proposed", name="和平街道事项"
    )
    official = await make_staff("jd", role="street_official", street=tree.streets["A"])
    headers = await admin_login(client, "jd")
    assert list(await choices(client, DECIDE, "entry")) == [str(mine["id"])]

    status, message = await submit(
        client, headers, DECIDE, {"entry": mine["id"], "decision": "rejected", "reason": ""}
    )
    assert status == 422 and message.startswith("填写有误（理由）："), message
    status, message = await submit(
        client, headers, DECIDE, {"entry": mine["id"], "decision": "approved"}
    )
    assert status == 200 and "已准入" in message
    status, message = await submit(
        client, headers, DECIDE, {"entry": theirs["id"], "decision": "approved"}
    )
    assert status == 422, message  # the other street's entry does not exist for this user
    rows = {r["id"]: r for r in await AccessListEntry.select()}
    assert (rows[mine["id"]]["status"], rows[mine["id"]]["decided_by"]) == (
        "approved",
        official["user"],
    )
    assert rows[theirs["id"]]["status"] == "proposed"


async def test_push_moves_and_refusals_of_work_items(client: httpx.AsyncClient) -> None:
    tree = await area_tree()
    department = await make_department()
    approved = await make_access_entry(tree.streets["A"], department)
    revoked = await make_access_entry(
        tree.streets["A"], department, status="revoked", name="已取消的事项"
    )
    await make_staff("sq", role="community_admin", community=tree.communities["A1"])
    worker = await make_staff("wg", community=tree.communities["A1"], grids=[tree.grids["A1-1"]])
    headers = await admin_login(client, "sq")
    offered = await choices(client, PUSH, "access_entry")
    assert next(iter(offered)) == str(approved["id"])  # approved entries first
    assert offered[str(revoked["id"])] == "[已取消] 已取消的事项"
    assert list(await choices(client, PUSH, "community")) == [str(tree.communities["A1"]["id"])]

    push = {"community": tree.communities["A1"]["id"], "title": "独居老人走访"}
    status, message = await submit(client, headers, PUSH, {**push, "access_entry": revoked["id"]})
    assert status == 422 and message.startswith("准入清单不允许（准入事项）："), message
    assert await WorkItem.count() == 0
    assert await AccessRefusal.count().where(AccessRefusal.access_entry == revoked["id"]) == 1

    status, message = await submit(client, headers, PUSH, {**push, "access_entry": approved["id"]})
    assert status == 200 and "已进入社区" in message
    item = await WorkItem.select().first()
    assert item is not None and item["status"] == "reported"

    await submit(client, headers, MOVE, {"work_item": item["id"], "to_status": "accepted"})
    status, message = await submit(
        client, headers, MOVE, {"work_item": item["id"], "to_status": "dispatched"}
    )
    assert status == 422 and message.startswith("填写有误（承办人）："), message
    status, message = await submit(
        client,
        headers,
        MOVE,
        {"work_item": item["id"], "to_status": "dispatched", "assignee": worker["id"]},
    )
    assert status == 200 and "派遣" in message
    status, message = await submit(
        client, headers, MOVE, {"work_item": item["id"], "to_status": "closed"}
    )
    assert status == 422 and message.startswith("状态不能这样变更"), message
    events = await WorkItemEvent.select(WorkItemEvent.to_status).order_by(WorkItemEvent.id)
    assert [e["to_status"] for e in events] == ["reported", "accepted", "dispatched"]


async def test_grid_worker_moves_only_work_assigned_to_them(client: httpx.AsyncClient) -> None:
    tree = await area_tree()
    entry = await make_access_entry(tree.streets["A"], await make_department())
    worker = await make_staff("wg", community=tree.communities["A1"], grids=[tree.grids["A1-1"]])
    colleague = await make_staff(
        "wg2", community=tree.communities["A1"], grids=[tree.grids["A1-2"]]
    )
    mine = await make_work_item(tree.communities["A1"], entry, "我的事项")
    theirs = await make_work_item(tree.communities["A1"], entry, "同事的事项")
    for item, staff in ((mine, worker), (theirs, colleague)):
        await work.transition_work_item(item["id"], "accepted", None)
        await work.transition_work_item(item["id"], "dispatched", None, assignee_id=staff["id"])
    headers = await admin_login(client, "wg")
    assert list(await choices(client, MOVE, "work_item")) == [str(mine["id"])]
    status, _ = await submit(
        client, headers, MOVE, {"work_item": mine["id"], "to_status": "handled"}
    )
    assert status == 200
    status, message = await submit(
        client, headers, MOVE, {"work_item": theirs["id"], "to_status": "handled"}
    )
    assert status == 422, message
    statuses = {r["id"]: r["status"] for r in await WorkItem.select(WorkItem.id, WorkItem.status)}
    assert statuses == {mine["id"]: "handled", theirs["id"]: "dispatched"}


async def test_community_answers_its_supervision_record(client: httpx.AsyncClient) -> None:
    tree = await area_tree()
    record = await insert_row(
        SupervisionRecord,
        {
            "kind": "government_work",
            "subject": "社区服务站",
            "community": tree.communities["A1"]["id"],
            "content": "办事窗口中午无人",
            "raised_by_name": "王五",
        },
    )
    await make_staff("sq", role="community_admin", community=tree.communities["A1"])
    headers = await admin_login(client, "sq")
    assert list(await choices(client, ANSWER, "record")) == [str(record["id"])]
    status, message = await submit(client, headers, ANSWER, {"record": record["id"], "answer": " "})
    assert status == 422 and message.startswith("填写有误（答复）："), message
    status, message = await submit(
        client, headers, ANSWER, {"record": record["id"], "answer": "已安排轮班", "public": True}
    )
    assert status == 200 and "已公开" in message
    answered = await SupervisionRecord.select().first()
    assert answered is not None
    assert (answered["status"], answered["answer"], answered["public"]) == (
        "answered",
        "已安排轮班",
        True,
    )


async def test_staff_account_in_one_step_or_not_at_all(client: httpx.AsyncClient) -> None:
    tree = await area_tree()
    await make_staff("sq", role="community_admin", community=tree.communities["A1"])
    headers = await admin_login(client, "sq")
    account = {
        "username": "wg_new",
        "password": PASSWORD,
        "name": "新网格员",
        "role": "community_worker",
        "community": tree.communities["A1"]["id"],
    }
    status, message = await submit(
        client, headers, STAFF_ACCOUNT, {**account, "grids": [tree.grids["B1-1"]["id"]]}
    )
    assert status == 422, message
    assert await StaffMember.count().where(StaffMember.name == "新网格员") == 0

    status, message = await submit(
        client, headers, STAFF_ACCOUNT, {**account, "grids": [tree.grids["A1-1"]["id"]]}
    )
    assert status == 200 and "wg_new" in message, message
    staff = await StaffMember.select().where(StaffMember.name == "新网格员").first()
    assert staff is not None and staff["community"] == tree.communities["A1"]["id"]
    grids = await GridAssignment.select(GridAssignment.grid).where(
        GridAssignment.staff == staff["id"]
    )
    assert [g["grid"] for g in grids] == [tree.grids["A1-1"]["id"]]
    await admin_login(client, "wg_new")  # the new login works


async def test_a_login_without_staff_record_cannot_check_in(client: httpx.AsyncClient) -> None:
    tree = await area_tree()
    await make_user("root", superuser=True)
    headers = await admin_login(client, "root")
    data = {"grid": tree.grids["A1-1"]["id"], "latitude": 30.905, "longitude": 117.802}
    status, message = await submit(client, headers, CHECK_IN, data)
    assert status == 422 and message.startswith("不允许")
