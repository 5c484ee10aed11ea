"""A small SVG chart kit: line charts for monthly trends, horizontal bar charts for rankings
and counts. Server-side, no JavaScript; Chinese labels use the CJK font stack."""

from __future__ import annotations

from collections.abc import Sequence

from app.pages.html import FONT_STACK, esc

PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"]


def _svg(width: int, height: int, title: str, body: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="{esc(FONT_STACK)}" role="img" '
        f'aria-label="{esc(title)}"><title>{esc(title)}</title>'
        f'<text x="8" y="18" font-size="14" font-weight="bold">{esc(title)}</text>{body}</svg>'
    )


def _value_text(value: float, percent: bool, unit: str) -> str:
    if percent:
        return f"{value * 100:.1f}%"
    return f"{value:.1f}".removesuffix(".0") + unit


def line_chart(
    title: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    percent: bool = True,
    width: int = 600,
    height: int = 280,
) -> str:
    """One line per series over `labels` (months); gaps where a value is None."""
    left, right, top, bottom = 52, 16, 40, 56
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [v for _, vs in series for v in vs if v is not None]
    top_value = 1.0 if percent else max(values, default=1.0) * 1.1 or 1.0
    parts: list[str] = []
    for step in range(5):
        tick = top_value * step / 4
        y = top + plot_h - plot_h * step / 4
        parts.append(
            f'<line x1="{left}" x2="{left + plot_w}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e4e7eb"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" font-size="11" text-anchor="end">'
            f"{esc(_value_text(tick, percent, ''))}</text>"
        )
    count = max(len(labels), 1)
    xs = [left + plot_w * (i + 0.5) / count for i in range(count)]
    for x, text in zip(xs, labels, strict=False):
        parts.append(
            f'<text x="{x:.1f}" y="{top + plot_h + 16}" font-size="11" '
            f'text-anchor="middle">{esc(text)}</text>'
        )
    if not values:
        parts.append(
            f'<text x="{left + plot_w / 2}" y="{top + plot_h / 2}" font-size="13" '
            f'text-anchor="middle" fill="#7b8794">暂无汇总数据 no rollups yet</text>'
        )
    for index, (name, points) in enumerate(series):
        color = PALETTE[index % len(PALETTE)]
        segment: list[str] = []
        for x, value in zip(xs, points, strict=False):
            if value is None:
                if len(segment) > 1:
                    parts.append(_polyline(segment, color))
                segment = []
                continue
            y = top + plot_h - plot_h * min(value / top_value, 1.0)
            segment.append(f"{x:.1f},{y:.1f}")
            parts.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{color}">'
                f"<title>{esc(name)} {esc(_value_text(value, percent, ''))}</title></circle>"
            )
        if len(segment) > 1:
            parts.append(_polyline(segment, color))
        legend_x = left + index * 150
        parts.append(
            f'<rect x="{legend_x}" y="{height - 22}" width="12" height="12" fill="{color}"/>'
            f'<text x="{legend_x + 16}" y="{height - 12}" font-size="12">{esc(name)}</text>'
        )
    return _svg(width, height, title, "".join(parts))


def _polyline(points: list[str], color: str) -> str:
    return f'<polyline fill="none" stroke="{color}" stroke-width="2" points="{" ".join(points)}"/>'


def bar_chart(
    title: str,
    items: Sequence[tuple[str, float | None]],
    percent: bool = False,
    unit: str = "",
    width: int = 600,
    color: str = PALETTE[0],
    label_width: int = 170,
) -> str:
    """Horizontal bars, one per (label, value), in the order given."""
    row_h, top = 24, 32
    height = top + max(len(items), 1) * row_h + 12
    plot_w = width - label_width - 70
    values = [v for _, v in items if v is not None]
    top_value = 1.0 if percent else (max(values, default=0) or 1)
    parts: list[str] = []
    if not items:
        parts.append(
            f'<text x="{width / 2}" y="{top + 14}" font-size="13" text-anchor="middle" '
            'fill="#7b8794">暂无数据 no data</text>'
        )
    for index, (name, value) in enumerate(items):
        y = top + index * row_h
        parts.append(
            f'<text x="{label_width - 6}" y="{y + 16}" font-size="12" text-anchor="end">'
            f"{esc(name)}</text>"
        )
        if value is None:
            parts.append(
                f'<text x="{label_width + 4}" y="{y + 16}" font-size="12" fill="#7b8794">—</text>'
            )
            continue
        bar = plot_w * min(value / top_value, 1.0) if top_value else 0
        parts.append(
            f'<rect x="{label_width}" y="{y + 4}" width="{bar:.1f}" height="{row_h - 8}" '
            f'fill="{color}"><title>{esc(name)} {esc(_value_text(value, percent, unit))}</title></rect>'
            f'<text x="{label_width + bar + 4:.1f}" y="{y + 16}" font-size="12">'
            f"{esc(_value_text(value, percent, unit))}</text>"
        )
    return _svg(width, height, title, "".join(parts))
