"""Volunteer service (志愿服务): teams, volunteers, activities, sign-ups with hours, and
service sent to a work item."""

from decimal import Decimal

from piccolo.apps.user.tables import BaseUser
from piccolo.columns import (
    Array,
    Date,
    Float,
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

from tables.areas import Community, ResponsibilityGrid
from tables.choices import (
    SignupStatus,
    VolunteerActivityKind,
    VolunteerActivityStatus,
    VolunteerTeamKind,
)
from tables.columns import belongs_to
from tables.people import StaffMember
from tables.places import Resident
from tables.work import WorkItem


class VolunteerTeam(
    Table, help_text="志愿服务队 Volunteer team of a community, a unit or party members"
):
    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(template="%s", columns=[cls.name])

    name = Varchar(100, help_text="名称 Name")
    kind = Varchar(
        16, choices=VolunteerTeamKind, default=VolunteerTeamKind.community, help_text="类型 Kind"
    )
    community = belongs_to(Community, "所属社区 Community")
    unit = Varchar(200, default="", help_text="所属单位 Unit (a unit's team)")
    created_at = Timestamptz()


class Volunteer(Table, help_text="志愿者 Volunteer: a resident or a login, with skills"):
    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(template="%s", columns=[cls.name])

    name = Varchar(50, help_text="姓名 Name")
    resident = belongs_to(Resident, "居民 Resident", null=True)
    user = belongs_to(BaseUser, "登录账号 Login (signs up in the phone app)", null=True)
    phone = Varchar(20, default="", help_text="电话 Phone (masked for most roles)")
    # Not indexed by Piccolo: its index would be named "volunteer_team", the team table's
    # name; the hand-written migration indexes it as volunteer_by_team.
    team = ForeignKey(
        VolunteerTeam,
        null=True,
        default=None,
        on_delete=OnDelete.restrict,
        help_text="志愿服务队 Team",
    )
    community = belongs_to(Community, "所属社区 Community")
    skills = Array(Varchar(32), default=list, help_text="技能 Skills, e.g. 医疗 理发 维修")
    availability = Text(default="", help_text="可服务时间 Availability, e.g. 周末上午")
    created_at = Timestamptz()

    resident_or_login = Check('resident IS NOT NULL OR "user" IS NOT NULL')
    volunteer_once_per_resident = Unique(["resident"])
    volunteer_once_per_login = Unique(["user"])


class VolunteerActivity(
    Table, help_text="志愿活动 Volunteer activity published by staff: place, time, slots, skills"
):
    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(template="%s", columns=[cls.title])

    title = Varchar(200, help_text="标题 Title")
    kind = Varchar(
        32, choices=VolunteerActivityKind, default=VolunteerActivityKind.other, index=True
    )
    description = Text(default="", help_text="内容 What volunteers will do")
    community = belongs_to(Community, "所属社区 Community")
    grid = belongs_to(ResponsibilityGrid, "网格 Grid", null=True)
    place = Varchar(200, help_text="地点 Place")
    latitude = Float(help_text="纬度 Latitude (WGS84)")
    longitude = Float(help_text="经度 Longitude (WGS84)")
    radius_m = Integer(default=200, help_text="签到半径（米） Check-in radius in metres")
    starts_at = Timestamptz(index=True, help_text="开始 Starts at")
    ends_at = Timestamptz(help_text="结束 Ends at")
    slots = Integer(help_text="名额 Places")
    skills_wanted = Array(Varchar(32), default=list, help_text="所需技能 Skills wanted")
    status = Varchar(
        16,
        choices=VolunteerActivityStatus,
        default=VolunteerActivityStatus.published,
        index=True,
    )
    organiser = belongs_to(StaffMember, "组织者 Organiser (confirms the hours)")
    work_item = belongs_to(WorkItem, "关联事项 Work item the activity serves", null=True)
    created_at = Timestamptz()

    ends_after_start = Check("ends_at > starts_at")
    slots_positive = Check("slots > 0")
    radius_positive = Check("radius_m > 0")


class VolunteerSignup(
    Table, help_text="报名 Sign-up: places in order, a waiting list when full, check-in/out, hours"
):
    activity = belongs_to(VolunteerActivity, "活动 Activity")
    volunteer = belongs_to(Volunteer, "志愿者 Volunteer")
    community = belongs_to(Community, "所属社区 (derived from the activity)")
    status = Varchar(16, choices=SignupStatus, default=SignupStatus.signed_up, index=True)
    signed_up_at = Timestamptz(help_text="报名时间 Signed up at (the waiting list's order)")
    cancelled_at = Timestamptz(null=True, default=None, help_text="取消时间 Cancelled at")
    checked_in_at = Timestamptz(null=True, default=None, help_text="签到 Checked in at")
    checked_out_at = Timestamptz(null=True, default=None, help_text="签退 Checked out at")
    check_in_method = Varchar(16, default="", help_text="签到方式 position 定位 / qr 扫码")
    hours = Numeric(
        digits=(6, 2), null=True, default=None, help_text="服务时长 Hours (capped at the activity)"
    )
    points = Numeric(digits=(8, 2), null=True, default=None, help_text="积分 Points earned")
    confirmed_at = Timestamptz(
        null=True, default=None, index=True, help_text="确认时间 Hours confirmed at"
    )
    confirmed_by = belongs_to(BaseUser, "确认人 Confirmed by", null=True)

    signup_once_per_activity = Unique(["activity", "volunteer"])
    out_after_in = Check("checked_out_at IS NULL OR checked_out_at >= checked_in_at")
    hours_non_negative = Check("hours IS NULL OR hours >= 0")


class VolunteerService(
    Table, help_text="派单服务 A volunteer sent to a work item, with the hours served"
):
    work_item = belongs_to(WorkItem, "工作事项 Work item")
    volunteer = belongs_to(Volunteer, "志愿者 Volunteer")
    community = belongs_to(Community, "所属社区 (derived from the work item)")
    served_on = Date(index=True, help_text="服务日期 Day served")
    hours = Numeric(digits=(6, 2), help_text="服务时长 Hours")
    points = Numeric(digits=(8, 2), default=Decimal(0), help_text="积分 Points earned")
    note = Text(default="", help_text="服务内容 What was done")
    recorded_by = belongs_to(BaseUser, "记录人 Recorded by", null=True)
    created_at = Timestamptz()

    hours_positive = Check("hours > 0 AND hours <= 24")
