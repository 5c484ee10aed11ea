"""Who is using the phone app: the admin's own login sessions, limits and two-factor codes.

`POST /m/api/login` creates the same piccolo_api session as the admin's login form (cookie
`id`, HttpOnly, SameSite=Lax), counted against the same login limit (app/login_attempts.py)
and asking for the two-factor code of a user who enrolled (app/mfa.py). Every other request
is scoped by the session (app/sessions.py `actor_of` → app/scope.py), and writes echo the
`csrftoken` cookie in X-CSRFToken (app/api/auth.py `check_csrf`), so the phone app sees and
changes exactly what the same login sees and changes in the admin.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Annotated, Any

from litestar import Request
from litestar.params import Parameter
from piccolo.apps.user.tables import BaseUser
from piccolo_api.session_auth.tables import SessionsBase

from app.api.auth import CSRF_COOKIE, CSRF_HEADER, check_csrf
from app.errors import DomainError, Forbidden
from app.login_attempts import count_attempt
from app.mfa import mfa_provider
from app.scope import Level, Scope, scope_for_user
from app.sessions import SESSION_COOKIE, actor_of
from app.settings import settings

# The admin's session lengths (piccolo-admin's defaults): idle expiry and the hard limit.
SESSION_EXPIRY = dt.timedelta(hours=1)
MAX_SESSION_EXPIRY = dt.timedelta(days=7)


class NotLoggedIn(DomainError):
    status = 401
    code = "not-logged-in"
    title = "请先登录"


class TooManyAttempts(DomainError):
    status = 429
    code = "too-many-attempts"
    title = "登录尝试过多"


@dataclass(frozen=True)
class FieldCaller:
    """The logged-in user of one request and their scope."""

    scope: Scope

    @property
    def user_id(self) -> int:
        assert self.scope.user_id is not None
        return self.scope.user_id

    def staff_id(self) -> int:
        """The caller's staff record; the field app is for staff with one."""
        if self.scope.staff_id is None:
            raise Forbidden("这个账号没有工作人员身份，不能使用网格通", field="staff")
        return self.scope.staff_id


async def provide_field_caller(
    request: Request[Any, Any, Any],
    csrf_token: Annotated[
        str | None, Parameter(header=CSRF_HEADER, required=False, description="= csrftoken")
    ] = None,
) -> FieldCaller:
    """The caller of an /m/api/ request: 401 without a live session, 403 for a write without
    the CSRF header or from a login without any scope."""
    user_id = await actor_of(dict(request.scope))
    if user_id is None:
        raise NotLoggedIn("登录已过期，请重新登录")
    try:
        check_csrf(request, csrf_token)
    except Forbidden as refusal:
        raise Forbidden(
            "页面已过期：请刷新后再提交（缺少安全令牌）", field=CSRF_HEADER
        ) from refusal
    scope = await scope_for_user(user_id)
    if scope.level is Level.none:
        raise Forbidden("这个账号没有工作人员身份，不能使用网格通", field="staff")
    return FieldCaller(scope=scope)


async def log_in(username: Any, password: Any, mfa_code: Any, client: str) -> tuple[int, str]:
    """Check the password (and two-factor code) of a login: (user id, new session token)."""
    attempts, retry_after = await count_attempt(client)
    if attempts > settings.admin_login_limit:
        raise TooManyAttempts(f"登录尝试太多，请 {retry_after} 秒后再试", retry_after=retry_after)
    if not isinstance(username, str) or not username.strip():
        raise NotLoggedIn("请输入用户名", field="username")
    if not isinstance(password, str) or not password:
        raise NotLoggedIn("请输入密码", field="password")
    user_id = await BaseUser.login(username=username.strip(), password=password)
    if not user_id:
        raise NotLoggedIn("用户名或密码不对", field="password")
    await _check_second_factor(user_id, mfa_code)
    now = dt.datetime.now()
    session = await SessionsBase.create_session(
        user_id=user_id,
        expiry_date=now + SESSION_EXPIRY,
        max_expiry_date=now + MAX_SESSION_EXPIRY,
    )
    return user_id, str(session.token)


async def _check_second_factor(user_id: int, code: Any) -> None:
    provider = mfa_provider()
    user = await BaseUser.objects().where(BaseUser.id == user_id).first()
    if user is None or not await provider.is_user_enrolled(user=user):
        return
    if not isinstance(code, str) or not code.strip():
        raise NotLoggedIn("请输入身份验证器上的两步验证码", field="mfa_code")
    if not await provider.authenticate_user(user=user, code=code.strip()):
        raise NotLoggedIn("两步验证码不对", field="mfa_code")


async def log_out(request: Request[Any, Any, Any]) -> None:
    """End the session of this request's cookie, if any."""
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        await SessionsBase.remove_session(token=token)


def session_cookies(token: str, csrf: str | None) -> list[dict[str, Any]]:
    """The cookies a login sets: the session (HttpOnly) and a CSRF token the page can read."""
    return [
        {
            "key": SESSION_COOKIE,
            "value": token,
            "httponly": True,
            "secure": settings.production,
            "samesite": "lax",
            "path": "/",
            "max_age": int(MAX_SESSION_EXPIRY.total_seconds()),
        },
        {
            "key": CSRF_COOKIE,
            "value": csrf or secrets.token_urlsafe(32),
            "httponly": False,
            "secure": settings.production,
            "samesite": "lax",
            "path": "/",
        },
    ]
