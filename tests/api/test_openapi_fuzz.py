"""schemathesis against /schema/openapi.json: no 5xx, and every response matches the document.

Bounded: a few generated requests per operation of /api/v1/, sent through the test client on
the test's own event loop (the database pool lives there) while hypothesis runs in a thread.
Deterministic: hypothesis is derandomized (the same examples on every run, no example
database), and every failure carries the curl command that replays its request.

Stateful sequences reach rows that have dependents: for every pair of resources where a
child's create body names its parent through an ON DELETE RESTRICT foreign key (found from
RESOURCES and the tables, not listed by hand), create the parent, create the child under it,
read and update both (generated PATCH bodies too), try to delete the parent (409 naming the
child, never a 500), then delete the child and the parent.
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
from piccolo.columns import OnDelete
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from app.api.auth import RATE_LIMITS
from app.api.resources import Resource
from app.api.router import RESOURCES
from app.crud import insert_row
from tables.system import Reminder
from tests.api.support import API, bearer, make_token
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
BUDGET_SECONDS = 80
BASE_URL = "http://testserver"
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


class Sender:
    """Sends schemathesis cases through the test client, on the test's loop, from the
    hypothesis thread; a failed check is noted with the request to replay."""

    def __init__(self, client: httpx.AsyncClient, headers: dict[str, str]) -> None:
        self.client = client
        self.headers = headers
        self.loop = asyncio.get_running_loop()

    def send(self, case: Any) -> httpx.Response:
        kwargs = case.as_transport_kwargs(base_url=BASE_URL, headers=self.headers)
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
        future = asyncio.run_coroutine_threadsafe(self.client.request(**request), self.loop)
        return future.result(timeout=30)

    def check(self, case: Any, expected: set[int] | None = None) -> httpx.Response:
        """Send `case`; its answer must pass CHECKS (and have one of `expected` statuses)."""
        response = self.send(case)
        try:
            case.validate_response(response, checks=CHECKS)
            assert expected is None or response.status_code in expected, (
                f"expected {sorted(expected)}, got {response.status_code}: {response.text[:500]}"
            )
        except (Exception, BaseExceptionGroup) as exc:
            exc.add_note("replay: " + case.as_curl_command(headers=self.headers, base_url=BASE_URL))
            raise
        return response


def failure_text(label: str, exc: BaseException) -> str:
    notes = "\n".join(getattr(exc, "__notes__", []))
    return f"{label}: {str(exc)[:1500]}\n{notes}"


def fuzzed(
    sender: Sender, operation: Any, mode: GenerationMode, examples: int, **fixed: Any
) -> None:
    """Run `examples` generated cases of `operation` (with `fixed` parts) through CHECKS."""

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=True,  # the same examples on every run: a failure replays as it was
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode, **fixed))
    def check(case: Any) -> None:
        sender.check(case)

    check()


async def without_rate_limits(run: Any) -> None:
    limits = (RATE_LIMITS.per_caller.limit, RATE_LIMITS.per_ip.limit)
    RATE_LIMITS.per_caller.limit = RATE_LIMITS.per_ip.limit = 1_000_000
    try:
        await asyncio.to_thread(run)
    finally:
        RATE_LIMITS.per_caller.limit, RATE_LIMITS.per_ip.limit = limits


async def api_schema(client: httpx.AsyncClient) -> Any:
    return schemathesis.openapi.from_dict((await client.get("/schema/openapi.json")).json())


async def test_generated_requests_get_documented_answers(client: httpx.AsyncClient) -> None:
    headers = await seed()
    schema = await api_schema(client)
    ours = {resource.tag for resource in RESOURCES}
    operations = [
        result.ok() for result in schema.get_all_operations() if set(result.ok().tags or ()) & ours
    ]
    assert len(operations) > 80
    sender = Sender(client, headers)
    failures: list[str] = []
    started = time.monotonic()

    def run_all() -> None:
        for operation in operations:
            if time.monotonic() - started > BUDGET_SECONDS:
                failures.append(f"time budget spent before {operation.label}")
                return
            for mode, examples in EXAMPLES_PER_OPERATION.items():
                try:
                    fuzzed(sender, operation, mode, examples)
                except Unsatisfiable:
                    pass  # nothing in the operation can be made invalid (e.g. a string path key)
                except (Exception, BaseExceptionGroup) as exc:
                    failures.append(failure_text(f"{operation.label} ({mode.value})", exc))

    await without_rate_limits(run_all)
    assert not failures, "\n\n".join(failures)


# --- stateful sequences -------------------------------------------------------------------

Ids = dict[str, Any]
# A valid create body of a resource, given the rows of the seed it may refer to. Only the
# domain knowledge (codes, places inside grids) is written here; which resources link to
# which comes from RESOURCES and the tables' foreign keys.
BODIES: dict[str, Any] = {
    "grids": lambda ids: {"community": ids["community"], "name": "状态网格"},
    "buildings": lambda ids: {
        "address": "状态路1号",
        "longitude": ids["lon"],
        "latitude": ids["lat"],
        "grid": ids["grid"],
    },
    "facilities": lambda ids: {
        "name": "状态广场",
        "kind": "sports_venue",
        "longitude": ids["lon"],
        "latitude": ids["lat"],
        "grid": ids["grid"],
    },
    "organisations": lambda ids: {"name": "状态单位", "kind": "market", "grid": ids["grid"]},
    "households": lambda ids: {"building": ids["building"], "room": "9-901"},
    "residents": lambda ids: {"household": ids["household"], "name": "王五"},
}


def linked_pairs() -> list[tuple[Resource, Resource, str]]:
    """(parent, child, column): the child's create body names the parent through a restrict
    foreign key, and both can be created and deleted through the API."""
    by_table = {r.tablename: r for r in RESOURCES if r.create and r.delete and r.path in BODIES}
    pairs = []
    for child in by_table.values():
        assert child.create is not None
        fields = set(child.create[0].__struct_fields__)
        for fk in child.table._meta.foreign_key_columns:
            meta = fk._foreign_key_meta
            parent = by_table.get(meta.resolved_references._meta.tablename)
            if meta.on_delete == OnDelete.restrict and parent and fk._meta.name in fields:
                pairs.append((parent, child, fk._meta.name))
    return pairs


async def test_linked_resources_are_created_changed_and_deleted_in_order(
    client: httpx.AsyncClient,
) -> None:
    headers = await seed()
    tree_grid = (await client.get(f"{API}/grids", params={"sort": "code"}, headers=headers)).json()
    grid = tree_grid["items"][0]
    households = (await client.get(f"{API}/households", headers=headers)).json()["items"]
    ids: Ids = {
        "community": grid["community"],
        "grid": grid["id"],
        "lon": grid["min_lon"] + 0.001,
        "lat": grid["min_lat"] + 0.001,
        "building": households[0]["building"],
        "household": households[0]["id"],
    }
    schema = await api_schema(client)
    pairs = linked_pairs()
    assert {(p.path, c.path) for p, c, _ in pairs} >= {("buildings", "households")}
    sender = Sender(client, headers)
    failures: list[str] = []

    def operation(resource: Resource, method: str, item: bool) -> Any:
        path = f"{API}/{resource.path}" + (f"/{{{resource.key}}}" if item else "")
        return schema[path][method]

    def key_of(resource: Resource, row: dict[str, Any]) -> dict[str, Any]:
        return {resource.key: row[resource.key]}

    def create(resource: Resource, body: dict[str, Any]) -> dict[str, Any]:
        case = operation(resource, "POST", False).Case(body=body, media_type="application/json")
        return dict(sender.check(case, {201}).json())

    def sequence(parent: Resource, child: Resource, column: str) -> None:
        parent_row = create(parent, BODIES[parent.path](ids))
        parent_key = key_of(parent, parent_row)
        child_row = create(child, {**BODIES[child.path](ids), column: parent_row["id"]})
        child_key = key_of(child, child_row)
        read = sender.check(operation(child, "GET", True).Case(path_parameters=child_key), {200})
        assert read.json() == child_row
        for resource, key in ((child, child_key), (parent, parent_key)):
            fuzzed(
                sender,
                operation(resource, "PATCH", True),
                GenerationMode.POSITIVE,
                3,
                path_parameters=key,
            )
        refused = sender.check(
            operation(parent, "DELETE", True).Case(path_parameters=parent_key), {409}
        )
        assert refused.json()["field"] == f"{child.tablename}.{column}", refused.json()
        for resource, key in ((child, child_key), (parent, parent_key)):
            sender.check(operation(resource, "DELETE", True).Case(path_parameters=key), {204})
            sender.check(operation(resource, "GET", True).Case(path_parameters=key), {404})

    def run_all() -> None:
        for parent, child, column in pairs:
            try:
                sequence(parent, child, column)
            except (Exception, BaseExceptionGroup) as exc:
                failures.append(failure_text(f"{parent.path} ← {child.path}.{column}", exc))

    await without_rate_limits(run_all)
    assert not failures, "\n\n".join(failures)
