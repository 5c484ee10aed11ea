"""How notices reach people: in-app (the Reminder row itself) and signed webhooks.

A notice is written once: `create_notices` inserts the Reminder rows a recipients query
selects, skipping any that exist (unique staff, date and slot), and in the same statement
queues one WebhookDelivery per new reminder and active endpoint (an outbox). Deliveries are
sent later by `deliver_due_webhooks`: HMAC-SHA256 signed JSON POSTs, retried with exponential
backoff, every failure recorded. Sending is at least once (a receiver dedupes on
X-Grid-Delivery); queueing is exactly once.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import hmac
import json
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import asyncpg
import httpx

from app.crud import changes_of, create_with, update_with
from app.errors import ValidationFailed
from app.jobs.common import fetch, utc_now
from app.jobs.schemas import DeliverySummary, WebhookEndpointCreate, WebhookEndpointUpdate
from app.validation import check_text
from tables.jobs import DeliveryStatus, WebhookEndpoint

EVENT_CHECK_IN = "reminder.check_in"
EVENT_WORK_OVERDUE = "escalation.work_item"
EVENT_SUPERVISION_OVERDUE = "escalation.supervision"
EVENT_DIARY_FOLLOW_UP = "reminder.diary_follow_up"
# A resident's case moved (受理, 派遣, 处置, 核查, 办结, 退回; or a supervision request's
# received → handling → answered → closed): queued by the database itself on every
# work_item_event of a case's item and every status change of a case's supervision record
# (migrations …t09_19_06 and …t11_23_01), for an SMS or WeChat gateway.
EVENT_RESIDENT_CASE = "resident.case_status"
EVENTS = (
    EVENT_CHECK_IN,
    EVENT_WORK_OVERDUE,
    EVENT_SUPERVISION_OVERDUE,
    EVENT_DIARY_FOLLOW_UP,
    EVENT_RESIDENT_CASE,
)

MIN_SECRET_LENGTH = 16
# A claimed delivery is retried after this long if its sender died mid-request.
LEASE = dt.timedelta(minutes=2)
BACKOFF_BASE = dt.timedelta(seconds=30)
MAX_ATTEMPTS = 6  # 30 s, 1, 2, 4, 8 min apart, then failed
REQUEST_TIMEOUT = 10.0
CONCURRENT_REQUESTS = 10
SIGNATURE_TOLERANCE = 300  # seconds a receiver should accept between timestamp and now

# ---------------------------------------------------------------- notices (outbox)

_NOTICES = """
WITH {before}
recipients AS ({recipients}),
new AS (
    INSERT INTO reminder (staff, date, slot, channel, status, message, attempts, created_at)
    SELECT staff, date, slot, 'in_app', 'sent', message, 1, $1::timestamptz
    FROM recipients
    ON CONFLICT (staff, date, slot) DO NOTHING
    RETURNING id, staff, date, slot, created_at
),
outbox AS (
    INSERT INTO webhook_delivery
        (endpoint, reminder, event, payload, status, attempts, next_attempt_at, last_error,
         created_at)
    SELECT e.id, n.id, r.event,
           jsonb_build_object(
               'event', r.event, 'reminder_id', n.id, 'date', n.date, 'slot', n.slot,
               'message', r.message, 'subject', r.subject, 'created_at', n.created_at,
               'staff', jsonb_build_object('id', s.id, 'name', s.name, 'phone', s.phone)),
           'pending', 0, $1::timestamptz, '', $1::timestamptz
    FROM new n
    JOIN recipients r ON r.staff = n.staff AND r.date = n.date AND r.slot = n.slot
    JOIN staff_member s ON s.id = n.staff
    CROSS JOIN webhook_endpoint e
    WHERE e.active AND (cardinality(e.events) = 0 OR r.event = ANY(e.events))
    ON CONFLICT (endpoint, reminder) DO NOTHING
    RETURNING id
)
SELECT ARRAY(SELECT n.id FROM new n ORDER BY n.id) AS reminders,
       (SELECT count(*) FROM outbox) AS queued,
       {counted} AS counted
"""


# A city-wide round selects ~25,000 recipients, read twice (the reminders and their
# webhooks): enough memory keeps them off temporary files (~7 % of the round at that size).
ROUND_MEMORY = {"work_mem": "64MB"}


@dataclass(frozen=True)
class Notices:
    """What one notice statement wrote."""

    reminders: list[int]  # ids of the new Reminder rows (existing ones are not repeated)
    webhooks_queued: int
    counted: int  # rows of the `count` CTE, e.g. work items newly marked overdue


async def create_notices(
    recipients: str,
    *args: Any,
    now: dt.datetime,
    before: str = "",
    count: str | None = None,
    lock: str | None = None,
) -> Notices:
    """Insert the notices `recipients` selects and queue their webhooks, in one statement.

    `recipients` is a SELECT of distinct (staff, date, slot) with message, event and subject
    (jsonb) columns; its parameters start at $2 ($1 is `now`). `before` adds CTEs it reads
    from (they may write, e.g. mark rows overdue), and `count` names one of them to count.
    Existing notices are skipped, so the same selection run twice writes nothing new.
    """
    sql = _NOTICES.format(
        before=f"{before}," if before else "",
        recipients=recipients,
        counted=f"(SELECT count(*) FROM {count})" if count else "0",
    )
    row = (await fetch(sql, now, *args, lock=lock, options=ROUND_MEMORY))[0]
    return Notices(
        reminders=list(row["reminders"]),
        webhooks_queued=int(row["queued"]),
        counted=int(row["counted"]),
    )


# ---------------------------------------------------------------- endpoints


def _check_url(value: Any) -> str:
    url = check_text(value, "url", max_length=500)
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ValidationFailed("must be an http:// or https:// address", field="url")
    return url


def _check_events(value: Any) -> list[str]:
    events = list(value or [])
    for event in events:
        if event not in EVENTS:
            raise ValidationFailed(f"{event!r} is not one of: {', '.join(EVENTS)}", field="events")
    return sorted(set(events))


async def clean_webhook_endpoint(
    values: dict[str, Any], current: dict[str, Any] | None
) -> dict[str, Any]:
    """A named http(s) endpoint, a secret of at least 16 characters, known event names."""
    secret = values.get("secret")
    if current is not None and secret in (None, ""):
        # Piccolo selects leave secret columns out; an update without one keeps it.
        values.pop("secret", None)
    else:
        secret = check_text(secret, "secret", max_length=128)
        if len(secret) < MIN_SECRET_LENGTH:
            raise ValidationFailed(
                f"must be at least {MIN_SECRET_LENGTH} characters", field="secret"
            )
        values["secret"] = secret
    cleaned = {
        "name": check_text(values.get("name"), "name", max_length=100),
        "url": _check_url(values.get("url")),
        "events": _check_events(values.get("events")),
        "active": bool(values.get("active", True)),
        "created_at": current["created_at"] if current else utc_now(),
    }
    if "secret" in values:
        cleaned["secret"] = values["secret"]
    return cleaned


async def create_webhook_endpoint(
    data: WebhookEndpointCreate, actor_id: int | None = None
) -> dict[str, Any]:
    """Register an endpoint that receives signed notices."""
    row = await create_with(WebhookEndpoint, clean_webhook_endpoint, changes_of(data), actor_id)
    return public_endpoint(row)


async def update_webhook_endpoint(
    endpoint_id: int, data: WebhookEndpointUpdate, actor_id: int | None = None
) -> dict[str, Any]:
    """Change an endpoint; leaving the secret out keeps the current one."""
    row = await update_with(
        WebhookEndpoint, clean_webhook_endpoint, endpoint_id, changes_of(data), actor_id
    )
    return public_endpoint(row)


def public_endpoint(row: dict[str, Any]) -> dict[str, Any]:
    """An endpoint without its secret."""
    return {key: value for key, value in row.items() if key != "secret"}


# ---------------------------------------------------------------- signing


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """X-Grid-Signature: HMAC-SHA256 over "<timestamp>.<body>" with the endpoint's secret."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


def verify_signature(
    secret: str, timestamp: str, body: bytes, signature: str, now: float | None = None
) -> bool:
    """What a receiver checks: the signature matches and the timestamp is recent."""
    try:
        stamp = int(timestamp)
    except ValueError:
        return False
    current = time.time() if now is None else now
    if abs(current - stamp) > SIGNATURE_TOLERANCE:
        return False
    return hmac.compare_digest(sign(secret, stamp, body), signature)


def retry_delay(attempts: int) -> dt.timedelta:
    """Backoff after the `attempts`-th failed attempt: 30 s, 1 min, 2 min, 4 min …"""
    return BACKOFF_BASE * (2 ** max(attempts - 1, 0))


# ---------------------------------------------------------------- delivery

_CLAIM = """
UPDATE webhook_delivery d
SET attempts = d.attempts + 1, next_attempt_at = $2::timestamptz
FROM webhook_endpoint e
WHERE e.id = d.endpoint AND d.id IN (
    SELECT id FROM webhook_delivery
    WHERE status = 'pending' AND next_attempt_at <= $1::timestamptz
    ORDER BY next_attempt_at, id
    LIMIT $3
    FOR UPDATE SKIP LOCKED
)
RETURNING d.id, d.event, d.payload, d.attempts, e.url, e.secret, e.active
"""

_RECORD = """
UPDATE webhook_delivery d
SET status = r.status, last_status_code = r.code, last_error = r.error,
    next_attempt_at = r.next_attempt_at, delivered_at = r.delivered_at
FROM unnest($1::int[], $2::text[], $3::int[], $4::text[], $5::timestamptz[], $6::timestamptz[])
     AS r(id, status, code, error, next_attempt_at, delivered_at)
WHERE d.id = r.id
"""


async def _post(
    client: httpx.AsyncClient, delivery: asyncpg.Record, gate: asyncio.Semaphore
) -> tuple[int | None, str]:
    if not delivery["active"]:
        return None, "endpoint is inactive"
    payload = delivery["payload"]
    if isinstance(payload, str):
        payload = json.loads(payload)
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "peoples-grid-webhook/1",
        "X-Grid-Event": delivery["event"],
        "X-Grid-Delivery": str(delivery["id"]),
        "X-Grid-Timestamp": str(timestamp),
        "X-Grid-Signature": sign(delivery["secret"], timestamp, body),
    }
    async with gate:
        try:
            response = await client.post(delivery["url"], content=body, headers=headers)
        except httpx.HTTPError as exc:
            return None, f"{type(exc).__name__}: {exc}"[:500]
    if 200 <= response.status_code < 300:
        return response.status_code, ""
    return response.status_code, f"HTTP {response.status_code}: {response.text[:300]}"


async def deliver_due_webhooks(now: dt.datetime | None = None, limit: int = 100) -> DeliverySummary:
    """Send the deliveries that are due; record each outcome and schedule retries.

    Claiming pushes `next_attempt_at` one lease ahead, so concurrent senders never take the
    same delivery and one killed mid-request is retried when the lease runs out.
    """
    moment = now or utc_now()
    claimed = await fetch(_CLAIM, moment, moment + LEASE, limit)
    if not claimed:
        return DeliverySummary(attempted=0, delivered=0, retrying=0, failed=0)
    gate = asyncio.Semaphore(CONCURRENT_REQUESTS)
    async with httpx.AsyncClient(timeout=REQUEST_TIMEOUT, follow_redirects=False) as client:
        outcomes = await asyncio.gather(*(_post(client, row, gate) for row in claimed))
    finished = now or utc_now()
    ids: list[int] = []
    statuses: list[str] = []
    codes: list[int | None] = []
    errors: list[str] = []
    next_times: list[dt.datetime] = []
    delivered: list[dt.datetime | None] = []
    for row, (code, error) in zip(claimed, outcomes, strict=True):
        ids.append(row["id"])
        codes.append(code)
        errors.append(error)
        if not error:
            statuses.append(DeliveryStatus.delivered.value)
            next_times.append(finished)
            delivered.append(finished)
        elif row["attempts"] >= MAX_ATTEMPTS:
            statuses.append(DeliveryStatus.failed.value)
            next_times.append(finished)
            delivered.append(None)
        else:
            statuses.append(DeliveryStatus.pending.value)
            next_times.append(finished + retry_delay(row["attempts"]))
            delivered.append(None)
    await fetch(_RECORD, ids, statuses, codes, errors, next_times, delivered)
    return DeliverySummary(
        attempted=len(ids),
        delivered=statuses.count(DeliveryStatus.delivered.value),
        retrying=statuses.count(DeliveryStatus.pending.value),
        failed=statuses.count(DeliveryStatus.failed.value),
    )
