"""bench/residents.py at a tiny scale, in this process: every resident submission and
tracking read it times succeeds beside the Open311 POST, and the ratios are reported."""

from __future__ import annotations

import os

from bench.generate import City
from bench.residents import WRITTEN, run_residents
from bench.run import clean_bench_writes, describe_city, last_ids, make_tokens
from tables.residents import ResidentCase
from tests.residents.conftest import from_address


async def test_residents_bench_runs_every_scenario_without_errors(city: City) -> None:
    url = os.environ["DATABASE_URL"]
    described = await describe_city(url)
    await make_tokens(described)
    before = await last_ids(url, WRITTEN)

    results = await run_residents(
        lambda: from_address("192.0.2.1"), described, clients=2, per_client=3, bits=8
    )

    for name in ("open311_post", "resident_report_with_photo", "tracking_page_read"):
        figures = results[name]
        assert figures["errors"] == 0, (name, figures["error_samples"])
        assert figures["p99_ms"] >= figures["p50_ms"] > 0
    assert results["resident_report_with_photo"]["requests"] == 6
    assert results["tracking_page_read"]["requests"] == 24
    assert results["resident_report_with_photo"]["ratio_to_open311"]["rps"] > 0
    assert await ResidentCase.count() == 6
    await clean_bench_writes(url, before)
    assert await ResidentCase.count() == 0
