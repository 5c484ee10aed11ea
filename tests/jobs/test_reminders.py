"""Check-in reminders: who is reminded, once per slot, and what prevents a reminder."""

from __future__ import annotations

import asyncio
import datetime as dt
import json

import pytest
from taskiq import InMemoryBroker

from app.crud import insert_row, update_row
from app.daily.schemas import CheckInCreate
from app.daily.services import check_in, local_today
from app.errors import Forbidden, ValidationFailed
from app.jobs.common import fired_moment
from app.jobs.reminders import mark_reminder_read, reminders_for, send_check_in_reminders
from app.jobs.tasks import check_in_reminders
from tables.jobs import JobSchedule, RestDay, WebhookDelivery, WebhookEndpoint
from tables.people import StaffMember
from tables.system import AuditLog, Reminder
from tests.jobs.support import (
    clear_of_midnight,
    local,
    make_check_in,
    make_leave,
    reminders,
    staff_names,
    world,
)

DAY = dt.date(2026, 10, 12)
AT_TEN = local(DAY, 10, 0)
GRID_WORKERS = ["chen", "li", "wang", "zhou"]


async def test_a_round_reminds_every_active_grid_worker_without_a_counted_check_in() -> None:
    w = await world()
    result = await send_check_in_reminders(DAY, "10:00", now=AT_TEN)
    rows = await reminders()
    # Admins and volunteers without a grid assignment have no check-in duty.
    assert staff_names(w, rows) == GRID_WORKERS
    assert result.created == 4 and result.slot == "check_in@10:00" and result.day == DAY
    assert {(r["date"], r["slot"], r["channel"], r["status"]) for r in rows} == {
        (DAY, "check_in@10:00", "in_app", "sent")
    }
    wang = next(r for r in rows if r["staff"] == w.staff["wang"]["id"])
    assert "wang" in wang["message"] and "2026-10-12" in wang["message"]


async def test_running_the_same_round_twice_creates_nothing_the_second_time() -> None:
    w = await world()
    first = await send_check_in_reminders(DAY, "10:00", now=AT_TEN)
    before = await reminders()
    second = await send_check_in_reminders(DAY, "10:00", now=AT_TEN + dt.timedelta(minutes=1))
    assert (first.created, second.created) == (4, 0)
    assert await reminders() == before
    assert staff_names(w, before) == GRID_WORKERS


async def test_two_rounds_racing_create_each_reminder_once() -> None:
    await world()
    results = await asyncio.gather(
        *(send_check_in_reminders(DAY, "10:00", now=AT_TEN) for _ in range(4))
    )
    assert sum(r.created for r in results) == 4
    assert await Reminder.count().run() == 4


async def test_a_counted_check_in_before_the_round_prevents_the_reminder() -> None:
    w = await world()
    await make_check_in(w, "wang", "A1-1", local(DAY, 8, 40))
    await send_check_in_reminders(DAY, "10:00", now=AT_TEN)
    assert staff_names(w, await reminders()) == ["chen", "li", "zhou"]


async def test_a_check_in_outside_the_grid_does_not_prevent_the_reminder() -> None:
    w = await world()
    await make_check_in(w, "wang", "A1-1", local(DAY, 8, 40), counted=False)
    await send_check_in_reminders(DAY, "10:00", now=AT_TEN)
    assert "wang" in staff_names(w, await reminders())


async def test_the_afternoon_round_reminds_only_those_still_not_checked_in() -> None:
    w = await world()
    await send_check_in_reminders(DAY, "10:00", now=AT_TEN)
    await make_check_in(w, "li", "A1-2", local(DAY, 11, 5))
    result = await send_check_in_reminders(DAY, "15:00", now=local(DAY, 15, 0))
    assert result.created == 3
    assert staff_names(w, await reminders("check_in@15:00")) == ["chen", "wang", "zhou"]
    assert staff_names(w, await reminders("check_in@10:00")) == GRID_WORKERS


async def test_staff_on_leave_that_day_are_not_reminded_both_ends_inclusive() -> None:
    w = await world()
    await make_leave(w, "wang", DAY - dt.timedelta(days=3), DAY)
    await make_leave(w, "li", DAY, DAY + dt.timedelta(days=2))
    await make_leave(w, "chen", DAY + dt.timedelta(days=1), DAY + dt.timedelta(days=5))
    await send_check_in_reminders(DAY, "10:00", now=AT_TEN)
    assert staff_names(w, await reminders()) == ["chen", "zhou"]


async def test_inactive_staff_are_not_reminded() -> None:
    w = await world()
    await update_row(StaffMember, w.staff["zhou"]["id"], {"active": False})
    await send_check_in_reminders(DAY, "10:00", now=AT_TEN)
    assert "zhou" not in staff_names(w, await reminders())


async def test_nobody_is_reminded_on_a_rest_day() -> None:
    await world()
    await insert_row(RestDay, {"day": DAY, "name": "调休"})
    result = await send_check_in_reminders(DAY, "10:00", now=AT_TEN)
    assert result.created == 0 and await Reminder.count().run() == 0


async def test_a_round_for_a_day_that_is_over_does_nothing() -> None:
    await world()
    next_morning = local(DAY + dt.timedelta(days=1), 0, 5)
    result = await send_check_in_reminders(DAY, "15:00", now=next_morning)
    assert result.created == 0 and await Reminder.count().run() == 0


async def test_the_local_day_decides_around_midnight() -> None:
    """Fired at 00:30 Shanghai (16:30 UTC the day before): the round is for the new day,
    a check-in at 00:10 local counts for it, one at 23:50 the evening before does not."""
    w = await world()
    fired = fired_moment("2026-10-11T16:30:00+00:00")
    day = fired.astimezone(local(DAY).tzinfo).date()
    assert day == DAY
    grid = w.tree.grids["A1-1"]
    inside = {"longitude": grid["min_lon"] + 0.001, "latitude": grid["min_lat"] + 0.001}
    grid_b = w.tree.grids["B1-1"]
    inside_b = {"longitude": grid_b["min_lon"] + 0.001, "latitude": grid_b["min_lat"] + 0.001}
    after_midnight = dt.datetime(2026, 10, 11, 16, 10, tzinfo=dt.UTC)
    before_midnight = dt.datetime(2026, 10, 11, 15, 50, tzinfo=dt.UTC)
    await check_in(
        CheckInCreate(staff=w.staff["wang"]["id"], grid=grid["id"], at=after_midnight, **inside)
    )
    await check_in(
        CheckInCreate(
            staff=w.staff["zhou"]["id"], grid=grid_b["id"], at=before_midnight, **inside_b
        )
    )
    await send_check_in_reminders(day, "00:30", now=fired)
    names = staff_names(w, await reminders())
    assert "wang" not in names
    assert "zhou" in names


async def test_a_street_with_its_own_times_is_left_out_of_the_district_round() -> None:
    w = await world()
    street_a = w.tree.streets["A"]["id"]
    await insert_row(
        JobSchedule, {"job": "check_in_reminder", "street": street_a, "at_time": dt.time(9, 30)}
    )
    district = await send_check_in_reminders(DAY, "10:00", now=AT_TEN)
    assert district.created == 1
    assert staff_names(w, await reminders("check_in@10:00")) == ["zhou"]
    own = await send_check_in_reminders(DAY, "09:30", street_id=street_a, now=local(DAY, 9, 30))
    assert own.created == 3
    assert staff_names(w, await reminders("check_in@09:30")) == ["chen", "li", "wang"]


async def test_a_reminder_time_must_be_whole_minutes() -> None:
    await world()
    with pytest.raises(ValidationFailed) as exc:
        await send_check_in_reminders(DAY, "10:00:30", now=AT_TEN)
    assert exc.value.field == "at"
    with pytest.raises(ValidationFailed) as exc:
        await send_check_in_reminders(DAY, "ten", now=AT_TEN)
    assert exc.value.field == "at"
    assert await Reminder.count().run() == 0


async def test_webhooks_are_queued_for_new_reminders_only() -> None:
    w = await world()
    hook = await insert_row(
        WebhookEndpoint,
        {"name": "短信网关", "url": "http://127.0.0.1:9/sms", "secret": "s" * 32, "events": []},
    )
    await insert_row(
        WebhookEndpoint,
        {
            "name": "只收逾期",
            "url": "http://127.0.0.1:9/overdue",
            "secret": "t" * 32,
            "events": ["escalation.work_item"],
        },
    )
    await insert_row(
        WebhookEndpoint,
        {"name": "停用", "url": "http://127.0.0.1:9/off", "secret": "u" * 32, "active": False},
    )
    first = await send_check_in_reminders(DAY, "10:00", now=AT_TEN)
    second = await send_check_in_reminders(DAY, "10:00", now=AT_TEN)
    assert (first.webhooks_queued, second.webhooks_queued) == (4, 0)
    deliveries = await WebhookDelivery.select().run()
    assert len(deliveries) == 4
    assert {d["endpoint"] for d in deliveries} == {hook["id"]}
    assert {d["event"] for d in deliveries} == {"reminder.check_in"}
    payload = json.loads(deliveries[0]["payload"])
    assert payload["event"] == "reminder.check_in" and payload["slot"] == "check_in@10:00"
    assert payload["staff"]["name"] in {"wang", "li", "chen", "zhou"}
    assert payload["staff"]["phone"] == "13800138000"  # what an SMS gateway needs
    assert staff_names(w, await reminders()) == GRID_WORKERS


async def test_the_task_on_the_in_memory_broker_reminds_for_the_day_it_was_fired(
    broker: InMemoryBroker,
) -> None:
    w = await world()
    await clear_of_midnight()
    fired = dt.datetime.now(dt.UTC).isoformat()
    await check_in_reminders.kiq(at="10:00", fired_at=fired)
    await check_in_reminders.kiq(at="10:00", fired_at=fired)  # a second scheduler firing
    await broker.wait_all()
    rows = await reminders()
    assert staff_names(w, rows) == GRID_WORKERS
    assert {row["date"] for row in rows} == {local_today()}


async def test_staff_read_their_own_notices_only() -> None:
    w = await world()
    await send_check_in_reminders(DAY, "10:00", now=AT_TEN)
    mine = await reminders_for(w.staff["wang"]["id"])
    assert len(mine) == 1
    with pytest.raises(Forbidden) as exc:
        await mark_reminder_read(mine[0]["id"], w.staff["li"]["id"])
    assert exc.value.field == "reminder"
    assert (await reminders_for(w.staff["wang"]["id"], unread_only=True)) == mine
    read = await mark_reminder_read(mine[0]["id"], w.staff["wang"]["id"])
    assert read["status"] == "read"
    assert await reminders_for(w.staff["wang"]["id"], unread_only=True) == []
    assert len(await reminders_for(w.staff["wang"]["id"], since=DAY)) == 1
    assert await reminders_for(w.staff["wang"]["id"], since=DAY + dt.timedelta(days=1)) == []


async def test_every_reminder_of_a_round_and_its_reading_are_in_the_audit_trail() -> None:
    """A round's inserts are audited set-based (one trigger per statement), one audit row
    per reminder with the row as it was written; reading one is audited with its actor."""
    w = await world()
    sent = await send_check_in_reminders(DAY, "10:00", now=AT_TEN)
    rows = await Reminder.select().where(Reminder.date == DAY).run()
    assert sent.created == len(rows) == len(GRID_WORKERS)
    trail = (
        await AuditLog.select()
        .where((AuditLog.table_name == "reminder") & (AuditLog.action == "INSERT"))
        .run()
    )
    by_row = {entry["row_id"]: entry for entry in trail}
    assert sorted(by_row) == sorted(r["id"] for r in rows) and len(trail) == len(rows)
    for row in rows:
        after = by_row[row["id"]]["after"]
        after = json.loads(after) if isinstance(after, str) else after
        assert (after["staff"], after["slot"], after["message"]) == (
            row["staff"],
            row["slot"],
            row["message"],
        )
        assert by_row[row["id"]]["actor_id"] is None  # the scheduler, not a person

    wang = w.staff["wang"]["id"]
    mine = await reminders_for(wang)
    await mark_reminder_read(mine[0]["id"], wang, actor_id=w.staff["wang"]["user"])
    update = (
        await AuditLog.select()
        .where((AuditLog.table_name == "reminder") & (AuditLog.action == "UPDATE"))
        .run()
    )
    assert [(u["row_id"], u["actor_id"]) for u in update] == [
        (mine[0]["id"], w.staff["wang"]["user"])
    ]
