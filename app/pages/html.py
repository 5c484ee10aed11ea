"""The HTML shell every page shares: one inline stylesheet, Chinese first, no external assets."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape
from typing import Any

FONT_STACK = (
    "'Noto Sans CJK SC','Noto Sans SC','Source Han Sans SC','PingFang SC',"
    "'Microsoft YaHei','WenQuanYi Micro Hei',sans-serif"
)

STYLE = f"""
* {{ box-sizing: border-box; }}
body {{ font-family: {FONT_STACK}; margin: 0; color: #1f2933; background: #f5f7fa; }}
header {{ background: #1f4e79; color: #fff; padding: 10px 24px; display: flex;
         align-items: baseline; gap: 24px; flex-wrap: wrap; }}
header a {{ color: #dbe9f6; text-decoration: none; }}
header h1 {{ font-size: 20px; margin: 0; }}
main {{ padding: 16px 24px; max-width: 1280px; }}
section {{ background: #fff; border-radius: 6px; padding: 12px 16px; margin-bottom: 16px;
          box-shadow: 0 1px 2px rgba(0,0,0,.08); }}
h2 {{ font-size: 17px; margin: 4px 0 10px; }}
table {{ border-collapse: collapse; width: 100%; font-size: 14px; }}
th, td {{ border-bottom: 1px solid #e4e7eb; padding: 6px 8px; text-align: left;
          vertical-align: top; }}
th {{ background: #f0f4f8; }}
.muted {{ color: #7b8794; font-size: 13px; }}
.pills a {{ display: inline-block; padding: 4px 10px; margin: 0 6px 6px 0; border-radius: 14px;
            background: #e4ecf4; color: #1f4e79; text-decoration: none; font-size: 14px; }}
.pills a.on {{ background: #1f4e79; color: #fff; }}
.grid2 {{ display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr));
          gap: 16px; }}
.warn {{ color: #b42318; }}
.ok {{ color: #027a48; }}
svg text {{ font-family: {FONT_STACK}; }}
"""


def esc(value: Any) -> str:
    return escape("" if value is None else str(value))


def page(title: str, body: str, nav: Sequence[tuple[str, str]] = ()) -> str:
    """A whole HTML document (lang zh-CN) with the header bar and `body` in <main>."""
    links = " ".join(f'<a href="{esc(href)}">{esc(text)}</a>' for text, href in nav)
    return (
        "<!doctype html>\n"
        f'<html lang="zh-CN"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)}</title><style>{STYLE}</style></head>"
        f"<body><header><h1>{esc(title)}</h1><nav>{links}</nav></header>"
        f"<main>{body}</main></body></html>"
    )


def table(headers: Sequence[str], rows: Iterable[Sequence[Any]], empty: str = "暂无") -> str:
    """An HTML table; cells are escaped unless they are `Markup`."""
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    body = "".join(
        "<tr>"
        + "".join(f"<td>{cell if isinstance(cell, Markup) else esc(cell)}</td>" for cell in row)
        + "</tr>"
        for row in rows
    )
    if not body:
        body = f'<tr><td colspan="{len(headers)}" class="muted">{esc(empty)}</td></tr>'
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


class Markup(str):
    """Text that is already HTML (built from escaped parts)."""


def link(text: Any, href: str) -> Markup:
    return Markup(f'<a href="{esc(href)}">{esc(text)}</a>')


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def number(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:.{digits}f}"
