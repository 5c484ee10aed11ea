"""Backups round-trip: dump + media, restored into a fresh database, identical table by table.

The comparison here is computed independently of the backup module's own manifest: per
table the row count and the md5 of every row's text, in a fixed order.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from app.crud import insert_row
from app.database import drop_database, with_database
from app.system.backup import (
    DUMP,
    MANIFEST,
    MEDIA,
    BackupError,
    Target,
    backup,
    latest_backup,
    restore,
)
from tables.daily import CheckIn, DiaryEntry
from tables.places import Resident
from tests.factories import area_tree, make_household, make_staff

ROOT = Path(__file__).resolve().parents[2]
SERVER_URL = os.environ["DATABASE_URL"]

STABLE = "SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'; SET extra_float_digits = 1;"
TABLES = """
    SELECT relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND relkind = 'r' ORDER BY relname
"""
# What a restore must also bring back: policies, triggers, grants to the app role, indexes.
STRUCTURE = {
    "policies": "SELECT count(*) FROM pg_policies WHERE schemaname = 'public'",
    "rls_tables": "SELECT count(*) FROM pg_class WHERE relrowsecurity AND relkind = 'r'",
    "triggers": "SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal",
    "indexes": "SELECT count(*) FROM pg_indexes WHERE schemaname = 'public'",
    "app_grants": "SELECT count(*) FROM information_schema.role_table_grants"
    " WHERE grantee = 'grid_app'",
}


async def fingerprint(url: str) -> dict[str, Any]:
    """Row count and md5 of the ordered rows of every table, plus the structure counts."""
    connection = await asyncpg.connect(dsn=url)
    try:
        await connection.execute(STABLE)
        tables = {}
        for record in await connection.fetch(TABLES):
            name = record["relname"]
            tables[name] = tuple(
                await connection.fetchrow(
                    f"SELECT count(*), md5(string_agg(t::text, E'\\n' ORDER BY t::text COLLATE \"C\"))"
                    f' FROM "{name}" t'
                )
            )
        structure = {key: await connection.fetchval(sql) for key, sql in STRUCTURE.items()}
        return {"tables": tables, "structure": structure}
    finally:
        await connection.close()


async def sample_data(media: Path) -> None:
    """Areas, staff, residents with ID numbers, check-ins with photos, diary in Chinese."""
    tree = await area_tree()
    worker = await make_staff("wg", community=tree.communities["A1"], grids=[tree.grids["A1-1"]])
    household = await make_household(tree.grids["A1-1"])
    await insert_row(
        Resident,
        {
            "household": household["id"],
            "name": "张三",
            "id_number": "11010519491231002X",
            "phone": "13800138000",
            "community": household["community"],
        },
    )
    photos = media / "check_in" / "photo"
    photos.mkdir(parents=True)
    for day in range(3):
        key = f"wx_{day}-{uuid.uuid4()}.jpg"
        (photos / key).write_bytes(os.urandom(2048) + "签到照片".encode())
        grid = tree.grids["A1-1"]
        at = dt.datetime(2026, 11, 20 + day, 9, 30, tzinfo=dt.UTC)
        await insert_row(
            CheckIn,
            {
                "staff": worker["id"],
                "grid": grid["id"],
                "community": grid["community"],
                "at": at,
                "local_date": at.date(),
                "latitude": 30.9051234567,
                "longitude": 117.8021234567,
                "inside_grid": True,
                "counted": True,
                "note": "早上巡查 ✓ 'quoted' \\ back\\slash\nnew line",
                "photo": key,
            },
        )
    await insert_row(
        DiaryEntry,
        {
            "staff": worker["id"],
            "grid": tree.grids["A1-1"]["id"],
            "community": tree.communities["A1"]["id"],
            "content": "3号楼独居老人反映楼道灯坏了",
            "follow_up_due": dt.date(2026, 12, 1),
        },
    )


@pytest.fixture
async def restored_name() -> AsyncIterator[str]:
    name = f"grid_restore_{uuid.uuid4().hex[:10]}"
    yield name
    await drop_database(SERVER_URL, name)


def files_of(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


async def test_backup_restores_into_a_fresh_database_with_identical_rows_and_media(
    tmp_path: Path, restored_name: str
) -> None:
    media = tmp_path / "media"
    await sample_data(media)
    folder = await backup(SERVER_URL, media, tmp_path / "backups")

    assert folder.parent == tmp_path / "backups"
    assert {p.name for p in folder.iterdir()} == {DUMP, MEDIA, MANIFEST}
    assert (folder / DUMP).read_bytes()[:5] == b"PGDMP"  # pg_dump custom format
    manifest = json.loads((folder / MANIFEST).read_text())
    assert manifest["tables"]["check_in"]["rows"] == 3
    assert manifest["media"]["files"] == 3
    assert latest_backup(tmp_path / "backups") == folder

    restored_media = tmp_path / "restored-media"
    await restore(folder, SERVER_URL, restored_name, restored_media)

    before = await fingerprint(SERVER_URL)
    after = await fingerprint(with_database(SERVER_URL, restored_name))
    assert before["tables"]["resident"][0] == 1 and before["tables"]["audit_log"][0] > 10
    assert after["tables"] == before["tables"]
    assert after["structure"] == before["structure"]
    assert files_of(restored_media) == files_of(media)


async def test_a_backup_taken_during_writes_matches_its_own_snapshot(
    tmp_path: Path, restored_name: str
) -> None:
    """Counts and checksums come from the snapshot pg_dump dumps: writes that land while the
    backup runs are in neither or in both (the restore checks the manifest table by table)."""
    tree = await area_tree()
    worker = await make_staff("wg", community=tree.communities["A1"], grids=[tree.grids["A1-1"]])
    grid = tree.grids["A1-1"]
    stop = asyncio.Event()

    async def keep_writing() -> int:
        written = 0
        while not stop.is_set():
            at = dt.datetime.now(dt.UTC)
            await insert_row(
                CheckIn,
                {
                    "staff": worker["id"],
                    "grid": grid["id"],
                    "community": grid["community"],
                    "at": at,
                    "local_date": at.date(),
                    "latitude": 30.905,
                    "longitude": 117.802,
                    "note": f"写入 {written}",
                },
            )
            written += 1
            await asyncio.sleep(0.005)
        return written

    writer = asyncio.create_task(keep_writing())
    await asyncio.sleep(0.2)
    try:
        folder = await backup(SERVER_URL, tmp_path / "media", tmp_path / "backups")
    finally:
        await asyncio.sleep(0.2)
        stop.set()
        written = await writer
    in_backup = json.loads((folder / MANIFEST).read_text())["tables"]["check_in"]["rows"]
    assert 0 < in_backup < written  # taken mid-stream
    restored = await restore(folder, SERVER_URL, restored_name, tmp_path / "restored-media")
    assert restored["tables"]["check_in"]["rows"] == in_backup


async def test_restore_never_overwrites_an_existing_database(
    tmp_path: Path, restored_name: str
) -> None:
    await area_tree()
    folder = await backup(SERVER_URL, tmp_path / "media", tmp_path / "backups")
    existing = urlpath_name(SERVER_URL)
    with pytest.raises(BackupError, match="already exists"):
        await restore(folder, SERVER_URL, existing, tmp_path / "m")
    with pytest.raises(BackupError, match="plain database name"):
        await restore(folder, SERVER_URL, 'x"; DROP DATABASE postgres; --', tmp_path / "m")


async def test_a_tampered_dump_is_refused_and_leaves_no_database(
    tmp_path: Path, restored_name: str
) -> None:
    await area_tree()
    folder = await backup(SERVER_URL, tmp_path / "media", tmp_path / "backups")
    manifest = json.loads((folder / MANIFEST).read_text())
    manifest["tables"]["street"]["rows"] = 3  # the backup says three streets; the dump has two
    (folder / MANIFEST).write_text(json.dumps(manifest))
    with pytest.raises(BackupError, match="street"):
        await restore(folder, SERVER_URL, restored_name, tmp_path / "m")
    connection = await asyncpg.connect(dsn=with_database(SERVER_URL, "postgres"))
    try:
        assert not await connection.fetchval(
            "SELECT 1 FROM pg_database WHERE datname = $1", restored_name
        )
    finally:
        await connection.close()


def urlpath_name(url: str) -> str:
    return Target(url).name


def test_passwords_stay_out_of_command_lines_and_output() -> None:
    target = Target("postgresql://grid:s3cr%40t@db.example.org:5433/grid")
    assert target.public_url == "postgresql://grid@db.example.org:5433/grid"
    assert target.tool_env()["PGPASSWORD"] == "s3cr@t"
    socket_url = "postgresql://postgres:@/grid?host=/tmp/pg"
    assert Target(socket_url).on("other").public_url == "postgresql://postgres@/other?host=/tmp/pg"


async def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return await asyncio.to_thread(
        subprocess.run, list(args), cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


async def test_make_backup_and_make_restore_commands(tmp_path: Path, restored_name: str) -> None:
    """The command line `make backup` / `make restore` run, against DATABASE_URL and DATA_DIR."""
    await sample_data(tmp_path / "data" / "media")
    env = {**os.environ, "DATA_DIR": str(tmp_path / "data")}
    command = (sys.executable, "-m", "app.system.backup")
    backups = ("--into", str(tmp_path / "backups"))
    made = await run(*command, "backup", *backups, env=env)
    assert made.returncode == 0, made.stderr
    assert "3 media files" in made.stdout
    env["DATA_DIR"] = str(tmp_path / "restored")
    back = await run(*command, "restore", "latest", *backups, "--database", restored_name, env=env)
    assert back.returncode == 0, back.stderr
    assert "checksums identical" in back.stdout and restored_name in back.stdout
    assert files_of(tmp_path / "restored" / "media") == files_of(tmp_path / "data" / "media")
    again = await run(*command, "restore", "latest", *backups, "--database", restored_name, env=env)
    assert again.returncode == 1 and "already exists" in again.stderr

    make = await run("make", "-n", "backup", "restore", "BACKUP=latest", "DATABASE=grid_copy")
    assert "-m app.system.backup backup --into backups" in make.stdout
    assert "-m app.system.backup restore latest --database grid_copy" in make.stdout
