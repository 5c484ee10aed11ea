"""Chinese names of every table, column and choice the admin shows: the one place to edit them.

The admin front end prints `schema.properties[<column>].title` as column headings and form
labels, the table name as page headings and menu entries, and each choice's `display_name`.
Piccolo columns have no title option, so `relabel_schema` rewrites the schema the admin serves
(see admin/frontend.py), and admin/translations.py feeds the same names to the front end's
translator (with English names for users who switch language).

A column missing here falls back to the Chinese words its `help_text` starts with; a test checks
that every column of every admin table ends up with a Chinese title.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

from piccolo.table import Table

from app.labels import LABELS as DOMAIN_CHOICE_LABELS
from app.record_names import CHINESE
from tables.choices import CareTag

# Table name → Chinese name (menu, headings) and English name (English UI).
TABLES: dict[str, tuple[str, str]] = {
    "district": ("区", "Districts"),
    "street": ("街道", "Streets"),
    "community": ("社区", "Communities"),
    "responsibility_grid": ("责任网格", "Responsibility grids"),
    "building": ("楼栋", "Buildings"),
    "facility": ("设施", "Facilities"),
    "organisation": ("单位", "Organisations"),
    "household": ("住户", "Households"),
    "resident": ("居民", "Residents"),
    "staff_member": ("工作人员", "Staff members"),
    "grid_assignment": ("网格分配", "Grid assignments"),
    "leave": ("请假", "Leave"),
    "check_in": ("签到", "Check-ins"),
    "diary_entry": ("民情日记", "Diary entries"),
    "department": ("职能部门", "Departments"),
    "access_list_entry": ("准入清单", "Access list"),
    "access_refusal": ("准入拒绝记录", "Access refusals"),
    "work_item": ("工作事项", "Work items"),
    "work_item_event": ("事项流转记录", "Work item events"),
    "work_calendar_day": ("节假日与调休", "Holidays and make-up days"),
    "time_limit_standard": ("时限标准", "Time-limit standards"),
    "work_item_stage": ("环节时限", "Stage deadlines"),
    "extension_request": ("延期申请", "Extension requests"),
    "escalation_step": ("督办记录", "Escalation steps"),
    "indicator": ("考核指标", "Indicators"),
    "assessment": ("考核评价", "Assessments"),
    "assessment_score": ("指标得分", "Assessment scores"),
    "evaluation_rollup": ("考核汇总", "Evaluation rollups"),
    "supervision_record": ("监督记录", "Supervision records"),
    "job_schedule": ("定时任务", "Job schedules"),
    "rest_day": ("休息日", "Rest days"),
    "subsidy_grade": ("绩效补贴档次", "Subsidy grades"),
    "webhook_endpoint": ("Webhook 推送端点", "Webhook endpoints"),
    "webhook_delivery": ("Webhook 投递记录", "Webhook deliveries"),
    "reminder": ("提醒", "Reminders"),
    "audit_log": ("审计日志", "Audit log"),
    "api_token": ("API 令牌", "API tokens"),
    "public_notice": ("公开公告", "Public notices"),
    "piccolo_user": ("登录账号", "Logins"),
    "party_organisation": ("党组织", "Party organisations"),
    "party_organisation_grid": ("支部建在网格上", "Party organisations on grids"),
    "party_member": ("党员", "Party members"),
    "volunteer_team": ("志愿服务队", "Volunteer teams"),
    "volunteer": ("志愿者", "Volunteers"),
    "volunteer_activity": ("志愿活动", "Volunteer activities"),
    "volunteer_signup": ("活动报名", "Volunteer sign-ups"),
    "volunteer_service": ("派单服务", "Volunteer service on work items"),
    "sessions": ("登录会话", "Sessions"),
    "mfa_authenticator_secret": ("两步验证密钥", "MFA secrets"),
    "report_template": ("统计报表模板", "Report templates"),
    "report_field": ("报表字段", "Report fields"),
    "report_request": ("统计任务", "Report requests"),
    "report_answer": ("填报", "Report answers"),
    "report_value": ("填报值", "Report values"),
    "department_token": ("部门令牌", "Department tokens"),
}

# Columns every table shares.
COMMON = {"id": "编号", "created_at": "创建时间"}
BOUNDARY = "边界 (GeoJSON)"

# Table name → column name → Chinese title.
COLUMNS: dict[str, dict[str, str]] = {
    "district": {"code": "行政区划代码", "name": "名称", "boundary": BOUNDARY},
    "street": {"code": "街道编码", "name": "名称", "district": "所属区", "boundary": BOUNDARY},
    "community": {"code": "社区编码", "name": "名称", "street": "所属街道", "boundary": BOUNDARY},
    "responsibility_grid": {
        "code": "网格编码",
        "name": "名称",
        "community": "所属社区",
        "kind": "网格类型",
        "household_count": "户数",
        "size_warning": "规模预警",
        "responsible_organisation": "责任单位",
        "boundary": BOUNDARY,
        "min_lon": "最小经度",
        "min_lat": "最小纬度",
        "max_lon": "最大经度",
        "max_lat": "最大纬度",
    },
    "building": {
        "code": "楼栋编码",
        "address": "地址",
        "kind": "楼栋类型",
        "longitude": "经度",
        "latitude": "纬度",
        "floors": "层数",
        "grid": "所属网格",
        "community": "所属社区",
    },
    "facility": {
        "name": "名称",
        "kind": "设施类型",
        "longitude": "经度",
        "latitude": "纬度",
        "grid": "所属网格",
        "community": "所属社区",
    },
    "organisation": {
        "name": "名称",
        "kind": "单位类型",
        "credit_code": "统一社会信用代码",
        "address": "地址",
        "contact_phone": "联系电话",
        "grid": "所属网格",
        "community": "所属社区",
    },
    "household": {
        "building": "楼栋",
        "room": "房号",
        "member_count": "人口数",
        "care_tags": "关爱标签",
        "grid": "所属网格",
        "community": "所属社区",
    },
    "resident": {
        "household": "住户",
        "name": "姓名",
        "id_number": "身份证号",
        "phone": "电话",
        "birth_date": "出生日期",
        "community": "所属社区",
    },
    "staff_member": {
        "user": "登录账号",
        "name": "姓名",
        "phone": "电话",
        "role": "角色",
        "street": "所属街道",
        "community": "所属社区",
        "active": "在岗",
    },
    "grid_assignment": {
        "staff": "工作人员",
        "grid": "网格",
        "kind": "主责/协助",
        "community": "所属社区",
    },
    "leave": {
        "staff": "工作人员",
        "starts_on": "开始日期",
        "ends_on": "结束日期",
        "reason": "事由",
    },
    "check_in": {
        "staff": "工作人员",
        "grid": "网格",
        "community": "社区",
        "at": "签到时间",
        "local_date": "日期",
        "latitude": "纬度",
        "longitude": "经度",
        "inside_grid": "在网格内",
        "counted": "计入",
        "note": "备注",
        "photo": "照片",
    },
    "diary_entry": {
        "staff": "工作人员",
        "grid": "网格",
        "community": "社区",
        "household": "住户",
        "category": "类别",
        "content": "内容",
        "follow_up_due": "跟进期限",
        "work_item": "关联事项",
    },
    "department": {"name": "名称", "line": "条线"},
    "access_list_entry": {
        "street": "街道",
        "name": "事项名称",
        "department": "部门",
        "category": "类别",
        "legal_basis": "法律依据",
        "status": "状态",
        "decided_by": "决定人",
        "decided_at": "决定时间",
        "decision_reason": "决定理由",
        "valid_from": "生效日期",
        "valid_to": "失效日期",
    },
    "access_refusal": {
        "street": "街道",
        "community": "社区",
        "department": "部门",
        "access_entry": "引用的清单事项",
        "pushed_title": "推送事项",
        "reason": "拒绝原因",
        "refused_at": "拒绝时间",
    },
    "work_item": {
        "access_entry": "准入事项",
        "community": "社区",
        "grid": "网格",
        "title": "标题",
        "description": "描述",
        "source": "来源",
        "status": "状态",
        "assignee": "承办人",
        "due_at": "期限",
        "overdue": "已逾期",
        "closed_at": "办结时间",
    },
    "work_item_event": {
        "work_item": "工作事项",
        "from_status": "原状态",
        "to_status": "新状态",
        "actor": "操作人",
        "note": "备注",
        "at": "时间",
    },
    "indicator": {
        "name": "名称",
        "weight": "权重",
        "kind": "指标类型",
        "metric": "实测指标",
        "max_score": "满分",
    },
    "assessment": {
        "evaluator_kind": "评价方类型",
        "evaluator_id": "评价方编号",
        "target_kind": "被评价方类型",
        "target_id": "被评价方编号",
        "direction": "评价方向",
        "street": "所属街道",
        "period_start": "周期开始",
        "period_end": "周期结束",
        "comment": "评语",
        "created_by": "创建人",
    },
    "assessment_score": {"assessment": "考核评价", "indicator": "考核指标", "score": "得分"},
    "evaluation_rollup": {
        "target_kind": "对象类型",
        "target_id": "对象编号",
        "parent_kind": "排名范围类型",
        "parent_id": "排名范围编号",
        "period_kind": "周期类型",
        "period_start": "周期开始",
        "check_in_rate": "签到率",
        "on_time_rate": "按时办结率",
        "supervision_response_rate": "监督回应率",
        "avg_response_hours": "平均回应时长(小时)",
        "satisfaction_rate": "群众满意率",
        "ratings": "评价数",
        "top_down_score": "自上而下评分",
        "bottom_up_score": "自下而上评分",
        "average_score": "平均评分",
        "sample_size": "样本量",
        "composite_score": "综合得分",
        "rank": "排名",
        "subsidy_grade": "补贴档次",
        "computed_at": "计算时间",
    },
    "supervision_record": {
        "kind": "监督类型",
        "subject": "监督对象",
        "community": "社区",
        "grid": "网格",
        "raised_by_name": "反映人",
        "raised_by_contact": "联系方式",
        "anonymous": "匿名",
        "content": "内容",
        "status": "状态",
        "answer": "答复",
        "answered_by": "答复人",
        "answered_at": "答复时间",
        "public": "公开",
        "due_at": "答复期限",
        "overdue": "已逾期",
        "evidence": "证据材料",
    },
    "job_schedule": {
        "job": "任务",
        "street": "街道",
        "at_time": "执行时间",
        "every_minutes": "间隔(分钟)",
        "enabled": "启用",
        "note": "备注",
        "updated_at": "更新时间",
    },
    "rest_day": {"day": "日期", "name": "名称"},
    "work_calendar_day": {"day": "日期", "kind": "类型", "name": "名称"},
    "time_limit_standard": {
        "street": "街道",
        "category": "类别",
        "stage": "环节",
        "priority": "等级",
        "amount": "时限",
        "unit": "单位",
        "note": "备注",
    },
    "work_item_stage": {
        "work_item": "工作事项",
        "community": "社区",
        "stage": "环节",
        "entered_at": "开始时间",
        "limit_minutes": "时限(工作分钟)",
        "extended_minutes": "延期(工作分钟)",
        "due_at": "期限",
        "yellow_at": "黄牌时间",
        "red_at": "红牌时间",
        "finished_at": "结束时间",
        "late": "超时",
        "late_by_minutes": "超时(工作分钟)",
    },
    "extension_request": {
        "work_item": "工作事项",
        "stage": "环节",
        "community": "社区",
        "requested_by": "申请人",
        "amount": "延长",
        "unit": "单位",
        "minutes": "延长(工作分钟)",
        "reason": "理由",
        "status": "状态",
        "decided_by": "审批人",
        "decided_at": "审批时间",
        "decision_note": "审批意见",
    },
    "escalation_step": {
        "stage": "环节",
        "work_item": "工作事项",
        "community": "社区",
        "level": "级别",
        "at": "督办时间",
    },
    "subsidy_grade": {
        "street": "街道",
        "grade": "档次",
        "min_score": "最低综合得分",
        "note": "备注",
    },
    "webhook_endpoint": {
        "name": "名称",
        "url": "地址",
        "secret": "密钥",
        "events": "事件",
        "active": "启用",
    },
    "webhook_delivery": {
        "endpoint": "端点",
        "reminder": "提醒",
        "event": "事件",
        "payload": "内容",
        "status": "投递状态",
        "attempts": "尝试次数",
        "next_attempt_at": "下次尝试",
        "last_status_code": "HTTP 状态码",
        "last_error": "错误",
        "delivered_at": "送达时间",
    },
    "reminder": {
        "staff": "工作人员",
        "date": "日期",
        "slot": "时段",
        "channel": "渠道",
        "status": "提醒状态",
        "message": "内容",
        "attempts": "投递次数",
    },
    "audit_log": {
        "actor_id": "操作人编号",
        "table_name": "表",
        "row_id": "行编号",
        "action": "操作",
        "before": "修改前",
        "after": "修改后",
        "at": "时间",
    },
    "api_token": {
        "name": "名称",
        "prefix": "前缀",
        "secret_hash": "令牌摘要",
        "scope": "范围",
        "street": "街道",
        "community": "社区",
        "can_write": "可写",
        "expires_at": "到期时间",
        "last_used_at": "最近使用",
        "revoked_at": "吊销时间",
        "created_by": "创建人",
    },
    "public_notice": {
        "community": "社区",
        "title": "标题",
        "body": "正文",
        "published_at": "发布时间",
        "visible": "公开",
    },
    "piccolo_user": {
        "username": "用户名",
        "password": "密码",
        "first_name": "名",
        "last_name": "姓",
        "email": "电子邮箱",
        "active": "启用",
        "admin": "可登录后台",
        "superuser": "超级管理员",
        "last_login": "上次登录",
    },
    "party_organisation": {
        "name": "名称",
        "level": "层级",
        "parent": "上级党组织",
        "street": "所属街道",
        "community": "所属社区",
        "secretary": "书记",
    },
    "party_organisation_grid": {
        "organisation": "党组织",
        "grid": "网格",
        "community": "所属社区",
    },
    "party_member": {
        "member_name": "姓名",
        "resident": "居民",
        "staff": "工作人员",
        "kind": "党员类别",
        "organisation": "所在党组织",
        "community": "所属社区",
        "grid": "服务网格",
        "reporting_unit": "报到单位",
        "reported_on": "报到日期",
        "joined_on": "入党日期",
    },
    "volunteer_team": {
        "name": "名称",
        "kind": "类型",
        "community": "所属社区",
        "unit": "所属单位",
    },
    "volunteer": {
        "name": "姓名",
        "resident": "居民",
        "user": "登录账号",
        "phone": "电话",
        "team": "志愿服务队",
        "community": "所属社区",
        "skills": "技能",
        "availability": "可服务时间",
    },
    "volunteer_activity": {
        "title": "标题",
        "kind": "活动类型",
        "description": "内容",
        "community": "所属社区",
        "grid": "网格",
        "place": "地点",
        "latitude": "纬度",
        "longitude": "经度",
        "radius_m": "签到半径（米）",
        "starts_at": "开始时间",
        "ends_at": "结束时间",
        "slots": "名额",
        "skills_wanted": "所需技能",
        "status": "状态",
        "organiser": "组织者",
        "work_item": "关联事项",
    },
    "volunteer_signup": {
        "activity": "活动",
        "volunteer": "志愿者",
        "community": "所属社区",
        "status": "报名状态",
        "signed_up_at": "报名时间",
        "cancelled_at": "取消时间",
        "checked_in_at": "签到时间",
        "checked_out_at": "签退时间",
        "check_in_method": "签到方式",
        "hours": "服务时长（小时）",
        "points": "积分",
        "confirmed_at": "确认时间",
        "confirmed_by": "确认人",
    },
    "volunteer_service": {
        "work_item": "工作事项",
        "volunteer": "志愿者",
        "community": "所属社区",
        "served_on": "服务日期",
        "hours": "服务时长（小时）",
        "points": "积分",
        "note": "服务内容",
        "recorded_by": "记录人",
    },
}

# Enum class name → value → Chinese name, for the vocabularies app/labels.py does not name.
EXTRA_CHOICES: dict[str, dict[str, str]] = {
    "OrganisationKind": {
        "market": "市场",
        "school": "学校",
        "hospital": "医院",
        "enterprise": "企业",
        "property_management": "物业管理",
        "ngo": "社会组织",
        "government_office": "机关单位",
        "other": "其他",
    },
    "WorkSource": {
        "department": "部门派发",
        "grid_report": "网格上报",
        "diary": "民情日记",
        "supervision": "群众监督",
        "hotline": "热线",
        "resident": "居民反映",
    },
    "CaseChannel": {"web": "居民自己提交", "hotline": "1890 热线"},
    "CodeKind": {"reporter": "反映人", "me_too": "我也遇到了", "caller": "来电人"},
    "Satisfaction": {
        "satisfied": "满意",
        "basically_satisfied": "基本满意",
        "dissatisfied": "不满意",
    },
    "DiaryCategory": {
        "visit": "走访",
        "mediation": "调解",
        "publicity": "宣传",
        "information_collection": "信息采集",
        "emergency": "应急处置",
        "other": "其他",
    },
    "IndicatorKind": {"measured": "实测", "scored": "评分"},
    "MeasuredMetric": {
        "check_in_rate": "签到率",
        "on_time_rate": "按时办结率",
        "supervision_response_rate": "监督回应率",
        "red_escalation_free": "无红牌督办",
        "party_branch_coverage": "网格党组织覆盖率",
        "party_grid_leader_rate": "党员网格长比例",
        "party_members_serving_rate": "党员服务参与率",
        "in_service_serving_rate": "在职党员报到服务率",
        "resident_satisfaction_rate": "群众满意率",
    },
    "TimeLimitUnit": {"hours": "工作小时", "days": "工作日"},
    "ExtensionStatus": {"pending": "待审批", "approved": "已批准", "refused": "已驳回"},
    "EscalationLevel": {"yellow": "黄牌督办", "red": "红牌督办"},
    "TargetKind": {
        "department": "职能部门",
        "street": "街道",
        "community": "社区",
        "grid": "网格",
        "staff": "工作人员",
    },
    "AssessmentDirection": {"top_down": "自上而下", "bottom_up": "自下而上"},
    "PeriodKind": {"day": "日", "month": "月"},
    "ReminderChannel": {"in_app": "站内", "webhook": "Webhook 推送"},
    "ReminderStatus": {"pending": "待发送", "sent": "已发送", "failed": "发送失败", "read": "已读"},
    "AuditAction": {"INSERT": "新增", "UPDATE": "修改", "DELETE": "删除"},
    "JobKind": {
        "check_in_reminder": "签到提醒",
        "overdue_escalation": "逾期督办",
        "daily_rollup": "日考核汇总",
        "monthly_rollup": "月考核汇总",
        "webhook_delivery": "Webhook 投递与重试",
    },
    "DeliveryStatus": {"pending": "待投递", "delivered": "已送达", "failed": "投递失败"},
    "TokenScope": {"street": "街道", "community": "社区"},
}

# Array columns whose items come from a vocabulary the column itself does not declare.
ARRAY_CHOICES: dict[str, dict[str, type[Enum]]] = {"household": {"care_tags": CareTag}}


def has_chinese(text: str) -> bool:
    return CHINESE.search(text) is not None


def table_names(table: type[Table]) -> tuple[str, str]:
    """(Chinese, English) name of a table: named here, else from its help text."""
    tablename = table._meta.tablename
    if tablename in TABLES:
        return TABLES[tablename]
    english = tablename.replace("_", " ").capitalize()
    match = CHINESE.search(table._meta.help_text or "")
    return (match.group(0) if match else english, english)


def column_title(tablename: str, column: str, help_text: str | None = None) -> str | None:
    """The Chinese title of a column: named here, else the Chinese its help text starts with."""
    title = COLUMNS.get(tablename, {}).get(column) or COMMON.get(column)
    if title:
        return title
    match = CHINESE.search(help_text or "")
    return match.group(0) if match else None


def any_column_title(column: str) -> str | None:
    """The Chinese title of a column name in any table (for messages naming a field)."""
    return next((names[column] for names in COLUMNS.values() if column in names), None)


def choice_labels(enum: type[Enum]) -> dict[str, str]:
    """Value → Chinese name for one vocabulary."""
    for known, names in DOMAIN_CHOICE_LABELS.items():
        if known.__name__ == enum.__name__:
            return names
    return EXTRA_CHOICES.get(enum.__name__, {})


def table_choice_labels(table: type[Table]) -> dict[str, dict[str, str]]:
    """Column name → (value → Chinese name) for the choice columns of `table`."""
    tablename = table._meta.tablename
    return {
        **{name: choice_labels(enum) for name, enum in ARRAY_CHOICES.get(tablename, {}).items()},
        **{
            column._meta.name: choice_labels(column._meta.choices)
            for column in table._meta.columns
            if column._meta.choices is not None
        },
    }


def relabel_schema(table: type[Table], schema: dict[str, Any]) -> dict[str, Any]:
    """The admin's JSON schema of `table` with Chinese titles and choice names."""
    tablename = table._meta.tablename
    help_texts = {c._meta.name: c._meta.help_text for c in table._meta.columns}
    choices = table_choice_labels(table)
    for name, field in schema.get("properties", {}).items():
        title = column_title(tablename, name, help_texts.get(name))
        if title:
            field["title"] = title
        names = choices.get(name, {})
        extra = field.setdefault("extra", {})
        if names and not extra.get("choices"):
            extra["choices"] = {value: {"display_name": value, "value": value} for value in names}
        for choice in (extra.get("choices") or {}).values():
            choice["display_name"] = names.get(str(choice.get("value")), choice["display_name"])
    return schema
