"""bench/field.py at a tiny scale, in this process: every field write it times succeeds, the
replayed batch is stored once, and the figures and ratios it reports are there."""

from __future__ import annotations

import os

import httpx

from bench.field import FIELD_TABLES, run_field, stored_once
from bench.generate import City
from bench.run import describe_city, last_ids, make_tokens
from tables.daily import CheckIn
from tables.field import FieldPhoto, FieldReport


async def test_field_writes_bench_runs_and_stores_each_write_once(city: City) -> None:
    from app.asgi import app

    url = os.environ["DATABASE_URL"]
    described = await describe_city(url)
    await make_tokens(described)
    assert described.write_token
    before = await last_ids(url, FIELD_TABLES)
    transport = httpx.ASGITransport(app=app)

    results = await run_field(
        lambda: httpx.AsyncClient(transport=transport, base_url="http://bench", timeout=60),
        url,
        described,
        phones_wanted=2,
        per_phone=3,
        reports_per_phone=1,
        batch=5,
    )

    assert results["phones"] == 2 and results["photo_bytes"] >= 290_000
    for name in ("api_check_in", "field_check_in", "field_report_with_photo"):
        figures = results[name]
        assert figures["errors"] == 0, (name, figures["error_samples"])
        assert figures["p50_ms"] > 0 and figures["p99_ms"] >= figures["p50_ms"]
    assert results["api_check_in"]["requests"] == 6
    assert results["field_check_in"]["requests"] == 6
    assert results["field_check_in"]["ratio_to_api_check_in"]["p50"] > 0
    assert results["field_report_with_photo"]["requests"] == 2
    replay = results["queued_batch_replayed"]
    assert replay["first_send"]["requests"] == 10 and replay["first_send"]["errors"] == 0
    assert replay["resend"]["requests"] == 10 and replay["resend"]["errors"] == 0
    assert replay["first_send"]["batches"] == 2 and replay["first_send"]["batch_of"] == 5

    # Stored as sent: the resent batch came back from its keys and added nothing.
    assert await stored_once(url, before["check_in"], results) is True
    field_rows = await CheckIn.select().where(
        (CheckIn.id > before["check_in"]) & CheckIn.accuracy.is_not_null()
    )
    assert len(field_rows) == 6 + 10 + 2 * 2  # field check-ins, first send, warm-up
    assert all(row["device_time"] is not None for row in field_rows)
    assert await FieldReport.count().where(FieldReport.id > before["field_report"]) == 2
    photos = await FieldPhoto.select().where(FieldPhoto.id > before["field_photo"])
    assert len(photos) == 2 and all(p["work_item"] is not None for p in photos)
