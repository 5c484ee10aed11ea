"""Servers of the fault tests' own: an embedded PostgreSQL they may restart, a private Redis,
real uvicorn, taskiq worker and scheduler processes. Never the machine's PostgreSQL or Redis.

Every process is started in its own session and stopped (TERM, then KILL) by the fixture or
context manager that started it; data directories live in pytest's temporary folders.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from app.cli import KEEP_ALIVE_SECONDS

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def stop_process(process: subprocess.Popen[Any], timeout: float = 10) -> None:
    """TERM the process group, then KILL it if it does not go."""
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=timeout)


# ---------------------------------------------------------------------- PostgreSQL


@dataclass
class EmbeddedPostgres:
    """A PostgreSQL of the pgserver wheel in a temporary folder, restartable at will."""

    data: Path
    server: Any = None
    socket_dir: Path | None = None

    def start(self) -> str:
        import pgserver

        self.server = pgserver.get_server(self.data, cleanup_mode=None)
        self.socket_dir = self.server.get_postmaster_info().socket_dir
        return str(self.server.get_uri())

    def url(self, database: str) -> str:
        return str(self.server.get_uri(database))

    @property
    def system_user(self) -> str | None:
        """Who runs the server: pgserver's own system user when the tests run as root."""
        return self.server.system_user  # type: ignore[no-any-return]

    def _pg_ctl(self, *args: str) -> None:
        from pgserver._commands import pg_ctl

        pg_ctl(list(args), pgdata=self.data, user=self.system_user, timeout=60)

    def stop(self, mode: str = "fast") -> None:
        self._pg_ctl("-w", "-m", mode, "stop")

    def start_again(self) -> None:
        self._pg_ctl(
            "-w",
            "-o",
            '-h ""',
            "-o",
            f"-k {self.socket_dir}",
            "-l",
            str(self.data / "log"),
            "start",
        )

    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def destroy(self) -> None:
        if self.running():
            with contextlib.suppress(Exception):
                self.stop("immediate")
        self._kill_leftovers()
        shutil.rmtree(self.data, ignore_errors=True)

    def _kill_leftovers(self) -> None:
        """Any postmaster still serving this test's data folder (and only that one)."""
        import psutil

        for process in psutil.process_iter(["name", "cmdline"]):
            command = process.info["cmdline"] or []
            if process.info["name"] == "postgres" and str(self.data) in command:
                with contextlib.suppress(psutil.Error):
                    process.kill()


@dataclass
class EmbeddedStandby(EmbeddedPostgres):
    """A hot standby streaming from `primary` (started first): `pg_basebackup -R` of it, then
    a postmaster of its own with its socket in its data folder. Stop it as the primary."""

    primary: EmbeddedPostgres | None = None

    @property
    def system_user(self) -> str | None:
        assert self.primary is not None
        return self.primary.system_user

    def start(self) -> str:
        import pwd

        from pgserver._commands import POSTGRES_BIN_PATH
        from pgserver.utils import ensure_prefix_permissions

        assert self.primary is not None and self.primary.socket_dir is not None
        self.data.mkdir(mode=0o700)
        if self.system_user is not None:
            owner = pwd.getpwnam(self.system_user)
            os.chown(self.data, owner.pw_uid, owner.pw_gid)
            ensure_prefix_permissions(self.data)
        # initdb's pg_hba.conf already lets the local user make replication connections.
        subprocess.run(
            [
                str(POSTGRES_BIN_PATH / "pg_basebackup"),
                *("-h", str(self.primary.socket_dir), "-U", "postgres", "-D", str(self.data)),
                *("-R", "-X", "stream", "-c", "fast"),
            ],
            check=True,
            capture_output=True,
            user=self.system_user,
            timeout=60,
        )
        # The copy holds the primary's socket lock and pgserver's files: not the standby's.
        for copied in (".s.PGSQL.5432.lock", ".handle_pids.json", "log"):
            (self.data / copied).unlink(missing_ok=True)
        self.socket_dir = self.data
        self.start_again()
        return self.url("postgres")

    def url(self, database: str) -> str:
        return f"postgresql://postgres:@/{database}?host={self.socket_dir}"


# ---------------------------------------------------------------------- Redis


@dataclass
class PrivateRedis:
    """redis-server on a free port with an append-only file (fsync always), restartable."""

    folder: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        server = shutil.which("redis-server")
        assert server, "redis-server is needed (apt-get install redis-server)"
        self.folder.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [
                server,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(self.folder),
                "--appendonly",
                "yes",
                "--appendfsync",
                "always",
                "--save",
                "",
            ],
            cwd=self.folder,
            stdout=(self.folder / "redis.log").open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.wait_ready()

    def wait_ready(self, seconds: float = 20) -> None:
        import redis

        deadline = time.monotonic() + seconds
        while True:
            try:
                redis.Redis.from_url(self.url, socket_connect_timeout=0.5).ping()
                return
            except redis.RedisError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def stop(self) -> None:
        """Shut down as an operator would (the append-only file keeps the streams)."""
        if self.process is not None:
            stop_process(self.process)
            self.process = None


# ---------------------------------------------------------------------- app processes


def app_env(**overrides: str) -> dict[str, str]:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "API_RATE_LIMIT": "1000000000",
        "API_IP_RATE_LIMIT": "1000000000",
        "ADMIN_LOGIN_LIMIT": "100000",
    }
    env.pop("REDIS_URL", None)
    env.update(overrides)
    return env


@dataclass
class Processes:
    """Processes started by a test, stopped together, their output kept in files."""

    folder: Path
    started: list[tuple[str, subprocess.Popen[bytes]]] = field(default_factory=list)

    def start(self, name: str, command: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
        log = (self.folder / f"{name}.log").open("ab")
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.started.append((name, process))
        return process

    def log(self, name: str) -> str:
        return (self.folder / f"{name}.log").read_text(errors="replace")

    def uvicorn(self, name: str, port: int, env: dict[str, str]) -> str:
        """uvicorn as README deploys it: its keep-alive outlasts the clients' (httpx: 5 s), so
        a client never sends on a connection the server is closing at that moment."""
        self.start(
            name,
            [
                str(BIN / "uvicorn"),
                "app.asgi:app",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--log-level",
                "warning",
                "--no-access-log",
                "--timeout-keep-alive",
                str(KEEP_ALIVE_SECONDS),
            ],
            env,
        )
        return f"http://127.0.0.1:{port}"

    def stop_all(self) -> None:
        for _, process in reversed(self.started):
            stop_process(process)


async def wait_healthy(base_url: str, seconds: float = 60) -> None:
    deadline = asyncio.get_running_loop().time() + seconds
    async with httpx.AsyncClient(base_url=base_url, timeout=2) as http:
        while True:
            try:
                if (await http.get("/health")).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"{base_url} did not become healthy")
            await asyncio.sleep(0.2)


@contextlib.contextmanager
def processes(folder: Path) -> Iterator[Processes]:
    group = Processes(folder)
    try:
        yield group
    finally:
        group.stop_all()


def run_python(code: str, env: dict[str, str], timeout: float = 180) -> str:
    """Run Python in a child process (another database than the test's); its stdout."""
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout
