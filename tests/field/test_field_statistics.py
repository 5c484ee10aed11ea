"""统计报表 in /m/api/: the community's 一表通 inbox, values computed from data and 上期,
confirm / correct / fill, submit — through app/statistics/services, with its permission rule
(community staff fill; a grid worker only reads) and refusals naming the field."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx

from app.statistics import services
from app.statistics.schemas import FieldSpec, ReportRequestCreate, ReportTemplateCreate
from tables.statistics import ReportAnswer, ReportValue
from tests.factories import make_access_entry, make_household
from tests.field.support import API, Field, field_world, key, phone_login


def fields() -> list[FieldSpec]:
    return [
        FieldSpec(key="hh.total", title="住户数", source="households.total", unit="户"),
        FieldSpec(key="staff.count", title="社区工作者", minimum=0, maximum=200, unit="人"),
        FieldSpec(key="elderly.a", title="60-79岁"),
        FieldSpec(key="elderly.b", title="80岁以上"),
        FieldSpec(key="elderly.total", title="60岁以上合计", total_of=["elderly.a", "elderly.b"]),
        FieldSpec(key="state", title="运行状态", kind="choice", choices=["正常", "异常"]),
        FieldSpec(key="note", title="备注", kind="text", required=False),
    ]


async def ask(
    world: Field, family: str, deadline: dt.timedelta = dt.timedelta(days=5)
) -> dict[str, Any]:
    """A street's template (admitted by an approved entry) and its request for this month."""
    entry = await make_access_entry(world.tree.streets["A"], world.department, name="基本情况")
    template = await services.create_template(
        ReportTemplateCreate(
            access_entry=entry["id"],
            family=family,
            title=f"社区基本情况 {family}",
            fields=fields(),
        ),
        None,
    )
    return await services.create_request(
        ReportRequestCreate(
            template=template["id"],
            period_start=dt.date.today().replace(day=1),
            deadline=dt.datetime.now(dt.UTC) + deadline,
        ),
        None,
    )


async def statistics_world() -> Field:
    world = await field_world()
    await make_household(world.grid_a, "1-101")
    await make_household(world.grid_b, "2-202")
    return world


async def opened(client: httpx.AsyncClient, headers: dict[str, str], answer_id: int) -> Any:
    answer = await client.post(
        f"{API}/statistics/{answer_id}/open", json={}, headers={**headers, **key()}
    )
    assert answer.status_code == 200, answer.text
    return answer.json()


def filled(detail: dict[str, Any], **changes: str) -> dict[str, str]:
    values = {f["key"]: f["value"] for f in detail["fields"]}
    values.update({"staff.count": "12", "elderly.a": "30", "elderly.b": "5", "elderly.total": "35"})
    values["state"] = "正常"
    values.update({k.replace("__", "."): v for k, v in changes.items()})
    return values


async def test_the_inbox_lists_the_communitys_requests_with_deadlines_due_and_late(
    client: httpx.AsyncClient,
) -> None:
    world = await statistics_world()
    due = await ask(world, "due")
    late = await ask(world, "late", deadline=-dt.timedelta(hours=1))
    await phone_login(client, "sqa")
    answer = await client.get(f"{API}/statistics")
    assert answer.status_code == 200, answer.text
    inbox = answer.json()
    # One answer per request for this community only (the street has two communities).
    assert sorted(c["title"] for c in inbox) == ["社区基本情况 due", "社区基本情况 late"]
    assert {c["community"] for c in inbox} == {world.tree.communities["A1"]["id"]}
    by_title = {c["title"]: c for c in inbox}
    assert by_title["社区基本情况 late"]["overdue"] is True
    assert by_title["社区基本情况 due"]["overdue"] is False
    assert by_title["社区基本情况 due"]["status_label"] == "待填报"
    assert inbox[0]["title"] == "社区基本情况 late"  # soonest deadline first
    assert dt.datetime.fromisoformat(by_title["社区基本情况 due"]["deadline"]) == due["deadline"]
    assert late["id"] != due["id"]


async def test_opening_computes_from_data_then_correct_fill_and_submit(
    client: httpx.AsyncClient,
) -> None:
    world = await statistics_world()
    await ask(world, "basic")
    headers = await phone_login(client, "sqa")
    (card,) = (await client.get(f"{API}/statistics")).json()
    unopened = (await client.get(f"{API}/statistics/{card['id']}")).json()
    assert unopened["may_fill"] is True and unopened["opened"] is False
    assert all(f["value"] == "" for f in unopened["fields"])  # a GET computes nothing
    assert await ReportValue.count().where(ReportValue.answer == card["id"]) == 0
    detail = await opened(client, headers, card["id"])
    assert detail["may_fill"] is True and detail["opened"] is True
    by_key = {f["key"]: f for f in detail["fields"]}
    assert [f["key"] for f in detail["fields"]][:2] == ["hh.total", "staff.count"]
    # Two households in community A1, counted by the statistics source.
    assert by_key["hh.total"]["origin"] == "data" and by_key["hh.total"]["value"] == "2"
    assert by_key["hh.total"]["origin_label"] == "系统计算"
    assert by_key["staff.count"]["origin"] == "hand" and by_key["staff.count"]["value"] == ""
    # Correct the computed value, fill the rest, save once, then submit.
    values = filled(detail, hh__total="3")
    saved = await client.post(
        f"{API}/statistics/{card['id']}/values",
        json={"values": values},
        headers={**headers, **key()},
    )
    assert saved.status_code == 200, saved.text
    assert saved.json()["status"] == "open" and saved.json()["message"] == "已保存，尚未提交"
    submitted = await client.post(
        f"{API}/statistics/{card['id']}/submit",
        json={"values": values},
        headers={**headers, **key()},
    )
    assert submitted.status_code == 200, submitted.text
    body = submitted.json()
    assert body["status"] == "submitted" and body["late"] is False
    assert body["message"] == "已提交" and body["may_fill"] is False
    row = await ReportAnswer.select().where(ReportAnswer.id == card["id"]).first()
    assert row is not None and row["status"] == "submitted" and row["submitted_at"] is not None
    stored = {
        v["field.key"]: v
        for v in await ReportValue.select(ReportValue.all_columns(), ReportValue.field.key)
        .where(ReportValue.answer == card["id"])
        .run()
    }
    assert stored["hh.total"]["value"] == "3" and stored["hh.total"]["corrected"] is True
    assert int(stored["hh.total"]["computed"]) == 2  # the computed value kept for review
    assert stored["elderly.total"]["number"] == 35 and stored["state"]["value"] == "正常"
    # Submitted: the inbox shows it as done; a second submit is refused.
    (again,) = (await client.get(f"{API}/statistics")).json()
    assert again["status"] == "submitted"
    twice = await client.post(
        f"{API}/statistics/{card['id']}/submit",
        json={"values": values},
        headers={**headers, **key()},
    )
    assert twice.status_code == 409 and twice.json()["field"] == "status"


async def test_the_next_request_is_prefilled_with_the_last_answer_marked_shangqi(
    client: httpx.AsyncClient,
) -> None:
    world = await statistics_world()
    await ask(world, "first")
    headers = await phone_login(client, "sqa")
    (first,) = (await client.get(f"{API}/statistics")).json()
    detail = await opened(client, headers, first["id"])
    answer = await client.post(
        f"{API}/statistics/{first['id']}/submit",
        json={"values": filled(detail)},
        headers={**headers, **key()},
    )
    assert answer.status_code == 200, answer.text
    await ask(world, "second")
    inbox = (await client.get(f"{API}/statistics")).json()
    (second,) = [c for c in inbox if c["title"] == "社区基本情况 second"]
    detail = await opened(client, headers, second["id"])
    by_key = {f["key"]: f for f in detail["fields"]}
    assert by_key["staff.count"]["origin"] == "previous"
    assert by_key["staff.count"]["origin_label"] == "上期"
    assert by_key["staff.count"]["value"] == "12" and by_key["staff.count"]["previous"] == "12"
    assert by_key["hh.total"]["origin"] == "data"  # data wins over 上期


async def test_bad_values_are_refused_naming_the_field_in_chinese_and_save_nothing(
    client: httpx.AsyncClient,
) -> None:
    world = await statistics_world()
    await ask(world, "bad")
    headers = await phone_login(client, "sqa")
    (card,) = (await client.get(f"{API}/statistics")).json()
    detail = await opened(client, headers, card["id"])
    before = await ReportValue.select().where(ReportValue.answer == card["id"]).run()
    cases = [
        ({"staff.count": "十二"}, "values.staff.count", "「社区工作者」应为数字"),
        ({"staff.count": "12.5"}, "values.staff.count", "「社区工作者」应为整数"),
        ({"staff.count": "500"}, "values.staff.count", "「社区工作者」不能大于 200"),
        ({"elderly.total": "40"}, "values.elderly.total", "「60岁以上合计」应等于各分项之和 35"),
        ({"state": "很好"}, "values.state", "「运行状态」应为其中之一：正常, 异常"),
        ({"staff.count": ""}, "values.staff.count", "「社区工作者」必填"),
        ({"nope": "1"}, "values.nope", "不是这张报表的字段"),
    ]
    for change, field, words in cases:
        values = {**filled(detail), **change}
        answer = await client.post(
            f"{API}/statistics/{card['id']}/submit",
            json={"values": values},
            headers={**headers, **key()},
        )
        assert answer.status_code == 422, (change, answer.text)
        problem = answer.json()
        assert answer.headers["content-type"].startswith("application/problem+json")
        assert problem["field"] == field and words in problem["detail"], (change, problem)
    not_an_object = await client.post(
        f"{API}/statistics/{card['id']}/submit",
        json={"values": ["12"]},
        headers={**headers, **key()},
    )
    assert not_an_object.status_code == 422 and not_an_object.json()["field"] == "values"
    not_json = await client.post(
        f"{API}/statistics/{card['id']}/submit",
        content=b"{values",
        headers={**headers, **key(), "content-type": "application/json"},
    )
    assert not_json.status_code == 422
    after = await ReportValue.select().where(ReportValue.answer == card["id"]).run()
    assert after == before  # nothing half-saved
    row = await ReportAnswer.select().where(ReportAnswer.id == card["id"]).first()
    assert row is not None and row["status"] == "open"
    missing = await client.get(f"{API}/statistics/999999")
    assert missing.status_code == 404 and missing.json()["field"] == "id"


async def test_a_submission_after_the_deadline_is_allowed_and_marked_late(
    client: httpx.AsyncClient,
) -> None:
    world = await statistics_world()
    await ask(world, "late", deadline=-dt.timedelta(minutes=5))
    headers = await phone_login(client, "sqa")
    (card,) = (await client.get(f"{API}/statistics")).json()
    assert card["overdue"] is True
    detail = await opened(client, headers, card["id"])
    answer = await client.post(
        f"{API}/statistics/{card['id']}/submit",
        json={"values": filled(detail)},
        headers={**headers, **key()},
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["late"] is True and "逾期" in answer.json()["message"]
    row = await ReportAnswer.select().where(ReportAnswer.id == card["id"]).first()
    assert row is not None and row["late"] is True


async def test_a_grid_worker_reads_the_inbox_but_may_not_fill_as_in_the_admin(
    client: httpx.AsyncClient,
) -> None:
    world = await statistics_world()
    await ask(world, "worker")
    headers = await phone_login(client, "wga")
    (card,) = (await client.get(f"{API}/statistics")).json()
    assert card["community"] == world.tree.communities["A1"]["id"]
    detail = (await client.get(f"{API}/statistics/{card['id']}")).json()
    assert detail["may_fill"] is False
    refused = await client.post(
        f"{API}/statistics/{card['id']}/open", json={}, headers={**headers, **key()}
    )
    assert refused.status_code == 403 and refused.json()["field"] == "id"
    answer = await client.post(
        f"{API}/statistics/{card['id']}/submit",
        json={"values": {"staff.count": "3"}},
        headers={**headers, **key()},
    )
    assert answer.status_code == 403, answer.text
    assert answer.json()["field"] == "id"
    row = await ReportAnswer.select().where(ReportAnswer.id == card["id"]).first()
    assert row is not None and row["status"] == "open" and row["opened_at"] is None
    assert await ReportValue.count().where(ReportValue.answer == card["id"]) == 0


async def test_a_returned_answer_shows_the_comment_and_can_be_submitted_again(
    client: httpx.AsyncClient,
) -> None:
    world = await statistics_world()
    await ask(world, "returned")
    headers = await phone_login(client, "sqa")
    (card,) = (await client.get(f"{API}/statistics")).json()
    detail = await opened(client, headers, card["id"])
    values = filled(detail)
    first = await client.post(
        f"{API}/statistics/{card['id']}/submit",
        json={"values": values},
        headers={**headers, **key()},
    )
    assert first.status_code == 200, first.text
    await services.return_answer(card["id"], "社区工作者人数有误", None, "street")
    (returned,) = (await client.get(f"{API}/statistics")).json()
    assert returned["status"] == "returned" and returned["status_label"] == "已退回"
    assert returned["return_comment"] == "社区工作者人数有误"
    detail = (await client.get(f"{API}/statistics/{card['id']}")).json()
    assert detail["may_fill"] is True
    assert {f["key"]: f["value"] for f in detail["fields"]}["staff.count"] == "12"
    again = await client.post(
        f"{API}/statistics/{card['id']}/submit",
        json={"values": {**values, "staff.count": "13"}},
        headers={**headers, **key()},
    )
    assert again.status_code == 200, again.text
    assert again.json()["status"] == "submitted"
    stored = await ReportValue.select(ReportValue.value).where(
        (ReportValue.answer == card["id"]) & (ReportValue.field.key == "staff.count")
    )
    assert stored == [{"value": "13"}]
