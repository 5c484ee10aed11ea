"""Residents' cases (居民诉求): record a 1890 call, publish, reply, place and merge.

The call-taker's form files the call through the same intake as the residents' own page
(app.residents.intake) and shows the tracking code to read back to the caller.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from admin.forms.base import OFFICE_LEVELS, Choices, Context, ScopedForm, text_area
from app.open311.catalogue import REPORTABLE, SUPERVISION_SERVICES, access_code
from app.residents import staff
from app.residents.community import chinese
from app.residents.intake import Submission, submit
from app.scope import Scope
from tables.areas import Community, ResponsibilityGrid
from tables.choices import AccessStatus, CaseChannel
from tables.residents import ResidentCase
from tables.work import AccessListEntry

GROUP = "居民诉求 Residents"
CASE_CHOICES = 200


async def communities(scope: Scope) -> Choices:
    rows = await Community.select(Community.code, Community.name).order_by(Community.code)
    return [(row["code"], f"{row['code']} {row['name']}") for row in rows]


async def services(scope: Scope) -> Choices:
    """The services a resident may use: approved reportable entries, then supervision kinds."""
    rows = (
        await AccessListEntry.select(AccessListEntry._meta.primary_key, AccessListEntry.name)
        .where(
            (AccessListEntry.status == AccessStatus.approved)
            & AccessListEntry.category.is_in(list(REPORTABLE))
        )
        .order_by(AccessListEntry.name)
    )
    return [(access_code(row["id"]), row["name"]) for row in rows] + [
        (service.code, f"监督：{chinese(service.name)}")
        for service in SUPERVISION_SERVICES.values()
    ]


async def cases(scope: Scope) -> Choices:
    """The newest cases in reach that are not merged."""
    rows = (
        await ResidentCase.select(ResidentCase._meta.primary_key, ResidentCase.summary)
        .where(ResidentCase.merged_into.is_null())
        .order_by(ResidentCase._meta.primary_key, ascending=False)
        .limit(CASE_CHOICES)
    )
    return [(row["id"], f"#{row['id']} {row['summary']}") for row in rows]


async def unplaced(scope: Scope) -> Choices:
    rows = (
        await ResidentCase.select(ResidentCase._meta.primary_key, ResidentCase.summary)
        .where(ResidentCase.needs_placement.eq(True))
        .order_by(ResidentCase._meta.primary_key)
        .limit(CASE_CHOICES)
    )
    return [(row["id"], f"#{row['id']} {row['summary']}") for row in rows]


async def grids(scope: Scope) -> Choices:
    rows = await ResponsibilityGrid.select(
        ResponsibilityGrid._meta.primary_key, ResponsibilityGrid.code, ResponsibilityGrid.name
    ).order_by(ResponsibilityGrid.code)
    return [(row["id"], f"{row['code']} {row['name']}") for row in rows]


class HotlineCall(BaseModel):
    community: str = Field(title="社区")
    service_code: str = Field(title="诉求类别")
    description: str = Field(title="来电内容", json_schema_extra=text_area())
    subject: str = Field(default="", title="监督对象（监督类必填）")
    address: str = Field(default="", title="地址（楼栋地址可自动定位网格）")
    caller_name: str = Field(default="", title="来电人")
    caller_phone: str = Field(default="", title="来电号码")
    anonymous: bool = Field(default=False, title="匿名（监督类）")


async def record_call(context: Context, data: HotlineCall) -> str:
    received = await submit(
        Submission(
            community=data.community,
            service_code=data.service_code,
            description=data.description,
            subject=data.subject,
            address=data.address,
            name=data.caller_name,
            phone=data.caller_phone,
            anonymous=data.anonymous,
        ),
        channel=CaseChannel.hotline,
        taker=context.scope,
    )
    placed = "，待定位网格" if received.needs_placement else ""
    return (
        f"已登记第 {received.case_id} 号居民诉求{placed}。请向来电人读出查询码："
        f"{received.code}（可在 /r/t/{received.code} 查询进度）"
    )


class Moderate(BaseModel):
    case: int = Field(title="居民诉求")
    publish: bool = Field(default=True, title="公开")
    public_text: str = Field(
        default="",
        title="公开内容（留空则用居民原话；不得含姓名、电话、身份证号）",
        json_schema_extra=text_area(),
    )


async def moderate(context: Context, data: Moderate) -> str:
    row = await staff.moderate(context.scope, data.case, data.publish, data.public_text)
    return f"第 {row['id']} 号居民诉求{'已公开' if row['published'] else '已撤下，不再公开'}。"


class Reply(BaseModel):
    case: int = Field(title="居民诉求")
    reply: str = Field(title="答复（居民在查询页看到）", json_schema_extra=text_area())


async def reply(context: Context, data: Reply) -> str:
    row = await staff.reply(context.scope, data.case, data.reply)
    return f"已答复第 {row['id']} 号居民诉求。"


class Place(BaseModel):
    case: int = Field(title="待定位的居民诉求")
    grid: int = Field(title="网格")


async def place(context: Context, data: Place) -> str:
    row = await staff.place(context.scope, data.case, data.grid)
    return f"第 {row['id']} 号居民诉求已定位到网格。"


class Merge(BaseModel):
    case: int = Field(title="重复的诉求")
    into: int = Field(title="并入（保留的诉求）")


async def merge(context: Context, data: Merge) -> str:
    row = await staff.merge(context.scope, data.case, data.into)
    return f"第 {row['id']} 号已并入第 {row['merged_into']} 号，反映人改为跟踪保留的诉求。"


FORMS = [
    ScopedForm(
        name="1890 热线来电登记 Record a 1890 call",
        model=HotlineCall,
        action=record_call,
        description="一屏登记来电，生成查询码读给来电人；与居民自己提交的流程相同。",
        levels=OFFICE_LEVELS,
        group=GROUP,
        choices={"community": communities, "service_code": services},
    ),
    ScopedForm(
        name="审核公开居民诉求 Publish a case",
        model=Moderate,
        action=moderate,
        description="居民写的内容经审核后才公开；公开内容不得包含个人信息。",
        levels=OFFICE_LEVELS,
        group=GROUP,
        choices={"case": cases},
    ),
    ScopedForm(
        name="答复居民诉求 Reply to a resident",
        model=Reply,
        action=reply,
        description="答复显示在居民的查询页（不显示工作人员姓名）。",
        levels=OFFICE_LEVELS,
        group=GROUP,
        choices={"case": cases},
    ),
    ScopedForm(
        name="居民诉求定位网格 Place a case in a grid",
        model=Place,
        action=place,
        description="没有位置、地址也对不上楼栋的诉求，由工作人员指定网格。",
        levels=OFFICE_LEVELS,
        group=GROUP,
        choices={"case": unplaced, "grid": grids},
    ),
    ScopedForm(
        name="合并重复诉求 Merge duplicate cases",
        model=Merge,
        action=merge,
        description="重复的诉求并入保留的一件：其反映人改为跟踪保留的诉求，重复件退回。",
        levels=OFFICE_LEVELS,
        group=GROUP,
        choices={"case": cases, "into": cases},
    ),
]
