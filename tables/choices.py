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
    resident = "resident"  # a resident's own report on the public pages (/r/)


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
    # 1 with no red escalation (红牌督办) in the period, falling by a third per red, 0 from
    # three reds on (the street's "three reds a month" line).
    red_escalation_free = "red_escalation_free"
    # 党建覆盖 (party building coverage), each a share between 0 and 1 of the target's grids,
    # party members or in-service members (app/jobs/rollups.py).
    party_branch_coverage = "party_branch_coverage"  # grids with a branch or group
    party_grid_leader_rate = "party_grid_leader_rate"  # grids whose grid leader is a member
    party_members_serving_rate = "party_members_serving_rate"  # members who served in the period
    in_service_serving_rate = "in_service_serving_rate"  # 双报到 members who served there
    # 群众满意率: ratings 满意 or 基本满意 over the residents' ratings given in the period.
    resident_satisfaction_rate = "resident_satisfaction_rate"


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


class DiaryMark(StrEnum):
    """日记点评 marks a community admin gives a diary entry."""

    excellent = "excellent"  # 优秀
    good = "good"  # 合格
    needs_follow_up = "needs_follow_up"  # 需跟进
    needs_improvement = "needs_improvement"  # 需改进


class WorkStage(StrEnum):
    """Stages of the six-stage flow that have a time limit (时限): the status an item waits in."""

    accept = "accept"  # 受理: reported → accepted
    dispatch = "dispatch"  # 派遣: accepted → dispatched
    handle = "handle"  # 处置: dispatched → handled
    verify = "verify"  # 核查: handled → verified


class WorkPriority(StrEnum):
    urgent = "urgent"  # 紧急
    normal = "normal"  # 一般
    minor = "minor"  # 轻微


class TimeLimitUnit(StrEnum):
    hours = "hours"  # 工作小时
    days = "days"  # 工作日


class CalendarDayKind(StrEnum):
    holiday = "holiday"  # 法定节假日: no working time
    make_up_workday = "make_up_workday"  # 调休上班: a weekend day that is a working day


class ExtensionStatus(StrEnum):
    pending = "pending"  # 待审批
    approved = "approved"  # 已批准
    refused = "refused"  # 已驳回


class EscalationLevel(StrEnum):
    yellow = "yellow"  # 黄牌督办: late by the stage's limit
    red = "red"  # 红牌督办: late by twice the limit


class PartyOrganisationLevel(StrEnum):
    """Levels of the party tree (党组织), top to bottom."""

    street_working_committee = "street_working_committee"  # 街道党工委
    community_committee = "community_committee"  # 社区党委
    general_branch = "general_branch"  # 党总支
    branch = "branch"  # 党支部
    group = "group"  # 党小组


class PartyMemberKind(StrEnum):
    resident = "resident"  # 居民党员
    in_service = "in_service"  # 在职党员（双报到）
    mobile = "mobile"  # 流动党员


class VolunteerTeamKind(StrEnum):
    community = "community"  # 社区志愿服务队
    unit = "unit"  # 驻区单位志愿服务队
    party_service = "party_service"  # 党员志愿服务队


class VolunteerActivityKind(StrEnum):
    elderly_care = "elderly_care"  # 为老服务
    environment = "environment"  # 环境整治
    civilisation = "civilisation"  # 文明劝导
    safety_patrol = "safety_patrol"  # 平安巡逻
    publicity = "publicity"  # 政策宣传
    other = "other"  # 其他


class VolunteerActivityStatus(StrEnum):
    published = "published"  # 已发布
    cancelled = "cancelled"  # 已取消


class SignupStatus(StrEnum):
    signed_up = "signed_up"  # 已报名
    waiting = "waiting"  # 候补
    cancelled = "cancelled"  # 已取消


class CheckInMethod(StrEnum):
    position = "position"  # 定位签到
    qr = "qr"  # 扫码签到


class CaseChannel(StrEnum):
    """How a resident case came in."""

    web = "web"  # the resident's own phone, on the public pages (/r/)
    hotline = "hotline"  # a call to the 1890 line, recorded by a call-taker


class CodeKind(StrEnum):
    """Whose tracking code it is."""

    reporter = "reporter"  # the resident who reported
    me_too = "me_too"  # 我也遇到了: another resident with the same problem
    caller = "caller"  # read back to a caller of the 1890 line


class Satisfaction(StrEnum):
    satisfied = "satisfied"  # 满意
    basically_satisfied = "basically_satisfied"  # 基本满意
    dissatisfied = "dissatisfied"  # 不满意
