"""The platform as deployed: 2 web processes, 2 taskiq workers, 2 schedulers (one of them
started by mistake), one PostgreSQL, one Redis — the load is served and no reminder,
escalation notice or rollup row is produced twice.

The schedules fire within the test: reminders and the nightly rollup at the next whole
minute, escalation and webhook delivery every minute (interval jobs also fire when a
scheduler starts). Both schedulers send every job; the workers run the duplicates side by
side. Bounded: under two minutes (at most ~80 s waiting for the minute).
"""

from __future__ import annotations

import ast
import asyncio
import datetime as dt
import json
import re
import statistics
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from redis.asyncio import Redis

from app.crud import insert_row
from app.worker import queue_name
from tables.assessment import EvaluationRollup
from tables.jobs import JobSchedule, WebhookDelivery, WebhookEndpoint
from tables.system import Reminder
from tables.work import WorkItem
from tests.api.support import make_token
from tests.factories import make_staff
from tests.faults.support import (
    BIN,
    PrivateRedis,
    Processes,
    app_env,
    free_port,
    processes,
    wait_healthy,
)
from tests.jobs.support import (
    WebhookReceiver,
    clear_of_midnight,
    local,
    make_check_in,
    make_work,
    world,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
CLIENTS = 32
LEAD = dt.timedelta(seconds=15)  # time to start every process before the minute fires
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture
def private_redis(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrivateRedis]:
    server = PrivateRedis(tmp_path_factory.mktemp("processes-redis"))
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
async def receiver() -> AsyncIterator[WebhookReceiver]:
    with WebhookReceiver() as endpoint:
        yield endpoint


def next_minute(now: dt.datetime) -> dt.datetime:
    """The first whole minute at least LEAD away."""
    minute = (now + LEAD).replace(second=0, microsecond=0) + dt.timedelta(minutes=1)
    return minute


async def seed(receiver: WebhookReceiver, fire_at: dt.datetime) -> dict[str, Any]:
    """Workers due a reminder, overdue work, yesterday's check-ins, the schedules."""
    w = await world()
    grids = list(w.tree.grids.values())
    for index in range(12):
        grid = grids[index % len(grids)]
        community = next(c for c in w.tree.communities.values() if c["id"] == grid["community"])
        w.staff[f"extra{index}"] = await make_staff(
            f"extra{index}", community=community, grids=[grid]
        )
    # The load's own workers check in at once: they are not due a reminder.
    load_staff = []
    for index in range(4):
        grid = w.tree.grids[("A1-1", "A1-2", "A2-1", "A2-2")[index]]
        community = next(c for c in w.tree.communities.values() if c["id"] == grid["community"])
        key = f"load{index}"
        w.staff[key] = await make_staff(key, community=community, grids=[grid])
        await make_check_in(
            w, key, next(k for k, g in w.tree.grids.items() if g is grid), dt.datetime.now(dt.UTC)
        )
        load_staff.append(
            {
                "staff": w.staff[key]["id"],
                "grid": grid["id"],
                "latitude": grid["min_lat"] + 0.002,
                "longitude": grid["min_lon"] + 0.002,
            }
        )
    yesterday = dt.datetime.now(SHANGHAI).date() - dt.timedelta(days=1)
    for key, grid in (("wang", "A1-1"), ("li", "A1-2"), ("chen", "A2-1"), ("zhou", "B1-1")):
        await make_check_in(w, key, grid, local(yesterday, 9))
    overdue = dt.datetime.now(dt.UTC) - dt.timedelta(hours=2)
    for assignee in ("wang", "li", "chen"):
        await make_work(
            w,
            community="A1" if assignee != "chen" else "A2",
            grid={"wang": "A1-1", "li": "A1-2", "chen": "A2-1"}[assignee],
            assignee=assignee,
            due_at=overdue,
            title=f"逾期事项 {assignee}",
        )
    await insert_row(
        WebhookEndpoint, {"name": "短信网关", "url": receiver.url, "secret": "x" * 32, "events": []}
    )
    at = fire_at.astimezone(SHANGHAI).time()
    for job, at_time, every, enabled in (
        ("check_in_reminder", at, None, True),
        ("daily_rollup", at, None, True),
        ("overdue_escalation", None, 1, True),
        ("webhook_delivery", None, 1, True),
        ("monthly_rollup", dt.time(2, 0), None, False),
    ):
        await insert_row(
            JobSchedule,
            {
                "job": job,
                "at_time": at_time,
                "every_minutes": every,
                "enabled": enabled,
                "updated_at": dt.datetime.now(dt.UTC),
            },
        )
    due = {
        w.staff[k]["id"] for k in ("wang", "li", "chen", "zhou", *(f"extra{i}" for i in range(12)))
    }
    return {
        "token": await make_token(w.tree, street="A"),
        "load_staff": load_staff,
        "due": due,
        "yesterday": yesterday,
        "slot": f"check_in@{at:%H:%M}",
    }


def start_everything(group: Processes, redis_url: str) -> list[str]:
    env = app_env(REDIS_URL=redis_url, DB_POOL_MAX="10")
    bases = [group.uvicorn(f"web{i}", free_port(), env) for i in (1, 2)]
    taskiq = str(BIN / "taskiq")
    for i in (1, 2):
        group.start(
            f"worker{i}",
            [
                taskiq,
                "worker",
                "app.worker:broker",
                "app.jobs.tasks",
                "--workers",
                "1",
                "--log-level",
                "INFO",
            ],
            env,
        )
    for name in ("scheduler", "second-scheduler-by-mistake"):
        group.start(
            name,
            [
                taskiq,
                "scheduler",
                "app.worker:scheduler",
                "app.jobs.tasks",
                "--update-interval",
                "30",
                "--log-level",
                "INFO",
            ],
            env,
        )
    return bases


async def serve_load(
    bases: list[str], seed_data: dict[str, Any], until: float
) -> list[tuple[str, int, float]]:
    """CLIENTS clients, spread over the web processes, list grids and post check-ins until
    `until` (monotonic); (base, status, seconds) of every request."""
    answers: list[tuple[str, int, float]] = []
    headers = {"Authorization": f"Bearer {seed_data['token']}"}
    limits = httpx.Limits(max_connections=CLIENTS * 2)
    clients = [
        httpx.AsyncClient(base_url=b, headers=headers, timeout=30, limits=limits) for b in bases
    ]

    async def client(number: int) -> None:
        http = clients[number % len(clients)]
        sequence = 0
        while time.monotonic() < until:
            sequence += 1
            started = time.monotonic()
            if sequence % 2:
                response = await http.get("/api/v1/grids", params={"page_size": 50})
            else:
                body = seed_data["load_staff"][number % len(seed_data["load_staff"])]
                response = await http.post(
                    "/api/v1/check-ins", json={**body, "note": f"{number}-{sequence}"}
                )
            answers.append((str(http.base_url), response.status_code, time.monotonic() - started))

    try:
        await asyncio.gather(*(client(n) for n in range(CLIENTS)))
    finally:
        for http in clients:
            await http.aclose()
    return answers


def done(group: Processes, job: str) -> list[dict[str, Any]]:
    """The summaries of `job` the workers logged (`job <name> done pid=… {…}`)."""
    found = []
    for name in ("worker1", "worker2"):
        for text in re.findall(rf"job {job} done pid=\d+ (\{{.*\}})", group.log(name)):
            found.append(ast.literal_eval(text))  # the repr of a dict of plain values
    return found


def sent(group: Processes, task: str) -> int:
    return sum(
        group.log(name).count(f"Sending task {task}")
        for name in ("scheduler", "second-scheduler-by-mistake")
    )


async def wait_for(condition: Any, seconds: float, message: str) -> None:
    deadline = time.monotonic() + seconds
    while not await condition():
        assert time.monotonic() < deadline, message
        await asyncio.sleep(0.5)


async def test_two_web_two_workers_two_schedulers_serve_load_and_do_everything_once(
    private_redis: PrivateRedis, receiver: WebhookReceiver, tmp_path: Path
) -> None:
    # Today and yesterday must not change under the test (a wait only in the last 100 s).
    await clear_of_midnight(dt.timedelta(seconds=100))
    fire_at = next_minute(dt.datetime.now(dt.UTC))
    seed_data = await seed(receiver, fire_at)
    try:
        with processes(tmp_path) as group:
            bases = start_everything(group, private_redis.url)
            for base in bases:
                await wait_healthy(base)
            fire_in = (fire_at - dt.datetime.now(dt.UTC)).total_seconds()
            started = time.monotonic()
            answers = await serve_load(bases, seed_data, started + fire_in + 8)
            seed_data["load_seconds"] = time.monotonic() - started
            await check_outcomes(group, seed_data, answers, receiver)
            for name, process in group.started:
                assert process.poll() is None, f"{name} died:\n{group.log(name)[-2000:]}"
    finally:
        async with Redis.from_url(private_redis.url) as redis:
            await redis.delete(queue_name())


async def check_outcomes(
    group: Processes,
    seed_data: dict[str, Any],
    answers: list[tuple[str, int, float]],
    receiver: WebhookReceiver,
) -> None:
    # The load: served by both processes, without an error.
    assert answers and all(status < 300 for _, status, _ in answers), {
        status for _, status, _ in answers
    }
    per_process = {base: sum(1 for b, _, _ in answers if b == base) for base, _, _ in answers}
    assert len(per_process) == 2 and min(per_process.values()) > 0

    async def everything_ran() -> bool:
        rounds = done(group, "check_in_reminders")
        rollups = done(group, "daily_rollup")
        return len([r for r in rounds if r["slot"] == seed_data["slot"]]) >= 2 and len(rollups) >= 2

    await wait_for(everything_ran, 40, "the fired jobs did not all run")

    # Reminders: both schedulers fired the round, each due worker got one reminder.
    assert sent(group, "grid.check_in_reminders") >= 2
    rows = await Reminder.select(Reminder.staff).where(Reminder.slot == seed_data["slot"]).run()
    reminded = [row["staff"] for row in rows]
    assert sorted(reminded) == sorted(seed_data["due"]), (len(reminded), len(seed_data["due"]))
    rounds = [r for r in done(group, "check_in_reminders") if r["slot"] == seed_data["slot"]]
    assert sum(r["created"] for r in rounds) == len(seed_data["due"])

    # Escalation: fired by both schedulers at start (and each minute); one notice per item.
    assert sent(group, "grid.escalate_overdue") >= 2
    notices = (
        await Reminder.select(Reminder.staff, Reminder.slot)
        .where(Reminder.slot.like("overdue:work:%"))
        .run()
    )
    # The assignee and the community's admins: wang, li → zhao (A1); chen → sun (A2).
    assert len(notices) == 6 and len({(n["staff"], n["slot"]) for n in notices}) == 6
    escalations = done(group, "escalate_overdue")
    assert len(escalations) >= 2 and sum(e["notices"] for e in escalations) == 6
    assert await WorkItem.count().where(WorkItem.overdue.eq(True)).run() == 3

    # Nightly rollup: run twice, rows written once (the second run finds them unchanged).
    rollups = done(group, "daily_rollup")
    stored = (
        await EvaluationRollup.count()
        .where(
            (EvaluationRollup.period_kind == "day")
            & (EvaluationRollup.period_start == seed_data["yesterday"])
        )
        .run()
    )
    assert stored > 0 and sum(r["inserted"] for r in rollups) == stored
    assert sorted(r["unchanged"] for r in rollups)[-1] == stored

    # Webhooks: one POST per notice, whoever ran what.
    async def delivered() -> bool:
        return (
            len(await WebhookDelivery.select().where(WebhookDelivery.status == "delivered").run())
            >= len(seed_data["due"]) + 3
        )

    await wait_for(delivered, 30, "webhooks were not delivered")
    deliveries = await WebhookDelivery.select().run()
    ids = [r["json"]["reminder_id"] for r in receiver.requests]
    assert len(ids) == len(set(ids)) == len(deliveries)

    latencies = sorted(seconds for _, _, seconds in answers)
    report = {
        "web_processes": 2,
        "workers": 2,
        "schedulers": 2,
        "clients": CLIENTS,
        "requests": len(answers),
        "requests_per_second": round(len(answers) / seed_data["load_seconds"], 1),
        "per_process": list(per_process.values()),
        "p50_ms": round(statistics.median(latencies) * 1000, 1),
        "p95_ms": round(latencies[int(len(latencies) * 0.95)] * 1000, 1),
        "reminders": len(reminded),
        "reminder_rounds_run": len(rounds),
        "escalation_runs": len(escalations),
        "rollup_runs": len(rollups),
        "rollup_rows": stored,
        "webhooks": len(ids),
    }
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "many-processes.json").write_text(json.dumps(report, indent=2))
    print("many processes:", report, file=sys.stderr)
