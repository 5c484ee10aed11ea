"""What every admin form shares: the user's scope, the services, readable refusals, choices.

A `ScopedForm` runs its action inside `scoped_transaction` of the logged-in user, so the
row-level security policies hold for forms exactly as for table pages, and the action calls the
domain services (never a second copy of a rule). A refused rule comes back as the form's error
message: its kind in Chinese, the field by its title, and the service's reason.

Select fields are filled per user: `choices` maps a field to a query run in the user's scope
when the form is opened (admin/frontend.py puts them into the form's schema), so a grid worker
picks one of their own grids and a street official one of their street's entries.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from piccolo_admin.endpoints import FormConfig
from pydantic import BaseModel
from starlette.requests import Request

from admin.labels import any_column_title, choice_labels
from app.errors import (
    AccessRefused,
    Conflict,
    DomainError,
    Forbidden,
    InvalidTransition,
    NotFound,
    ValidationFailed,
)
from app.scope import Level, Scope, scope_for_user, scoped_transaction
from app.sessions import actor_of

Choices = list[tuple[Any, str]]
ChoiceSource = Callable[[Scope], Awaitable[Choices]]

# How a refusal starts, by the kind of domain error (most specific first).
REFUSAL_KINDS: list[tuple[type[DomainError], str]] = [
    (AccessRefused, "准入清单不允许"),
    (InvalidTransition, "状态不能这样变更"),
    (Conflict, "与现有数据冲突"),
    (Forbidden, "不允许"),
    (NotFound, "找不到"),
    (ValidationFailed, "填写有误"),
    (DomainError, "办理失败"),
]

STAFF_LEVELS = frozenset({Level.street, Level.community, Level.grid})
OFFICE_LEVELS = frozenset({Level.district, Level.street, Level.community})


class FormRefused(ValueError):
    """A form's action was refused; piccolo-admin shows the message in the form."""


@dataclass
class Context:
    """Who submits a form: their login and their scope."""

    user_id: int
    scope: Scope

    @property
    def staff_id(self) -> int:
        if self.scope.staff_id is None:
            raise FormRefused("不允许：只有工作人员账号可以办理 Only staff members can do this")
        return self.scope.staff_id


Action = Callable[[Context, Any], Awaitable[str]]


@dataclass
class ScopedForm:
    """A piccolo-admin form whose action runs in the user's scope through the services."""

    name: str
    model: type[BaseModel]
    action: Action
    description: str
    levels: frozenset[Level]
    group: str | None = None
    choices: dict[str, ChoiceSource] = field(default_factory=dict)
    # Service field → form field, where the service names a field differently.
    aliases: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.config = FormConfig(
            name=self.name,
            pydantic_model=self.model,
            endpoint=self.endpoint,
            description=self.description,
            form_group=self.group,
        )

    @property
    def slug(self) -> str:
        return str(self.config.slug)

    def allows(self, scope: Scope) -> bool:
        return scope.level in self.levels

    async def endpoint(self, request: Request, data: BaseModel) -> str:
        user_id = request.user.user_id
        scope = await scope_for_user(user_id)
        if not self.allows(scope):
            raise FormRefused("不允许：您的角色不办理这项业务 Not available for your role")
        try:
            async with scoped_transaction(scope):
                return await self.action(Context(user_id=user_id, scope=scope), data)
        except DomainError as exc:
            raise FormRefused(self.refusal(exc)) from exc

    def refusal(self, exc: DomainError) -> str:
        """`<kind>（<field title>）：<reason>`, the reason as the service gave it."""
        kind = next(text for error, text in REFUSAL_KINDS if isinstance(exc, error))
        if not exc.field:
            return f"{kind}：{exc.detail}"
        name = self.aliases.get(exc.field, exc.field)
        field = self.model.model_fields.get(name)
        title = field.title if field is not None else any_column_title(name)
        return f"{kind}（{title or exc.field}）：{exc.detail}"

    async def schema_for(
        self, asgi_scope: dict[str, Any], schema: dict[str, Any]
    ) -> dict[str, Any]:
        """The form's JSON schema with its select fields filled for the requesting user."""
        scope = await scope_for_user(await actor_of(asgi_scope))
        if not self.choices:
            return schema
        async with scoped_transaction(scope):
            for name, source in self.choices.items():
                options = await source(scope)
                prop = schema["properties"][name]
                prop.setdefault("extra", {})["choices"] = {
                    str(value): {"display_name": label, "value": value} for value, label in options
                }
                if options and "default" not in prop:
                    # A select shows (and submits) nothing until a value is chosen.
                    prop["default"] = options[0][0]
        return schema


def enum_choices(enum: type[Enum], only: Iterable[str] | None = None) -> ChoiceSource:
    """A fixed vocabulary by its Chinese names (optionally only some of its values)."""
    names = choice_labels(enum)
    wanted = None if only is None else set(only)

    async def source(scope: Scope) -> Choices:
        return [
            (member.value, names.get(str(member.value), str(member.value)))
            for member in enum
            if wanted is None or member.value in wanted
        ]

    return source


def text_area() -> dict[str, Any]:
    """json_schema_extra of a long-text field (rendered as a textarea)."""
    return {"extra": {"widget": "text-area"}}
