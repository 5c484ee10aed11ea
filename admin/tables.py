"""How each table looks in the admin: list columns, filters, default order, link, widgets.

One entry per table (by table name, so tables added by other modules can be listed here without
an import). Default orders use indexed columns or the key; filters leave out personal columns
(ID numbers, phones), which are masked for most roles. Media columns are in admin/media.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from piccolo.columns import Column
from piccolo.table import Table
from piccolo_api.crud.endpoints import OrderBy


@dataclass(frozen=True)
class View:
    """The list page of one table; column names refer to that table."""

    columns: tuple[str, ...]
    filters: tuple[str, ...]
    order: tuple[str, ...] = ("-id",)
    link: str = "id"
    rich_text: tuple[str, ...] = field(default_factory=tuple)


VIEWS: dict[str, View] = {
    # 党建 Party building (membership columns are masked for most roles, so no filter on them)
    "party_organisation": View(
        ("name", "level", "parent", "community", "secretary"),
        ("name", "level", "parent", "street", "community"),
        ("id",),
        "name",
    ),
    "party_organisation_grid": View(
        ("id", "organisation", "grid", "community"), ("organisation", "grid", "community")
    ),
    "party_member": View(
        (
            "member_name",
            "kind",
            "organisation",
            "grid",
            "reporting_unit",
            "reported_on",
            "community",
        ),
        ("kind", "organisation", "grid", "reporting_unit", "community"),
        ("id",),
        "member_name",
    ),
    # 志愿服务 Volunteers
    "volunteer_team": View(
        ("name", "kind", "unit", "community"), ("name", "kind", "community"), ("id",), "name"
    ),
    "volunteer": View(
        ("name", "phone", "team", "skills", "availability", "community"),
        ("name", "team", "community"),
        ("id",),
        "name",
    ),
    "volunteer_activity": View(
        (
            "title",
            "kind",
            "place",
            "starts_at",
            "ends_at",
            "slots",
            "status",
            "organiser",
            "community",
        ),
        ("title", "kind", "status", "grid", "community", "starts_at"),
        ("-starts_at",),
        "title",
    ),
    "volunteer_signup": View(
        (
            "id",
            "activity",
            "volunteer",
            "status",
            "checked_in_at",
            "checked_out_at",
            "hours",
            "points",
            "confirmed_at",
        ),
        ("activity", "volunteer", "status", "community"),
    ),
    "volunteer_service": View(
        ("id", "work_item", "volunteer", "served_on", "hours", "points", "community"),
        ("work_item", "volunteer", "community", "served_on"),
        ("-served_on",),
    ),
    # 区域 Areas
    "district": View(("code", "name"), ("code", "name"), ("code",), "name"),
    "street": View(("code", "name", "district"), ("code", "name", "district"), ("code",), "name"),
    "community": View(("code", "name", "street"), ("code", "name", "street"), ("code",), "name"),
    "responsibility_grid": View(
        (
            "code",
            "name",
            "community",
            "kind",
            "household_count",
            "size_warning",
            "responsible_organisation",
        ),
        ("code", "name", "community", "kind", "size_warning", "household_count"),
        ("code",),
        "name",
    ),
    # 场所 Places
    "building": View(
        ("code", "address", "kind", "floors", "grid", "community"),
        ("code", "address", "kind", "grid", "community"),
        ("code",),
        "address",
    ),
    "facility": View(
        ("name", "kind", "grid", "community"),
        ("name", "kind", "grid", "community"),
        ("id",),
        "name",
    ),
    "organisation": View(
        ("name", "kind", "credit_code", "contact_phone", "grid", "community"),
        ("name", "kind", "credit_code", "grid", "community"),
        ("id",),
        "name",
    ),
    "household": View(
        ("room", "building", "member_count", "care_tags", "grid", "community"),
        ("building", "room", "member_count", "care_tags", "grid", "community"),
        ("building", "room"),
        "room",
    ),
    "resident": View(
        ("name", "household", "id_number", "phone", "birth_date", "community"),
        ("name", "household", "birth_date", "community"),
        ("id",),
        "name",
    ),
    # 人员 People
    "staff_member": View(
        ("name", "role", "phone", "street", "community", "active", "user"),
        ("name", "role", "street", "community", "active"),
        ("id",),
        "name",
    ),
    "grid_assignment": View(
        ("id", "staff", "grid", "kind", "community"), ("staff", "grid", "kind", "community")
    ),
    "leave": View(
        ("id", "staff", "starts_on", "ends_on", "reason"), ("staff", "starts_on", "ends_on")
    ),
    "piccolo_user": View(
        ("username", "first_name", "email", "active", "admin", "superuser", "last_login"),
        ("username", "first_name", "active", "admin", "superuser"),
        ("username",),
        "username",
    ),
    # 日常工作 Daily work
    "check_in": View(
        ("id", "at", "staff", "grid", "inside_grid", "counted", "photo", "note"),
        ("staff", "grid", "community", "local_date", "inside_grid", "counted"),
        ("-at",),
    ),
    "diary_entry": View(
        ("id", "created_at", "staff", "grid", "category", "content", "follow_up_due", "household"),
        ("staff", "grid", "community", "category", "follow_up_due", "created_at"),
        ("-created_at",),
    ),
    # 事项与准入 Work & access list
    "department": View(("name", "line"), ("name", "line"), ("name",), "name"),
    "access_list_entry": View(
        ("name", "street", "department", "category", "status", "valid_from", "valid_to"),
        ("name", "street", "department", "category", "status", "valid_from", "valid_to"),
        ("-id",),
        "name",
        rich_text=("legal_basis",),
    ),
    "access_refusal": View(
        ("pushed_title", "refused_at", "street", "community", "department", "reason"),
        ("street", "community", "department", "access_entry", "refused_at"),
        ("-refused_at",),
        "pushed_title",
    ),
    "work_item": View(
        ("title", "community", "grid", "status", "assignee", "due_at", "overdue", "source"),
        ("title", "community", "grid", "status", "assignee", "overdue", "source", "due_at"),
        ("-created_at",),
        "title",
    ),
    "work_item_event": View(
        ("id", "work_item", "from_status", "to_status", "actor", "note", "at"),
        ("work_item", "to_status", "actor"),
    ),
    # 时限 Time limits
    "work_calendar_day": View(("day", "kind", "name"), ("day", "kind"), ("-day",), "day"),
    "time_limit_standard": View(
        ("id", "street", "category", "stage", "priority", "amount", "unit"),
        ("street", "category", "stage", "priority"),
    ),
    "work_item_stage": View(
        (
            "id",
            "work_item",
            "stage",
            "entered_at",
            "due_at",
            "finished_at",
            "late",
            "late_by_minutes",
        ),
        ("work_item", "community", "stage", "late"),
    ),
    "extension_request": View(
        ("id", "work_item", "requested_by", "amount", "unit", "status", "decided_by", "created_at"),
        ("work_item", "community", "status"),
    ),
    "escalation_step": View(
        ("id", "work_item", "stage", "level", "community", "at"),
        ("work_item", "community", "level"),
    ),
    # 考核 Assessment
    "indicator": View(
        ("name", "kind", "metric", "weight", "max_score"), ("name", "kind"), ("id",), "name"
    ),
    "assessment": View(
        (
            "id",
            "evaluator_kind",
            "evaluator_id",
            "target_kind",
            "target_id",
            "direction",
            "street",
            "period_start",
            "period_end",
        ),
        ("evaluator_kind", "target_kind", "target_id", "direction", "street", "period_start"),
        ("-period_start",),
    ),
    "assessment_score": View(
        ("id", "assessment", "indicator", "score"), ("assessment", "indicator")
    ),
    "evaluation_rollup": View(
        (
            "id",
            "target_kind",
            "target_id",
            "period_kind",
            "period_start",
            "composite_score",
            "rank",
            "subsidy_grade",
            "check_in_rate",
            "on_time_rate",
        ),
        ("target_kind", "target_id", "period_kind", "period_start", "subsidy_grade"),
        ("-period_start",),
    ),
    # 监督 Supervision
    "supervision_record": View(
        (
            "subject",
            "kind",
            "community",
            "grid",
            "status",
            "due_at",
            "overdue",
            "public",
            "evidence",
        ),
        ("kind", "community", "grid", "status", "overdue", "public", "due_at"),
        ("-created_at",),
        "subject",
    ),
    # 定时任务 Scheduled work
    "job_schedule": View(
        ("id", "job", "street", "at_time", "every_minutes", "enabled", "note"),
        ("job", "street", "enabled"),
        ("job",),
    ),
    "rest_day": View(("day", "name"), ("day", "name"), ("-day",), "day"),
    "subsidy_grade": View(
        ("grade", "street", "min_score", "note"), ("street", "grade"), ("id",), "grade"
    ),
    "webhook_endpoint": View(
        ("name", "url", "events", "active"), ("name", "active"), ("id",), "name"
    ),
    "webhook_delivery": View(
        (
            "id",
            "endpoint",
            "event",
            "status",
            "attempts",
            "next_attempt_at",
            "last_status_code",
            "delivered_at",
        ),
        ("endpoint", "event", "status", "next_attempt_at"),
    ),
    # 系统 System
    "reminder": View(
        ("id", "staff", "date", "slot", "channel", "status", "message"),
        ("staff", "date", "channel", "status"),
        ("-date",),
    ),
    "audit_log": View(
        ("id", "at", "actor_id", "table_name", "row_id", "action"),
        ("actor_id", "table_name", "row_id", "action"),
    ),
    "api_token": View(
        (
            "name",
            "prefix",
            "scope",
            "street",
            "community",
            "can_write",
            "expires_at",
            "last_used_at",
            "revoked_at",
        ),
        ("name", "prefix", "scope", "street", "community", "can_write"),
        ("-id",),
        "name",
    ),
}


VIEWS.update(
    {
        # 一表通 Statistics
        "report_template": View(
            ("title", "family", "version", "current", "department", "level", "period"),
            ("family", "department", "current", "street"),
            ("-id",),
            "title",
        ),
        "report_field": View(
            ("title", "template", "position", "key", "kind", "unit", "source"),
            ("template", "key", "source"),
            ("template", "position"),
            "title",
        ),
        "report_request": View(
            ("id", "template", "department", "period_start", "deadline"),
            ("template", "department", "street"),
            ("-created_at",),
        ),
        "report_answer": View(
            ("id", "report_request", "community", "grid", "status", "late", "submitted_at"),
            ("report_request", "community", "status", "late"),
            ("-id",),
        ),
        "report_value": View(
            ("id", "answer", "field", "value", "computed", "previous", "origin", "corrected"),
            ("answer", "community", "origin", "corrected"),
            ("answer", "field"),
        ),
        "department_token": View(("id", "token", "department", "street"), ("department",)),
    }
)


def _columns(table: type[Table], names: tuple[str, ...]) -> list[Column]:
    return [table._meta.get_column_by_name(name) for name in names]


def view_options(table: type[Table]) -> dict[str, Any]:
    """TableConfig keyword arguments for `table`'s list page (none for unknown tables)."""
    view = VIEWS.get(table._meta.tablename)
    if view is None:
        return {}
    if "id" in view.columns and view.link != "id":
        # piccolo-admin can show the key column only as the link (its schema lacks it).
        raise ValueError(f"{table._meta.tablename}: list the key column only as the link")
    return {
        "visible_columns": _columns(table, view.columns),
        "visible_filters": _columns(table, view.filters),
        "order_by": [
            OrderBy(table._meta.get_column_by_name(name.lstrip("-")), not name.startswith("-"))
            for name in view.order
        ],
        "link_column": table._meta.get_column_by_name(view.link),
        "rich_text_columns": _columns(table, view.rich_text) or None,
    }
