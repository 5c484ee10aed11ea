"""The on-time rate from the stages, the red-escalation indicator and dashboard line, and what
the public sees of time limits (deadlines and whether they were met, never who)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
import pytest

from app.clock import utc_now
from app.jobs.escalation import escalate_overdue
from app.jobs.rollups import rollup_period
from app.pages.areas import Area
from app.pages.dashboards import load_dashboard
from app.scope import SUPERUSER_SCOPE, scoped_transaction
from app.work.items import push_work_item, transition_work_item
from app.work.schemas import WorkItemCreate
from app.worktime.calendar import load_calendar
from tables.assessment import EvaluationRollup
from tables.work import WorkItem
from tables.worktime import WorkItemStage
from tests.factories import make_indicator
from tests.jobs.support import SHANGHAI, World, local, make_work
from tests.worktime.conftest import MONDAY, Clock

OCTOBER = dt.date(2026, 10, 1)


async def push(w: World, community: str = "A1", source: str = "department") -> dict[str, Any]:
    return await push_work_item(
        WorkItemCreate(
            access_entry=w.entry["id"],
            community=w.tree.communities[community]["id"],
            title="占道经营",
            description="菜场门口占道",
            source=source,
        )
    )


async def move(item: dict, clock: Clock, at: dt.datetime, to: str, **extra: Any) -> None:
    clock.set(at)
    await transition_work_item(item["id"], to, None, **extra)


async def october_work(w: World, clock: Clock) -> None:
    """Stages of A1 and A2 due in October, some late, one open past due, one rejected."""
    clock.set(local(MONDAY, 9))
    first = await push(w)  # accept due 11:00
    await move(first, clock, local(MONDAY, 10), "accepted")  # on time; dispatch due Tue 10:00
    await move(
        first,
        clock,
        local(MONDAY + dt.timedelta(days=2), 9),
        "dispatched",
        assignee_id=w.staff["wang"]["id"],
    )  # late; handle due Fri 09:00 (2 days)
    await move(first, clock, local(MONDAY + dt.timedelta(days=3), 9), "handled")  # on time
    clock.set(local(MONDAY, 9))
    second = await push(w)
    await move(second, clock, local(MONDAY, 15), "accepted")  # late
    clock.set(local(MONDAY, 9))
    await push(w)  # accept never done: open and past due, not on time
    clock.set(local(MONDAY, 9))
    rejected = await push(w)
    await move(rejected, clock, local(MONDAY, 16), "rejected")  # not counted
    clock.set(local(MONDAY, 9))
    other = await push(w, community="A2")
    await move(other, clock, local(MONDAY, 9, 30), "accepted")
    # An item without any stage deadline (as before time limits) counts once by due_at.
    await make_work(w, due_at=local(MONDAY, 17), status="closed", closed_at=local(MONDAY, 16))


async def independent_rate(community_id: int) -> float:
    """Counted in Python from the raw rows, not with the rollup's SQL."""
    start = dt.datetime.combine(OCTOBER, dt.time(), SHANGHAI)
    end = dt.datetime.combine(dt.date(2026, 11, 1), dt.time(), SHANGHAI)
    items = {i["id"]: i for i in await WorkItem.select().run()}
    stages = await WorkItemStage.select().run()
    with_deadline = {s["work_item"] for s in stages if s["due_at"] is not None}
    due = met = 0
    for stage in stages:
        item = items[stage["work_item"]]
        if item["community"] != community_id or item["status"] == "rejected":
            continue
        if stage["due_at"] is not None and start <= stage["due_at"] < end:
            due += 1
            met += stage["finished_at"] is not None and stage["finished_at"] <= stage["due_at"]
    for item in items.values():
        legacy = item["community"] == community_id and item["id"] not in with_deadline
        if legacy and item["due_at"] is not None and start <= item["due_at"] < end:
            due += 1
            met += item["status"] == "closed" and item["closed_at"] <= item["due_at"]
    return met / due


async def test_the_on_time_rate_counts_stages_like_an_independent_count(
    w: World, clock: Clock
) -> None:
    await october_work(w, clock)
    await rollup_period("month", OCTOBER)
    rows = {
        (r["target_kind"], r["target_id"]): r
        for r in await EvaluationRollup.select()
        .where(EvaluationRollup.period_kind == "month")
        .run()
    }
    a1, a2 = w.tree.communities["A1"]["id"], w.tree.communities["A2"]["id"]
    # A1: accept ✓ dispatch ✗ handle ✓ verify ✗ (open, past due) | accept ✗ dispatch ✗
    # (open) | accept ✗ (open) | legacy ✓ → 3 of 8; the rejected item is not counted.
    assert await independent_rate(a1) == pytest.approx(3 / 8)
    assert rows[("community", a1)]["on_time_rate"] == pytest.approx(await independent_rate(a1))
    # A2: accept ✓, dispatch open past due ✗.
    assert rows[("community", a2)]["on_time_rate"] == pytest.approx(0.5)
    # wang answers for the handle stage of his item (on time) and the legacy item (on time).
    assert rows[("staff", w.staff["wang"]["id"])]["on_time_rate"] == pytest.approx(1.0)


async def test_three_reds_in_a_month_weigh_on_the_assessment_and_the_dashboard(
    w: World, clock: Clock
) -> None:
    await make_indicator("无红牌督办", 1.0, "measured", "red_escalation_free")
    # Three items of A1 dispatched three weeks ago: far past twice their handle limit now.
    start = utc_now() - dt.timedelta(days=21)
    calendar = await load_calendar()
    start = calendar.add_working_minutes(start, 1)  # inside working time
    for _ in range(3):
        clock.set(start)
        item = await push(w)
        await transition_work_item(item["id"], "accepted", None)
        await transition_work_item(
            item["id"], "dispatched", None, assignee_id=w.staff["wang"]["id"]
        )
    await escalate_overdue()
    month = utc_now().astimezone(SHANGHAI).date().replace(day=1)
    await rollup_period("month", month)
    a1 = w.tree.communities["A1"]["id"]
    row = (
        await EvaluationRollup.select()
        .where(
            EvaluationRollup.target_kind == "community",
            EvaluationRollup.target_id == a1,
            EvaluationRollup.period_start == month,
        )
        .first()
    )
    assert row is not None and row["composite_score"] == pytest.approx(0.0)
    street = w.tree.streets["A"]
    area = Area(
        level="street",
        row=street,
        street=street,
        communities=[c for c in w.tree.communities.values() if c["street"] == street["id"]],
    )
    async with scoped_transaction(SUPERUSER_SCOPE):
        board = await load_dashboard(area, SUPERUSER_SCOPE)
    assert [(r["id"], r["reds"]) for r in board.red_escalations] == [(a1, 3)]


async def test_the_public_sees_deadlines_and_whether_they_were_met_never_who(
    w: World, clock: Clock, client: httpx.AsyncClient
) -> None:
    clock.set(local(MONDAY, 9))
    item = await push(w, source="hotline")
    await move(item, clock, local(MONDAY, 15), "accepted")  # accept late
    await move(item, clock, local(MONDAY, 16), "dispatched", assignee_id=w.staff["wang"]["id"])
    street_code = w.tree.streets["A"]["code"]
    answer = await client.get(
        "/open311/v2/requests.json",
        params={"jurisdiction_id": street_code, "start_date": "2026-10-01T00:00:00+08:00"},
    )
    assert answer.status_code == 200, answer.text
    found = [r for r in answer.json() if r["service_request_id"] == f"W{item['id']}"]
    assert [(s["stage"], s["due_datetime"], s["met"]) for s in found[0]["stage_deadlines"]] == [
        ("accept", "2026-10-12T11:00:00+08:00", False),
        ("dispatch", "2026-10-13T15:00:00+08:00", True),
        ("handle", "2026-10-14T16:00:00+08:00", None),
    ]
    assert "wang" not in answer.text and "assignee" not in answer.text
    xml = await client.get(
        f"/open311/v2/requests/W{item['id']}.xml", params={"jurisdiction_id": street_code}
    )
    assert "<stage_deadlines>" in xml.text and "<met>false</met>" in xml.text
    page = await client.get(f"/public/communities/{w.tree.communities['A1']['code']}")
    assert page.status_code == 200
    assert "办理时限公开" in page.text and "2026-10-12 11:00（超时）" in page.text
    assert "2026-10-13 15:00（按时）" in page.text
    assert "wang" not in page.text
