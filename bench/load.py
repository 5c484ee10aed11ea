"""Load from a separate process on loopback: wrk when installed, else the Python client.

Both read the same request file (one `METHOD<TAB>PATH[<TAB>BODY]` per line, cycled) and
report the same figures: requests, throughput, p50/p90/p99/mean/max latency and errors
(socket errors, timeouts and responses ≥ 400). While the load runs, the web server's
processes are sampled for their resident set size (RSS), and the CPU time the web server
and its PostgreSQL backends spend is divided by the requests: CPU per request is work, not
waiting, so it compares code changes even when other work on the machine moves the
throughput from run to run.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import psutil

HERE = Path(__file__).resolve().parent
LUA = HERE / "wrk" / "requests.lua"

Request = tuple[str, str, str]  # method, path, body ('' for none)


@dataclass
class LoadResult:
    tool: str
    connections: int
    seconds: float
    requests: int
    rps: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    mean_ms: float
    max_ms: float
    errors: int
    peak_rss_mb: float = 0.0
    web_cpu_ms: float = 0.0  # CPU of the web server's processes per request
    db_cpu_ms: float = 0.0  # CPU of its PostgreSQL backends per request
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class RssMonitor:
    """Samples the RSS of a server process and its children every 50 ms in a thread.

    `peak_worker_mb` is the largest RSS of one process that serves requests: the children
    when there are any (gunicorn, uvicorn/granian with workers), else the process itself.
    """

    def __init__(self, pid: int, interval: float = 0.05) -> None:
        self.root = psutil.Process(pid)
        self.interval = interval
        self.peak: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> None:
        try:
            processes = [self.root, *self.root.children(recursive=True)]
        except psutil.NoSuchProcess:
            return
        for process in processes:
            try:
                rss = process.memory_info().rss / 2**20
            except psutil.Error:
                continue
            self.peak[process.pid] = max(self.peak.get(process.pid, 0.0), rss)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._sample()
            self._stop.wait(self.interval)

    def __enter__(self) -> RssMonitor:
        self._sample()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()

    @property
    def peak_worker_mb(self) -> float:
        workers = {pid: mb for pid, mb in self.peak.items() if pid != self.root.pid}
        values = workers or self.peak
        return round(max(values.values(), default=0.0), 1)


def write_requests(requests: Sequence[Request]) -> Path:
    with tempfile.NamedTemporaryFile(
        "w", prefix="bench-requests-", suffix=".tsv", delete=False, encoding="utf-8"
    ) as handle:
        for method, path, body in requests:
            if "\t" in path + body or "\n" in path + body:
                raise ValueError("requests may not contain tabs or newlines")
            handle.write(f"{method}\t{path}\t{body}\n")
    return Path(handle.name)


def run_load(
    base_url: str,
    requests: Sequence[Request],
    headers: dict[str, str],
    connections: int,
    seconds: float,
    server_pid: int | None = None,
    tool: str = "auto",
) -> LoadResult:
    """One measured run of `seconds` with `connections` keep-alive connections."""
    path = write_requests(requests)
    try:
        use_wrk = tool == "wrk" or (tool == "auto" and shutil.which("wrk"))
        if use_wrk:
            threads = max(1, min(2, connections))
            command = [
                "wrk",
                f"-t{threads}",
                f"-c{connections}",
                f"-d{max(1, round(seconds))}s",
                "--timeout",
                "10s",
                "-s",
                str(LUA),
            ]
            for name, value in headers.items():
                command += ["-H", f"{name}: {value}"]
            command += [base_url, "--", str(path)]
        else:
            command = [
                sys.executable,
                "-m",
                "bench.client",
                base_url,
                str(path),
                "--connections",
                str(connections),
                "--seconds",
                str(seconds),
                "--headers",
                json.dumps(headers),
            ]
        monitor = RssMonitor(server_pid) if server_pid else None
        if monitor:
            monitor.__enter__()
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 120)
        finally:
            if monitor:
                monitor.__exit__(None, None, None)
        line = next((out for out in done.stdout.splitlines() if out.startswith("WRK_JSON ")), None)
        if line is None:
            raise RuntimeError(f"load tool failed: {done.stdout[-2000:]} {done.stderr[-2000:]}")
        raw = json.loads(line.removeprefix("WRK_JSON "))
    finally:
        path.unlink(missing_ok=True)
    duration = raw["duration_us"] / 1e6
    errors = raw["connect"] + raw["read"] + raw["write"] + raw["status"] + raw["timeout"]
    return LoadResult(
        tool="wrk" if use_wrk else "python",
        connections=connections,
        seconds=round(duration, 2),
        requests=raw["requests"],
        rps=round(raw["requests"] / duration, 1) if duration else 0.0,
        p50_ms=round(raw["p50_us"] / 1000, 2),
        p90_ms=round(raw["p90_us"] / 1000, 2),
        p99_ms=round(raw["p99_us"] / 1000, 2),
        mean_ms=round(raw["mean_us"] / 1000, 2),
        max_ms=round(raw["max_us"] / 1000, 2),
        errors=errors,
        peak_rss_mb=monitor.peak_worker_mb if monitor else 0.0,
    )


def cpu_seconds(pids: Sequence[int]) -> float:
    """User + system CPU seconds of these processes so far (gone ones count nothing)."""
    total = 0.0
    for pid in pids:
        try:
            times = psutil.Process(pid).cpu_times()
        except psutil.Error:
            continue
        total += times.user + times.system
    return total


def server_pids(pid: int) -> list[int]:
    try:
        return [pid, *(p.pid for p in psutil.Process(pid).children(recursive=True))]
    except psutil.Error:
        return [pid]


def backend_pids(database_url: str) -> list[int]:
    """The PostgreSQL backends connected to the benchmark database, but for this query's.

    While a server is measured, those are its pool's connections (the benchmark process
    keeps its own few connections idle).
    """
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchall()
    return [int(row[0]) for row in rows]


def measure(
    base_url: str,
    requests: Sequence[Request],
    headers: dict[str, str],
    connections: int,
    seconds: float,
    warmup: float,
    server_pid: int | None = None,
    database_url: str | None = None,
) -> LoadResult:
    """Warm up (discarded), then one measured run, with CPU per request when the server's
    pid (and its database) are given."""
    if warmup > 0:
        run_load(base_url, requests, headers, connections, warmup)
    time.sleep(0.2)
    web = server_pids(server_pid) if server_pid else []
    backends = backend_pids(database_url) if database_url else []
    web_before, db_before = cpu_seconds(web), cpu_seconds(backends)
    result = run_load(base_url, requests, headers, connections, seconds, server_pid)
    if result.requests:
        result.web_cpu_ms = round(1000 * (cpu_seconds(web) - web_before) / result.requests, 3)
        result.db_cpu_ms = round(1000 * (cpu_seconds(backends) - db_before) / result.requests, 3)
    return result
