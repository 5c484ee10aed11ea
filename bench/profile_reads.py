"""Where a scoped read spends its CPU, in one process (issue 19).

    .venv/bin/py-spy record -r 500 -f raw -o /tmp/list.txt -- \
        .venv/bin/python -m bench.profile_reads --scale full --read list --requests 6000
    .venv/bin/python -m bench.profile_reads --summarise /tmp/list.txt

The product (`app.asgi:app`) and the raw-scoped peer (bench/peers/raw_litestar.py) are called
as ASGI apps in this process (bench/in_process.py), with the bench's street token, on
`grid_bench_<scale>`: no server, no client, no load generator, so the process CPU per request
is the app's own (its asyncpg client side included), and a sampling profile of the process
shows the app's part under `Litestar.__call__`. `--summarise` turns py-spy's raw (folded)
output into the share of the app's samples spent in each function, inclusive, the table
bench/README.md quotes.

    .venv/bin/python -m bench.profile_reads --read list --requests 1000 --side-by-side 10

alternates blocks of the product's and the peer's requests in one process (which goes first
changes every round), so a machine that slows down slows both sides of a round: the ratio of
CPU per request, round by round, is the figure for issue 19's "app CPU per request ≤ 1.5× the
raw-scoped peer's" that does not depend on how busy the shared machine is.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import statistics
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.in_process import SITE_PACKAGES, call, scoped_reads, warm


def summarise(folded: Path, top: int) -> list[tuple[float, str]]:
    """(share of the app's samples, function) for the `top` functions, inclusive."""
    inclusive: Counter[str] = Counter()
    app_samples = 0
    for line in folded.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        frames = stack.split(";")
        entry = next((i for i, f in enumerate(frames) if "Litestar.__call__" in f), None)
        if entry is None:
            continue
        app_samples += int(count)
        for name in {_function(frame) for frame in frames[entry:]}:
            inclusive[name] += int(count)
    return [(n / app_samples, name) for name, n in inclusive.most_common(top)]


def _function(frame: str) -> str:
    """`name (path:line)` → `name (module path)`, without the line and the venv prefix."""
    name, _, where = frame.partition(" (")
    path = where.split(":")[0].split(SITE_PACKAGES)[-1]
    return f"{name} ({path})"


def cpu_ms() -> float:
    """User and system CPU of this process so far, in milliseconds."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return (usage.ru_utime + usage.ru_stime) * 1000


async def cpu_per_request(app: Any, paths: list[str], headers: dict[str, str], n: int) -> float:
    """CPU milliseconds per request over `n` requests cycling through `paths` (warm)."""
    started = cpu_ms()
    for i in range(n):
        await call(app, paths[i % len(paths)], headers)
    return (cpu_ms() - started) / n


async def measure(scale_name: str, read: str, requests: int, peer: bool) -> float:
    """CPU milliseconds per request of `requests` scoped reads (after a warm-up), of the
    product or (`peer`) of the raw-scoped peer (bench/peers/raw_litestar.py)."""
    async with scoped_reads(scale_name, read) as reads:
        app, paths = reads.side("peer" if peer else "product")
        await warm(app, paths, reads.headers)
        return await cpu_per_request(app, paths, reads.headers, requests)


@dataclass(frozen=True)
class Round:
    product_ms: float
    peer_ms: float

    @property
    def ratio(self) -> float:
        return self.product_ms / self.peer_ms


async def side_by_side(scale_name: str, read: str, block: int, rounds: int) -> list[Round]:
    """Blocks of `block` requests to the product and to the peer, alternating which goes
    first, `rounds` times: whatever slows the machine down slows both sides of a round."""
    async with scoped_reads(scale_name, read) as reads:
        for who in ("product", "peer"):
            await warm(*reads.side(who), reads.headers)
        measured: list[Round] = []
        for i in range(rounds):
            order = ["product", "peer"] if i % 2 == 0 else ["peer", "product"]
            ms = {
                who: await cpu_per_request(*reads.side(who), reads.headers, block) for who in order
            }
            measured.append(Round(ms["product"], ms["peer"]))
        return measured


def report(read: str, rounds: list[Round]) -> str:
    product = statistics.median(r.product_ms for r in rounds)
    peer = statistics.median(r.peer_ms for r in rounds)
    ratios = sorted(r.ratio for r in rounds)
    return (
        f"{read}: CPU per request, median of {len(rounds)} rounds: product {product:.3f} ms, "
        f"raw-scoped peer {peer:.3f} ms; product / peer per round: median "
        f"{statistics.median(ratios):.2f}, range {ratios[0]:.2f}–{ratios[-1]:.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", default="small")
    parser.add_argument("--read", choices=("list", "detail"), default="list")
    parser.add_argument("--requests", type=int, default=3000, help="per side and round")
    parser.add_argument("--peer", action="store_true", help="the raw-scoped peer instead")
    parser.add_argument(
        "--side-by-side", type=int, metavar="ROUNDS", help="alternate product and peer"
    )
    parser.add_argument("--summarise", type=Path, help="py-spy raw output to summarise")
    parser.add_argument("--top", type=int, default=40)
    options = parser.parse_args()
    if options.summarise:
        for share, name in summarise(options.summarise, options.top):
            print(f"{share * 100:5.1f}%  {name}")
        return
    if options.side_by_side:
        rounds = asyncio.run(
            side_by_side(options.scale, options.read, options.requests, options.side_by_side)
        )
        print(report(options.read, rounds))
        return
    ms = asyncio.run(measure(options.scale, options.read, options.requests, options.peer))
    who = "raw-scoped peer" if options.peer else "product"
    print(f"{who}, {options.read}: {ms:.3f} ms of CPU (user and system) per request")


if __name__ == "__main__":
    main()
