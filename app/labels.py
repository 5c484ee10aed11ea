"""Chinese names of the closed vocabularies (tables.choices), for pages, workbooks and imports.

Imports accept either the stored value (`residential`) or its Chinese name (`居民区网格`).
"""

from __future__ import annotations

from enum import StrEnum

from tables.choices import (
    AccessStatus,
    AssignmentKind,
    BuildingKind,
    CalendarDayKind,
    CareTag,
    DiaryMark,
    FacilityKind,
    GridKind,
    PartyMemberKind,
    PartyOrganisationLevel,
    SignupStatus,
    StaffRole,
    SupervisionKind,
    SupervisionStatus,
    VolunteerActivityKind,
    VolunteerActivityStatus,
    VolunteerTeamKind,
    WorkCategory,
    WorkPriority,
    WorkStage,
    WorkStatus,
)
from tables.statistics import AnswerStatus, FieldKind, ReportLevel, ReportPeriod, ValueOrigin

LABELS: dict[type[StrEnum], dict[str, str]] = {
    GridKind: {"residential": "居民区网格", "unit": "单位网格"},
    FacilityKind: {
        "road": "道路",
        "public_service_station": "公共服务站",
        "sports_venue": "体育场馆",
        "park": "公园",
        "fire_hydrant": "消防栓",
        "surveillance_camera": "监控探头",
        "parking": "停车场",
        "other": "其他",
    },
    BuildingKind: {
        "residential": "住宅",
        "commercial": "商业",
        "mixed": "商住",
        "office": "办公",
        "public": "公共建筑",
        "other": "其他",
    },
    CareTag: {
        "elderly_alone": "独居老人",
        "low_income": "低保",
        "disability": "残疾",
        "left_behind_child": "留守儿童",
        "veteran": "退役军人",
        "key_person": "重点人员",
    },
    StaffRole: {
        "community_worker": "网格员",
        "party_branch_secretary": "党支部书记",
        "residents_group_leader": "居民小组长",
        "building_leader": "楼栋长",
        "cleaner": "保洁员",
        "volunteer": "志愿者",
        "community_admin": "社区管理员",
        "street_official": "街道干部",
    },
    AssignmentKind: {"primary": "主责", "assistant": "协助"},
    WorkCategory: {
        "civil_affairs": "民政",
        "family_planning": "计划生育",
        "employment": "就业",
        "social_security": "社会保障",
        "urban_management": "城市管理",
        "comprehensive_management": "综合治理",
        "party_building": "党建",
        "other": "其他",
    },
    WorkStatus: {
        "reported": "上报",
        "accepted": "受理",
        "dispatched": "派遣",
        "handled": "处置",
        "verified": "核查",
        "closed": "办结",
        "rejected": "退回",
    },
    AccessStatus: {
        "proposed": "拟定",
        "approved": "已准入",
        "rejected": "未准入",
        "revoked": "已取消",
    },
    SupervisionKind: {
        "government_work": "政府工作",
        "unit_social_responsibility": "驻区单位社会责任",
        "residents_rights": "群众权益",
        "cadre_conduct": "干部八小时以外",
    },
    DiaryMark: {
        "excellent": "优秀",
        "good": "合格",
        "needs_follow_up": "需跟进",
        "needs_improvement": "需改进",
    },
    SupervisionStatus: {
        "received": "已受理",
        "handling": "办理中",
        "answered": "已答复",
        "closed": "已办结",
    },
    WorkStage: {"accept": "受理", "dispatch": "派遣", "handle": "处置", "verify": "核查"},
    WorkPriority: {"urgent": "紧急", "normal": "一般", "minor": "轻微"},
    CalendarDayKind: {"holiday": "法定节假日", "make_up_workday": "调休上班"},
    PartyOrganisationLevel: {
        "street_working_committee": "街道党工委",
        "community_committee": "社区党委",
        "general_branch": "党总支",
        "branch": "党支部",
        "group": "党小组",
    },
    PartyMemberKind: {
        "resident": "居民党员",
        "in_service": "在职党员（双报到）",
        "mobile": "流动党员",
    },
    VolunteerTeamKind: {
        "community": "社区志愿服务队",
        "unit": "单位志愿服务队",
        "party_service": "党员志愿服务队",
    },
    VolunteerActivityKind: {
        "elderly_care": "为老服务",
        "environment": "环境整治",
        "civilisation": "文明劝导",
        "safety_patrol": "平安巡逻",
        "publicity": "政策宣传",
        "other": "其他",
    },
    VolunteerActivityStatus: {"published": "已发布", "cancelled": "已取消"},
    SignupStatus: {"signed_up": "已报名", "waiting": "候补", "cancelled": "已取消"},
    ReportLevel: {"community": "社区", "grid": "网格"},
    ReportPeriod: {"one_off": "一次性", "monthly": "月报", "quarterly": "季报", "yearly": "年报"},
    FieldKind: {
        "number": "数值",
        "integer": "整数",
        "text": "文本",
        "choice": "选项",
        "date": "日期",
        "yes_no": "是否",
    },
    AnswerStatus: {"open": "待填报", "submitted": "已提交", "returned": "已退回"},
    ValueOrigin: {"data": "系统计算", "previous": "上期", "hand": "手工填写"},
}


def label(enum: type[StrEnum], value: str | None) -> str:
    """The Chinese name of `value` (the value itself when it has none)."""
    if value is None:
        return ""
    return LABELS.get(enum, {}).get(str(value), str(value))


def value_of(enum: type[StrEnum], text: object) -> object:
    """The stored value for a cell holding a value or its Chinese name (others pass through,
    so the service's own choice check refuses them with its message)."""
    if not isinstance(text, str):
        return text
    text = text.strip()
    by_label = {name: value for value, name in LABELS.get(enum, {}).items()}
    return by_label.get(text, text)
