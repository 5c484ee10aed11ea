"""The one AppConfig: every domain table, migrations in ../migrations."""

from pathlib import Path

from piccolo.conf.apps import AppConfig

from tables.areas import Community, District, ResponsibilityGrid, Street
from tables.assessment import Assessment, AssessmentScore, EvaluationRollup, Indicator
from tables.daily import CheckIn, DiaryEntry
from tables.field import (
    CareVisitInterval,
    DiaryReview,
    FieldPhoto,
    FieldReport,
    IdempotencyKey,
    Patrol,
    PatrolPoint,
)
from tables.jobs import (
    JobSchedule,
    RestDay,
    SubsidyGrade,
    WebhookDelivery,
    WebhookEndpoint,
)
from tables.notices import PublicNotice
from tables.open311 import ServiceRequest
from tables.party import PartyMember, PartyOrganisation, PartyOrganisationGrid
from tables.people import GridAssignment, Leave, StaffMember
from tables.places import Building, Facility, Household, Organisation, Resident
from tables.residents import ResidentCase, TrackingCode
from tables.statistics import (
    DepartmentToken,
    ReportAnswer,
    ReportField,
    ReportRequest,
    ReportTemplate,
    ReportValue,
)
from tables.supervision import SupervisionRecord
from tables.system import AuditLog, LoginAttemptWindow, Reminder
from tables.tokens import ApiToken
from tables.volunteers import (
    Volunteer,
    VolunteerActivity,
    VolunteerService,
    VolunteerSignup,
    VolunteerTeam,
)
from tables.work import AccessListEntry, AccessRefusal, Department, WorkItem, WorkItemEvent
from tables.worktime import (
    EscalationStep,
    ExtensionRequest,
    TimeLimitStandard,
    WorkCalendarDay,
    WorkItemStage,
)

ALL_TABLES = [
    District,
    Street,
    Community,
    ResponsibilityGrid,
    Building,
    Facility,
    Organisation,
    Household,
    Resident,
    StaffMember,
    GridAssignment,
    Leave,
    Department,
    AccessListEntry,
    AccessRefusal,
    WorkItem,
    WorkItemEvent,
    CheckIn,
    DiaryEntry,
    Indicator,
    Assessment,
    AssessmentScore,
    EvaluationRollup,
    SupervisionRecord,
    Reminder,
    AuditLog,
    JobSchedule,
    RestDay,
    SubsidyGrade,
    WebhookEndpoint,
    WebhookDelivery,
    PublicNotice,
    ApiToken,
    ServiceRequest,
    ResidentCase,
    TrackingCode,
    Patrol,
    PatrolPoint,
    CareVisitInterval,
    DiaryReview,
    FieldPhoto,
    FieldReport,
    WorkCalendarDay,
    TimeLimitStandard,
    WorkItemStage,
    ExtensionRequest,
    EscalationStep,
    PartyOrganisation,
    PartyOrganisationGrid,
    PartyMember,
    VolunteerTeam,
    Volunteer,
    VolunteerActivity,
    VolunteerSignup,
    VolunteerService,
    ReportTemplate,
    ReportField,
    ReportRequest,
    ReportAnswer,
    ReportValue,
    DepartmentToken,
]

# Tables of the platform's own bookkeeping: migrated and emptied between tests like the others,
# but no domain table (no admin view, API resource, permission or export).
SYSTEM_TABLES = [LoginAttemptWindow, IdempotencyKey]

APP_CONFIG = AppConfig(
    app_name="grid",
    migrations_folder_path=str(Path(__file__).resolve().parent.parent / "migrations"),
    table_classes=[*ALL_TABLES, *SYSTEM_TABLES],
    migration_dependencies=[
        "piccolo.apps.user.piccolo_app",
        "piccolo_api.session_auth.piccolo_app",
    ],
    commands=[],
)
