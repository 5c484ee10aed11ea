"""A proof of work before a resident's submission: no third-party CAPTCHA (government
intranets reach none), no account, and a flood costs the sender CPU.

The server hands out a signed challenge `v1.<issued>.<random>.<bits>.<signature>`; the phone
finds a nonce such that SHA-256("<challenge>:<nonce>") starts with `bits` zero bits (≈ 2^bits
hashes: a fraction of a second on a cheap phone at 16 bits) and sends both with the
submission. A challenge is valid for CHALLENGE_TTL and for one submission: its digest is
stored, unique, in the row it created (resident_case.challenge, tracking_code.challenge).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

from app.errors import ValidationFailed
from app.settings import settings

CHALLENGE_TTL = 600  # seconds
NONCE_MAX = 32


def _signature(payload: str) -> str:
    key = settings.secret_key.encode() + b"/resident-challenge"
    return hmac.new(key, payload.encode(), hashlib.sha256).hexdigest()[:32]


def issue(now: float | None = None) -> dict[str, object]:
    """A fresh challenge for the phone to solve."""
    issued = int(now if now is not None else time.time())
    payload = f"v1.{issued}.{secrets.token_hex(8)}.{settings.resident_pow_bits}"
    return {
        "challenge": f"{payload}.{_signature(payload)}",
        "bits": settings.resident_pow_bits,
        "expires_in": CHALLENGE_TTL,
    }


def leading_zero_bits(digest: bytes) -> int:
    bits = 0
    for byte in digest:
        if byte == 0:
            bits += 8
            continue
        return bits + 8 - byte.bit_length()
    return bits


def solve(challenge: str, bits: int) -> str:
    """A nonce for `challenge` (what the phone does; tests and benches use it too)."""
    nonce = 0
    while True:
        digest = hashlib.sha256(f"{challenge}:{nonce}".encode()).digest()
        if leading_zero_bits(digest) >= bits:
            return str(nonce)
        nonce += 1


def verify(challenge: str | None, nonce: str | None, now: float | None = None) -> str:
    """The challenge's digest (stored to spend it) when it is ours, fresh and solved."""
    text = (challenge or "").strip()
    parts = text.split(".")
    if len(parts) != 5 or parts[0] != "v1" or not parts[1].isdigit() or not parts[3].isdigit():
        raise ValidationFailed("页面已过期，请刷新后再提交", field="challenge")
    payload = ".".join(parts[:4])
    if not hmac.compare_digest(parts[4], _signature(payload)):
        raise ValidationFailed("页面已过期，请刷新后再提交", field="challenge")
    age = (now if now is not None else time.time()) - int(parts[1])
    if not 0 <= age <= CHALLENGE_TTL:
        raise ValidationFailed("页面停留太久已过期，请重新提交", field="challenge")
    answer = (nonce or "").strip()
    if not answer or len(answer) > NONCE_MAX:
        raise ValidationFailed("缺少防刷校验，请刷新后再提交", field="nonce")
    digest = hashlib.sha256(f"{text}:{answer}".encode()).digest()
    if leading_zero_bits(digest) < int(parts[3]):
        raise ValidationFailed("防刷校验未通过，请刷新后再提交", field="nonce")
    return hashlib.sha256(text.encode()).hexdigest()
