"""Backups: `make backup` and `make restore` (python -m app.system.backup backup|restore).

A backup is a folder `backups/<UTC timestamp>/` holding

- `database.dump`: pg_dump in custom format (compressed, restorable table by table),
- `media.tar.gz`: the uploaded files (DATA_DIR/media: check-in photos, supervision evidence),
- `manifest.json`: per table the row count and a checksum, taken from the very snapshot the
  dump was made from (pg_dump --snapshot), so a restore can prove it is identical even when
  the backup ran while people were writing.

A restore goes into a fresh database whose name you give (never over a live one): it creates
the database, the `grid_app` role the row-level security policies are granted to (roles live
outside databases), runs pg_restore in one transaction, unpacks the media and checks every
table against the manifest.

The PostgreSQL tools must match the server: the embedded server ships its own in the pgserver
wheel (pginstall/bin), Debian keeps one set per major version in /usr/lib/postgresql/<N>/bin.
The password of the database URL is passed in PGPASSWORD, never on a command line or in a file.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import re
import shutil
import sys
import tarfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

import asyncpg

DUMP = "database.dump"
MEDIA = "media.tar.gz"
MANIFEST = "manifest.json"
STAMP_FORMAT = "%Y%m%dT%H%M%SZ"

# Row text is made comparable across servers and sessions before it is hashed.
STABLE_OUTPUT = (
    "SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'; SET IntervalStyle = 'postgres';"
    " SET extra_float_digits = 1; SET bytea_output = 'hex';"
)
# Order-independent and constant in memory at any table size: the count and the sum of
# two 64-bit slices of each row's md5 (numeric, so the sums cannot overflow).
TABLE_CHECKSUM = """
    SELECT count(*) AS rows,
           COALESCE(sum(('x' || substr(h, 1, 16))::bit(64)::bigint::numeric), 0)::text
           || ':' ||
           COALESCE(sum(('x' || substr(h, 17, 16))::bit(64)::bigint::numeric), 0)::text
           AS checksum
    FROM (SELECT md5(t::text) AS h FROM {table} AS t) AS hashed
"""
TABLES = """
    SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') ORDER BY c.relname
"""
SEQUENCES = """
    SELECT sequencename AS name, COALESCE(last_value, 0) AS value
    FROM pg_sequences WHERE schemaname = 'public' ORDER BY sequencename
"""
# Roles are global to a server: the policies' role must exist before the grants are restored.
APP_ROLE_SETUP = """
    DO $$ BEGIN
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'grid_app') THEN
            CREATE ROLE grid_app NOLOGIN;
        END IF;
        IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
            EXECUTE format('GRANT grid_app TO %I', current_user);
        END IF;
    END $$;
"""
DATABASE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")


class BackupError(RuntimeError):
    """A backup or restore could not be done; the message says why and what to do."""


# ---------------------------------------------------------------- connection details


@dataclass(frozen=True)
class Target:
    """A database URL split into what libpq tools take: a password-free URL and PGPASSWORD."""

    url: str

    @property
    def name(self) -> str:
        return unquote(urlsplit(self.url).path.lstrip("/")) or "postgres"

    @property
    def password(self) -> str | None:
        password = urlsplit(self.url).password
        return None if password is None else unquote(password)

    @property
    def public_url(self) -> str:
        """The URL without its password: safe to print, log and pass on a command line."""
        parts = urlsplit(self.url)
        userinfo, at, host = parts.netloc.rpartition("@")
        if not at or ":" not in userinfo:
            return self.url
        return urlunsplit(parts._replace(netloc=f"{userinfo.split(':', 1)[0]}@{host}"))

    def on(self, database: str) -> Target:
        return Target(urlunsplit(urlsplit(self.url)._replace(path="/" + database)))

    def tool_env(self) -> dict[str, str]:
        env = {**os.environ, "PGCONNECT_TIMEOUT": "10"}
        if self.password:
            env["PGPASSWORD"] = self.password
        return env


async def connect(target: Target) -> asyncpg.Connection:
    return await asyncpg.connect(dsn=target.url)


# ---------------------------------------------------------------- PostgreSQL tools


def _tool_dirs() -> Iterator[Path]:
    try:
        from pgserver._commands import POSTGRES_BIN_PATH

        yield Path(POSTGRES_BIN_PATH)
    except ImportError:
        pass
    yield from sorted(Path("/usr/lib/postgresql").glob("*/bin"))
    for directory in os.environ.get("PATH", "").split(os.pathsep):
        if directory:
            yield Path(directory)


def _major_of(executable: Path) -> int | None:
    import subprocess

    try:
        out = subprocess.run(
            [str(executable), "--version"], capture_output=True, text=True, timeout=10, check=True
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(r"\(PostgreSQL\) (\d+)", out)
    return int(match.group(1)) if match else None


def find_tool(name: str, server_major: int) -> Path:
    """`pg_dump` or `pg_restore` of the server's major version (else the nearest newer one)."""
    found: dict[int, Path] = {}
    for directory in _tool_dirs():
        executable = directory / name
        if executable.is_file() and os.access(executable, os.X_OK):
            major = _major_of(executable)
            if major is not None:
                found.setdefault(major, executable)
    if server_major in found:
        return found[server_major]
    newer = sorted(major for major in found if major > server_major)
    if newer:
        return found[newer[0]]
    raise BackupError(
        f"no {name} for PostgreSQL {server_major} (found versions {sorted(found) or 'none'});"
        f" install postgresql-client-{server_major}"
    )


async def _run(command: list[str], env: dict[str, str]) -> None:
    process = await asyncio.create_subprocess_exec(
        *command, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    out, err = await process.communicate()
    if process.returncode != 0:
        message = (err or out).decode(errors="replace").strip()
        raise BackupError(f"{Path(command[0]).name} failed ({process.returncode}): {message}")


# ---------------------------------------------------------------- manifest


async def table_checksums(connection: asyncpg.Connection) -> dict[str, dict[str, Any]]:
    """Every table of the public schema: row count and checksum (inside the caller's snapshot)."""
    await connection.execute(STABLE_OUTPUT)
    result: dict[str, dict[str, Any]] = {}
    for record in await connection.fetch(TABLES):
        name = record["name"]
        quoted = '"' + name.replace('"', '""') + '"'
        row = await connection.fetchrow(TABLE_CHECKSUM.format(table=quoted))
        assert row is not None
        result[name] = {"rows": int(row["rows"]), "checksum": row["checksum"]}
    return result


async def sequence_values(connection: asyncpg.Connection) -> dict[str, int]:
    return {r["name"]: int(r["value"]) for r in await connection.fetch(SEQUENCES)}


def compare(expected: dict[str, Any], actual: dict[str, Any]) -> list[str]:
    """What differs between the backup's manifest and a restored database (empty: identical).

    Tables must match exactly. Sequences are not transactional (pg_dump reads them after the
    snapshot), so a restored sequence may be ahead of the manifest, never behind it.
    """
    problems = []
    want, got = expected["tables"], actual["tables"]
    for name in sorted(set(want) | set(got)):
        if want.get(name) != got.get(name):
            problems.append(f"table {name}: expected {want.get(name)}, got {got.get(name)}")
    want, got = expected["sequences"], actual["sequences"]
    for name in sorted(set(want) | set(got)):
        if name not in got or got[name] < want.get(name, 0):
            problems.append(f"sequence {name}: expected {want.get(name)}, got {got.get(name)}")
    return problems


# ---------------------------------------------------------------- media


def pack_media(media_dir: Path, archive: Path) -> dict[str, int]:
    """DATA_DIR/media as a gzip tar of paths relative to it; returns files and bytes packed."""
    files = total = 0
    with tarfile.open(archive, "w:gz") as tar:
        if media_dir.is_dir():
            for path in sorted(media_dir.rglob("*")):
                if path.is_file() and not path.is_symlink():
                    tar.add(path, arcname=str(path.relative_to(media_dir)), recursive=False)
                    files += 1
                    total += path.stat().st_size
    return {"files": files, "bytes": total}


def unpack_media(archive: Path, media_dir: Path) -> int:
    """Unpack into `media_dir`; the `data` filter refuses absolute paths, `..` and devices."""
    media_dir.mkdir(parents=True, exist_ok=True)
    with tarfile.open(archive, "r:gz") as tar:
        members = tar.getmembers()
        tar.extractall(media_dir, filter="data")
    return sum(1 for m in members if m.isfile())


# ---------------------------------------------------------------- backup and restore


async def backup(database_url: str, media_dir: Path, into: Path) -> Path:
    """Dump the database and pack the media into `into/<UTC timestamp>/`; returns the folder.

    The manifest's counts and checksums come from a repeatable-read snapshot that pg_dump
    then dumps (--snapshot), so they describe exactly what the dump holds.
    """
    source = Target(database_url)
    stamp = dt.datetime.now(dt.UTC).strftime(STAMP_FORMAT)
    folder = into / stamp
    folder.mkdir(parents=True, exist_ok=False)
    try:
        connection = await connect(source)
        try:
            major = int(await connection.fetchval("SHOW server_version_num")) // 10000
            pg_dump = find_tool("pg_dump", major)
            async with connection.transaction(isolation="repeatable_read", readonly=True):
                snapshot = await connection.fetchval("SELECT pg_export_snapshot()")
                tables = await table_checksums(connection)
                sequences = await sequence_values(connection)
                await _run(
                    [
                        str(pg_dump),
                        "--format=custom",
                        f"--snapshot={snapshot}",
                        f"--file={folder / DUMP}",
                        f"--dbname={source.public_url}",
                    ],
                    source.tool_env(),
                )
            version = await connection.fetchval("SHOW server_version")
        finally:
            await connection.close()
        media = pack_media(media_dir, folder / MEDIA)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    manifest = {
        "created_at": stamp,
        "database": source.name,
        "server_version": version,
        "pg_dump": str(pg_dump),
        "tables": tables,
        "sequences": sequences,
        "media": media,
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    return folder


def latest_backup(into: Path) -> Path:
    """The newest complete backup folder under `into`."""
    complete = sorted(p for p in into.glob("*") if (p / MANIFEST).is_file())
    if not complete:
        raise BackupError(f"no backup found under {into}")
    return complete[-1]


async def restore(folder: Path, server_url: str, database: str, media_dir: Path) -> dict[str, Any]:
    """Restore the backup in `folder` into the new database `database` on the server of
    `server_url`, unpack its media into `media_dir`, and check every table against the
    manifest. Refuses an existing database. Returns the restored database's manifest."""
    if not DATABASE_NAME.match(database):
        raise BackupError(f"{database!r} is not a plain database name (letters, digits, _)")
    manifest = json.loads((folder / MANIFEST).read_text())
    server = Target(server_url).on("postgres")
    fresh = server.on(database)
    admin = await connect(server)
    try:
        if await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", database):
            raise BackupError(
                f"database {database} already exists: restore goes into a fresh database"
            )
        major = int(await admin.fetchval("SHOW server_version_num")) // 10000
        pg_restore = find_tool("pg_restore", major)
        await admin.execute(APP_ROLE_SETUP)
        await admin.execute(f"CREATE DATABASE \"{database}\" TEMPLATE template0 ENCODING 'UTF8'")
    finally:
        await admin.close()
    try:
        await _run(
            [
                str(pg_restore),
                "--no-owner",
                "--single-transaction",
                "--exit-on-error",
                f"--dbname={fresh.public_url}",
                str(folder / DUMP),
            ],
            fresh.tool_env(),
        )
        connection = await connect(fresh)
        try:
            async with connection.transaction(isolation="repeatable_read", readonly=True):
                restored = {
                    "tables": await table_checksums(connection),
                    "sequences": await sequence_values(connection),
                }
        finally:
            await connection.close()
        problems = compare(manifest, restored)
        if problems:
            raise BackupError("restored database differs from the backup: " + "; ".join(problems))
    except BaseException:
        await _drop(server, database)
        raise
    restored["media"] = {"files": unpack_media(folder / MEDIA, media_dir)}
    return restored


async def _drop(server: Target, database: str) -> None:
    connection = await connect(server)
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    finally:
        await connection.close()


# ---------------------------------------------------------------- command line


@contextmanager
def _reported() -> Iterator[None]:
    try:
        yield
    except (BackupError, OSError, asyncpg.PostgresError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        raise SystemExit(1) from exc


def main(argv: list[str] | None = None) -> None:
    from app.database import resolve_database_url
    from app.settings import settings

    parser = argparse.ArgumentParser(
        prog="python -m app.system.backup", description="Back up and restore People's Grid"
    )
    commands = parser.add_subparsers(dest="command", required=True)
    make = commands.add_parser("backup", help="dump the database and the media folder")
    make.add_argument("--into", type=Path, default=Path("backups"), help="parent folder")
    back = commands.add_parser("restore", help="restore a backup into a new database")
    back.add_argument("backup", help="backup folder, or `latest` (newest under --into)")
    back.add_argument("--database", required=True, help="name of the new database")
    back.add_argument("--into", type=Path, default=Path("backups"), help="where `latest` looks")
    back.add_argument("--server", help="server URL (default: that of DATABASE_URL)")
    back.add_argument(
        "--media-dir", type=Path, default=None, help="unpack media here (default DATA_DIR/media)"
    )
    args = parser.parse_args(argv)
    url = resolve_database_url()
    with _reported():
        if args.command == "backup":
            folder = asyncio.run(backup(url, settings.media_dir, args.into))
            manifest = json.loads((folder / MANIFEST).read_text())
            rows = sum(t["rows"] for t in manifest["tables"].values())
            print(
                f"backup {folder}: {len(manifest['tables'])} tables, {rows} rows,"
                f" {manifest['media']['files']} media files"
            )
            return
        folder = latest_backup(args.into) if args.backup == "latest" else Path(args.backup)
        restored = asyncio.run(
            restore(folder, args.server or url, args.database, args.media_dir or settings.media_dir)
        )
        rows = sum(t["rows"] for t in restored["tables"].values())
        target = Target(args.server or url).on(args.database)
        print(
            f"restored {folder} into {target.public_url}: {len(restored['tables'])} tables,"
            f" {rows} rows, checksums identical, {restored['media']['files']} media files."
            f" Point DATABASE_URL at it to use it."
        )


if __name__ == "__main__":
    main()
