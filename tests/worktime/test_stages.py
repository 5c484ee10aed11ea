"""Stage deadlines: set when an item enters a stage, recorded late or on time when it leaves."""

from __future__ import annotations

import datetime as dt

import httpx

from app.work.items import push_work_item, transition_work_item
from app.work.schemas import WorkItemCreate
from app.worktime.stages import with_time_left
from tables.worktime import WorkItemStage
from tests.admin.support import admin_login
from tests.jobs.support import World, local
from tests.worktime.conftest import MONDAY, Clock

FRIDAY = MONDAY + dt.timedelta(days=4)
TUESDAY = MONDAY + dt.timedelta(days=1)


async def push(w: World, priority: str = "normal", community: str = "A1") -> dict:
    return await push_work_item(
        WorkItemCreate(
            access_entry=w.entry["id"],
            community=w.tree.communities[community]["id"],
            title="高龄津贴申领初审",
            priority=priority,
        )
    )


async def stages(item_id: int) -> dict[str, dict]:
    rows = await WorkItemStage.select().where(WorkItemStage.work_item == item_id).run()
    return {row["stage"]: row for row in rows}


async def test_a_pushed_item_gets_its_accept_deadline_in_working_time(
    w: World, clock: Clock
) -> None:
    clock.set(local(FRIDAY, 16, 30))  # 2 working hours: 1 on Friday, 1 on Monday
    item = await push(w)
    accept = (await stages(item["id"]))["accept"]
    assert accept["due_at"] == local(FRIDAY + dt.timedelta(days=3), 9, 30)
    assert accept["limit_minutes"] == 120
    # Yellow when late by the limit (2 more working hours), red by twice (4 more).
    assert accept["yellow_at"] == local(FRIDAY + dt.timedelta(days=3), 11, 30)
    assert accept["red_at"] == local(FRIDAY + dt.timedelta(days=3), 15, 30)


async def test_leaving_a_stage_late_records_by_how_much(w: World, clock: Clock) -> None:
    clock.set(local(MONDAY, 9))
    item = await push(w)  # accept due Monday 11:00
    clock.set(local(MONDAY, 14, 30))  # 60 min before lunch + 30 after: 90 working minutes late
    await transition_work_item(item["id"], "accepted", None)
    rows = await stages(item["id"])
    assert (rows["accept"]["late"], rows["accept"]["late_by_minutes"]) == (True, 90)
    assert rows["dispatch"]["entered_at"] == local(MONDAY, 14, 30)
    assert rows["dispatch"]["due_at"] == local(TUESDAY, 14, 30)  # 1 working day
    clock.set(local(TUESDAY, 10))
    await transition_work_item(item["id"], "dispatched", None, assignee_id=w.staff["wang"]["id"])
    rows = await stages(item["id"])
    assert (rows["dispatch"]["late"], rows["dispatch"]["late_by_minutes"]) == (False, 0)
    # Street A's own standard (2 working days) beats the district default (3).
    assert rows["handle"]["due_at"] == local(TUESDAY + dt.timedelta(days=2), 10)


async def test_urgency_picks_its_own_limit_and_no_standard_means_no_deadline(
    w: World, clock: Clock
) -> None:
    urgent = await push(w, priority="urgent")
    await transition_work_item(urgent["id"], "accepted", None)
    await transition_work_item(urgent["id"], "dispatched", None, assignee_id=w.staff["wang"]["id"])
    handle = (await stages(urgent["id"]))["handle"]
    assert handle["due_at"] == local(MONDAY, 15)  # 09:00 + 4 working hours: 3 before lunch
    minor = await push(w, priority="minor")  # no standard for minor items
    accept = (await stages(minor["id"]))["accept"]
    assert accept["due_at"] is None and accept["limit_minutes"] is None


async def test_the_api_shows_the_stage_and_time_left_or_late_by(
    w: World, clock: Clock, client: httpx.AsyncClient
) -> None:
    clock.set(local(MONDAY, 9))
    late = await push(w)  # accept due 11:00
    clock.set(local(MONDAY, 11))
    on_time = await push(w)  # accept due 15:00 (60 before lunch, 60 after)
    rows = await with_time_left([late, on_time], now=local(MONDAY, 14))
    assert (rows[0]["stage"], rows[0]["late_by"], rows[0]["time_left"]) == ("accept", 60, 0)
    assert (rows[1]["time_left"], rows[1]["late_by"]) == (60, 0)
    assert rows[1]["stage_due_at"] == local(MONDAY, 15)
    headers = await admin_login(client, "zhao")
    listed = await client.get("/api/v1/work-items", headers=headers)
    assert listed.status_code == 200, listed.text
    items = {item["id"]: item for item in listed.json()["items"]}
    assert items[late["id"]]["stage"] == "accept"
    assert items[late["id"]]["late_by"] > 0  # real time: long after that Monday
    assert items[late["id"]]["priority"] == "normal"
    history = await client.get(f"/api/v1/work-items/{late['id']}/stages", headers=headers)
    assert [s["stage"] for s in history.json()] == ["accept"]
