"""Daily grid work: check in now, write a diary entry (民情日记)."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from admin.forms.base import Choices, Context, ScopedForm, enum_choices, text_area
from app.daily import services as daily
from app.daily.schemas import CheckInCreate, DiaryEntryCreate
from app.scope import Level, Scope
from tables.areas import ResponsibilityGrid
from tables.choices import DiaryCategory
from tables.people import GridAssignment
from tables.places import Household

GROUP = "日常工作 Daily work"
GRID_WORKERS = frozenset({Level.grid, Level.community})


async def own_grids(scope: Scope) -> Choices:
    """The grids the user is assigned to (the only ones they may check in to or write about)."""
    if scope.staff_id is None:
        return []
    rows = (
        await GridAssignment.select(
            GridAssignment.grid,
            GridAssignment.grid._.code.as_alias("code"),
            GridAssignment.grid._.name.as_alias("name"),
        )
        .where(GridAssignment.staff == scope.staff_id)
        .order_by(GridAssignment.grid._.code)
        .run()
    )
    return [(row["grid"], f"{row['code']} {row['name']}") for row in rows]


async def own_households(scope: Scope) -> Choices:
    """Households of the user's grids, by building address and room."""
    if not scope.grid_ids:
        return []
    rows = (
        await Household.select(
            Household._meta.primary_key,
            Household.room,
            Household.building._.address.as_alias("address"),
        )
        .where(Household.grid.is_in(list(scope.grid_ids)))
        .order_by(Household.building._.address)
        .order_by(Household.room)
        .run()
    )
    return [(row["id"], f"{row['address']} {row['room']}") for row in rows]


class CheckInNow(BaseModel):
    grid: int = Field(title="网格")
    latitude: float = Field(title="纬度", description="WGS84，例如 30.905")
    longitude: float = Field(title="经度", description="WGS84，例如 117.805")
    note: str = Field(default="", title="备注")


async def check_in(context: Context, data: CheckInNow) -> str:
    row = await daily.check_in(
        CheckInCreate(
            staff=context.staff_id,
            grid=data.grid,
            latitude=data.latitude,
            longitude=data.longitude,
            note=data.note,
        ),
        context.user_id,
    )
    grid = (
        await ResponsibilityGrid.select(ResponsibilityGrid.code)
        .where(ResponsibilityGrid._meta.primary_key == row["grid"])
        .first()
    )
    code = grid["code"] if grid else row["grid"]
    if row["counted"]:
        return f"已签到：网格 {code}，计入 {row['local_date']} 的签到。"
    if not row["inside_grid"]:
        return f"已记录，但位置不在网格 {code} 内，不计入签到。"
    return f"已记录：{row['local_date']} 在网格 {code} 已签到过，本次不重复计入。"


class WriteDiaryEntry(BaseModel):
    grid: int = Field(title="网格")
    category: str = Field(default=DiaryCategory.visit.value, title="类别")
    content: str = Field(title="内容", json_schema_extra=text_area())
    household: int | None = Field(default=None, title="住户")
    follow_up_due: dt.date | None = Field(default=None, title="跟进期限")


async def write_diary_entry(context: Context, data: WriteDiaryEntry) -> str:
    row = await daily.create_diary_entry(
        DiaryEntryCreate(
            staff=context.staff_id,
            grid=data.grid,
            content=data.content,
            category=data.category,
            household=data.household,
            follow_up_due=data.follow_up_due,
        ),
        context.user_id,
    )
    due = f"，{row['follow_up_due']} 前跟进" if row["follow_up_due"] else ""
    return f"民情日记已保存（第 {row['id']} 条{due}）。"


FORMS = [
    ScopedForm(
        name="签到 Check in now",
        model=CheckInNow,
        action=check_in,
        description="到岗后在自己的网格内签到：选择网格，填写当前位置的经纬度。"
        "网格外或当天重复的签到只记录、不计入。",
        levels=GRID_WORKERS,
        group=GROUP,
        choices={"grid": own_grids},
    ),
    ScopedForm(
        name="写民情日记 Write a diary entry",
        model=WriteDiaryEntry,
        action=write_diary_entry,
        description="记录走访中看到、听到的居民情况；需要跟进的填写跟进期限（不能早于今天）。",
        levels=GRID_WORKERS,
        group=GROUP,
        choices={
            "grid": own_grids,
            "category": enum_choices(DiaryCategory),
            "household": own_households,
        },
    ),
]
