"""Bearer API tokens checked against the product's api_token table, as the product does."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from django.utils import timezone
from rest_framework.authentication import BaseAuthentication
from rest_framework.exceptions import AuthenticationFailed

from bench.peers.drf.models import ApiToken


class TokenCaller:
    is_authenticated = True

    def __init__(self, token: ApiToken) -> None:
        self.token = token


class ApiTokenAuthentication(BaseAuthentication):
    """`Authorization: Bearer pg_<prefix>_<secret>` checked against api_token, as the product."""

    def authenticate(self, request: Any) -> tuple[TokenCaller, ApiToken]:
        kind, _, token = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
        parts = token.split("_", 2)
        if kind.lower() != "bearer" or len(parts) != 3:
            raise AuthenticationFailed("send Authorization: Bearer <API token>")
        row = ApiToken.objects.filter(prefix=parts[1]).first()
        digest = hashlib.sha256(token.encode()).hexdigest()
        if row is None or not hmac.compare_digest(row.secret_hash, digest):
            raise AuthenticationFailed("unknown API token")
        if row.revoked_at is not None or row.expires_at <= timezone.now():
            raise AuthenticationFailed("revoked or expired API token")
        return TokenCaller(row), row

    def authenticate_header(self, request: Any) -> str:
        return "Bearer"
