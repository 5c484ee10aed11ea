"""志愿服务 forms: publish an activity, confirm hours, record service sent to a work item."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from pydantic import BaseModel, Field

from admin.forms.base import OFFICE_LEVELS, Choices, Context, ScopedForm, enum_choices, text_area
from admin.forms.work import grids
from app.scope import Scope
from app.settings import settings
from app.volunteers import services as volunteers
from app.volunteers.schemas import (
    HoursConfirmation,
    VolunteerActivityCreate,
    VolunteerServiceCreate,
)
from tables.choices import VolunteerActivityKind
from tables.volunteers import Volunteer, VolunteerSignup
from tables.work import WorkItem

GROUP = "志愿服务 Volunteers"


def _local(moment: dt.datetime) -> dt.datetime:
    """A time typed in the form without an offset is local (TIMEZONE)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=settings.timezone)


class PublishActivity(BaseModel):
    title: str = Field(title="标题")
    kind: str = Field(default=VolunteerActivityKind.other.value, title="类型")
    grid: int = Field(title="网格")
    place: str = Field(title="地点")
    latitude: float = Field(title="纬度")
    longitude: float = Field(title="经度")
    starts_at: dt.datetime = Field(title="开始时间")
    ends_at: dt.datetime = Field(title="结束时间")
    slots: int = Field(default=10, title="名额")
    skills_wanted: str = Field(default="", title="所需技能（逗号分隔）")
    radius_m: int = Field(default=200, title="签到半径（米）")
    description: str = Field(default="", title="内容", json_schema_extra=text_area())


async def publish(context: Context, data: PublishActivity) -> str:
    values = data.model_dump()
    values["skills_wanted"] = [
        s.strip() for s in values["skills_wanted"].replace("，", ",").split(",") if s.strip()
    ]
    values["starts_at"], values["ends_at"] = _local(data.starts_at), _local(data.ends_at)
    row = await volunteers.publish_activity(VolunteerActivityCreate(**values), context.user_id)
    return f"已发布志愿活动「{row['title']}」，名额 {row['slots']} 人。"


async def to_confirm(scope: Scope) -> Choices:
    """Checked-out sign-ups whose hours nobody confirmed yet, of activities in scope."""
    rows = await VolunteerSignup.raw(
        "SELECT su.id, v.name, a.title, su.hours FROM volunteer_signup su"
        " JOIN volunteer v ON v.id = su.volunteer JOIN volunteer_activity a ON a.id = su.activity"
        " WHERE su.checked_out_at IS NOT NULL AND su.confirmed_at IS NULL"
        " ORDER BY su.checked_out_at DESC LIMIT 500"
    ).run()
    return [(r["id"], f"{r['title']} · {r['name']} · {r['hours']} 小时") for r in rows]


class ConfirmHours(BaseModel):
    signup: int = Field(title="报名记录")
    hours: Decimal | None = Field(default=None, title="核定时长（小时，留空按签到签退）")


async def confirm(context: Context, data: ConfirmHours) -> str:
    row = await volunteers.confirm_hours(
        data.signup, HoursConfirmation(hours=data.hours), context.user_id
    )
    return f"已确认服务时长 {row['hours']} 小时，积分 {row['points']}。"


async def work_items(scope: Scope) -> Choices:
    rows = (
        await WorkItem.select(WorkItem._meta.primary_key, WorkItem.title)
        .order_by(WorkItem.created_at, ascending=False)
        .limit(500)
        .run()
    )
    return [(row["id"], row["title"]) for row in rows]


async def volunteer_choices(scope: Scope) -> Choices:
    rows = await Volunteer.select(Volunteer._meta.primary_key, Volunteer.name).order_by(
        Volunteer.name
    )
    return [(row["id"], row["name"]) for row in rows]


class RecordService(BaseModel):
    work_item: int = Field(title="工作事项")
    volunteer: int = Field(title="志愿者")
    served_on: dt.date = Field(title="服务日期")
    hours: Decimal = Field(title="服务时长（小时）")
    note: str = Field(default="", title="服务内容", json_schema_extra=text_area())


async def record(context: Context, data: RecordService) -> str:
    row = await volunteers.record_service(
        VolunteerServiceCreate(**data.model_dump()), context.user_id
    )
    return f"已记录派单服务 {row['hours']} 小时。"


FORMS = [
    ScopedForm(
        name="发布志愿活动 Publish a volunteer activity",
        model=PublishActivity,
        action=publish,
        description="发布后本社区志愿者可在手机上报名；满员后进入候补，有人取消时依次递补。"
        "签到须在活动地点签到半径内或扫描组织者出示的二维码。您为组织者，负责确认时长。",
        levels=OFFICE_LEVELS,
        group=GROUP,
        choices={"kind": enum_choices(VolunteerActivityKind), "grid": grids},
    ),
    ScopedForm(
        name="确认服务时长 Confirm volunteer hours",
        model=ConfirmHours,
        action=confirm,
        description="签到至签退的时长（不超过活动时长）。只有活动组织者可以确认，可核减。",
        levels=OFFICE_LEVELS,
        group=GROUP,
        choices={"signup": to_confirm},
    ),
    ScopedForm(
        name="记录派单服务 Record service on a work item",
        model=RecordService,
        action=record,
        description="志愿者被派往工作事项（如探访独居老人），时长和积分随事项记录。",
        levels=OFFICE_LEVELS,
        group=GROUP,
        choices={"work_item": work_items, "volunteer": volunteer_choices},
    ),
]
