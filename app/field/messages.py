"""Refusals in Chinese: the phone shows a problem's `detail` as it is.

The field services word their own refusals in Chinese. A refusal that comes from a shared
domain service (worded in English for the admin and the API) is given a Chinese sentence
here, by the field it names and its kind, with the service's own words kept in
`reason` for support staff.
"""

from __future__ import annotations

from app.errors import AccessRefused, Conflict, DomainError, Forbidden, NotFound

FIELD_NAMES = {
    "grid": "网格",
    "staff": "工作人员",
    "latitude": "纬度",
    "longitude": "经度",
    "accuracy": "定位精度",
    "device_time": "设备时间",
    "at": "时间",
    "photo": "照片",
    "photos": "照片",
    "file": "照片",
    "household": "住户",
    "building": "楼栋",
    "resident": "居民",
    "phone": "电话",
    "content": "内容",
    "met": "走访对象",
    "category": "类别",
    "access_entry": "准入事项",
    "title": "标题",
    "description": "描述",
    "status": "状态",
    "to": "目标状态",
    "note": "说明",
    "assignee": "承办人",
    "comment": "点评",
    "mark": "评定",
    "diary_entry": "民情日记",
    "work_item": "工作事项",
    "points": "轨迹点",
    "started_at": "开始时间",
    "ended_at": "结束时间",
    "username": "用户名",
    "password": "密码",
    "Idempotency-Key": "幂等键",
    "X-CSRFToken": "安全令牌",
    "date": "日期",
    "care_tags_confirmed": "关爱标签",
    "contact_changes": "联系方式变更",
}

KIND_WORDS: list[tuple[type[DomainError], str]] = [
    (AccessRefused, "准入清单不允许这项工作进入社区"),
    (Forbidden, "超出您的权限范围"),
    (NotFound, "找不到"),
    (Conflict, "与现有记录冲突"),
]


def has_chinese(text: str) -> bool:
    return any("\u4e00" <= char <= "\u9fff" for char in text)


def in_chinese(error: DomainError) -> DomainError:
    """`error` with a Chinese `detail` (unchanged when it is Chinese already)."""
    if has_chinese(error.detail):
        return error
    kind = next((words for cls, words in KIND_WORDS if isinstance(error, cls)), "填写有误")
    name = FIELD_NAMES.get(error.field or "", "")
    detail = f"{name}：{kind}" if name else kind
    translated = type(error)(detail, field=error.field, **error.extra)
    translated.extra.setdefault("reason", error.detail)
    return translated
