"""Read-only pages served from a real streaming replica (DATABASE_REPLICA_URL).

An embedded primary and a hot standby made from it with `pg_basebackup -R` (this test's own
servers, never the machine's). The app database is created, migrated and seeded on the
primary and streamed to the standby. Two uvicorn processes serve the app: one with
DATABASE_REPLICA_URL, one without. With the standby's replay paused, a row renamed on the
primary shows which server each page read: the routed pages still show the old name, the
same pages without a replica the new one. Once the primary is stopped, the public page is
still served from the standby while a write answers 503.
"""

from __future__ import annotations

import asyncio
import json
import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest

from app.database import create_database
from tests.admin.support import admin_login
from tests.faults.support import (
    EmbeddedPostgres,
    EmbeddedStandby,
    app_env,
    free_port,
    processes,
    run_python,
    wait_healthy,
)

OLD_NAME = "A1社区"
NEW_NAME = "A1社区（已更名）"

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
    grid = tree.grids["A1-1"]
    worker = await make_staff("wg", community=tree.communities["A1"], grids=[grid])
    await make_staff("jd", role="street_official", street=tree.streets["A"])
    print("SEED:" + json.dumps({
        "token": await make_token(tree, street="A"),
        "street": tree.streets["A"]["code"],
        "street_id": tree.streets["A"]["id"],
        "communities": {key: c["code"] for key, c in tree.communities.items()},
        "community_id": tree.communities["A1"]["id"],
        "check_in": {"staff": worker["id"], "grid": grid["id"],
                     "latitude": grid["min_lat"] + 0.002, "longitude": grid["min_lon"] + 0.002},
    }))

asyncio.run(main())
"""

# The app's own code on the standby, without a pool (new connections): a scoped read, and a
# write that must fail as a server-side bug.
ON_THE_STANDBY = """
import asyncio, json
from app.replica import WriteOnReplica, reading_from_replica
from app.scope import SUPERUSER_SCOPE, Level, Scope, scoped_transaction
from tables.areas import Community

async def main():
    scope = Scope(user_id=None, level=Level.community, street_id={street_id},
                  community_id={community_id})
    async with reading_from_replica(), scoped_transaction(scope):
        names = [r["name"] for r in await Community.select(Community.name).run()]
        standby = (await Community.raw("SELECT pg_is_in_recovery() AS r").run())[0]["r"]
    try:
        async with reading_from_replica(), scoped_transaction(SUPERUSER_SCOPE):
            await Community.update({{Community.name: "written"}}, force=True).run()
        write = "accepted"
    except WriteOnReplica:
        write = "WriteOnReplica"
    print("CHECK:" + json.dumps({{"names": names, "standby": standby, "write": write}}))

asyncio.run(main())
"""


@dataclass
class Cluster:
    primary: EmbeddedPostgres
    standby: EmbeddedStandby
    primary_url: str
    standby_url: str
    seed: dict[str, Any]


@pytest.fixture
async def cluster(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Cluster]:
    """A primary with the app database, seeded, and a standby that has replayed all of it."""
    folder = tmp_path_factory.mktemp("replica-pg")
    primary = EmbeddedPostgres(folder / "primary")
    standby = EmbeddedStandby(folder / "standby", primary=primary)
    try:
        await asyncio.to_thread(primary.start)
        await asyncio.to_thread(standby.start)
        url = await create_database(primary.url("postgres"), "grid")
        out = await asyncio.to_thread(run_python, SEED, app_env(DATABASE_URL=url))
        seed = json.loads(next(line[5:] for line in out.splitlines() if line.startswith("SEED:")))
        cluster = Cluster(primary, standby, url, standby.url("grid"), seed)
        await wait_replayed(cluster)
        yield cluster
    finally:
        await asyncio.to_thread(standby.destroy)
        await asyncio.to_thread(primary.destroy)
        shutil.rmtree(folder, ignore_errors=True)


async def until(
    connection: asyncpg.Connection, query: str, *args: Any, seconds: float = 30
) -> None:
    """Until `query` answers true on `connection`."""
    deadline = asyncio.get_running_loop().time() + seconds
    while not await connection.fetchval(query, *args):
        assert asyncio.get_running_loop().time() < deadline, f"never true: {query}"
        await asyncio.sleep(0.05)


async def wait_replayed(cluster: Cluster) -> None:
    """Until the standby has replayed everything the primary has written so far."""
    primary = await asyncpg.connect(dsn=cluster.primary_url)
    standby = await asyncpg.connect(dsn=cluster.standby_url)
    try:
        lsn = await primary.fetchval("SELECT pg_current_wal_lsn()")
        await until(standby, "SELECT pg_last_wal_replay_lsn() >= $1", lsn)
    finally:
        await primary.close()
        await standby.close()


async def rename_while_replay_is_paused(cluster: Cluster) -> None:
    """Pause the standby's replay, then rename community A1 on the primary only."""
    standby = await asyncpg.connect(dsn=cluster.standby_url)
    primary = await asyncpg.connect(dsn=cluster.primary_url)
    try:
        await standby.execute("SELECT pg_wal_replay_pause()")
        await primary.execute(
            "UPDATE community SET name = $1 WHERE code = $2",
            NEW_NAME,
            cluster.seed["communities"]["A1"],
        )
        lsn = await primary.fetchval("SELECT pg_current_wal_lsn()")
        await until(standby, "SELECT pg_get_wal_replay_pause_state() = 'paused'")
        assert not await standby.fetchval("SELECT pg_last_wal_replay_lsn() >= $1", lsn)
        assert (
            await standby.fetchval("SELECT count(*) FROM community WHERE name = $1", NEW_NAME) == 0
        )
    finally:
        await primary.close()
        await standby.close()


async def resume_replay(cluster: Cluster) -> None:
    standby = await asyncpg.connect(dsn=cluster.standby_url)
    try:
        await standby.execute("SELECT pg_wal_replay_resume()")
    finally:
        await standby.close()
    await wait_replayed(cluster)


async def test_routed_pages_read_the_standby_in_the_viewers_scope(
    cluster: Cluster, tmp_path: Path
) -> None:
    seed = cluster.seed
    codes = seed["communities"]
    routed_env = app_env(DATABASE_URL=cluster.primary_url, DATABASE_REPLICA_URL=cluster.standby_url)
    plain_env = app_env(DATABASE_URL=cluster.primary_url)
    plain_env.pop("DATABASE_REPLICA_URL", None)
    with processes(tmp_path) as group:
        routed_base = group.uvicorn("routed", free_port(), routed_env)
        plain_base = group.uvicorn("plain", free_port(), plain_env)
        await asyncio.gather(wait_healthy(routed_base), wait_healthy(plain_base))
        async with (
            httpx.AsyncClient(base_url=routed_base, timeout=20) as routed,
            httpx.AsyncClient(base_url=plain_base, timeout=20) as plain,
            httpx.AsyncClient(base_url=routed_base, timeout=20) as official,
        ):
            await admin_login(routed, "wg")
            await admin_login(plain, "wg")
            await admin_login(official, "jd")

            await rename_while_replay_is_paused(cluster)

            # Routed: the standby's data (the old name), in the community worker's scope.
            index = await routed.get("/maps/")
            assert index.status_code == 200, index.text
            assert OLD_NAME in index.text and NEW_NAME not in index.text
            assert codes["A1"] in index.text
            assert codes["A2"] not in index.text and codes["B1"] not in index.text
            assert (await routed.get(f"/maps/community/{codes['A2']}")).status_code == 404
            dashboard = await routed.get(f"/dashboards/community/{codes['A1']}")
            assert dashboard.status_code == 200 and OLD_NAME in dashboard.text
            public = await routed.get(f"/public/communities/{codes['A1']}")
            assert public.status_code == 200 and OLD_NAME in public.text
            report = await official.get(f"/excel/reports/{seed['street']}/2026-11.xlsx")
            assert report.status_code == 200 and report.content[:2] == b"PK"

            # Without DATABASE_REPLICA_URL the same pages read the primary (the new name).
            index = await plain.get("/maps/")
            assert index.status_code == 200 and NEW_NAME in index.text
            public = await plain.get(f"/public/communities/{codes['A1']}")
            assert public.status_code == 200 and NEW_NAME in public.text

            # The app's code itself on the standby: scoped reads work, a write is refused.
            check_env = {**routed_env, "DATABASE_URL": cluster.primary_url}
            code = ON_THE_STANDBY.format(
                street_id=seed["street_id"], community_id=seed["community_id"]
            )
            out = await asyncio.to_thread(run_python, code, check_env)
            check = json.loads(next(x[6:] for x in out.splitlines() if x.startswith("CHECK:")))
            assert check == {"names": [OLD_NAME], "standby": True, "write": "WriteOnReplica"}

            # Writes go to the primary, whatever the replica's state.
            headers = {"Authorization": f"Bearer {seed['token']}"}
            written = await routed.post("/api/v1/check-ins", json=seed["check_in"], headers=headers)
            assert written.status_code == 201, written.text

            await resume_replay(cluster)
            index = await routed.get("/maps/")
            assert index.status_code == 200 and NEW_NAME in index.text

            # The primary goes away: the public page is still served from the standby; writes
            # and logged-in pages (logins are checked on the primary) answer 503.
            await asyncio.to_thread(cluster.primary.stop, "fast")
            public = await routed.get(f"/public/communities/{codes['A1']}")
            assert public.status_code == 200 and NEW_NAME in public.text
            written = await routed.post("/api/v1/check-ins", json=seed["check_in"], headers=headers)
            assert written.status_code == 503 and written.headers["retry-after"]
            assert written.json()["type"].endswith("/database-unavailable")
            assert (await routed.get("/maps/")).status_code == 503
            assert (await plain.get(f"/public/communities/{codes['A1']}")).status_code == 503

        for name, process in group.started:
            assert process.poll() is None, f"{name} died:\n{group.log(name)[-3000:]}"
