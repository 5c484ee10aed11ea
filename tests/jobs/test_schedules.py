"""Schedules in the database: defaults, validation, the Taskiq source, and a running
scheduler that picks up a changed reminder time."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import pytest
from taskiq import InMemoryBroker

from app.crud import insert_row
from app.errors import Conflict, NotFound, ValidationFailed
from app.jobs.lifespan import jobs_lifespan, run_scheduler_in_process
from app.jobs.schedules import (
    DatabaseScheduleSource,
    create_job_schedule,
    create_rest_day,
    effective_schedules,
    ensure_default_schedules,
    update_job_schedule,
)
from app.jobs.schemas import JobScheduleCreate, JobScheduleUpdate, RestDayCreate
from tables.jobs import JobSchedule, RestDay
from tables.system import Reminder
from tests.jobs.support import SHANGHAI, clear_of_midnight, reminders, world


def by_task(tasks: list[Any]) -> dict[str, list[Any]]:
    grouped: dict[str, list[Any]] = {}
    for task in tasks:
        grouped.setdefault(task.task_name, []).append(task)
    return grouped


async def test_without_rows_the_defaults_run_reminders_at_ten_and_three_local_time() -> None:
    tasks = by_task(await DatabaseScheduleSource().get_schedules())
    reminders_ = tasks["grid.check_in_reminders"]
    assert sorted(t.cron for t in reminders_) == ["0 10 * * *", "0 15 * * *"]
    assert {t.cron_offset for t in reminders_} == {"Asia/Shanghai"}
    assert sorted(t.kwargs["at"] for t in reminders_) == ["10:00", "15:00"]
    assert tasks["grid.monthly_rollup"][0].cron == "0 2 1 * *"  # on the 1st, for last month
    assert tasks["grid.daily_rollup"][0].cron == "0 1 * * *"
    assert tasks["grid.escalate_overdue"][0].interval == dt.timedelta(minutes=10)
    assert tasks["grid.deliver_webhooks"][0].interval == dt.timedelta(minutes=1)


async def test_default_rows_are_written_once_for_officials_to_edit() -> None:
    assert await ensure_default_schedules() == 6
    assert await ensure_default_schedules() == 0
    rows = await JobSchedule.select().run()
    assert len(rows) == 6 and all(row["street"] is None for row in rows)
    assert len(await effective_schedules()) == 6  # rows replace the defaults in code


async def test_a_district_row_replaces_the_default_times_of_its_job() -> None:
    await create_job_schedule(JobScheduleCreate(job="check_in_reminder", at_time=dt.time(9, 0)))
    tasks = by_task(await DatabaseScheduleSource().get_schedules())
    assert [t.kwargs["at"] for t in tasks["grid.check_in_reminders"]] == ["09:00"]


async def test_a_street_row_adds_its_own_round_and_disabled_rows_do_not_run() -> None:
    w = await world()
    street = w.tree.streets["A"]["id"]
    await create_job_schedule(
        JobScheduleCreate(job="check_in_reminder", street=street, at_time=dt.time(8, 45))
    )
    off = await create_job_schedule(JobScheduleCreate(job="daily_rollup", at_time=dt.time(3, 0)))
    await update_job_schedule(off["id"], JobScheduleUpdate(enabled=False))
    tasks = by_task(await DatabaseScheduleSource().get_schedules())
    rounds = {(t.kwargs["at"], t.kwargs["street_id"]) for t in tasks["grid.check_in_reminders"]}
    assert rounds == {("08:45", street), ("10:00", None), ("15:00", None)}
    # The only district-wide daily rollup row is switched off: no nightly rollup runs.
    assert "grid.daily_rollup" not in tasks


async def test_the_source_stamps_each_run_with_the_moment_it_fired() -> None:
    source = DatabaseScheduleSource()
    task = (await source.get_schedules())[0]
    before = dt.datetime.now(dt.UTC)
    source.pre_send(task)
    fired = dt.datetime.fromisoformat(task.kwargs["fired_at"])
    assert before <= fired <= dt.datetime.now(dt.UTC)


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"job": "nap"}, "job"),
        ({"job": "daily_rollup"}, "at_time"),
        ({"job": "daily_rollup", "at_time": dt.time(1), "every_minutes": 5}, "at_time"),
        ({"job": "daily_rollup", "at_time": dt.time(1, 0, 30)}, "at_time"),
        ({"job": "overdue_escalation", "every_minutes": 0}, "every_minutes"),
        ({"job": "overdue_escalation", "every_minutes": 2000}, "every_minutes"),
    ],
)
async def test_a_bad_schedule_is_refused_and_nothing_written(
    values: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationFailed) as exc:
        await create_job_schedule(JobScheduleCreate(**values))
    assert exc.value.field == field
    assert await JobSchedule.count().run() == 0


async def test_streets_are_only_for_reminders_and_must_exist() -> None:
    w = await world()
    with pytest.raises(ValidationFailed) as exc:
        await create_job_schedule(
            JobScheduleCreate(
                job="daily_rollup", street=w.tree.streets["A"]["id"], at_time=dt.time(1)
            )
        )
    assert exc.value.field == "street"
    with pytest.raises(NotFound) as missing:
        await create_job_schedule(
            JobScheduleCreate(job="check_in_reminder", street=999999, at_time=dt.time(9))
        )
    assert missing.value.field == "street"
    assert await JobSchedule.count().run() == 0


async def test_the_same_time_twice_is_refused() -> None:
    await create_job_schedule(JobScheduleCreate(job="check_in_reminder", at_time=dt.time(10)))
    with pytest.raises(Conflict) as exc:
        await create_job_schedule(JobScheduleCreate(job="check_in_reminder", at_time=dt.time(10)))
    assert exc.value.field == "at_time"
    assert await JobSchedule.count().run() == 1


async def test_rest_days_are_unique() -> None:
    await create_rest_day(RestDayCreate(day=dt.date(2026, 10, 1), name="国庆节"))
    with pytest.raises(Conflict) as exc:
        await create_rest_day(RestDayCreate(day=dt.date(2026, 10, 1)))
    assert exc.value.field == "day"
    assert await RestDay.count().run() == 1


async def wait_for(condition: Any, seconds: float) -> bool:
    deadline = asyncio.get_running_loop().time() + seconds
    while asyncio.get_running_loop().time() < deadline:
        if await condition():
            return True
        await asyncio.sleep(0.2)
    return False


async def test_a_running_scheduler_picks_up_a_changed_reminder_time(broker: InMemoryBroker) -> None:
    """The scheduler loop runs as in `make run`; an official moves the reminder to this very
    minute and the round fires without a restart (update interval shortened from 60 s)."""
    from app.worker import scheduler

    w = await world()
    await clear_of_midnight(dt.timedelta(minutes=2))
    now = dt.datetime.now(SHANGHAI)
    if now.second >= 50:  # leave the minute enough time to fire in
        await asyncio.sleep(61 - now.second)
        now = dt.datetime.now(SHANGHAI)
    far = (now + dt.timedelta(hours=6)).time().replace(second=0, microsecond=0)
    row = await insert_row(JobSchedule, {"job": "check_in_reminder", "at_time": far})
    loop_task = asyncio.create_task(
        run_scheduler_in_process(scheduler, update_interval=dt.timedelta(seconds=1))
    )
    try:
        await asyncio.sleep(2.5)
        assert await Reminder.count().run() == 0  # nothing is due at the old time
        this_minute = now.time().replace(second=0, microsecond=0)
        await update_job_schedule(row["id"], JobScheduleUpdate(at_time=this_minute))

        async def reminded() -> bool:
            await broker.wait_all()
            return await Reminder.count().run() == 4

        assert await wait_for(reminded, 8), "the changed time was not picked up"
    finally:
        loop_task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await loop_task
    rows = await reminders()
    assert {row["slot"] for row in rows} == {f"check_in@{this_minute:%H:%M}"}
    assert {row["staff"] for row in rows} == {
        w.staff[n]["id"] for n in ("wang", "li", "chen", "zhou")
    }


async def test_the_app_lifespan_starts_and_stops_the_in_process_scheduler(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import app.worker

    own_broker = InMemoryBroker()  # the shared test broker must outlive this app
    monkeypatch.setattr(app.worker, "broker", own_broker)
    monkeypatch.setattr(app.worker, "scheduler", app.worker.build_scheduler(own_broker))
    async with jobs_lifespan(None):
        await asyncio.sleep(0.5)
        # The source's startup wrote the defaults for officials to see in the admin.
        assert await JobSchedule.count().run() == 6
    assert app.worker.DB.pool is not None  # the app's pool is the app's to close
