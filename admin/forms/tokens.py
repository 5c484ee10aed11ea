"""Admin forms to create and revoke API tokens (superusers and street officials).

The token is shown once, in the form's success message; only its hash is stored. Both forms
run in the user's database scope and call the same services as POST /api/v1/tokens.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from piccolo_admin.endpoints import FormConfig
from pydantic import BaseModel, Field
from starlette.requests import Request

from app.api.tokens import ApiTokenCreate, create_token, revoke_token
from app.areas.services import area_by_code
from app.clock import utc_now
from app.crud import get_by
from app.errors import DomainError
from app.scope import Scope, scope_for_user, scoped_transaction
from app.settings import settings
from tables.tokens import ApiToken, TokenScope

GROUP = "API 令牌 API tokens"


class CreateTokenForm(BaseModel):
    name: str = Field(title="名称 Name", description="What the token is for, e.g. 12345 热线")
    scope: TokenScope = Field(title="范围 Scope", description="street 街道 or community 社区")
    area_code: str = Field(
        title="街道或社区编码 Street or community code",
        description="9-digit street code, or 12-digit community code",
    )
    can_write: bool = Field(default=False, title="可写 Read-write")
    valid_days: int = Field(
        default=settings.api_token_days, ge=1, le=3650, title="有效天数 Valid for (days)"
    )


class RevokeTokenForm(BaseModel):
    prefix: str = Field(title="令牌前缀 Token prefix", description="The prefix shown in the list")


async def _create(scope: Scope, data: CreateTokenForm) -> str:
    level = "community" if data.scope == TokenScope.community else "street"
    area = await area_by_code(level, data.area_code.strip())
    created = await create_token(
        ApiTokenCreate(
            name=data.name,
            scope=data.scope,
            street=area["id"] if level == "street" else None,
            community=area["id"] if level == "community" else None,
            can_write=data.can_write,
            expires_at=utc_now() + dt.timedelta(days=data.valid_days),
        ),
        scope,
    )
    return (
        "API 令牌已创建，只显示这一次，请立即复制保存 Token created — it is shown only this once,"
        f" copy it now: {created['token']}"
    )


async def _revoke(scope: Scope, data: RevokeTokenForm) -> str:
    token = await get_by(ApiToken, "prefix", data.prefix.strip(), field="prefix")
    await revoke_token(token["id"], scope)
    return f"API 令牌 {token['name']} ({token['prefix']}) 已吊销 Token revoked"


def _endpoint(
    action: Callable[[Scope, Any], Awaitable[str]],
) -> Callable[[Request, Any], Coroutine[Any, Any, str]]:
    async def endpoint(request: Request, data: Any) -> str:
        scope = await scope_for_user(request.user.user_id)
        try:
            async with scoped_transaction(scope):
                return await action(scope, data)
        except DomainError as exc:
            where = f"（{exc.field}）" if exc.field else ""
            raise ValueError(f"不允许{where}：{exc.detail}") from exc

    return endpoint


TOKEN_FORMS = [
    FormConfig(
        name="创建 API 令牌 Create an API token",
        pydantic_model=CreateTokenForm,
        endpoint=_endpoint(_create),
        description=(
            "为对接系统创建令牌（街道干部限本街道及其社区）。令牌只显示一次，系统只保存其哈希。"
            " A token for an integrating system; shown once, stored only as a hash."
        ),
        form_group=GROUP,
    ),
    FormConfig(
        name="吊销 API 令牌 Revoke an API token",
        pydantic_model=RevokeTokenForm,
        endpoint=_endpoint(_revoke),
        description="令牌立即失效，记录保留 The token stops working at once; it stays on record.",
        form_group=GROUP,
    ),
]
