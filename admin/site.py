"""The admin site, built once at import of `build_admin()`'s first call."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from piccolo.apps.user.tables import BaseUser
from piccolo_admin.endpoints import TableConfig, create_admin
from piccolo_api.crud.hooks import Hook

from admin.counts import estimated_counts
from admin.forms import FORMS, SCOPED_FORMS
from admin.forms import party as party_forms
from admin.forms import volunteers as volunteer_forms
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
from app.field.visits_due import clean_care_visit_interval
from app.notices.services import clean_public_notice
from app.party import services as party_services
from app.people import services as people_services
from app.places import services as place_services
from app.settings import settings
from app.supervision import services as supervision_services
from app.volunteers import services as volunteer_services
from app.work import services as work_services
from app.worktime import standards as worktime_services
from tables import (
    areas,
    assessment,
    daily,
    field,
    jobs,
    people,
    places,
    statistics,
    supervision,
    system,
    tokens,
    work,
    worktime,
)
from tables.notices import PublicNotice
from tables.open311 import ServiceRequest
from tables.party import PartyMember, PartyOrganisation, PartyOrganisationGrid
from tables.residents import ResidentCase, TrackingCode
from tables.volunteers import (
    Volunteer,
    VolunteerActivity,
    VolunteerService,
    VolunteerSignup,
    VolunteerTeam,
)

# 党建 and 志愿服务 forms (admin/forms/party.py, admin/forms/volunteers.py).
ALL_SCOPED_FORMS = [*SCOPED_FORMS, *party_forms.FORMS, *volunteer_forms.FORMS]
ALL_FORMS = [*FORMS, *(form.config for form in (*party_forms.FORMS, *volunteer_forms.FORMS))]

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
    "日常工作 Daily work": [
        daily.CheckIn,
        daily.DiaryEntry,
        field.DiaryReview,
        field.Patrol,
        field.PatrolPoint,
        field.CareVisitInterval,
    ],
    "事项与准入 Work & access list": [
        work.AccessListEntry,
        work.AccessRefusal,
        work.Department,
        work.WorkItem,
        work.WorkItemEvent,
        ServiceRequest,
        field.FieldReport,
        field.FieldPhoto,
    ],
    "时限 Time limits": [
        worktime.TimeLimitStandard,
        worktime.WorkCalendarDay,
        worktime.WorkItemStage,
        worktime.ExtensionRequest,
        worktime.EscalationStep,
    ],
    "考核 Assessment": [
        assessment.Indicator,
        assessment.Assessment,
        assessment.AssessmentScore,
        assessment.EvaluationRollup,
    ],
    "监督 Supervision": [supervision.SupervisionRecord],
    "居民诉求 Residents": [ResidentCase, TrackingCode],
    "公开 Openness": [PublicNotice],
    "党建 Party building": [PartyOrganisation, PartyOrganisationGrid, PartyMember],
    "志愿服务 Volunteers": [
        VolunteerTeam,
        Volunteer,
        VolunteerActivity,
        VolunteerSignup,
        VolunteerService,
    ],
    "定时任务 Scheduled work": [
        jobs.JobSchedule,
        jobs.RestDay,
        jobs.SubsidyGrade,
        jobs.WebhookEndpoint,
        jobs.WebhookDelivery,
    ],
    "系统 System": [system.Reminder, system.AuditLog, tokens.ApiToken],
    "一表通 Statistics": [
        statistics.ReportTemplate,
        statistics.ReportField,
        statistics.ReportRequest,
        statistics.ReportAnswer,
        statistics.ReportValue,
        statistics.DepartmentToken,
    ],
}


SYSTEM_RECORD = "这是系统自动生成的记录，不能在后台修改 This record is written by the system and cannot be edited"
EXTENSION_RECORD = (
    "延期申请请通过接口提出和审批 Ask and decide through POST /api/v1/work-items/{id}/extensions"
    " and /api/v1/extension-requests/{id}/approve|refuse"
)
LINK_RECORD = "网格关联不能修改，请删除后重新关联 Detach the grid and attach another instead"
ACTIVITY_RECORD = (
    "请使用表单「发布志愿活动」或 API 修改 Publish and change activities with the form or the API"
    " (places and the waiting list move together)"
)
SIGNUP_RECORD = (
    "报名、签到签退在手机上办理，时长用表单「确认服务时长」确认 Sign-ups are made on the phone;"
    " hours are confirmed with the form"
)
STATISTICS_RECORD = (
    "请使用一表通表单（发布报表、填报、提交、退回）或 API "
    "Use the 一表通 forms (or /api/v1/statistics) to define, fill, submit and return reports"
)
PHONE_RECORD = (
    "这是网格员在网格通（手机）上记录的，不能在后台修改 Recorded by grid workers in the phone app"
    " (/m/); it cannot be edited here"
)
RESIDENT_RECORD = (
    "居民诉求由居民提交或热线登记，请用“居民诉求”表单审核、答复、定位或合并"
    " Use the 居民诉求 forms to publish, reply, place or merge"
)
REVIEW_RECORD = (
    "日记点评请在网格通或接口中提出 Review diary entries in the phone app (/m/) or its API;"
    " a review is kept as given"
)
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
        **{table: read_only_hooks(RESIDENT_RECORD) for table in MENU["居民诉求 Residents"]},
        field.Patrol: read_only_hooks(PHONE_RECORD),
        field.PatrolPoint: read_only_hooks(PHONE_RECORD),
        field.FieldReport: read_only_hooks(PHONE_RECORD),
        field.FieldPhoto: read_only_hooks(PHONE_RECORD),
        field.DiaryReview: read_only_hooks(REVIEW_RECORD),
        field.CareVisitInterval: cleaner_hooks(field.CareVisitInterval, clean_care_visit_interval),
        # 一表通 is written through its services (the access rule, versions, sums): forms, API.
        **{table: read_only_hooks(STATISTICS_RECORD) for table in MENU["一表通 Statistics"]},
        worktime.TimeLimitStandard: cleaner_hooks(
            worktime.TimeLimitStandard, worktime_services.clean_time_limit_standard
        ),
        worktime.WorkCalendarDay: cleaner_hooks(
            worktime.WorkCalendarDay, worktime_services.clean_work_calendar_day
        ),
        worktime.WorkItemStage: read_only_hooks(SYSTEM_RECORD),
        worktime.ExtensionRequest: read_only_hooks(EXTENSION_RECORD),
        worktime.EscalationStep: read_only_hooks(SYSTEM_RECORD),
        PartyOrganisation: cleaner_hooks(PartyOrganisation, party_services.clean_organisation),
        # Links are attached (checked by the cleaner) and detached, never edited.
        PartyOrganisationGrid: [
            cleaner_hooks(PartyOrganisationGrid, party_services.clean_organisation_grid)[0],
            read_only_hooks(LINK_RECORD)[1],
        ],
        PartyMember: cleaner_hooks(PartyMember, party_services.clean_member),
        VolunteerTeam: cleaner_hooks(VolunteerTeam, volunteer_services.clean_team),
        Volunteer: cleaner_hooks(Volunteer, volunteer_services.clean_volunteer),
        VolunteerActivity: read_only_hooks(ACTIVITY_RECORD),
        VolunteerSignup: read_only_hooks(SIGNUP_RECORD),
        VolunteerService: cleaner_hooks(VolunteerService, volunteer_services.clean_service),
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
            forms=ALL_FORMS,
            sidebar_links=SIDEBAR_LINKS,
            production=settings.production,
            allowed_hosts=list(settings.allowed_hosts),
            mfa_providers=[mfa_provider()],
            rate_limit_provider=NOT_HERE,
        )
    tables = {
        config.table_class._meta.tablename: config.table_class for config in admin.table_configs
    }
    forms = {form.slug: form for form in ALL_SCOPED_FORMS}
    return LoginLimit(
        LocalisedAdmin(ScopeGuard(admin), tables=tables, forms=forms),
        limit=settings.admin_login_limit,
    )
