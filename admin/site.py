"""The admin site, built once at import of `build_admin()`'s first call."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from piccolo_admin.endpoints import TableConfig, create_admin

from admin.write_guard import WriteGuard
from app.settings import settings
from tables import areas, assessment, daily, people, places, supervision, system, work

MENU: dict[str, list[Any]] = {
    "区域 Areas": [areas.District, areas.Street, areas.Community, areas.ResponsibilityGrid],
    "场所 Places": [
        places.Building,
        places.Facility,
        places.Organisation,
        places.Household,
        places.Resident,
    ],
    "人员 People": [people.StaffMember, people.GridAssignment, people.Leave],
    "日常工作 Daily work": [daily.CheckIn, daily.DiaryEntry],
    "事项与准入 Work & access list": [
        work.AccessListEntry,
        work.AccessRefusal,
        work.Department,
        work.WorkItem,
        work.WorkItemEvent,
    ],
    "考核 Assessment": [
        assessment.Indicator,
        assessment.Assessment,
        assessment.AssessmentScore,
        assessment.EvaluationRollup,
    ],
    "监督 Supervision": [supervision.SupervisionRecord],
    "系统 System": [system.Reminder, system.AuditLog],
}


def table_configs() -> list[TableConfig]:
    """One TableConfig per domain table, grouped into the Chinese menu."""
    return [
        TableConfig(table, menu_group=group, order_by=None)
        for group, tables in MENU.items()
        for table in tables
    ]


@lru_cache(maxsize=1)
def build_admin() -> Any:
    """The admin ASGI app. Built once: building it per request resets its login rate limit."""
    admin = create_admin(
        tables=table_configs(),
        site_name="人民网格 People's Grid",
        default_language_code="zh-cn",
        production=settings.production,
        allowed_hosts=[],
    )
    return WriteGuard(admin)
