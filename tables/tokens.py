"""API tokens for integrators (other government systems, hotlines, apps)."""

from enum import StrEnum

from piccolo.apps.user.tables import BaseUser
from piccolo.columns import Boolean, ForeignKey, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.readable import Readable
from piccolo.constraints import Check
from piccolo.table import Table

from tables.areas import Community, Street


class TokenScope(StrEnum):
    street = "street"  # every row of one street
    community = "community"  # rows of one community


class ApiToken(
    Table,
    help_text="API 令牌 Integrator token: scoped to a street or community, stored only as a hash",
):
    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(template="%s (%s)", columns=[cls.name, cls.prefix])

    name = Varchar(100, help_text="名称 What the token is for, e.g. 12345 热线")
    prefix = Varchar(
        16, unique=True, help_text="前缀 Public part of the token, used to find it (pg_<prefix>_…)"
    )
    secret_hash = Varchar(
        64, secret=True, help_text="SHA-256 of the whole token; the token itself is never stored"
    )
    scope = Varchar(16, choices=TokenScope, help_text="范围 street 街道 / community 社区")
    street = ForeignKey(
        Street, null=False, index=True, help_text="街道 Street", on_delete=OnDelete.restrict
    )
    community = ForeignKey(
        Community,
        null=True,
        default=None,
        index=True,
        help_text="社区 Community (community tokens only)",
        on_delete=OnDelete.restrict,
    )
    can_write = Boolean(default=False, help_text="可写 Read-write (otherwise read-only)")
    expires_at = Timestamptz(help_text="到期时间 Expires at")
    last_used_at = Timestamptz(null=True, default=None, help_text="最近使用 Last used at")
    revoked_at = Timestamptz(null=True, default=None, help_text="吊销时间 Revoked at")
    created_by = ForeignKey(
        BaseUser, null=False, help_text="创建人 Created by", on_delete=OnDelete.restrict
    )
    created_at = Timestamptz()

    scope_matches_area = Check(
        "(scope = 'street' AND community IS NULL) OR (scope = 'community' AND community IS NOT NULL)"
    )


__all__ = ["ApiToken", "TokenScope"]
