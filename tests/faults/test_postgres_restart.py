"""PostgreSQL restarted under load: nothing answered 2xx is lost, failures are 503 with
Retry-After, and the app recovers by itself.

A real uvicorn process serves the app from an embedded PostgreSQL of this test's own (never
the machine's); 64 clients POST check-ins through /api/v1 while the server is stopped (fast
shutdown: every session is terminated), left down for two seconds and started again.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest

from app.database import create_database
from app.settings import ROOT
from tests.faults.support import (
    EmbeddedPostgres,
    Processes,
    app_env,
    free_port,
    processes,
    run_python,
    wait_healthy,
)

CLIENTS = 64
WARM_UP = 3.0  # seconds of load before the restart
DOWN = 2.0  # seconds the server stays down
AFTER = 12.0  # seconds of load after it is back
RECOVERY_LIMIT = 10.0

SEED = """
import asyncio, json
from piccolo.apps.user.tables import BaseUser
BaseUser._pbkdf2_iteration_count = 1_000
from app.database import apply_migrations

async def main():
    await apply_migrations()
    from tests.api.support import make_token
    from tests.factories import area_tree, make_staff
    tree = await area_tree()
    staff = []
    for i in range(8):
        key = ("A1-1", "A1-2", "A2-1", "A2-2")[i % 4]
        grid = tree.grids[key]
        row = await make_staff(f"wg{i}", community=tree.communities[key[:2]], grids=[grid])
        staff.append({"staff": row["id"], "grid": grid["id"],
                      "latitude": grid["min_lat"] + 0.002, "longitude": grid["min_lon"] + 0.002})
    print("SEED:" + json.dumps({"token": await make_token(tree, street="A"), "staff": staff}))

asyncio.run(main())
"""


@dataclass
class Answer:
    client: int
    note: str
    started: float
    ended: float
    status: int | None  # None: no HTTP answer at all
    retry_after: str | None = None
    problem_type: str | None = None
    row_id: int | None = None
    error: str | None = None


@pytest.fixture
def postgres(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedPostgres]:
    server = EmbeddedPostgres(tmp_path_factory.mktemp("fault-pg") / "pg")
    try:
        server.start()
        yield server
    finally:
        server.destroy()


@pytest.fixture
async def app_on_postgres(
    postgres: EmbeddedPostgres, tmp_path: Path
) -> AsyncIterator[tuple[str, str, dict[str, Any], Processes]]:
    """(base URL of a uvicorn process, database URL, seed, its processes) on the embedded
    server."""
    url = await create_database(postgres.url("postgres"), "grid")
    env = app_env(DATABASE_URL=url, DB_POOL_MAX="20")
    out = await asyncio.to_thread(run_python, SEED, env)
    seed = json.loads(next(line[5:] for line in out.splitlines() if line.startswith("SEED:")))
    with processes(tmp_path) as group:
        base = group.uvicorn("web", free_port(), env)
        await wait_healthy(base)
        yield base, url, seed, group
        _assert_alive(group)


def _assert_alive(group: Processes) -> None:
    for name, process in group.started:
        assert process.poll() is None, f"{name} died:\n{group.log(name)[-3000:]}"


async def post_check_ins(
    base: str, seed: dict[str, Any], stop: asyncio.Event, answers: list[Answer]
) -> None:
    limits = httpx.Limits(max_connections=CLIENTS, max_keepalive_connections=CLIENTS)
    headers = {"Authorization": f"Bearer {seed['token']}"}
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=20, headers=headers) as http:

        async def client(number: int) -> None:
            sequence = 0
            while not stop.is_set():
                sequence += 1
                note = f"client{number}-{sequence}"
                body = {**seed["staff"][number % len(seed["staff"])], "note": note}
                started = time.monotonic()
                try:
                    response = await http.post("/api/v1/check-ins", json=body)
                except httpx.HTTPError as exc:
                    answers.append(
                        Answer(number, note, started, time.monotonic(), None, error=repr(exc))
                    )
                    await asyncio.sleep(0.05)
                    continue
                answer = Answer(number, note, started, time.monotonic(), response.status_code)
                if response.is_success:
                    answer.row_id = response.json()["id"]
                else:
                    answer.retry_after = response.headers.get("retry-after")
                    if response.headers.get("content-type", "").startswith(
                        "application/problem+json"
                    ):
                        answer.problem_type = response.json().get("type")
                    await asyncio.sleep(0.05)
                answers.append(answer)

        await asyncio.gather(*(client(n) for n in range(CLIENTS)))


@pytest.mark.parametrize("mode", ["fast", "immediate"], ids=["restart", "crash"])
async def test_postgres_restart_loses_no_acknowledged_check_in_and_heals_itself(
    postgres: EmbeddedPostgres,
    app_on_postgres: tuple[str, str, dict[str, Any], Processes],
    mode: str,
) -> None:
    """`fast`: sessions terminated, clean shutdown; `immediate`: killed, crash recovery."""
    base, url, seed, group = app_on_postgres
    answers: list[Answer] = []
    stop = asyncio.Event()
    load = asyncio.create_task(post_check_ins(base, seed, stop, answers))
    try:
        await asyncio.sleep(WARM_UP)
        went_down = time.monotonic()
        await asyncio.to_thread(postgres.stop, mode)
        await asyncio.sleep(DOWN)
        await asyncio.to_thread(postgres.start_again)
        back = time.monotonic()
        await asyncio.sleep(AFTER)
    finally:
        stop.set()
        await load

    ok = [a for a in answers if a.status is not None and 200 <= a.status < 300]
    failed = [a for a in answers if a.status is None or not 200 <= a.status < 300]
    # Every failure is an honest "try again": 503, Retry-After, problem details.
    assert not [a for a in failed if a.status is None], [a.error for a in failed][:5]
    wrong = [
        a
        for a in failed
        if a.status != 503
        or not a.retry_after
        or not str(a.problem_type).endswith("/database-unavailable")
    ]
    assert not wrong, (
        [(a.status, a.retry_after, a.problem_type) for a in wrong[:5]],
        group.log("web")[-6000:],
    )
    assert failed, "no request met the restart: the test did not test anything"
    assert [a for a in ok if a.ended < went_down] and [a for a in ok if a.started > back]

    # Everything answered 2xx is in the database, with what was sent.
    connection = await asyncpg.connect(dsn=url)
    try:
        stored = {
            r["id"]: r["note"] for r in await connection.fetch("SELECT id, note FROM check_in")
        }
    finally:
        await connection.close()
    lost = [a.note for a in ok if stored.get(a.row_id) != a.note]
    assert not lost, lost[:10]

    # Healed by itself: the last failure came soon after the server was back.
    last_failure = max(a.ended for a in failed)
    recovery = max(0.0, last_failure - back)
    assert recovery < RECOVERY_LIMIT, recovery
    async with httpx.AsyncClient(base_url=base) as http:
        assert (await http.get("/health")).status_code == 200

    report = {
        "mode": mode,
        "clients": CLIENTS,
        "requests": len(answers),
        "acknowledged": len(ok),
        "refused_503": len(failed),
        "stored_rows": len(stored),
        "down_seconds": round(back - went_down, 2),
        "recovered_seconds_after_restart": round(recovery, 2),
        "requests_per_second_before": round(
            len([a for a in ok if a.ended < went_down]) / WARM_UP, 1
        ),
    }
    artifacts = ROOT / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    (artifacts / f"fault-postgres-{mode}.json").write_text(json.dumps(report, indent=2))
    print("postgres restart:", report)
