"""schemathesis over the documented /open311/v2/ operations: no 5xx, documented answers.

Bounded like the API's own run: a few generated requests per operation, sent through the
test client on the test's loop while hypothesis runs in a thread.
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.open311.conftest import BASE, City

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


async def test_every_operation_is_documented_and_answers_as_documented(
    client: httpx.AsyncClient, city: City
) -> None:
    raw = (await client.get("/schema/openapi.json")).json()
    documented = {path for path in raw["paths"] if path.startswith(BASE)}
    assert documented == {
        f"{BASE}/discovery.json",
        f"{BASE}/discovery.xml",
        f"{BASE}/services.json",
        f"{BASE}/services.xml",
        f"{BASE}/services/{{service_code}}",
        f"{BASE}/requests.json",
        f"{BASE}/requests.xml",
        f"{BASE}/requests/{{service_request_id}}",
        f"{BASE}/tokens/{{token}}",
    }
    post = raw["paths"][f"{BASE}/requests.json"]["post"]
    form = post["requestBody"]["content"]["application/x-www-form-urlencoded"]["schema"]
    assert {"api_key", "service_code", "lat", "long", "address_id"} <= set(form["properties"])
    listing = raw["paths"][f"{BASE}/requests.json"]["get"]
    assert {p["name"] for p in listing["parameters"]} == {
        "jurisdiction_id",
        "service_request_id",
        "service_code",
        "start_date",
        "end_date",
        "status",
    }

    schema = schemathesis.openapi.from_dict(raw)
    operations = [
        result.ok() for result in schema.get_all_operations() if result.ok().path.startswith(BASE)
    ]
    assert len(operations) == 11
    loop = asyncio.get_running_loop()
    failures: list[str] = []

    def send(case: Any) -> httpx.Response:
        kwargs = case.as_transport_kwargs(base_url="http://testserver")
        params = dict(kwargs.get("params") or {})
        params.setdefault("jurisdiction_id", city.street_a)
        request: dict[str, Any] = {
            "method": kwargs["method"],
            "url": kwargs["url"],
            "params": params,
            "headers": kwargs.get("headers"),
        }
        if kwargs.get("data") is not None:
            request["data" if isinstance(kwargs["data"], dict) else "content"] = kwargs["data"]
        future = asyncio.run_coroutine_threadsafe(client.request(**request), loop)
        return future.result(timeout=30)

    def fuzz(operation: Any) -> None:
        @settings(
            max_examples=8,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def check(case: Any) -> None:
            case.validate_response(send(case), checks=CHECKS)

        check()

    def run_all() -> None:
        for operation in operations:
            try:
                fuzz(operation)
            except Exception as exc:
                failures.append(f"{operation.label}: {str(exc)[:1500]}")

    await asyncio.to_thread(run_all)
    assert not failures, "\n\n".join(failures)
