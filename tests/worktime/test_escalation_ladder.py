"""The escalation ladder (督办): yellow when late by the limit, red by twice; each step once."""

from __future__ import annotations

import asyncio
import datetime as dt

from app.crud import insert_row
from app.jobs.escalation import escalate_overdue
from app.work.items import push_work_item, transition_work_item
from app.work.schemas import WorkItemCreate
from tables.jobs import WebhookDelivery, WebhookEndpoint
from tables.system import Reminder
from tables.worktime import EscalationStep
from tests.factories import make_staff
from tests.jobs.support import World, local, reminders, staff_names
from tests.worktime.conftest import MONDAY, Clock

# Handle stage entered Monday 09:00 with street A's 2 working days: due Wednesday 09:00,
# yellow Friday 09:00 (late by 2 days), red Tuesday 20 October 09:00 (late by 4).
DUE = local(MONDAY + dt.timedelta(days=2), 9)
YELLOW = local(MONDAY + dt.timedelta(days=4), 9)
RED = local(MONDAY + dt.timedelta(days=8), 9)


async def late_item(w: World) -> dict:
    item = await push_work_item(
        WorkItemCreate(
            access_entry=w.entry["id"], community=w.tree.communities["A1"]["id"], title="路灯损坏"
        )
    )
    await transition_work_item(item["id"], "accepted", None)
    return await transition_work_item(
        item["id"], "dispatched", None, assignee_id=w.staff["wang"]["id"]
    )


async def steps() -> list[tuple[int, str]]:
    rows = await EscalationStep.select(EscalationStep.work_item, EscalationStep.level).run()
    return sorted((row["work_item"], row["level"]) for row in rows)


async def test_the_ladder_climbs_once_per_step(w: World, clock: Clock) -> None:
    w.staff["jd"] = await make_staff("jd", role="street_official", street=w.tree.streets["A"])
    w.staff["jd-b"] = await make_staff("jd-b", role="street_official", street=w.tree.streets["B"])
    item = await late_item(w)
    assert (await escalate_overdue(now=YELLOW - dt.timedelta(minutes=1))).stage_steps == 0
    first = await escalate_overdue(now=YELLOW)
    assert first.stage_steps == 1
    assert await steps() == [(item["id"], "yellow")]
    rows = await reminders()
    assert staff_names(w, rows) == ["wang", "zhao"]  # the assignee and A1's admin
    assert all("黄牌督办" in row["message"] and "处置" in row["message"] for row in rows)
    again = await escalate_overdue(now=YELLOW + dt.timedelta(days=1))
    assert (again.stage_steps, again.notices) == (0, 0)
    red = await escalate_overdue(now=RED)
    assert red.stage_steps == 1 and await steps() == [(item["id"], "red"), (item["id"], "yellow")]
    red_rows = [row for row in await reminders() if row["slot"].startswith("escalation:red")]
    assert [row["staff"] for row in red_rows] == [w.staff["jd"]["id"]]  # not street B's
    assert "红牌督办" in red_rows[0]["message"]
    total = await Reminder.count()
    assert (await escalate_overdue(now=RED + dt.timedelta(hours=1))).notices == 0
    assert await Reminder.count() == total == 3


async def test_finishing_the_stage_stops_the_ladder(w: World, clock: Clock) -> None:
    item = await late_item(w)
    clock.set(local(MONDAY + dt.timedelta(days=3), 10))  # handled late, before yellow
    await transition_work_item(item["id"], "handled", None)
    # The handle stage is finished: never escalated. The verify stage (1 working day from
    # Thursday 10:00, due Friday 10:00) is late by its limit on Monday 10:00 and climbs.
    assert (await escalate_overdue(now=YELLOW)).stage_steps == 0
    assert await Reminder.count() == 0
    assert (await escalate_overdue(now=RED)).stage_steps == 1
    rows = await EscalationStep.select(EscalationStep.stage.stage, EscalationStep.level).run()
    assert rows == [{"stage.stage": "verify", "level": "yellow"}]


async def test_two_workers_at_once_send_each_notice_once(w: World, clock: Clock) -> None:
    await insert_row(
        WebhookEndpoint,
        {
            "name": "短信网关",
            "url": "http://127.0.0.1:9/sms",
            "secret": "s" * 20,
            "events": [],
            "active": True,
            "created_at": clock.now,
        },
    )
    items = [await late_item(w) for _ in range(3)]
    # Separate connections from the pool, one transaction each, racing on the same steps.
    results = await asyncio.gather(*(escalate_overdue(now=RED) for _ in range(2)))
    assert sum(r.stage_steps for r in results) == 6  # 3 items × yellow and red
    assert len(await steps()) == 6
    # yellow: wang + zhao per item; red: no street official in street A here.
    assert await Reminder.count() == 6
    assert await WebhookDelivery.count() == 6
    assert {i["id"] for i in items} == {s[0] for s in await steps()}
