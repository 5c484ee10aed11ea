"""People: a staff account (login, staff member and grid assignments) in one step."""

from __future__ import annotations

from pydantic import BaseModel, Field

from admin.forms.base import OFFICE_LEVELS, Choices, Context, ScopedForm, enum_choices
from admin.forms.work import communities, grids
from admin.labels import choice_labels
from app.people import services as people
from app.people.schemas import StaffAccountCreate
from app.scope import Scope
from tables.areas import Street
from tables.choices import AssignmentKind, StaffRole

GROUP = "人员 People"
ROLE_NAMES = choice_labels(StaffRole)


async def streets(scope: Scope) -> Choices:
    rows = await Street.select(Street._meta.primary_key, Street.code, Street.name).order_by(
        Street.code
    )
    return [(row["id"], f"{row['code']} {row['name']}") for row in rows]


class CreateStaffAccount(BaseModel):
    username: str = Field(title="用户名")
    password: str = Field(title="初始密码", description="至少 8 位")
    name: str = Field(title="姓名")
    role: str = Field(default=StaffRole.community_worker.value, title="角色")
    phone: str = Field(default="", title="电话")
    street: int | None = Field(default=None, title="所属街道（街道干部）")
    community: int | None = Field(default=None, title="所属社区（其他角色）")
    grids: list[int] = Field(default_factory=list, title="负责网格")
    assignment_kind: str = Field(default=AssignmentKind.primary.value, title="主责/协助")


async def create_staff_account(context: Context, data: CreateStaffAccount) -> str:
    row = await people.create_staff_account(
        StaffAccountCreate(email=None, **data.model_dump()), context.user_id
    )
    return (
        f"已为{row['name']}（{ROLE_NAMES.get(row['role'], row['role'])}）开通账号 {data.username}。"
    )


FORMS = [
    ScopedForm(
        name="新建工作人员账号 Create a staff account",
        model=CreateStaffAccount,
        action=create_staff_account,
        description="一步开通登录账号、工作人员档案和负责网格。街道干部选择街道，其他角色选择社区；"
        "网格必须属于所选社区。",
        levels=OFFICE_LEVELS,
        group=GROUP,
        choices={
            "role": enum_choices(StaffRole),
            "street": streets,
            "community": communities,
            "grids": grids,
            "assignment_kind": enum_choices(AssignmentKind),
        },
    ),
]
