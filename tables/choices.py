"""Closed vocabularies of the domain, shared by tables, services, schemas and the admin."""

from enum import StrEnum


class GridKind(StrEnum):
    residential = "residential"  # 居民区网格
    unit = "unit"  # 单位网格


class BuildingKind(StrEnum):
    residential = "residential"
    commercial = "commercial"
    mixed = "mixed"
    office = "office"
    public = "public"
    other = "other"


class FacilityKind(StrEnum):
    road = "road"
    public_service_station = "public_service_station"
    sports_venue = "sports_venue"
    park = "park"
    fire_hydrant = "fire_hydrant"
    surveillance_camera = "surveillance_camera"
    parking = "parking"
    other = "other"


class OrganisationKind(StrEnum):
    market = "market"
    school = "school"
    hospital = "hospital"
    enterprise = "enterprise"
    property_management = "property_management"
    ngo = "ngo"
    government_office = "government_office"
    other = "other"


class CareTag(StrEnum):
    elderly_alone = "elderly_alone"  # 独居老人
    low_income = "low_income"  # 低保
    disability = "disability"  # 残疾
    left_behind_child = "left_behind_child"  # 留守儿童
    veteran = "veteran"  # 退役军人
    key_person = "key_person"  # 重点人员


class StaffRole(StrEnum):
    community_worker = "community_worker"  # 网格员
    party_branch_secretary = "party_branch_secretary"
    residents_group_leader = "residents_group_leader"
    building_leader = "building_leader"
    cleaner = "cleaner"
    volunteer = "volunteer"
    community_admin = "community_admin"
    street_official = "street_official"


class AssignmentKind(StrEnum):
    primary = "primary"
    assistant = "assistant"


class WorkCategory(StrEnum):
    civil_affairs = "civil_affairs"
    family_planning = "family_planning"
    employment = "employment"
    social_security = "social_security"
    urban_management = "urban_management"
    comprehensive_management = "comprehensive_management"
    party_building = "party_building"
    other = "other"


class AccessStatus(StrEnum):
    proposed = "proposed"
    approved = "approved"
    rejected = "rejected"
    revoked = "revoked"


class WorkSource(StrEnum):
    department = "department"
    grid_report = "grid_report"
    diary = "diary"
    supervision = "supervision"
    hotline = "hotline"


class WorkStatus(StrEnum):
    reported = "reported"
    accepted = "accepted"
    dispatched = "dispatched"
    handled = "handled"
    verified = "verified"
    closed = "closed"
    rejected = "rejected"


class DiaryCategory(StrEnum):
    visit = "visit"
    mediation = "mediation"
    publicity = "publicity"
    information_collection = "information_collection"
    emergency = "emergency"
    other = "other"


class IndicatorKind(StrEnum):
    measured = "measured"
    scored = "scored"


class MeasuredMetric(StrEnum):
    check_in_rate = "check_in_rate"
    on_time_rate = "on_time_rate"
    supervision_response_rate = "supervision_response_rate"


class TargetKind(StrEnum):
    """What an assessment or rollup is about (and who evaluates)."""

    department = "department"
    street = "street"
    community = "community"
    grid = "grid"
    staff = "staff"


class AssessmentDirection(StrEnum):
    top_down = "top_down"
    bottom_up = "bottom_up"


class PeriodKind(StrEnum):
    day = "day"
    month = "month"


class SupervisionKind(StrEnum):
    government_work = "government_work"
    unit_social_responsibility = "unit_social_responsibility"
    residents_rights = "residents_rights"
    cadre_conduct = "cadre_conduct"  # 八小时以外


class SupervisionStatus(StrEnum):
    received = "received"
    handling = "handling"
    answered = "answered"
    closed = "closed"


class ReminderChannel(StrEnum):
    in_app = "in_app"
    webhook = "webhook"


class ReminderStatus(StrEnum):
    pending = "pending"
    sent = "sent"
    failed = "failed"
    read = "read"


class AuditAction(StrEnum):
    insert = "INSERT"
    update = "UPDATE"
    delete = "DELETE"
