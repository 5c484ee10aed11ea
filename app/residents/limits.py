"""How often one address or one phone may submit, and one address may guess tracking codes:
counted in PostgreSQL like logins.

The counters are those of the login limit (app.login_attempts: one row per key and 5-minute
window, one atomic upsert), keyed `r:ip:<address>` and `r:tel:<hash of the number>`, so every
web process shares them. Every attempt counts, accepted or not; past the limit the answer is
429 with Retry-After until the window ends, and nothing is written.
"""

from __future__ import annotations

import hashlib

from app.errors import DomainError
from app.login_attempts import attempts_so_far, count_attempt
from app.settings import settings


class TooManySubmissions(DomainError):
    status = 429
    code = "too-many-submissions"
    title = "提交太频繁"


async def check_client(client: str) -> None:
    attempts, retry_after = await count_attempt(f"r:ip:{client}")
    if attempts > settings.resident_ip_limit:
        error = TooManySubmissions(f"同一网络提交太频繁，请 {retry_after} 秒后再试", field="client")
        error.retry_after = retry_after
        raise error


async def check_phone(phone: str) -> None:
    """A phone given as contact (any format: the digits are what is counted)."""
    digits = "".join(c for c in phone if c.isdigit())
    if not digits:
        return
    key = hashlib.sha256(digits.encode()).hexdigest()[:32]
    attempts, retry_after = await count_attempt(f"r:tel:{key}")
    if attempts > settings.resident_phone_limit:
        error = TooManySubmissions(
            f"这个电话号码提交太频繁，请 {retry_after} 秒后再试", field="phone"
        )
        error.retry_after = retry_after
        raise error


async def check_lookups(client: str) -> None:
    """An address that guessed wrong tracking codes RESIDENT_MISS_LIMIT times in the window
    may look up none until it ends (so codes cannot be found by trying)."""
    if await attempts_so_far(f"r:miss:{client}") >= settings.resident_miss_limit:
        error = TooManySubmissions("查询码输错次数太多，请稍后再试", field="code")
        error.retry_after = 300
        raise error


async def count_miss(client: str) -> None:
    await count_attempt(f"r:miss:{client}")
