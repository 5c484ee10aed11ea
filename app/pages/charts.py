"""The dashboards' charts: what each one shows, drawn in the browser by Apache ECharts
(app/field/static/pages/charts.js, vendored, no CDN).

A `Chart` holds its numbers once. The template writes them twice from it: as a JSON block the
page script reads (a `<script type="application/json">` is data, never run, so the strict CSP
allows it) and as the plain table under the chart, for screen readers and pages without
JavaScript. The two cannot disagree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"]

Kind = Literal["line", "bar", "pie"]


@dataclass
class Series:
    name: str
    values: list[float | None]


@dataclass
class Chart:
    """One chart: line (trends by month), bar (rankings, counts) or pie (shares of a whole)."""

    key: str  # the figure's DOM id
    kind: Kind
    title: str
    labels: list[str]
    series: list[Series]
    label_header: str = "项目"
    unit: str = ""
    percent: bool = False  # values are fractions, shown as per cent
    color: str | None = None
    empty: str = "暂无数据"
    notes: list[str] = field(default_factory=list)

    def shown(self, value: float | None) -> float | None:
        """The value as the chart and table show it (a fraction as per cent, one decimal)."""
        if value is None:
            return None
        return round(float(value) * 100, 1) if self.percent else round(float(value), 1)

    def text(self, value: float | None) -> str:
        shown = self.shown(value)
        if shown is None:
            return "—"
        number = f"{shown:.1f}".removesuffix(".0")
        return f"{number}%" if self.percent else f"{number}{self.unit}"

    def headers(self) -> list[str]:
        return [self.label_header, *(s.name for s in self.series)]

    def rows(self) -> list[list[str]]:
        """The table under the chart: one row per label, one column per series."""
        return [
            [label, *(self.text(s.values[i]) for s in self.series)]
            for i, label in enumerate(self.labels)
        ]

    def spec(self) -> dict[str, Any]:
        """What charts.js draws: labels, series in display units, the unit to print."""
        return {
            "kind": self.kind,
            "title": self.title,
            "labels": self.labels,
            "series": [
                {"name": s.name, "values": [self.shown(v) for v in s.values]} for s in self.series
            ],
            "unit": "%" if self.percent else self.unit,
            "color": self.color,
            "empty": self.empty,
        }


def line_chart(
    key: str,
    title: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    percent: bool = True,
    unit: str = "",
) -> Chart:
    """One line per series over `labels` (months); gaps where a value is None."""
    return Chart(
        key,
        "line",
        title,
        list(labels),
        [Series(name, list(values)) for name, values in series],
        label_header="月份",
        unit=unit,
        percent=percent,
        empty="暂无汇总数据",
    )


def bar_chart(
    key: str,
    title: str,
    items: Sequence[tuple[str, float | None]],
    name: str = "数值",
    label_header: str = "项目",
    percent: bool = False,
    unit: str = "",
    color: str = PALETTE[0],
    kind: Kind = "bar",
) -> Chart:
    """One bar (or pie slice) per (label, value), in the order given."""
    return Chart(
        key,
        kind,
        title,
        [label for label, _ in items],
        [Series(name, [value for _, value in items])],
        label_header=label_header,
        unit=unit,
        percent=percent,
        color=color,
    )
