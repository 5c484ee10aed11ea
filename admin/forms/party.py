"""党建 forms: build an organisation on its grids, and register an in-service member (双报到)."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from admin.forms.base import OFFICE_LEVELS, Choices, Context, ScopedForm, enum_choices
from admin.forms.work import communities, grids
from app.party import services as party
from app.party.schemas import InServiceReport, PartyOrganisationCreate
from app.scope import Scope
from tables.choices import PartyOrganisationLevel
from tables.party import PartyOrganisation
from tables.people import StaffMember

GROUP = "党建 Party building"


async def organisations(scope: Scope) -> Choices:
    rows = (
        await PartyOrganisation.select(PartyOrganisation._meta.primary_key, PartyOrganisation.name)
        .order_by(PartyOrganisation._meta.primary_key)
        .run()
    )
    return [(None, "（无 none）"), *((row["id"], row["name"]) for row in rows)]


async def staff(scope: Scope) -> Choices:
    rows = (
        await StaffMember.select(StaffMember._meta.primary_key, StaffMember.name)
        .where(StaffMember.active.eq(True))
        .order_by(StaffMember.name)
        .run()
    )
    return [(None, "（无 none）"), *((row["id"], row["name"]) for row in rows)]


class CreateOrganisation(BaseModel):
    name: str = Field(title="名称")
    level: str = Field(default=PartyOrganisationLevel.branch.value, title="层级")
    parent: int | None = Field(default=None, title="上级党组织")
    community: int | None = Field(default=None, title="社区（直属街道党工委时填写）")
    secretary: int | None = Field(default=None, title="书记")
    grids: list[int] = Field(default_factory=list, title="所在网格（党支部、党小组）")


async def create_organisation(context: Context, data: CreateOrganisation) -> str:
    values = data.model_dump()
    if values["level"] == PartyOrganisationLevel.street_working_committee:
        values["street"] = context.scope.street_id
    row = await party.create_organisation(PartyOrganisationCreate(**values), context.user_id)
    return f"已建立党组织「{row['name']}」，覆盖 {len(row['grids'])} 个网格。"


class RegisterInService(BaseModel):
    resident: int | None = Field(default=None, title="居民编号（居民党员）")
    staff: int | None = Field(default=None, title="工作人员（工作人员党员）")
    unit: str = Field(title="工作单位")
    reported_on: dt.date = Field(title="报到日期")
    grid: int | None = Field(default=None, title="服务网格")
    organisation: int | None = Field(default=None, title="编入党组织")


async def register_in_service(context: Context, data: RegisterInService) -> str:
    row = await party.report_in_service(InServiceReport(**data.model_dump()), context.user_id)
    return f"已登记在职党员{row['member_name']}向社区报到（{row['reporting_unit']}）。"


FORMS = [
    ScopedForm(
        name="建立党组织 Build a party organisation",
        model=CreateOrganisation,
        action=create_organisation,
        description="街道党工委 → 社区党委/党总支 → 党支部 → 党小组。党支部、党小组建在网格上："
        "所选网格须在其社区内。书记须为本社区（街道）工作人员。",
        levels=OFFICE_LEVELS,
        group=GROUP,
        choices={
            "level": enum_choices(PartyOrganisationLevel),
            "parent": organisations,
            "community": communities,
            "secretary": staff,
            "grids": grids,
        },
    ),
    ScopedForm(
        name="在职党员双报到 Register an in-service member",
        model=RegisterInService,
        action=register_in_service,
        description="在职党员向居住地社区报到：填写居民编号或选择工作人员、工作单位和报到日期。",
        levels=OFFICE_LEVELS,
        group=GROUP,
        choices={"staff": staff, "grid": grids, "organisation": organisations},
    ),
]
