"""一表通: statistics requests of departments, answered once by communities from shared data.

A department's report template (统计报表) enters through the street's access list like any
work item; each request of it asks every community (or grid) of the street for one period.
Fields bound to a data source are computed from the tables the platform already holds, fields
asked before are pre-filled with the last answer (上期), and only the rest is typed by hand.
"""

from enum import StrEnum

from piccolo.apps.user.tables import BaseUser
from piccolo.columns import (
    Array,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    Numeric,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.base import OnDelete
from piccolo.columns.readable import Readable
from piccolo.constraints import Check, Unique
from piccolo.table import Table

from tables.areas import Community, ResponsibilityGrid, Street
from tables.columns import belongs_to
from tables.tokens import ApiToken
from tables.work import AccessListEntry, Department


class ReportLevel(StrEnum):
    community = "community"  # one answer per community
    grid = "grid"  # one answer per responsibility grid


class ReportPeriod(StrEnum):
    one_off = "one_off"
    monthly = "monthly"
    quarterly = "quarterly"
    yearly = "yearly"


class FieldKind(StrEnum):
    number = "number"
    integer = "integer"
    text = "text"
    choice = "choice"
    date = "date"
    yes_no = "yes_no"


class AnswerStatus(StrEnum):
    open = "open"  # in the inbox, not submitted
    submitted = "submitted"
    returned = "returned"  # sent back by the requester with a comment


class ValueOrigin(StrEnum):
    data = "data"  # computed from a data source
    previous = "previous"  # pre-filled with the last answer of the same field key (上期)
    hand = "hand"  # nothing known: typed by hand


class ReportTemplate(
    Table, help_text="统计报表模板 Report template of a department, one version of it"
):
    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(template="%s v%s", columns=[cls.title, cls.version])

    street = belongs_to(Street, "街道 Street whose access list admits the template")
    department = belongs_to(Department, "部门 Requesting department")
    access_entry = belongs_to(AccessListEntry, "准入事项 Approved access-list entry")
    family = Varchar(64, help_text="模板编号 Stable key shared by every version")
    version = Integer(default=1, help_text="版本 Version (a new one when edited after answers)")
    current = Boolean(default=True, help_text="现行版本 The version new requests use")
    title = Varchar(200, help_text="标题 Title")
    level = Varchar(16, choices=ReportLevel, default=ReportLevel.community, help_text="填报层级")
    period = Varchar(16, choices=ReportPeriod, default=ReportPeriod.monthly, help_text="周期")
    created_by = ForeignKey(
        BaseUser,
        null=True,
        default=None,
        on_delete=OnDelete.restrict,
        help_text="创建人 Created by",
    )
    created_at = Timestamptz()

    one_row_per_version = Unique(["street", "family", "version"])


class ReportField(Table, help_text="报表字段 One field of a template version, in column order"):
    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(template="%s", columns=[cls.title])

    template = belongs_to(ReportTemplate, "模板 Template version")
    street = belongs_to(Street, "街道 (derived from the template)")
    position = Integer(help_text="列序 Column order")
    key = Varchar(64, help_text="字段编码 Key shared across templates (上期 pre-fill)")
    title = Varchar(100, help_text="列标题 Column title")
    kind = Varchar(16, choices=FieldKind, default=FieldKind.integer, help_text="类型 Kind")
    unit = Varchar(20, default="", help_text="单位 Unit")
    minimum = Numeric(digits=(18, 4), null=True, default=None, help_text="最小值 Minimum")
    maximum = Numeric(digits=(18, 4), null=True, default=None, help_text="最大值 Maximum")
    choices = Array(Varchar(100), default=list, help_text="选项 Choices of a choice field")
    required = Boolean(default=True, help_text="必填 Required")
    source = Varchar(64, null=True, default=None, help_text="数据来源 Data source it is bound to")
    total_of = Array(Varchar(64), default=list, help_text="合计 Keys whose sum this field is")

    key_once = Unique(["template", "key"])
    position_once = Unique(["template", "position"])


class ReportRequest(Table, help_text="统计任务 A request of a template for one period"):
    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(template="%s %s", columns=[cls.template, cls.period_start])

    template = belongs_to(ReportTemplate, "模板 Template version asked")
    street = belongs_to(Street, "街道 Street")
    department = belongs_to(Department, "部门 (derived from the template)")
    period_start = Date(help_text="周期开始 Period start")
    period_end = Date(help_text="周期结束 Period end (inclusive)")
    deadline = Timestamptz(index=True, help_text="截止时间 Deadline")
    note = Text(default="", help_text="说明 Note to the communities")
    created_by = ForeignKey(
        BaseUser,
        null=True,
        default=None,
        on_delete=OnDelete.restrict,
        help_text="创建人 Created by",
    )
    created_at = Timestamptz(index=True)

    period_ordered = Check("period_end >= period_start")


class ReportAnswer(Table, help_text="填报 One community's (or grid's) answer to a request"):
    report_request = belongs_to(ReportRequest, "统计任务 Request")
    community = belongs_to(Community, "社区 Community")
    grid = belongs_to(ResponsibilityGrid, "网格 Grid (grid-level templates)", null=True)
    status = Varchar(
        16,
        choices=AnswerStatus,
        default=AnswerStatus.open,
        index=True,
        help_text="状态 Status",
    )
    opened_at = Timestamptz(null=True, default=None, help_text="打开时间 First opened")
    submitted_at = Timestamptz(null=True, default=None, help_text="提交时间 Submitted at")
    late = Boolean(default=False, help_text="逾期提交 Submitted after the deadline")
    return_comment = Text(default="", help_text="退回意见 Why it was returned")
    created_at = Timestamptz()


class ReportValue(Table, help_text="填报值 One field of an answer, with where its value came from"):
    answer = belongs_to(ReportAnswer, "填报 Answer")
    field = belongs_to(ReportField, "字段 Field")
    community = belongs_to(Community, "社区 (derived from the answer)")
    value = Text(default="", help_text="填报值 Value as answered (normalised text)")
    number = Numeric(digits=(18, 4), null=True, default=None, help_text="数值 Numeric value")
    computed = Numeric(digits=(18, 4), null=True, default=None, help_text="系统计算值 From data")
    previous = Text(null=True, default=None, help_text="上期 Last answer of the same key")
    origin = Varchar(16, choices=ValueOrigin, default=ValueOrigin.hand, help_text="来源 Origin")
    confirmed = Boolean(default=False, help_text="已确认 Confirmed or corrected by the community")
    corrected = Boolean(default=False, help_text="已更正 Differs from the pre-filled value")

    once_per_field = Unique(["answer", "field"])


class DepartmentToken(
    Table, help_text="部门令牌 An API token acting for one department (its own requests only)"
):
    token = ForeignKey(
        ApiToken, null=False, unique=True, help_text="API 令牌", on_delete=OnDelete.restrict
    )
    department = belongs_to(Department, "部门 Department")
    street = belongs_to(Street, "街道 (derived from the token)")


__all__ = [
    "AnswerStatus",
    "DepartmentToken",
    "FieldKind",
    "ReportAnswer",
    "ReportField",
    "ReportLevel",
    "ReportPeriod",
    "ReportRequest",
    "ReportTemplate",
    "ReportValue",
    "ValueOrigin",
]
