"""Jobs tests run their tasks on the in-memory broker of `app.worker` (no REDIS_URL here)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
from taskiq import InMemoryBroker

from tests.jobs.support import WebhookReceiver


@pytest.fixture(scope="session")
async def broker(database: None) -> AsyncIterator[InMemoryBroker]:
    import app.jobs.tasks  # noqa: F401  (registers the tasks, as the worker command does)
    from app.worker import broker as app_broker

    assert isinstance(app_broker, InMemoryBroker), "tests expect REDIS_URL to be unset"
    await app_broker.startup()
    yield app_broker
    await app_broker.shutdown()


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    """An HTTP endpoint on 127.0.0.1 that records what it receives."""
    with WebhookReceiver() as endpoint:
        yield endpoint
