"""Residents' own submissions (居民诉求): what a resident reported or asked to be supervised from
the public pages (/r/) or through the 1890 line, followed with a tracking code, rated at the end.

A case stands beside the Open311 service request it was filed as (where, who, what was
answered): the work item or supervision record it became is the staff's side. The tracking
codes are kept only as hashes; a resident who finds the same problem reported joins the case
with a code of their own (我也遇到了), and a merged duplicate's codes move to the surviving case.
"""

from piccolo.apps.user.tables import BaseUser
from piccolo.columns import Array, Boolean, ForeignKey, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.readable import Readable
from piccolo.constraints import Check
from piccolo.table import Table

from tables.areas import Community, ResponsibilityGrid
from tables.choices import CaseChannel, CodeKind, Satisfaction
from tables.columns import belongs_to
from tables.open311 import ServiceRequest
from tables.supervision import SupervisionRecord
from tables.work import WorkItem


class ResidentCase(
    Table,
    help_text="居民诉求 Resident case: a report or supervision request from a resident, "
    "with its moderation, public reply and rating",
):
    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(template="#%s %s", columns=[cls._meta.primary_key, cls.summary])

    community = belongs_to(Community, "社区 Community")
    grid = belongs_to(ResponsibilityGrid, "网格 Grid (empty: staff must place it)", null=True)
    service_request = ForeignKey(
        ServiceRequest,
        null=False,
        unique=True,
        help_text="诉求 Service request it was filed as (location, reporter)",
        on_delete=OnDelete.restrict,
    )
    work_item = belongs_to(WorkItem, "工作事项 Work item now handling it", null=True)
    supervision_record = belongs_to(SupervisionRecord, "监督记录 Supervision record", null=True)
    first_work_item = belongs_to(
        WorkItem, "原工作事项 Work item of the first handling (before a reopen)", null=True
    )
    channel = Varchar(16, choices=CaseChannel, index=True, help_text="渠道 Channel")
    summary = Varchar(200, help_text="事由 Category and first words, for staff lists")
    needs_placement = Boolean(
        default=False,
        index=True,
        help_text="待定位 Neither the position nor the address placed it: staff must place it",
    )
    photos = Array(Varchar(40), default=list, help_text="照片 Photo keys (EXIF stripped)")
    published = Boolean(
        default=False, index=True, help_text="已公开 Approved by staff for the public pages"
    )
    public_text = Text(default="", help_text="公开内容 What the public pages show (staff-approved)")
    reply = Text(default="", help_text="公开答复 The reply the resident and the public see")
    moderated_by = ForeignKey(
        BaseUser, null=True, default=None, help_text="审核人", on_delete=OnDelete.restrict
    )
    moderated_at = Timestamptz(null=True, default=None, help_text="审核时间 Moderated at")
    merged_into: ForeignKey["ResidentCase"] = ForeignKey(
        "self",
        null=True,
        default=None,
        index=True,
        help_text="合并到 Merged into this case (a duplicate)",
        on_delete=OnDelete.restrict,
    )
    reopened_at = Timestamptz(null=True, default=None, help_text="重新办理 Reopened at (once)")
    challenge = Varchar(64, null=True, default=None, unique=True, help_text="防刷 Challenge used")
    created_at = Timestamptz(index=True, help_text="时间 Received at")

    one_target = Check("(work_item IS NULL) <> (supervision_record IS NULL)")
    not_merged_into_itself = Check("merged_into IS NULL OR merged_into <> id")


class TrackingCode(
    Table,
    help_text="查询码 Tracking code of a resident case (kept as a hash), and its holder's rating",
):
    resident_case = belongs_to(ResidentCase, "诉求 Case it follows")
    code_hash = Varchar(
        64, unique=True, help_text="查询码摘要 SHA-256 of the code (never the code)"
    )
    kind = Varchar(16, choices=CodeKind, help_text="来源 The reporter's, a 我也遇到了, a call's")
    rating = Varchar(
        24, choices=Satisfaction, null=True, default=None, index=True, help_text="评价 Rating"
    )
    rating_comment = Text(default="", help_text="评价意见 Comment (published only by staff)")
    rated_at = Timestamptz(null=True, default=None, index=True, help_text="评价时间 Rated at")
    challenge = Varchar(64, null=True, default=None, unique=True, help_text="防刷 Challenge used")
    created_at = Timestamptz(help_text="时间 Issued at")

    rated_together = Check("(rating IS NULL) = (rated_at IS NULL)")


__all__ = ["ResidentCase", "TrackingCode"]
