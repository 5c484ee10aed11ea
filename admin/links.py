"""Links shown in the admin sidebar (pages served by the app itself, e.g. maps and dashboards)."""

from __future__ import annotations

SIDEBAR_LINKS: dict[str, str] = {
    "API 文档 API docs": "/schema",
    "网格地图与看板 Maps": "/maps/",
    "Excel 导入导出": "/excel/",
    "社区公开 Public pages": "/public/",
    "居民二维码海报 Residents' posters": "/r/poster/",
}
