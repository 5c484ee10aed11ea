"""bench/maps.py at a tiny scale, in this process: every view it times answers with the layer
of its zoom, the 户籍图 and today are timed, and the report shows each figure."""

from __future__ import annotations

from bench.generate import City
from bench.maps import VIEWS, markdown, run_maps


async def test_map_bench_reads_every_view(city: City) -> None:
    results = await run_maps(repeat=1)

    rows = results["layers"]
    assert [(r["scope"], r["zoom"]) for r in rows] == [
        (scope, zoom) for scope in ("district", "street", "community") for zoom, _ in VIEWS
    ]
    assert all(r["p50_ms"] > 0 for r in rows)
    by_zoom = {(r["scope"], r["zoom"]): r for r in rows}
    assert by_zoom[("district", 13)]["level"] == "community"
    assert by_zoom[("district", 13)]["features"].get("areas", 0) >= 1
    assert by_zoom[("community", 15)]["features"].get("grids", 0) >= 1
    assert by_zoom[("community", 17)]["features"].get("buildings", 0) >= 1
    assert results["register"]["p50_ms"] > 0 and results["today"]["p50_ms"] > 0
    report = markdown(
        {"scale": {"name": "tiny"}, "started_at": "now", "load_average": [0.0], **results}
    )
    assert report.count("\n| ") == len(rows) + 3  # header, separator, rows, register, today
