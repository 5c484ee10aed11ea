"""签到 from the phone: position, accuracy and device time checked; the daily rules decide."""

from __future__ import annotations

import asyncio
import datetime as dt

import httpx

from tables.daily import CheckIn
from tables.field import IdempotencyKey
from tests.field.support import API, field_world, inside, key, now_iso, phone_login


def check_in_body(grid: dict, /, **changes: object) -> dict:
    return {"grid": grid["id"], **inside(grid), "accuracy": 20, "device_time": now_iso(), **changes}


async def test_a_check_in_inside_counts_and_stores_what_the_phone_sent(
    client: httpx.AsyncClient,
) -> None:
    world = await field_world()
    headers = await phone_login(client, "wga")
    answer = await client.post(
        f"{API}/check-ins", json=check_in_body(world.grid_a), headers={**headers, **key()}
    )
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert body["counted"] and body["inside_grid"] and body["distance_to_edge_m"] == 0
    assert body["synced_late"] is False and "签到成功" in body["message"]
    (row,) = await CheckIn.select().run()
    assert row["accuracy"] == 20 and row["device_time"] is not None
    assert row["received_at"] is not None and row["counted"]
    today = await client.get(f"{API}/today")
    assert today.json()["grids"][0]["checked_in"] is True


async def test_outside_the_grid_says_how_far_and_does_not_count(client: httpx.AsyncClient) -> None:
    world = await field_world()
    headers = await phone_login(client, "wga")
    outside = {
        "latitude": world.grid_a["max_lat"] + 0.001,
        "longitude": world.grid_a["min_lon"] + 0.001,
    }
    answer = await client.post(
        f"{API}/check-ins",
        json=check_in_body(world.grid_a, **outside),
        headers={**headers, **key()},
    )
    assert answer.status_code == 201
    body = answer.json()
    assert not body["counted"] and 100 < body["distance_to_edge_m"] < 120
    assert "网格外" in body["message"]


async def test_bad_positions_accuracy_and_times_are_refused_in_chinese(
    client: httpx.AsyncClient,
) -> None:
    world = await field_world()
    headers = await phone_login(client, "wga")
    cases = [
        ({"latitude": "三十"}, "latitude", "数字"),
        ({"latitude": 48.85, "longitude": 2.35}, "longitude", "中国"),
        ({"accuracy": None}, "accuracy", "精度"),
        ({"accuracy": -5}, "accuracy", "不可信"),
        ({"accuracy": 350}, "accuracy", "超过允许的 100 米"),
        ({"device_time": now_iso(dt.timedelta(hours=1))}, "device_time", "晚于"),
        ({"device_time": now_iso(-dt.timedelta(hours=80))}, "device_time", "补传期限"),
        ({"grid": world.grid_b["id"]}, "grid", "不是您负责的网格"),
    ]
    for changes, field, words in cases:
        answer = await client.post(
            f"{API}/check-ins",
            json=check_in_body(world.grid_a, **changes),
            headers={**headers, **key()},
        )
        assert 400 <= answer.status_code < 500, (changes, answer.text)
        problem = answer.json()
        assert problem["field"] == field and words in problem["detail"], (changes, problem)
    assert await CheckIn.count().run() == 0


async def test_an_offline_check_in_counts_for_its_device_day_and_is_flagged_late(
    client: httpx.AsyncClient,
) -> None:
    world = await field_world()
    headers = await phone_login(client, "wga")
    yesterday = dt.datetime.now(dt.UTC) - dt.timedelta(hours=26)
    answer = await client.post(
        f"{API}/check-ins",
        json=check_in_body(world.grid_a, device_time=yesterday.isoformat()),
        headers={**headers, **key()},
    )
    assert answer.status_code == 201, answer.text
    assert answer.json()["counted"] and answer.json()["synced_late"]
    (row,) = await CheckIn.select().run()
    from app.clock import local_date_of

    assert row["local_date"] == local_date_of(yesterday) and row["synced_late"]
    # Today is still open: a live check-in today counts as well.
    again = await client.post(
        f"{API}/check-ins", json=check_in_body(world.grid_a), headers={**headers, **key()}
    )
    assert again.json()["counted"] and not again.json()["synced_late"]


async def test_concurrent_duplicates_store_once_and_answer_the_same(
    client: httpx.AsyncClient,
) -> None:
    world = await field_world()
    headers = {**await phone_login(client, "wga"), **key()}
    body = check_in_body(world.grid_a)
    answers = await asyncio.gather(
        *(client.post(f"{API}/check-ins", json=body, headers=headers) for _ in range(5))
    )
    assert {a.status_code for a in answers} == {201}
    assert len({a.text for a in answers}) == 1
    assert await CheckIn.count().run() == 1
    replay = await client.post(f"{API}/check-ins", json=body, headers=headers)
    assert replay.status_code == 201 and replay.text == answers[0].text
    assert await CheckIn.count().run() == 1
    other = await client.post(f"{API}/check-ins", json={**body, "accuracy": 30}, headers=headers)
    assert other.status_code == 422 and other.json()["field"] == "Idempotency-Key"
    assert await IdempotencyKey.count().run() == 1


async def test_a_refusal_is_replayed_as_the_same_refusal(client: httpx.AsyncClient) -> None:
    world = await field_world()
    headers = {**await phone_login(client, "wga"), **key()}
    body = check_in_body(world.grid_a, accuracy=500)
    first = await client.post(f"{API}/check-ins", json=body, headers=headers)
    second = await client.post(f"{API}/check-ins", json=body, headers=headers)
    assert first.status_code == second.status_code == 422
    assert first.json() == second.json()
    assert await CheckIn.count().run() == 0


async def test_writes_need_a_session_and_the_csrf_header(client: httpx.AsyncClient) -> None:
    world = await field_world()
    anonymous = await client.post(f"{API}/check-ins", json=check_in_body(world.grid_a))
    assert anonymous.status_code == 401 and "登录" in anonymous.json()["detail"]
    await phone_login(client, "wga")
    no_csrf = await client.post(f"{API}/check-ins", json=check_in_body(world.grid_a))
    assert no_csrf.status_code == 403 and no_csrf.json()["field"] == "X-CSRFToken"
    wrong = await client.post(f"{API}/login", json={"username": "wga", "password": "nope"})
    assert wrong.status_code == 401 and "密码" in wrong.json()["detail"]
    assert await CheckIn.count().run() == 0
