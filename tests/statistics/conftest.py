"""The demo district, a 20-field template (12 bound to data) of an approved entry, and the
logins of its street official and two of its community admins."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
from piccolo.apps.user.tables import BaseUser

from app.demo import load_demo
from app.scope import Scope, scope_for_user
from app.statistics.schemas import FieldSpec
from tables.areas import Community
from tables.choices import AccessStatus
from tables.work import AccessListEntry
from tests.conftest import truncate_all

BOUND = [
    ("hh.total", "住户数", "households.total"),
    ("hh.elderly_alone", "独居老人户", "households.care.elderly_alone"),
    ("hh.low_income", "低保户", "households.care.low_income"),
    ("hh.disability", "残疾人户", "households.care.disability"),
    ("res.total", "居民数", "residents.total"),
    ("res.age60", "60-79岁", "residents.age.60_79"),
    ("res.age80", "80岁以上", "residents.age.80_plus"),
    ("bld.total", "楼栋数", "buildings.total"),
    ("bld.residential", "住宅楼", "buildings.kind.residential"),
    ("fac.total", "设施数", "facilities.total"),
    ("org.total", "单位数", "organisations.total"),
    ("work.total", "本月工作事项", "work.total"),
]


def template_fields() -> list[FieldSpec]:
    """20 fields: 12 bound to data, 8 typed (a sub-total rule, range, choice, date, yes/no)."""
    return [
        *(FieldSpec(key=k, title=t, source=s, unit="个") for k, t, s in BOUND),
        FieldSpec(key="elderly.total", title="60岁以上合计", total_of=["res.age60", "res.age80"]),
        FieldSpec(key="staff.count", title="社区工作者", minimum=0, maximum=200),
        FieldSpec(key="activity.count", title="活动场次", minimum=0),
        FieldSpec(key="budget", title="经费", kind="number", unit="万元", minimum=0),
        FieldSpec(key="note", title="备注", kind="text", required=False),
        FieldSpec(key="state", title="运行状态", kind="choice", choices=["正常", "异常"]),
        FieldSpec(key="report.date", title="填报日期", kind="date"),
        FieldSpec(key="has.plan", title="有应急预案", kind="yes_no"),
    ]


@dataclass
class Demo:
    street_id: int
    entry: dict[str, Any]  # an approved access-list entry of the street
    official: Scope  # jd1
    community: dict[str, Any]  # sq01's community
    admin: Scope  # sq01
    other_admin: Scope  # a community admin of another community of the same street


async def scope_of(username: str) -> Scope:
    user = await BaseUser.select(BaseUser.id).where(BaseUser.username == username).first()
    assert user is not None
    return await scope_for_user(user["id"])


@pytest.fixture(scope="module")
async def demo() -> AsyncIterator[Demo]:
    await load_demo()
    official = await scope_of("jd1")
    admin = await scope_of("sq01")
    community = await Community.select().where(Community.id == admin.community_id).first()
    assert community is not None and community["street"] == official.street_id
    other = None
    for number in range(2, 11):
        candidate = await scope_of(f"sq{number:02d}")
        if (
            candidate.street_id == official.street_id
            and candidate.community_id != admin.community_id
        ):
            other = candidate
            break
    assert other is not None
    entry = (
        await AccessListEntry.select()
        .where(
            (AccessListEntry.street == official.street_id)
            & (AccessListEntry.status == AccessStatus.approved)
        )
        .first()
    )
    assert entry is not None
    yield Demo(official.street_id or 0, entry, official, community, admin, other)
    await truncate_all()
