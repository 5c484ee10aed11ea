"""The admin site, built once at import of `build_admin()`'s first call."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from piccolo.apps.user.tables import BaseUser
from piccolo_admin.endpoints import TableConfig, create_admin
from piccolo_api.crud.hooks import Hook

from admin.counts import estimated_counts
from admin.forms import FORMS, SCOPED_FORMS
from admin.frontend import LocalisedAdmin
from admin.hooks import (
    access_entry_hooks,
    check_in_hooks,
    cleaner_hooks,
    read_only_hooks,
    work_item_hooks,
)
from admin.links import SIDEBAR_LINKS
from admin.login_limit import NOT_HERE, LoginLimit
from admin.media import media_storage
from admin.mfa import mfa_provider
from admin.scope_guard import ScopeGuard
from admin.tables import view_options
from admin.translations import translations
from app.areas import services as area_services
from app.assessment import services as assessment_services
from app.daily import services as daily_services
from app.notices.services import clean_public_notice
from app.people import services as people_services
from app.places import services as place_services
from app.settings import settings
from app.supervision import services as supervision_services
from app.work import services as work_services
from tables import areas, assessment, daily, jobs, people, places, supervision, system, tokens, work
from tables.notices import PublicNotice
from tables.open311 import ServiceRequest

MENU: dict[str, list[Any]] = {
    "区域 Areas": [areas.District, areas.Street, areas.Community, areas.ResponsibilityGrid],
    "场所 Places": [
        places.Building,
        places.Facility,
        places.Organisation,
        places.Household,
        places.Resident,
    ],
    "人员 People": [people.StaffMember, people.GridAssignment, people.Leave, BaseUser],
    "日常工作 Daily work": [daily.CheckIn, daily.DiaryEntry],
    "事项与准入 Work & access list": [
        work.AccessListEntry,
        work.AccessRefusal,
        work.Department,
        work.WorkItem,
        work.WorkItemEvent,
        ServiceRequest,
    ],
    "考核 Assessment": [
        assessment.Indicator,
        assessment.Assessment,
        assessment.AssessmentScore,
        assessment.EvaluationRollup,
    ],
    "监督 Supervision": [supervision.SupervisionRecord],
    "公开 Openness": [PublicNotice],
    "定时任务 Scheduled work": [
        jobs.JobSchedule,
        jobs.RestDay,
        jobs.SubsidyGrade,
        jobs.WebhookEndpoint,
        jobs.WebhookDelivery,
    ],
    "系统 System": [system.Reminder, system.AuditLog, tokens.ApiToken],
}


SYSTEM_RECORD = "这是系统自动生成的记录，不能在后台修改 This record is written by the system and cannot be edited"
TOKEN_RECORD = (
    "请使用表单「创建 API 令牌」或「吊销 API 令牌」 Use the forms to create or revoke API tokens"
)


def table_hooks() -> dict[Any, list[Hook]]:
    """Which domain service guards each table's admin writes."""
    return {
        areas.District: cleaner_hooks(areas.District, area_services.clean_district),
        areas.Street: cleaner_hooks(areas.Street, area_services.clean_street),
        areas.Community: cleaner_hooks(areas.Community, area_services.clean_community),
        areas.ResponsibilityGrid: cleaner_hooks(areas.ResponsibilityGrid, area_services.clean_grid),
        places.Building: cleaner_hooks(places.Building, place_services.clean_building),
        places.Facility: cleaner_hooks(places.Facility, place_services.clean_facility),
        places.Organisation: cleaner_hooks(places.Organisation, place_services.clean_organisation),
        places.Household: cleaner_hooks(places.Household, place_services.clean_household),
        places.Resident: cleaner_hooks(places.Resident, place_services.clean_resident),
        people.StaffMember: cleaner_hooks(people.StaffMember, people_services.clean_staff_member),
        people.GridAssignment: cleaner_hooks(
            people.GridAssignment, people_services.clean_grid_assignment
        ),
        people.Leave: cleaner_hooks(people.Leave, people_services.clean_leave),
        work.Department: cleaner_hooks(work.Department, work_services.clean_department),
        daily.CheckIn: check_in_hooks(),
        daily.DiaryEntry: cleaner_hooks(daily.DiaryEntry, daily_services.clean_diary_entry),
        PublicNotice: cleaner_hooks(PublicNotice, clean_public_notice),
        supervision.SupervisionRecord: cleaner_hooks(
            supervision.SupervisionRecord, supervision_services.clean_supervision_record
        ),
        assessment.Indicator: cleaner_hooks(
            assessment.Indicator, assessment_services.clean_indicator
        ),
        assessment.Assessment: cleaner_hooks(
            assessment.Assessment, assessment_services.clean_assessment
        ),
        assessment.AssessmentScore: cleaner_hooks(
            assessment.AssessmentScore, assessment_services.clean_assessment_score
        ),
        work.AccessListEntry: access_entry_hooks(),
        work.WorkItem: work_item_hooks(),
        work.AccessRefusal: read_only_hooks(SYSTEM_RECORD),
        work.WorkItemEvent: read_only_hooks(SYSTEM_RECORD),
        assessment.EvaluationRollup: read_only_hooks(SYSTEM_RECORD),
        system.AuditLog: read_only_hooks(SYSTEM_RECORD),
        jobs.WebhookDelivery: read_only_hooks(SYSTEM_RECORD),
        tokens.ApiToken: read_only_hooks(TOKEN_RECORD),
        ServiceRequest: read_only_hooks(SYSTEM_RECORD),
    }


def table_configs() -> list[TableConfig]:
    """One TableConfig per domain table, grouped into the Chinese menu."""
    hooks = table_hooks()
    return [
        TableConfig(
            table,
            menu_group=group,
            hooks=hooks.get(table),
            media_storage=media_storage().get(table),
            **view_options(table),
        )
        for group, tables in MENU.items()
        for table in tables
    ]


@lru_cache(maxsize=1)
def build_admin() -> Any:
    """The admin ASGI app, built once. Its login limit is counted in PostgreSQL (LoginLimit,
    shared by every web process), not by piccolo-admin's in-memory limiter."""
    with estimated_counts():
        admin = create_admin(
            tables=table_configs(),
            site_name="人民网格 People's Grid",
            default_language_code="zh-cn",
            translations=translations(),
            forms=FORMS,
            sidebar_links=SIDEBAR_LINKS,
            production=settings.production,
            allowed_hosts=list(settings.allowed_hosts),
            mfa_providers=[mfa_provider()],
            rate_limit_provider=NOT_HERE,
        )
    tables = {
        config.table_class._meta.tablename: config.table_class for config in admin.table_configs
    }
    forms = {form.slug: form for form in SCOPED_FORMS}
    return LoginLimit(
        LocalisedAdmin(ScopeGuard(admin), tables=tables, forms=forms),
        limit=settings.admin_login_limit,
    )
