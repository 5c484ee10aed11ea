"""schemathesis against /schema/openapi.json: no 5xx, and every response matches the document.

Bounded: a few generated requests per operation of /api/v1/, sent through the test client on
the test's own event loop (the database pool lives there) while hypothesis runs in a thread.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from typing import Any

import httpx
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from app.api.auth import RATE_LIMITS
from app.api.router import RESOURCES
from app.crud import insert_row
from tables.system import Reminder
from tests.api.support import bearer, make_token
from tests.factories import (
    area_tree,
    make_access_entry,
    make_department,
    make_household,
    make_indicator,
    make_staff,
    make_work_item,
)

# Valid requests (mostly answered 404/422: made-up ids and codes) and invalid ones (400).
EXAMPLES_PER_OPERATION = {GenerationMode.POSITIVE: 6, GenerationMode.NEGATIVE: 4}
BUDGET_SECONDS = 100
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


async def seed() -> dict[str, str]:
    """A district with a little of everything, and a read-write token of street A."""
    tree = await area_tree()
    department = await make_department()
    entry = await make_access_entry(tree.streets["A"], department)
    await make_work_item(tree.communities["A1"], entry)
    await make_household(tree.grids["A1-1"])
    await make_indicator("服务态度")
    worker = await make_staff("wg", community=tree.communities["A1"], grids=[tree.grids["A1-1"]])
    await insert_row(
        Reminder,
        {"staff": worker["id"], "date": dt.date(2026, 11, 23), "slot": "check-in@10:00"},
    )
    return bearer(await make_token(tree, street="A"))


async def test_generated_requests_get_documented_answers(client: httpx.AsyncClient) -> None:
    headers = await seed()
    raw = (await client.get("/schema/openapi.json")).json()
    schema = schemathesis.openapi.from_dict(raw)
    ours = {resource.tag for resource in RESOURCES}
    operations = [
        result.ok() for result in schema.get_all_operations() if set(result.ok().tags or ()) & ours
    ]
    assert len(operations) > 80
    loop = asyncio.get_running_loop()
    failures: list[str] = []
    started = time.monotonic()

    def send(case: Any) -> httpx.Response:
        kwargs = case.as_transport_kwargs(base_url="http://testserver", headers=headers)
        request = {
            "method": kwargs["method"],
            "url": kwargs["url"],
            "params": kwargs.get("params"),
            "headers": kwargs.get("headers"),
            "cookies": kwargs.get("cookies") or None,
        }
        if "json" in kwargs:
            request["json"] = kwargs["json"]
        elif kwargs.get("data") is not None:
            request["content"] = kwargs["data"]
        future = asyncio.run_coroutine_threadsafe(client.request(**request), loop)
        return future.result(timeout=30)

    def fuzz(operation: Any, mode: GenerationMode) -> None:
        @settings(
            max_examples=EXAMPLES_PER_OPERATION[mode],
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy(generation_mode=mode))
        def check(case: Any) -> None:
            case.validate_response(send(case), checks=CHECKS)

        check()

    def run_all() -> None:
        for operation in operations:
            if time.monotonic() - started > BUDGET_SECONDS:
                failures.append(f"time budget spent before {operation.label}")
                return
            for mode in EXAMPLES_PER_OPERATION:
                try:
                    fuzz(operation, mode)
                except Unsatisfiable:
                    pass  # nothing in the operation can be made invalid (e.g. a string path key)
                except (Exception, BaseExceptionGroup) as exc:
                    failures.append(f"{operation.label} ({mode.value}): {str(exc)[:1500]}")

    limits = (RATE_LIMITS.per_caller.limit, RATE_LIMITS.per_ip.limit)
    RATE_LIMITS.per_caller.limit = RATE_LIMITS.per_ip.limit = 1_000_000
    try:
        await asyncio.to_thread(run_all)
    finally:
        RATE_LIMITS.per_caller.limit, RATE_LIMITS.per_ip.limit = limits
    assert not failures, "\n\n".join(failures)
