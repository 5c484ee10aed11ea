"""API tokens: created by superusers and street officials, shown once, stored only as a hash.

A token reads `pg_<prefix>_<secret>`. The prefix finds the row; the SHA-256 of the whole
token is compared in constant time. A token acts with the scope it was given (a street or a
community, read-only or read-write) in the name of the login that created it, so the same
row-level security policies and the same audit trail apply as for that login in the admin.

Other integrations (Open311 `api_key`) call `scope_for_token` the same way the API does.

Resolved tokens are remembered in this process for `CACHE_SECONDS` (keyed by the token's
hash, never the token), so a busy integrator does not cost a token query per request.
Revoking a token forgets it here at once; another web process may still accept a revoked
token, or one whose creator was deactivated, for at most `CACHE_SECONDS`. Expiry is checked
on every request, cached or not.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from typing import Any

import msgspec

from app.clock import utc_now
from app.crud import get_row, insert_row, lock_row, update_row
from app.db import write_transaction
from app.errors import Forbidden, ValidationFailed
from app.scope import Level, Scope
from app.settings import settings
from app.validation import check_choice, check_text
from tables.areas import Community, Street
from tables.tokens import ApiToken, TokenScope

TOKEN_KIND = "pg"
# Updating last_used_at on every request would make every read a write.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)
_DUMMY_HASH = hashlib.sha256(b"no such token").hexdigest()
# How long a resolved token is trusted without asking the database again (see the docstring).
CACHE_SECONDS = 30.0
CACHE_SIZE = 10_000


class ApiTokenOut(msgspec.Struct, kw_only=True):
    """A token as listed: everything but the secret, which is never stored."""

    id: int
    name: str
    prefix: str
    scope: str
    street: int
    community: int | None
    can_write: bool
    expires_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None
    created_by: int
    created_at: dt.datetime


class ApiTokenCreated(ApiTokenOut, kw_only=True):
    """The new token with its secret `token`: shown this once, store it now."""

    token: str


class ApiTokenCreate(msgspec.Struct, kw_only=True):
    """A street token names its street, a community token its community (street follows)."""

    name: str
    scope: TokenScope
    street: int | None = None
    community: int | None = None
    can_write: bool = False
    expires_at: dt.datetime | None = None


class TokenRejected(Exception):
    """The bearer token is unknown, revoked or expired (answered with 401)."""


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> tuple[str, str, str]:
    """A fresh (token, prefix, hash)."""
    prefix = secrets.token_hex(6)
    token = f"{TOKEN_KIND}_{prefix}_{secrets.token_urlsafe(32)}"
    return token, prefix, hash_token(token)


def prefix_of(token: str) -> str | None:
    parts = token.split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_KIND or not parts[1] or not parts[2]:
        return None
    return parts[1]


def require_token_manager(scope: Scope) -> None:
    """Only a superuser or a street official manages tokens (the API also refuses tokens)."""
    if scope.user_id is None or scope.level not in (Level.district, Level.street):
        raise Forbidden("only superusers and street officials manage API tokens")
    if scope.read_only:
        raise Forbidden("a read-only scope cannot manage API tokens")


def _expiry(value: dt.datetime | None) -> dt.datetime:
    if value is None:
        return utc_now() + dt.timedelta(days=settings.api_token_days)
    if value.tzinfo is None:
        value = value.replace(tzinfo=settings.timezone)
    if value <= utc_now():
        raise ValidationFailed("must be in the future", field="expires_at")
    return value


async def create_token(data: ApiTokenCreate, scope: Scope) -> dict[str, Any]:
    """Create a token within what `scope` may give; the row comes back with `token` once."""
    require_token_manager(scope)
    kind = check_choice(data.scope, TokenScope, "scope")
    values: dict[str, Any] = {
        "name": check_text(data.name, "name", ApiToken.name.length),
        "scope": kind,
        "can_write": bool(data.can_write),
        "expires_at": _expiry(data.expires_at),
        "created_by": scope.user_id,
    }
    if kind == TokenScope.community:
        community = await get_row(Community, data.community, field="community")
        if data.street is not None and data.street != community["street"]:
            raise ValidationFailed("the community is not in this street", field="street")
        values.update(street=community["street"], community=community["id"])
    else:
        if data.community is not None:
            raise ValidationFailed("a street token names no community", field="community")
        values.update(street=(await get_row(Street, data.street, field="street"))["id"])
    if not scope.is_superuser and values["street"] != scope.street_id:
        raise Forbidden(
            "a street official creates tokens for their own street and its communities only",
            field="community" if kind == TokenScope.community else "street",
        )
    token, prefix, secret_hash = new_token()
    async with write_transaction(scope.user_id):
        row = await insert_row(ApiToken, {**values, "prefix": prefix, "secret_hash": secret_hash})
    return {**row, "token": token}


async def revoke_token(token_id: int, scope: Scope) -> dict[str, Any]:
    """Revoke a token (kept on record); revoking twice keeps the first time."""
    require_token_manager(scope)
    async with write_transaction(scope.user_id):
        row = await lock_row(ApiToken, token_id)
        if row["revoked_at"] is None:
            row = await update_row(ApiToken, token_id, {"revoked_at": utc_now()})
    TOKEN_CACHE.forget(token_id)
    return row


@dataclass(frozen=True)
class _Resolved:
    """A token found valid: its scope, id and expiry, and until when (monotonic seconds)
    this process trusts it without asking the database."""

    scope: Scope
    token_id: int
    expires_at: dt.datetime
    trusted_until: float


class TokenCache:
    """Tokens resolved in the last `CACHE_SECONDS`, by the SHA-256 of the token."""

    def __init__(self, seconds: float = CACHE_SECONDS, size: int = CACHE_SIZE) -> None:
        self.seconds = seconds
        self.size = size
        self.entries: dict[str, _Resolved] = {}
        # Bumped by every `forget`: a lookup that started before a revocation stores nothing.
        self.generation = 0

    def get(self, secret_hash: str) -> _Resolved | None:
        entry = self.entries.get(secret_hash)
        if entry is None:
            return None
        if entry.trusted_until <= time.monotonic():
            self.entries.pop(secret_hash, None)
            return None
        return entry

    def put(self, secret_hash: str, entry: _Resolved, generation: int) -> None:
        if generation != self.generation:
            return
        if len(self.entries) >= self.size:
            now = time.monotonic()
            self.entries = {k: e for k, e in self.entries.items() if e.trusted_until > now}
            if len(self.entries) >= self.size:
                self.entries.clear()
        self.entries[secret_hash] = entry

    def forget(self, token_id: int) -> None:
        """Drop a token (revoked) so this process refuses it from the next request on."""
        self.generation += 1
        self.entries = {k: e for k, e in self.entries.items() if e.token_id != token_id}

    def clear(self) -> None:
        self.generation += 1
        self.entries.clear()


TOKEN_CACHE = TokenCache()


async def scope_for_token(token: str) -> Scope:
    """The scope a bearer token acts with, or TokenRejected saying why.

    Remembered for `CACHE_SECONDS` (see the module docstring); otherwise reads the token
    table as the owner: call it before entering `scoped_transaction`.
    """
    secret_hash = hash_token(token)
    cached = TOKEN_CACHE.get(secret_hash)
    if cached is not None:
        if cached.expires_at <= utc_now():
            TOKEN_CACHE.forget(cached.token_id)
            raise TokenRejected("this API token has expired")
        return cached.scope
    generation = TOKEN_CACHE.generation
    prefix = prefix_of(token)
    rows = (
        await ApiToken.raw(
            "SELECT t.*, u.active AS creator_active FROM api_token t"
            " JOIN piccolo_user u ON u.id = t.created_by WHERE t.prefix = {}",
            prefix or "",
        ).run()
        if prefix
        else []
    )
    row = rows[0] if rows else None
    if not hmac.compare_digest(row["secret_hash"] if row else _DUMMY_HASH, secret_hash):
        raise TokenRejected("unknown API token")
    assert row is not None
    now = utc_now()
    if row["revoked_at"] is not None:
        raise TokenRejected("this API token has been revoked")
    if row["expires_at"] <= now:
        raise TokenRejected("this API token has expired")
    if not row["creator_active"]:
        raise TokenRejected("the login that created this API token is no longer active")
    # At most once a minute per token (the cache expires well within that), and the audit
    # trigger of api_token ignores updates of last_used_at alone.
    if row["last_used_at"] is None or row["last_used_at"] < now - LAST_USED_RESOLUTION:
        await (
            ApiToken.update({ApiToken.last_used_at: now})
            .where(ApiToken._meta.primary_key == row["id"])
            .run()
        )
    scope = Scope(
        user_id=row["created_by"],
        level=Level.street if row["scope"] == TokenScope.street else Level.community,
        street_id=row["street"],
        community_id=row["community"],
        read_only=not row["can_write"],
    )
    TOKEN_CACHE.put(
        secret_hash,
        _Resolved(
            scope=scope,
            token_id=row["id"],
            expires_at=row["expires_at"],
            trusted_until=time.monotonic() + TOKEN_CACHE.seconds,
        ),
        generation,
    )
    return scope
