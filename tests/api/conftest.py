"""Every API test starts with empty rate-limit windows."""

from collections.abc import Iterator

import pytest

from app.api.auth import RATE_LIMITS


@pytest.fixture(autouse=True)
def fresh_rate_limits() -> Iterator[None]:
    RATE_LIMITS.reset()
    yield
    RATE_LIMITS.reset()
