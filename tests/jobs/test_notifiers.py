"""Webhook notifier: signed POSTs to a real local endpoint, retries with backoff, failures
recorded, endpoints validated, and no delivery sent twice by racing senders."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import time
from typing import Any

import pytest
from taskiq import InMemoryBroker

from app.errors import Conflict, ValidationFailed
from app.jobs.notifiers import (
    MAX_ATTEMPTS,
    create_webhook_endpoint,
    deliver_due_webhooks,
    retry_delay,
    sign,
    update_webhook_endpoint,
    verify_signature,
)
from app.jobs.reminders import send_check_in_reminders
from app.jobs.schemas import WebhookEndpointCreate, WebhookEndpointUpdate
from app.jobs.tasks import check_in_reminders
from tables.jobs import WebhookDelivery, WebhookEndpoint
from tests.jobs.support import WebhookReceiver, clear_of_midnight, local, world

SECRET = "grid-webhook-secret-0123456789"
DAY = dt.date(2026, 10, 12)


async def endpoint(url: str, **extra: Any) -> dict[str, Any]:
    name = extra.pop("name", "短信网关")
    return await create_webhook_endpoint(
        WebhookEndpointCreate(name=name, url=url, secret=SECRET, **extra)
    )


async def deliveries() -> list[dict[str, Any]]:
    return await WebhookDelivery.select().order_by(WebhookDelivery._meta.primary_key).run()


async def test_new_reminders_are_posted_signed_to_the_endpoint(receiver: WebhookReceiver) -> None:
    await world()
    await endpoint(receiver.url)
    await send_check_in_reminders(DAY, "10:00", now=local(DAY, 10))
    summary = await deliver_due_webhooks()
    assert (summary.attempted, summary.delivered) == (4, 4)
    assert len(receiver.requests) == 4
    request = receiver.requests[0]
    headers = request["headers"]
    assert headers["X-Grid-Event"] == "reminder.check_in"
    assert verify_signature(
        SECRET, headers["X-Grid-Timestamp"], request["body"], headers["X-Grid-Signature"]
    )
    assert request["json"]["slot"] == "check_in@10:00"
    assert request["json"]["staff"]["name"] in {"wang", "li", "chen", "zhou"}
    rows = await deliveries()
    assert {row["status"] for row in rows} == {"delivered"}
    assert {row["attempts"] for row in rows} == {1}
    assert {str(row["id"]) for row in rows} == {
        r["headers"]["X-Grid-Delivery"] for r in receiver.requests
    }
    # Nothing is due any more: a second pass sends nothing.
    assert (await deliver_due_webhooks()).attempted == 0
    assert len(receiver.requests) == 4


async def test_a_failing_endpoint_is_retried_with_backoff_then_marked_failed(
    receiver: WebhookReceiver,
) -> None:
    w = await world()
    await endpoint(receiver.url)
    await send_check_in_reminders(
        DAY, "10:00", street_id=w.tree.streets["B"]["id"], now=local(DAY, 10)
    )
    receiver.statuses = [503] * MAX_ATTEMPTS
    now = dt.datetime.now(dt.UTC)
    first = await deliver_due_webhooks(now=now)
    assert (first.attempted, first.retrying) == (1, 1)
    (row,) = await deliveries()
    assert row["status"] == "pending" and row["attempts"] == 1
    assert row["last_status_code"] == 503 and "HTTP 503" in row["last_error"]
    assert row["next_attempt_at"] == now + retry_delay(1) == now + dt.timedelta(seconds=30)
    # Not retried before its time.
    assert (await deliver_due_webhooks(now=now + dt.timedelta(seconds=29))).attempted == 0
    moment = now
    for attempt in range(2, MAX_ATTEMPTS + 1):
        moment = moment + retry_delay(attempt - 1)
        result = await deliver_due_webhooks(now=moment)
        assert result.attempted == 1
    (row,) = await deliveries()
    assert row["status"] == "failed" and row["attempts"] == MAX_ATTEMPTS
    assert len(receiver.requests) == MAX_ATTEMPTS
    assert (await deliver_due_webhooks(now=moment + dt.timedelta(days=1))).attempted == 0


async def test_an_unreachable_endpoint_records_the_error() -> None:
    w = await world()
    await endpoint("http://127.0.0.1:9/closed-port")
    await send_check_in_reminders(
        DAY, "10:00", street_id=w.tree.streets["B"]["id"], now=local(DAY, 10)
    )
    result = await deliver_due_webhooks()
    assert result.retrying == 1
    (row,) = await deliveries()
    assert row["last_status_code"] is None and "ConnectError" in row["last_error"]


async def test_racing_senders_post_each_delivery_once(receiver: WebhookReceiver) -> None:
    await world()
    await endpoint(receiver.url)
    await send_check_in_reminders(DAY, "10:00", now=local(DAY, 10))
    results = await asyncio.gather(*(deliver_due_webhooks() for _ in range(4)))
    assert sum(r.delivered for r in results) == 4
    assert len(receiver.requests) == 4
    assert len({r["headers"]["X-Grid-Delivery"] for r in receiver.requests}) == 4


def test_signatures_fail_when_anything_is_changed() -> None:
    body = json.dumps({"event": "reminder.check_in"}).encode()
    stamp = int(time.time())
    signature = sign(SECRET, stamp, body)
    assert signature.startswith("sha256=") and len(signature) == 7 + 64
    assert verify_signature(SECRET, str(stamp), body, signature)
    assert not verify_signature(SECRET, str(stamp), body + b" ", signature)
    assert not verify_signature("another-secret-of-length", str(stamp), body, signature)
    assert not verify_signature(SECRET, str(stamp + 1), body, signature)
    old = stamp - 3600
    assert not verify_signature(SECRET, str(old), body, sign(SECRET, old, body))
    assert not verify_signature(SECRET, "not-a-number", body, signature)


async def test_an_endpoint_never_shows_its_secret_and_keeps_it_when_not_given() -> None:
    created = await endpoint("https://sms.example.org/hook", events=["reminder.check_in"])
    assert "secret" not in created and created["events"] == ["reminder.check_in"]
    updated = await update_webhook_endpoint(int(created["id"]), WebhookEndpointUpdate(active=False))
    assert "secret" not in updated and updated["active"] is False
    stored = await WebhookEndpoint.select(WebhookEndpoint.secret).first().run()
    assert stored is not None and stored["secret"] == SECRET


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"url": "ftp://example.org/x"}, "url"),
        ({"url": "not a url"}, "url"),
        ({"secret": "short"}, "secret"),
        ({"events": ["reminder.everything"]}, "events"),
        ({"name": "  "}, "name"),
    ],
)
async def test_a_bad_endpoint_is_refused_and_nothing_written(
    change: dict[str, Any], field: str
) -> None:
    values: dict[str, Any] = {
        "name": "网关",
        "url": "https://sms.example.org/hook",
        "secret": SECRET,
    }
    values.update(change)
    with pytest.raises(ValidationFailed) as exc:
        await create_webhook_endpoint(WebhookEndpointCreate(**values))
    assert exc.value.field == field
    assert await WebhookEndpoint.count().run() == 0


async def test_endpoint_names_are_unique() -> None:
    await endpoint("https://a.example.org/hook")
    with pytest.raises(Conflict) as exc:
        await endpoint("https://b.example.org/hook")
    assert exc.value.field == "name"
    assert await WebhookEndpoint.count().run() == 1


async def test_a_reminder_task_sends_its_webhooks_on_the_in_memory_broker(
    broker: InMemoryBroker, receiver: WebhookReceiver
) -> None:
    await world()
    await endpoint(receiver.url)
    await clear_of_midnight()
    await check_in_reminders.kiq(at="10:00", fired_at=dt.datetime.now(dt.UTC).isoformat())
    await broker.wait_all()
    await broker.wait_all()  # the delivery task the round sent
    assert len(receiver.requests) == 4
    assert {row["status"] for row in await deliveries()} == {"delivered"}
