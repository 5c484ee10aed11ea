"""Function calls per scoped read, product against the raw-scoped peer (issue 19).

    .venv/bin/python -m bench.call_counts --scale small --read detail [--by-file]

CPU time per request on this shared 2-core machine moves by ±30 % between runs of the same
code, more than most single changes save. The number of Python and C function calls (and
coroutine resumptions) per request does not move: `sys.setprofile` counts them while the
ASGI apps are called directly (no client, no server), warm, on `grid_bench_<scale>`. A change
that removes calls from the product's path shows here at once; its CPU effect is then
measured side by side with `python -m bench --servers product-uvicorn,raw-scoped`.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections import Counter
from types import FrameType
from typing import Any

from bench.in_process import SITE_PACKAGES, call, scoped_reads, warm


def where(frame: FrameType) -> str:
    return frame.f_code.co_filename.split(SITE_PACKAGES)[-1]


async def count_calls(app: Any, paths: list[str], headers: dict[str, str], n: int) -> Counter[str]:
    """Calls per file (C functions as `C:<name>`) over `n` requests, after a warm-up."""
    await warm(app, paths, headers)
    counts: Counter[str] = Counter()

    def profile(frame: FrameType, event: str, arg: Any) -> None:
        if event == "call":
            counts[where(frame)] += 1
        elif event == "c_call":
            counts[f"C:{getattr(arg, '__qualname__', arg)}"] += 1

    sys.setprofile(profile)
    try:
        for i in range(n):
            await call(app, paths[i % len(paths)], headers)
    finally:
        sys.setprofile(None)
    return counts


async def measure(scale_name: str, read: str, n: int) -> dict[str, Counter[str]]:
    async with scoped_reads(scale_name, read) as reads:
        return {
            who: await count_calls(*reads.side(who), reads.headers, n)
            for who in ("product", "peer")
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", default="small")
    parser.add_argument("--read", choices=("list", "detail"), default="detail")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--by-file", action="store_true", help="where the extra calls are")
    options = parser.parse_args()
    counts = asyncio.run(measure(options.scale, options.read, options.requests))
    n = options.requests
    for who, counted in counts.items():
        print(f"{who}, {options.read}: {sum(counted.values()) / n:.0f} calls per request")
    if options.by_file:
        product, peer = counts["product"], counts["peer"]
        extra = sorted(product, key=lambda k: peer.get(k, 0) - product[k])[:40]
        for key in extra:
            print(f"  {product[key] / n:7.1f} {peer.get(key, 0) / n:7.1f}  {key}")


if __name__ == "__main__":
    main()
