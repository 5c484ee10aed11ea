"""bench/maps_http.py at a tiny scale, through the app in this process: every map answer it
times is a 200 that revalidates as a 304 without a body, the SVG pages answer, the first
request of each is reported apart, and the report shows each row (CPU — in-process)."""

from __future__ import annotations

import os

import httpx

from bench.generate import City
from bench.maps import VIEWS
from bench.maps_http import markdown, run_maps_http
from bench.run import describe_city


async def test_map_http_bench_times_fresh_and_revalidated_answers(city: City) -> None:
    from app.asgi import app

    url = os.environ["DATABASE_URL"]
    described = await describe_city(url)
    transport = httpx.ASGITransport(app=app)

    results = await run_maps_http(
        lambda: httpx.AsyncClient(transport=transport, base_url="http://bench", timeout=60),
        url,
        described.street_id,
        repeat=2,
    )

    rows = results["rows"]
    per_scope = len(VIEWS) + 4  # the views, the whole street, today, two SVG pages
    assert [r["scope"] for r in rows] == ["district"] * per_scope + ["street"] * per_scope
    for row in rows:
        assert row["status"] == [200], row
        assert row["bytes"] > 0 and row["p99_ms"] >= row["p50_ms"] > 0 and row["first_ms"] > 0
        assert "web_cpu_ms" not in row  # no server process of its own to count
        if row["what"].startswith("SVG page"):
            assert "revalidated" not in row and row["bytes"] > 1000  # no ETag on pages
            continue
        assert row["cache_control"] == "private, no-cache"
        assert row["revalidated"]["status"] == [304] and row["revalidated"]["bytes"] == 0
    whole = next(r for r in rows if r["what"] == "layers, whole street")
    assert whole["content_encoding"] == "gzip" and whole["sent_bytes"] < whole["bytes"]
    report = markdown(
        {"scale": {"name": "tiny"}, "started_at": "now", "load_average": [0.0], **results}
    )
    lines = report.splitlines()
    assert sum(line.startswith(("| district |", "| street |")) for line in lines) == len(rows)
