"""Check-ins, diary entries, indicators, assessments, rollups and supervision over HTTP."""

from __future__ import annotations

import datetime as dt

import httpx

from app.clock import local_today
from app.crud import insert_row
from tables.assessment import EvaluationRollup
from tables.daily import CheckIn
from tests.admin.support import admin_login
from tests.api.support import API, assert_problem, bearer, exercise, make_token
from tests.factories import area_tree, make_indicator, make_staff, make_user


async def test_check_ins_count_once_a_day_inside_the_grid(client: httpx.AsyncClient) -> None:
    tree = await area_tree()
    worker = await make_staff("wg", community=tree.communities["A1"], grids=[tree.grids["A1-1"]])
    a1 = bearer(await make_token(tree, community="A1"))
    inside = {
        "staff": worker["id"],
        "grid": tree.grids["A1-1"]["id"],
        "longitude": 117.802,
        "latitude": 30.905,
    }
    first = await client.post(f"{API}/check-ins", json=inside, headers=a1)
    assert first.status_code == 201, first.text
    assert first.json()["counted"] and first.json()["inside_grid"]
    second = await client.post(f"{API}/check-ins", json=inside, headers=a1)
    assert not second.json()["counted"]
    outside = await client.post(
        f"{API}/check-ins", json={**inside, "longitude": 117.808}, headers=a1
    )
    assert not outside.json()["inside_grid"]
    not_assigned = await client.post(
        f"{API}/check-ins", json={**inside, "grid": tree.grids["A1-2"]["id"]}, headers=a1
    )
    assert_problem(not_assigned, 403, "grid")
    today = local_today().isoformat()
    counted = await client.get(
        f"{API}/check-ins",
        params={"counted": "true", "local_date__gte": today, "grid": tree.grids["A1-1"]["code"]},
        headers=a1,
    )
    assert [c["id"] for c in counted.json()["items"]] == [first.json()["id"]]
    note = await client.patch(
        f"{API}/check-ins/{first.json()['id']}", json={"note": "走访3户"}, headers=a1
    )
    assert note.json()["note"] == "走访3户"
    assert (
        await client.delete(f"{API}/check-ins/{first.json()['id']}", headers=a1)
    ).status_code == 405
    assert await CheckIn.count() == 3


async def test_diary_entries(client: httpx.AsyncClient) -> None:
    tree = await area_tree()
    worker = await make_staff("wg", community=tree.communities["A1"], grids=[tree.grids["A1-1"]])
    a1 = bearer(await make_token(tree, community="A1"))
    due = (local_today() + dt.timedelta(days=3)).isoformat()
    await exercise(
        client,
        a1,
        "diary-entries",
        {
            "staff": worker["id"],
            "grid": tree.grids["A1-1"]["id"],
            "content": "独居老人反映楼道灯坏了",
            "category": "visit",
            "follow_up_due": due,
        },
        {"content": "独居老人反映楼道灯坏了，已报物业"},
        matching={"category": "visit", "follow_up_due__lt": "2100-01-01"},
        excluding={"category": "mediation"},
    )
    past = await client.post(
        f"{API}/diary-entries",
        json={
            "staff": worker["id"],
            "grid": tree.grids["A1-1"]["id"],
            "content": "x",
            "follow_up_due": "2000-01-01",
        },
        headers=a1,
    )
    assert_problem(past, 422, "follow_up_due")


async def test_indicators_assessments_and_rollups(client: httpx.AsyncClient) -> None:
    tree = await area_tree()
    await make_user("root", superuser=True)
    csrf = await admin_login(client, "root")
    await exercise(
        client,
        csrf,
        "indicators",
        {"name": "群众满意度", "weight": 2.0, "kind": "scored"},
        {"weight": 3.0},
        matching={"kind": "scored"},
        excluding={"kind": "measured"},
    )
    scored = await make_indicator("服务态度")
    street_a = bearer(await make_token(tree, street="A"))
    assessment = await exercise(
        client,
        street_a,
        "assessments",
        {
            "evaluator_kind": "street",
            "evaluator_id": tree.streets["A"]["id"],
            "target_kind": "community",
            "target_id": tree.communities["A1"]["id"],
            "period_start": "2026-10-01",
            "period_end": "2026-10-31",
            "scores": [{"indicator": scored["id"], "score": 88.0}],
        },
        {"comment": "整改到位"},
        matching={"target_kind": "community", "direction": "top_down", "street": "340705001"},
        excluding={"direction": "bottom_up"},
    )
    assert [s["score"] for s in assessment["scores"]] == [88.0]
    too_high = await client.post(
        f"{API}/assessments",
        json={
            "evaluator_kind": "street",
            "evaluator_id": tree.streets["A"]["id"],
            "target_kind": "community",
            "target_id": tree.communities["A2"]["id"],
            "period_start": "2026-10-01",
            "period_end": "2026-10-31",
            "scores": [{"indicator": scored["id"], "score": 101}],
        },
        headers=street_a,
    )
    assert_problem(too_high, 422, "scores")
    rollup = await insert_row(
        EvaluationRollup,
        {
            "target_kind": "community",
            "target_id": tree.communities["A1"]["id"],
            "period_kind": "month",
            "period_start": dt.date(2026, 10, 1),
            "composite_score": 91.5,
            "sample_size": 12,
            "rank": 1,
        },
    )
    listed = await client.get(
        f"{API}/rollups",
        params={"period_kind": "month", "period_start": "2026-10-01"},
        headers=street_a,
    )
    assert [(r["id"], r["composite_score"]) for r in listed.json()["items"]] == [
        (rollup["id"], 91.5)
    ]
    assert (await client.post(f"{API}/rollups", json={}, headers=street_a)).status_code == 405


async def test_supervision_raise_answer_move(client: httpx.AsyncClient) -> None:
    tree = await area_tree()
    a1 = bearer(await make_token(tree, community="A1"))
    record = await exercise(
        client,
        a1,
        "supervision-records",
        {
            "kind": "government_work",
            "subject": "社区服务站",
            "community": tree.communities["A1"]["id"],
            "content": "窗口午休时间无人值守",
            "raised_by_name": "王五",
        },
        {"subject": "社区党群服务站"},
        matching={"status": "received", "kind": "government_work"},
        excluding={"status": "closed"},
        deletable=False,
    )
    url = f"{API}/supervision-records/{record['id']}"
    empty = await client.post(f"{url}/answer", json={"answer": ""}, headers=a1)
    assert_problem(empty, 422, "answer")
    handling = await client.post(f"{url}/moves", json={"to_status": "handling"}, headers=a1)
    assert handling.json()["status"] == "handling"
    answered = await client.post(
        f"{url}/answer", json={"answer": "已安排轮岗值守", "public": True}, headers=a1
    )
    assert answered.json()["status"] == "answered" and answered.json()["public"] is True
    back = await client.post(f"{url}/moves", json={"to_status": "received"}, headers=a1)
    assert_problem(back, 409, "status")
    closed = await client.post(f"{url}/moves", json={"to_status": "closed"}, headers=a1)
    assert closed.json()["status"] == "closed"
    bad = await client.post(f"{url}/moves", json={"to_status": "lost"}, headers=a1)
    assert_problem(bad, 400, "to_status")
    public = await client.get(f"{API}/supervision-records", params={"public": "true"}, headers=a1)
    assert public.json()["total"] == 1
