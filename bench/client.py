"""The Python load client, used when wrk is not installed (same request file, same output).

    python -m bench.client http://127.0.0.1:8000 requests.tsv --connections 64 --seconds 10

`connections` workers share one httpx client limited to that many keep-alive connections;
each cycles through the request file from its own offset until the time is up.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from pathlib import Path

import httpx


def read_requests(path: str) -> list[tuple[str, str, bytes | None]]:
    requests = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        method, target, body = [*line.split("\t"), "", ""][:3]
        requests.append((method, target, body.encode() or None))
    return requests


async def main(args: argparse.Namespace, requests: list[tuple[str, str, bytes | None]]) -> None:
    headers = json.loads(args.headers)
    latencies: list[float] = []
    errors = {"connect": 0, "read": 0, "write": 0, "status": 0, "timeout": 0}
    limits = httpx.Limits(
        max_connections=args.connections, max_keepalive_connections=args.connections
    )
    started = time.perf_counter()
    deadline = started + args.seconds
    async with httpx.AsyncClient(
        base_url=args.url, headers=headers, limits=limits, timeout=10
    ) as client:

        async def worker(offset: int) -> None:
            n = offset
            while time.perf_counter() < deadline:
                method, path, body = requests[n % len(requests)]
                n += 1
                t0 = time.perf_counter()
                try:
                    response = await client.request(method, path, content=body)
                except httpx.TimeoutException:
                    errors["timeout"] += 1
                    continue
                except httpx.HTTPError:
                    errors["read"] += 1
                    continue
                latencies.append(time.perf_counter() - t0)
                if response.status_code >= 400:
                    errors["status"] += 1

        step = max(1, len(requests) // args.connections)
        await asyncio.gather(*(worker(i * step) for i in range(args.connections)))
    duration = time.perf_counter() - started
    latencies.sort()

    def pct(p: float) -> int:
        if not latencies:
            return 0
        return int(latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))] * 1e6)

    print(
        "WRK_JSON "
        + json.dumps(
            {
                "requests": len(latencies),
                "duration_us": int(duration * 1e6),
                **errors,
                "p50_us": pct(50),
                "p90_us": pct(90),
                "p99_us": pct(99),
                "mean_us": sum(latencies) / len(latencies) * 1e6 if latencies else 0,
                "max_us": int(latencies[-1] * 1e6) if latencies else 0,
            }
        )
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("file")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--headers", default="{}")
    arguments = parser.parse_args()
    asyncio.run(main(arguments, read_requests(arguments.file)))
