"""Tracking codes (查询码): short enough to read over the phone, too many to guess.

A code is 10 characters of Crockford's base32 (50 random bits), shown as XXXX-XXXX-XX. Only
its HMAC (keyed with SECRET_KEY) is stored, so a copy of the database reveals no code. Reading
a code back forgives case, spaces, dashes and the letters people confuse with digits
(O → 0, I and L → 1).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from app.settings import settings

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 10
_CONFUSED = str.maketrans({"O": "0", "I": "1", "L": "1"})


def new_code() -> str:
    """A fresh code, formatted for reading: 4-4-2 characters."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def normalise(code: str) -> str | None:
    """The code's 10 characters, or None when it cannot be one."""
    text = "".join(code.split()).replace("-", "").upper().translate(_CONFUSED)
    if len(text) != LENGTH or any(c not in ALPHABET for c in text):
        return None
    return text


def code_hash(code: str) -> str | None:
    """What is stored for a code (None when the text is not a code)."""
    text = normalise(code)
    if text is None:
        return None
    return hmac.new(settings.secret_key.encode(), text.encode(), hashlib.sha256).hexdigest()
