"""Reading the dashboards' charts back: the JSON each figure hands to ECharts, and its table."""

from __future__ import annotations

import json
import re
from html import unescape
from typing import Any

FIGURE = r'<figure class="chart" id="{key}".*?</figure>'
CHART_DATA = re.compile(r'<script type="application/json" class="chart-data">(.*?)</script>', re.S)
ROW = re.compile(r"<tr>(.*?)</tr>", re.S)
CELL = re.compile(r"<td[^>]*>(.*?)</td>", re.S)


def chart_of(page: str, key: str) -> tuple[dict[str, Any], list[list[str]]]:
    """The chart `key` of a dashboard: the data charts.js draws, and its table's rows (text).

    Asserts the two agree: every table cell is the chart's value with its unit."""
    found = re.search(FIGURE.format(key=re.escape(key)), page, re.S)
    assert found, f"no chart {key}"
    figure = found.group(0)
    data = CHART_DATA.search(figure)
    assert data, f"chart {key} has no data block"
    spec = json.loads(data.group(1))
    rows = [
        [unescape(re.sub(r"<[^>]+>", "", cell)) for cell in CELL.findall(row)]
        for row in ROW.findall(figure.split("<tbody>", 1)[1])
    ]
    if spec["labels"]:
        assert [row[0] for row in rows] == spec["labels"]
        for i, row in enumerate(rows):
            for series, cell in zip(spec["series"], row[1:], strict=True):
                value = series["values"][i]
                shown = "—" if value is None else f"{value:.1f}".removesuffix(".0") + spec["unit"]
                assert cell == shown, (key, row, series["name"])
    return spec, rows


def chart_table(page: str, key: str) -> dict[str, str]:
    """Label → value text of a one-series chart's table."""
    _, rows = chart_of(page, key)
    return {row[0]: row[1] for row in rows if len(row) == 2}
