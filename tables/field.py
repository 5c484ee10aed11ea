"""网格通, the grid worker's phone app: patrols, care-visit intervals, diary reviews, field
photos, and the idempotency keys that make a replayed write from the phone's outbox harmless."""

from piccolo.apps.user.tables import BaseUser
from piccolo.columns import (
    Date,
    Float,
    ForeignKey,
    Integer,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.base import OnDelete
from piccolo.constraints import Check, Unique
from piccolo.table import Table

from tables.areas import Community, ResponsibilityGrid
from tables.choices import CareTag, DiaryMark
from tables.columns import belongs_to
from tables.daily import CheckIn, DiaryEntry
from tables.people import StaffMember
from tables.work import WorkItem, WorkItemEvent


class Patrol(Table, help_text="巡查 Patrol: a grid worker's walk through the grid, with its track"):
    staff = belongs_to(StaffMember, "工作人员 Staff")
    grid = belongs_to(ResponsibilityGrid, "网格 Grid")
    community = belongs_to(Community, "社区 (derived from grid)")
    local_date = Date(index=True, help_text="日期 Local date of the start in TIMEZONE")
    started_at = Timestamptz(help_text="开始 Started at (the phone's time)")
    ended_at = Timestamptz(null=True, default=None, help_text="结束 Ended at (empty: ongoing)")
    distance_m = Float(default=0.0, help_text="里程（米） Distance walked in metres")
    duration_s = Integer(default=0, help_text="时长（秒） Duration in seconds")
    point_count = Integer(default=0, help_text="轨迹点数 Track points")
    check_in = ForeignKey(
        CheckIn,
        null=True,
        default=None,
        help_text="计为签到 The check-in this patrol counted as (PATROL_COUNTS_AS_CHECK_IN)",
        on_delete=OnDelete.restrict,
    )
    created_at = Timestamptz()

    ends_after_start = Check("ended_at IS NULL OR ended_at >= started_at")


class PatrolPoint(Table, help_text="巡查轨迹点 One position of a patrol's track"):
    # No index of its own on patrol: once_per_instant (patrol, at) serves lookups by patrol.
    patrol = ForeignKey(Patrol, null=False, help_text="巡查 Patrol", on_delete=OnDelete.restrict)
    latitude = Float(help_text="纬度 Latitude (WGS84)")
    longitude = Float(help_text="经度 Longitude (WGS84)")
    accuracy = Float(help_text="精度（米） Accuracy radius in metres")
    at = Timestamptz(help_text="时间 At (the phone's time)")

    # A batch sent twice (a retry without its key) adds no second copy of a point.
    once_per_instant = Unique(["patrol", "at"])


class CareVisitInterval(
    Table, help_text="走访周期 How often households with a care tag are visited, per community"
):
    community = belongs_to(Community, "社区 Community")
    tag = Varchar(32, choices=CareTag, help_text="关爱标签 Care tag")
    interval_days = Integer(help_text="周期（天） Visit at least every N days")

    once_per_tag = Unique(["community", "tag"])
    interval_sensible = Check("interval_days BETWEEN 1 AND 366")


class DiaryReview(
    Table, help_text="日记点评 A community admin's comment and mark on a diary entry"
):
    diary_entry = belongs_to(DiaryEntry, "民情日记 Diary entry")
    community = belongs_to(Community, "社区 (derived from the entry)")
    reviewed_by = ForeignKey(
        BaseUser, null=False, help_text="点评人 Reviewed by", on_delete=OnDelete.restrict
    )
    mark = Varchar(32, choices=DiaryMark, default=DiaryMark.good, help_text="评定 Mark")
    comment = Text(default="", help_text="点评 Comment")
    created_at = Timestamptz(index=True)


class FieldPhoto(
    Table, help_text="现场照片 A photo taken in the field (re-encoded JPEG, EXIF removed)"
):
    staff = belongs_to(StaffMember, "拍摄人 Taken by")
    community = belongs_to(Community, "社区 Community of the staff member")
    file = Varchar(255, unique=True, help_text="文件 Stored file key under DATA_DIR/media")
    width = Integer(help_text="宽 Width in px")
    height = Integer(help_text="高 Height in px")
    taken_at = Varchar(32, default="", help_text="拍摄时间 EXIF DateTimeOriginal, as written")
    work_item = ForeignKey(
        WorkItem,
        null=True,
        default=None,
        index=True,
        help_text="工作事项 Work item (a report)",
        on_delete=OnDelete.restrict,
    )
    work_item_event = ForeignKey(
        WorkItemEvent,
        null=True,
        default=None,
        index=True,
        help_text="流转记录 Progress step of a work item",
        on_delete=OnDelete.restrict,
    )
    created_at = Timestamptz()


class FieldReport(
    Table, help_text="随手拍 Where a grid worker reported a work item from the field, and who"
):
    """What the work item does not hold: the reporter, the position and its accuracy (like
    open311_request for hotline reports). One per work item reported from the phone."""

    work_item = ForeignKey(
        WorkItem,
        null=False,
        unique=True,
        help_text="工作事项 The work item the report became",
        on_delete=OnDelete.restrict,
    )
    staff = belongs_to(StaffMember, "上报人 Reported by")
    grid = belongs_to(ResponsibilityGrid, "网格 Grid")
    community = belongs_to(Community, "社区 (derived from grid)")
    latitude = Float(help_text="纬度 Latitude (WGS84)")
    longitude = Float(help_text="经度 Longitude (WGS84)")
    accuracy = Float(null=True, default=None, help_text="定位精度（米） Accuracy in metres")
    created_at = Timestamptz(index=True)


class IdempotencyKey(
    Table, help_text="幂等键 The first answer to a write sent with an Idempotency-Key"
):
    """One write of one user under one client key, with the answer it got.

    A replay (a lost response, a retry, a second tab) is answered from here. Written in the
    same transaction as the write it answers, so a key exists exactly when its write does.
    Bookkeeping, not records: no audit trigger; keys expire after a while (app/field/
    idempotency.py deletes expired ones as new ones are written). Row-level security lets a
    login see only its own keys. Not in ALL_TABLES: no admin view, API resource or
    permission concerns it.
    """

    user_id = Integer(help_text="用户 User id")
    key = Varchar(100, help_text="键 The client's Idempotency-Key")
    request_hash = Varchar(64, help_text="请求摘要 SHA-256 of method, path and body")
    status = Integer(help_text="状态码 HTTP status of the first answer")
    # Text, not JSONB: the replay must be byte for byte the first answer (JSONB reorders keys).
    body = Text(help_text="应答 Body of the first answer, as sent")
    created_at = Timestamptz(index=True)

    once_per_user = Unique(["user_id", "key"])


__all__ = [
    "CareVisitInterval",
    "DiaryReview",
    "FieldPhoto",
    "FieldReport",
    "IdempotencyKey",
    "Patrol",
    "PatrolPoint",
]
