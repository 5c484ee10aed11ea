"""Open311 `api_key`: an API token of the integrator API (app.api.tokens), checked in one place."""

from __future__ import annotations

from app.api.tokens import TokenRejected, scope_for_token
from app.errors import Forbidden
from app.scope import Scope


async def scope_for_api_key(key: str | None) -> Scope:
    """The scope an Open311 `api_key` acts with, or Forbidden (403) saying why not.

    The key is an API token (`pg_…`), created in the admin or through /api/v1/tokens, with a
    street or community scope; POST requests need a read-write one. Call it before entering
    `scoped_transaction` (the token table is read as the owner).
    """
    if not key or not key.strip():
        raise Forbidden("api_key was not provided: every POST needs one", field="api_key")
    try:
        return await scope_for_token(key.strip())
    except TokenRejected as exc:
        raise Forbidden(f"invalid api_key: {exc}", field="api_key") from exc
