"""The check-in QR code an organiser shows: a signed, expiring token naming the activity.

`<activity>.<expires unix>.<hmac>`: HMAC-SHA256 with a key derived from SECRET_KEY, so a
photo of yesterday's code, or a code of another activity, does not check anyone in.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac

from app.errors import ValidationFailed
from app.settings import settings

FIELD = "qr_token"


def _signature(activity_id: int, expires: int) -> str:
    key = hashlib.sha256(f"volunteer-qr:{settings.secret_key}".encode()).digest()
    return hmac.new(key, f"{activity_id}.{expires}".encode(), hashlib.sha256).hexdigest()[:32]


def issue(activity_id: int, now: dt.datetime) -> tuple[str, dt.datetime]:
    """A token for `activity_id`, valid for VOLUNTEER_QR_TTL_S from `now`, and its expiry."""
    expires = int(now.timestamp()) + settings.volunteer_qr_ttl_s
    token = f"{activity_id}.{expires}.{_signature(activity_id, expires)}"
    return token, dt.datetime.fromtimestamp(expires, dt.UTC)


def verify(token: str, activity_id: int, now: dt.datetime) -> None:
    """Nothing when `token` is a live code of this activity; else ValidationFailed."""
    parts = str(token).strip().split(".")
    if len(parts) != 3 or not parts[0].isdigit() or not parts[1].isdigit():
        raise ValidationFailed("二维码无效 not a check-in code", field=FIELD)
    activity, expires, signature = int(parts[0]), int(parts[1]), parts[2]
    if not hmac.compare_digest(signature, _signature(activity, expires)):
        raise ValidationFailed("二维码无效 not a check-in code", field=FIELD)
    if activity != activity_id:
        raise ValidationFailed("这是另一个活动的二维码 code of another activity", field=FIELD)
    if now.timestamp() > expires:
        raise ValidationFailed("二维码已过期，请组织者刷新 the code has expired", field=FIELD)
