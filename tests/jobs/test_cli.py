"""The command line re-runs a rollup with the same service (and the same rows) as the tasks."""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import io
import json
import os
import sys
from pathlib import Path

import pytest

from tables.assessment import EvaluationRollup
from tests.jobs.support import local, make_check_in, world

ROOT = Path(__file__).resolve().parents[2]


async def cli(*args: str) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "app.jobs.cli",
        *args,
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": os.environ["DATABASE_URL"]},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def test_rollup_and_report_from_the_command_line() -> None:
    w = await world()
    await make_check_in(w, "wang", "A1-1", local(dt.date(2026, 10, 5)))
    code, out, _ = await cli("rollup", "--period", "month", "--start", "2026-10-01")
    assert code == 0
    summary = json.loads(out)
    assert summary["period_end"] == "2026-10-31" and summary["inserted"] == 12
    first = await EvaluationRollup.select().order_by(EvaluationRollup._meta.primary_key).run()
    code, out, _ = await cli("rollup", "--period", "month", "--start", "2026-10-01")
    assert json.loads(out)["unchanged"] == 12
    assert (
        await EvaluationRollup.select().order_by(EvaluationRollup._meta.primary_key).run() == first
    )
    code, out, _ = await cli(
        "report", "--period", "month", "--start", "2026-10-01", "--kind", "staff"
    )
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    # On duty from his first check-in (Oct 5) to the 31st: 1 of 27 days.
    assert [row["name"] for row in rows] == ["wang"]
    assert float(rows[0]["check_in_rate"]) == pytest.approx(1 / 27)


async def test_a_bad_period_exits_with_the_reason() -> None:
    code, _, err = await cli("rollup", "--period", "month", "--start", "2026-10-02")
    assert code == 2
    assert "period_start" in err and "1st" in err
    assert await EvaluationRollup.count().run() == 0
