"""The web servers under test, each started as its own process group on loopback.

Every server gets the same number of worker processes and the same database pool size, so
the only differences are the framework, the ORM and the server.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from app.cli import KEEP_ALIVE_SECONDS

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
LOGS = Path(tempfile.gettempdir()) / "grid-bench-logs"


@dataclass(frozen=True)
class ServerSpec:
    key: str  # product-uvicorn, product-granian, raw, drf
    label: str
    command: list[str]
    ready_path: str


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def specs(workers: int, port: int) -> dict[str, ServerSpec]:
    host = ["--host", "127.0.0.1", "--port", str(port)]
    uvicorn = [
        str(BIN / "uvicorn"),
        *host,
        "--workers",
        str(workers),
        "--no-access-log",
        "--log-level",
        "warning",
        "--loop",
        "uvloop",
        "--http",
        "httptools",
        "--timeout-keep-alive",
        str(KEEP_ALIVE_SECONDS),
    ]
    return {
        "product-uvicorn": ServerSpec(
            "product-uvicorn",
            "People's Grid (Litestar + Piccolo), uvicorn",
            [*uvicorn, "app.asgi:app"],
            "/health",
        ),
        "product-granian": ServerSpec(
            "product-granian",
            "People's Grid (Litestar + Piccolo), granian",
            [
                str(BIN / "granian"),
                "--interface",
                "asgi",
                *host,
                "--workers",
                str(workers),
                "--loop",
                "uvloop",
                "--no-access-log",
                "--log-level",
                "warning",
                "app.asgi:app",
            ],
            "/health",
        ),
        "product-tuned": ServerSpec(
            "product-tuned",
            "experiment: the product with the proposed fixes (bench/peers/product_tuned.py)",
            [*uvicorn, "bench.peers.product_tuned:app"],
            "/health",
        ),
        "raw": ServerSpec(
            "raw",
            "limit: bare Litestar + raw asyncpg, uvicorn",
            [*uvicorn, "bench.peers.raw_litestar:app"],
            "/health",
        ),
        "raw-scoped": ServerSpec(
            "raw-scoped",
            "limit with the product's row-level security scope (same app, /raw/scoped/), uvicorn",
            [*uvicorn, "bench.peers.raw_litestar:app"],
            "/health",
        ),
        "drf": ServerSpec(
            "drf",
            "alternative: Django REST framework, gunicorn (sync)",
            [
                str(BIN / "gunicorn"),
                "--workers",
                str(workers),
                "--bind",
                f"127.0.0.1:{port}",
                "--log-level",
                "warning",
                "--backlog",
                "2048",
                "bench.peers.drf.wsgi:application",
            ],
            "/health",
        ),
    }


@contextmanager
def running(spec: ServerSpec, port: int, env: dict[str, str]) -> Iterator[subprocess.Popen[bytes]]:
    """Start the server, wait until it answers, stop its whole process group afterwards."""
    LOGS.mkdir(exist_ok=True)
    log = open(LOGS / f"{spec.key}.log", "wb")  # noqa: SIM115
    process = subprocess.Popen(
        spec.command,
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"{spec.key} exited with {process.returncode}; see {log.name}")
            try:
                if (
                    httpx.get(f"http://127.0.0.1:{port}{spec.ready_path}", timeout=2).status_code
                    < 500
                ):
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{spec.key} did not start in 60 s; see {log.name}")
            time.sleep(0.3)
        yield process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        log.close()
