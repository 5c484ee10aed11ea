"""Daily grid work: check-ins and the diary of people's feelings (民情日记)."""

from piccolo.columns import Boolean, Date, Float, ForeignKey, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from tables.areas import Community, ResponsibilityGrid
from tables.choices import DiaryCategory
from tables.columns import belongs_to
from tables.people import StaffMember
from tables.places import Household
from tables.work import WorkItem


class CheckIn(
    Table, help_text="签到 Check-in: counted only inside the grid, once per staff, grid and day"
):
    staff = belongs_to(StaffMember, "工作人员 Staff")
    grid = belongs_to(ResponsibilityGrid, "网格 Grid")
    community = belongs_to(Community, "社区 (derived from grid)")
    at = Timestamptz(index=True, help_text="时间 At")
    local_date = Date(index=True, help_text="日期 Local date in TIMEZONE")
    latitude = Float(help_text="纬度 Latitude")
    longitude = Float(help_text="经度 Longitude")
    inside_grid = Boolean(default=False, help_text="在网格内 Inside the grid boundary")
    counted = Boolean(
        default=False, index=True, help_text="计入 Counted (inside, first of the day)"
    )
    note = Text(default="", help_text="备注 Note")
    photo = Varchar(255, default="", help_text="照片 Photo")
    # From the phone (网格通): how sure the position is, and when the phone says it was.
    accuracy = Float(null=True, default=None, help_text="定位精度（米） Accuracy radius in metres")
    device_time = Timestamptz(null=True, default=None, help_text="设备时间 The phone's own time")
    received_at = Timestamptz(null=True, default=None, help_text="接收时间 When the server got it")
    synced_late = Boolean(
        default=False,
        help_text="离线补传 Queued offline, sent later (counted for the device's day)",
    )


class DiaryEntry(
    Table, help_text="民情日记 Diary of people's feelings: what residents said, with follow-ups"
):
    staff = belongs_to(StaffMember, "工作人员 Staff")
    grid = belongs_to(ResponsibilityGrid, "网格 Grid")
    community = belongs_to(Community, "社区 (derived from grid)")
    household = ForeignKey(
        Household,
        null=True,
        default=None,
        help_text="住户 Household (optional)",
        on_delete=OnDelete.restrict,
    )
    category = Varchar(32, choices=DiaryCategory, default=DiaryCategory.visit, index=True)
    content = Text(help_text="内容 What was seen and heard")
    follow_up_due = Date(null=True, default=None, index=True, help_text="跟进期限 Follow-up due")
    work_item = ForeignKey(
        WorkItem,
        null=True,
        default=None,
        help_text="关联事项 Linked work item",
        on_delete=OnDelete.restrict,
    )
    created_at = Timestamptz(index=True)
