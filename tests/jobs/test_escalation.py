"""Overdue escalation: marked once, the right people told once, follow-ups reminded."""

from __future__ import annotations

import asyncio
import datetime as dt

from taskiq import InMemoryBroker

from app.crud import update_row
from app.jobs.escalation import FOLLOW_UP_LOOKBACK_DAYS, escalate_overdue
from app.jobs.tasks import escalate
from tables.people import StaffMember
from tables.supervision import SupervisionRecord
from tables.system import Reminder
from tables.work import WorkItem
from tests.jobs.support import (
    local,
    make_diary,
    make_supervision,
    make_work,
    reminders,
    staff_names,
    world,
)

NOW = local(dt.date(2026, 10, 20), 9, 0)
PAST = NOW - dt.timedelta(hours=2)
FUTURE = NOW + dt.timedelta(hours=2)


async def overdue_flags(table: type[WorkItem] | type[SupervisionRecord]) -> dict[int, bool]:
    rows = await table.select(table._meta.primary_key, table.overdue).run()
    return {row["id"]: row["overdue"] for row in rows}


async def test_a_late_open_work_item_is_marked_and_its_assignee_and_admin_told() -> None:
    w = await world()
    late = await make_work(w, due_at=PAST, assignee="wang")
    summary = await escalate_overdue(now=NOW)
    assert (await overdue_flags(WorkItem))[late["id"]] is True
    rows = await reminders()
    # wang is the assignee, zhao the admin of A1; sun (admin of A2) is not concerned.
    assert staff_names(w, rows) == ["wang", "zhao"]
    assert {row["slot"] for row in rows} == {f"overdue:work:{late['id']}"}
    assert {row["date"] for row in rows} == {NOW.date()}
    assert all("高龄津贴申领初审" in row["message"] for row in rows)
    assert (summary.work_items, summary.notices) == (1, 2)


async def test_escalation_run_twice_marks_and_notifies_once() -> None:
    w = await world()
    await make_work(w, due_at=PAST)
    first = await escalate_overdue(now=NOW)
    before = await reminders()
    second = await escalate_overdue(now=NOW + dt.timedelta(minutes=10))
    assert (first.work_items, second.work_items) == (1, 0)
    assert second.notices == 0
    assert await reminders() == before


async def test_racing_escalations_notify_once() -> None:
    w = await world()
    for _ in range(3):
        await make_work(w, due_at=PAST)
    results = await asyncio.gather(*(escalate_overdue(now=NOW) for _ in range(4)))
    assert sum(r.work_items for r in results) == 3
    assert await Reminder.count().run() == 6  # 3 items × (assignee + admin)


async def test_closed_rejected_and_not_yet_due_items_are_left_alone() -> None:
    w = await world()
    closed = await make_work(w, due_at=PAST, status="closed", closed_at=PAST)
    rejected = await make_work(w, due_at=PAST, status="rejected")
    pending = await make_work(w, due_at=FUTURE)
    undated = await make_work(w, due_at=None)
    summary = await escalate_overdue(now=NOW)
    flags = await overdue_flags(WorkItem)
    assert not any(flags[item["id"]] for item in (closed, rejected, pending, undated))
    assert summary.work_items == 0 and await Reminder.count().run() == 0


async def test_an_admin_who_is_also_the_assignee_is_told_once_and_inactive_people_not() -> None:
    w = await world()
    await make_work(w, due_at=PAST, assignee="zhao")
    await update_row(StaffMember, w.staff["sun"]["id"], {"active": False})
    await make_work(w, community="A2", grid="A2-1", assignee="chen", due_at=PAST)
    await escalate_overdue(now=NOW)
    assert staff_names(w, await reminders()) == ["chen", "zhao"]


async def test_a_late_unanswered_supervision_record_is_marked_and_admins_told() -> None:
    w = await world()
    late = await make_supervision(w, due_at=PAST)
    answered = await make_supervision(w, due_at=PAST, status="answered", answered_at=PAST)
    not_due = await make_supervision(w, due_at=FUTURE)
    summary = await escalate_overdue(now=NOW)
    flags = await overdue_flags(SupervisionRecord)
    assert flags == {late["id"]: True, answered["id"]: False, not_due["id"]: False}
    rows = await reminders()
    assert staff_names(w, rows) == ["zhao"]
    assert rows[0]["slot"] == f"overdue:supervision:{late['id']}"
    assert "社区服务站" in rows[0]["message"]
    assert summary.supervision_records == 1
    again = await escalate_overdue(now=NOW)
    assert again.supervision_records == 0 and await Reminder.count().run() == 1


async def test_diary_follow_ups_that_fall_due_remind_their_author_once() -> None:
    w = await world()
    today = NOW.date()
    due_today = await make_diary(w, "wang", follow_up_due=today)
    overdue_recent = await make_diary(w, "li", "A1-2", follow_up_due=today - dt.timedelta(days=2))
    await make_diary(w, "wang", follow_up_due=today + dt.timedelta(days=1))
    await make_diary(
        w, "wang", follow_up_due=today - dt.timedelta(days=FOLLOW_UP_LOOKBACK_DAYS + 1)
    )
    await make_diary(w, "wang", follow_up_due=None)
    done = await make_work(w, due_at=None, status="closed", closed_at=PAST)
    await make_diary(w, "chen", "A2-1", follow_up_due=today, work_item=done)
    summary = await escalate_overdue(now=NOW)
    rows = await reminders()
    assert {(row["slot"], row["date"]) for row in rows} == {
        (f"follow_up:diary:{due_today['id']}", today),
        (f"follow_up:diary:{overdue_recent['id']}", today - dt.timedelta(days=2)),
    }
    assert staff_names(w, rows) == ["li", "wang"]
    assert summary.diary_follow_ups == 2
    again = await escalate_overdue(now=NOW + dt.timedelta(hours=3))
    assert again.diary_follow_ups == 0 and await Reminder.count().run() == 2


async def test_the_escalation_task_runs_on_the_in_memory_broker(broker: InMemoryBroker) -> None:
    w = await world()
    late = await make_work(w, due_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5))
    await escalate.kiq()
    await escalate.kiq()
    await broker.wait_all()
    assert (await overdue_flags(WorkItem))[late["id"]] is True
    assert staff_names(w, await reminders()) == ["wang", "zhao"]
