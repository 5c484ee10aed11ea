"""Chinese names of the closed vocabularies (tables.choices), for pages, workbooks and imports.

Imports accept either the stored value (`residential`) or its Chinese name (`居民区网格`).
"""

from __future__ import annotations

from enum import StrEnum

from tables.choices import (
    AccessStatus,
    AssignmentKind,
    BuildingKind,
    CareTag,
    GridKind,
    StaffRole,
    SupervisionKind,
    SupervisionStatus,
    WorkCategory,
    WorkStatus,
)

LABELS: dict[type[StrEnum], dict[str, str]] = {
    GridKind: {"residential": "居民区网格", "unit": "单位网格"},
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
    SupervisionStatus: {
        "received": "已受理",
        "handling": "办理中",
        "answered": "已答复",
        "closed": "已办结",
    },
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
