"""Links shown in the admin sidebar (pages served by the app itself, e.g. maps and dashboards)."""

from __future__ import annotations

SIDEBAR_LINKS: dict[str, str] = {
    "API 文档 API docs": "/schema",
}
