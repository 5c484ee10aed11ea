"""The command line imports and exports with a progress bar, in the same all-or-nothing way."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from app.settings import ROOT
from tables.places import Household
from tests.excel.support import read_back, xlsx
from tests.excel.test_imports import HOUSEHOLD_HEADERS, buildings_in
from tests.factories import area_tree


async def run_cli(*args: str) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "app.excel",
        *args,
        cwd=ROOT,
        env=dict(os.environ),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await process.communicate()
    return process.returncode or 0, output.decode()


async def test_import_and_export_from_the_command_line(tmp_path: Path) -> None:
    tree = await area_tree()
    [code] = await buildings_in(tree.grids["A1-1"], 1)
    rows = [(code, f"{n // 100 + 1}-{n % 100:02d}", 2, "") for n in range(1200)]
    path = tmp_path / "households.xlsx"
    path.write_bytes(xlsx(HOUSEHOLD_HEADERS, rows))
    status, output = await run_cli("import", "households", str(path), "--dry-run")
    assert status == 0 and "1200 行" in output and "未写入" in output
    assert await Household.count() == 0
    status, output = await run_cli("import", "households", str(path))
    assert status == 0 and "已写入" in output, output
    assert await Household.count() == 1200
    status, output = await run_cli("import", "households", str(path))
    assert status == 1 and "第 2 行 [房号]" in output and "已写入" not in output.splitlines()[-1]
    out = tmp_path / "export.xlsx"
    status, output = await run_cli("export", "household", str(out), "--filters", "room=1-01")
    assert status == 0, output
    assert any("1-01" in row for row in read_back(out.read_bytes()))
