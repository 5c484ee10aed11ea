"""Two-factor login (authenticator app): one provider for every login form — the admin's and
the phone app's (app/field) — so a user who enrolled is asked for the code wherever they log in.

piccolo-api's AuthenticatorProvider keeps each user's TOTP secret in `mfa_authenticator_secret`
(its own app in piccolo_conf.py), encrypted with a key derived from SECRET_KEY.
"""

from __future__ import annotations

import base64
import hashlib
from functools import lru_cache

from piccolo_api.encryption.providers import FernetProvider
from piccolo_api.mfa.authenticator.provider import AuthenticatorProvider

from app.settings import settings

ISSUER = "人民网格 People's Grid"


def encryption_key() -> bytes:
    """A Fernet key derived from SECRET_KEY (changing SECRET_KEY voids enrolled secrets)."""
    digest = hashlib.sha256(f"mfa-secrets:{settings.secret_key}".encode()).digest()
    return base64.urlsafe_b64encode(digest)


@lru_cache(maxsize=1)
def mfa_provider() -> AuthenticatorProvider:
    return AuthenticatorProvider(
        encryption_provider=FernetProvider(encryption_key=encryption_key()),
        issuer_name=ISSUER,
    )
