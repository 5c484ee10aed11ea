"""Anything a client can send gets the spec's error list with 400/403/404, never a 500."""

from __future__ import annotations

import random
import string
from typing import Any

import httpx

from tables.open311 import ServiceRequest
from tables.supervision import SupervisionRecord
from tables.work import AccessRefusal, WorkItem
from tests.open311.conftest import BASE, City, errors_of, form

IN_A1_2 = {"lat": "30.905", "long": "117.807"}


async def nothing_written() -> bool:
    return not any(
        [
            await WorkItem.count(),
            await SupervisionRecord.count(),
            await ServiceRequest.count(),
            await AccessRefusal.count(),
        ]
    )


def valid(city: City, **changes: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "api_key": city.keys["a"],
        "jurisdiction_id": city.street_a,
        "service_code": city.code("civil"),
        "description": "楼道灯坏了",
        **IN_A1_2,
    }
    fields.update(changes)
    return form(**{k: v for k, v in fields.items() if v is not None})


async def test_missing_and_malformed_fields_are_400(client: httpx.AsyncClient, city: City) -> None:
    cases: list[tuple[dict[str, Any], str]] = [
        ({"service_code": None}, "service_code was not provided"),
        ({"service_code": "  "}, "service_code was not provided"),
        ({"lat": None, "long": None}, "a location is required"),
        ({"long": None}, "long is missing"),
        ({"lat": None}, "lat is missing"),
        ({"lat": "abc"}, "lat must be a number"),
        ({"lat": "nan"}, "lat must be a number"),
        ({"long": "inf"}, "long must be a number"),
        ({"long": "-1e400"}, "long must be a number"),
        ({"lat": "30.9.1"}, "lat must be a number"),
        ({"lat": "9" * 5000}, "lat must be a number"),
        ({"lat": "91"}, "outside WGS84"),
        ({"long": "-181"}, "outside WGS84"),
        ({"lat": "0", "long": "0"}, "lies in no grid"),
        ({"description": "x" * 4001}, "at most 4000"),
        ({"description": "坏" * 1_000_000}, "at most 4000"),
        ({"description": "nul\x00byte"}, "control characters"),
        ({"address_string": "a" * 10_000}, "address_string is 10000 characters"),
        ({"service_code": "s" * 10_000}, "service_code is 10000 characters"),
        ({"address_id": "340705001001009", "lat": None, "long": None}, "address_id"),
        ({"address_string": "无此地址", "lat": None, "long": None}, "address_string"),
        ({"phone": "1" * 31}, "phone is 31 characters"),
        ({"email": "not-an-email"}, "is not an e-mail address"),
        ({"media_url": "javascript:alert(1)"}, "media_url must be an http(s) URL"),
        ({"first_name": "名" * 100}, "first_name is 100 characters"),
        ({"jurisdiction_id": "j" * 10_000}, "jurisdiction_id is 10000 characters"),
        ({"attribute": {"situation": ["rich"]}}, "is not one of"),
    ]
    for changes, message in cases:
        for fmt in ("json", "xml"):
            response = await client.post(f"{BASE}/requests.{fmt}", data=valid(city, **changes))
            assert response.status_code == 400, (changes, response.text[:300])
            (error,) = errors_of(response)
            assert message in error[1], (changes, error)
    assert await nothing_written()


async def test_keys_and_jurisdictions_that_do_not_exist(
    client: httpx.AsyncClient, city: City
) -> None:
    for changes, status in (
        ({"api_key": "k" * 100_000}, 403),
        ({"api_key": "pg__"}, 403),
        ({"jurisdiction_id": "340705009"}, 404),
        ({"jurisdiction_id": None}, 400),  # two streets: which one?
        ({"service_code": "access-99999999999"}, 404),
        ({"service_code": "supervision-"}, 404),
    ):
        response = await client.post(f"{BASE}/requests.json", data=valid(city, **changes))
        assert response.status_code == status, (changes, response.text[:300])
        errors_of(response)
    assert await nothing_written()


async def test_the_body_must_be_a_utf8_form(client: httpx.AsyncClient, city: City) -> None:
    url = f"{BASE}/requests.json"
    form_type = {"content-type": "application/x-www-form-urlencoded"}
    for content, headers, message in (
        (b"description=\xff\xfe", form_type, "not valid UTF-8"),
        (b"description=%FF%FE", form_type, "not valid UTF-8"),
        ("&".join(f"f{i}=1" for i in range(300)).encode(), form_type, "too many fields"),
        (b'{"service_code": "x"}', {"content-type": "application/json"}, "send the request as"),
        (b"<xml/>", {"content-type": "text/xml"}, "send the request as"),
    ):
        response = await client.post(url, content=content, headers=headers)
        assert response.status_code == 400, (content[:40], response.text[:200])
        assert message in errors_of(response)[0][1]
    twice = await client.post(
        url,
        content=f"api_key={city.keys['a']}&service_code=a&service_code=b".encode(),
        headers=form_type,
    )
    assert twice.status_code == 400
    assert "given more than once" in errors_of(twice)[0][1]
    assert await nothing_written()


async def test_a_multipart_form_works_too(client: httpx.AsyncClient, city: City) -> None:
    fields = valid(city)
    response = await client.post(
        f"{BASE}/requests.json", data=fields, files={"media": ("a.txt", b"ignored")}
    )
    assert response.status_code == 201, response.text
    assert response.json()[0]["service_request_id"].startswith("W")


async def test_bad_filters_are_400(client: httpx.AsyncClient, city: City) -> None:
    cases = [
        ({"start_date": "yesterday"}, "start_date 'yesterday' is not a W3C date-time"),
        ({"end_date": "2026-13-01"}, "end_date"),
        ({"start_date": "9999-12-31T23:59:59"}, "too far"),
        ({"end_date": "0001-01-01"}, "too far"),
        ({"start_date": "2026-02-01", "end_date": "2026-01-01"}, "start_date is after end_date"),
        ({"start_date": "2" * 5000}, "start_date is 5000 characters"),
        ({"status": "pending"}, "status 'pending' is not open or closed"),
        ({"service_request_id": "abc"}, "'abc' is not a request id"),
        ({"service_request_id": ",".join(f"W{i}" for i in range(1, 1100))}, "more than 1000"),
    ]
    for params, message in cases:
        for fmt in ("json", "xml"):
            response = await client.get(
                f"{BASE}/requests.{fmt}", params={"jurisdiction_id": city.street_a, **params}
            )
            assert response.status_code == 400, (params, response.text[:300])
            assert message in errors_of(response)[0][1], params


async def test_unknown_formats_and_paths(client: httpx.AsyncClient, city: City) -> None:
    params = {"jurisdiction_id": city.street_a}
    for path in (
        "services/supervision-cadre_conduct.csv",
        "requests/W1.html",
        "tokens/W1",
        "requests/%00.json",
        "services/" + "x" * 5000 + ".xml",
    ):
        response = await client.get(f"{BASE}/{path}", params=params)
        assert response.status_code == 404, path
        errors_of(response)


def _random_value(rng: random.Random) -> str:
    kind = rng.randrange(8)
    if kind == 0:
        return ""
    if kind == 1:
        return str(rng.uniform(-400, 400))
    if kind == 2:
        return "".join(rng.choice(string.printable) for _ in range(rng.randrange(1, 60)))
    if kind == 3:
        return "".join(chr(rng.randrange(0x20, 0x3000)) for _ in range(rng.randrange(1, 40)))
    if kind == 4:
        return rng.choice(["30.905", "117.807", "W1", "S1", "access-1", "true", "rubbish"])
    if kind == 5:
        return "x" * rng.choice([4001, 20_000])
    if kind == 6:
        return "".join(chr(rng.randrange(0, 0x20)) for _ in range(5))
    return rng.choice(["supervision-cadre_conduct", "340705001", "340705001001001"])


async def test_random_forms_never_break_the_server(client: httpx.AsyncClient, city: City) -> None:
    """A small deterministic fuzz of the form parser: any mix of fields and values."""
    rng = random.Random(311)
    names = [
        "jurisdiction_id",
        "service_code",
        "lat",
        "long",
        "address_string",
        "address_id",
        "email",
        "device_id",
        "account_id",
        "first_name",
        "last_name",
        "phone",
        "description",
        "media_url",
        "attribute[problem]",
        "attribute[subject]",
        "attribute[anonymous]",
        "attribute[situation][]",
        "attribute[",
        "unknown",
    ]
    seen: set[int] = set()
    for _ in range(150):
        # A valid report with up to three fields replaced or added at random.
        service = rng.choice(
            [
                (city.code("urban"), {"attribute[problem]": "rubbish"}),
                (city.code("civil"), {}),
                ("supervision-residents_rights", {"attribute[subject]": "物业"}),
            ]
        )
        fields: dict[str, str] = {**valid(city, service_code=service[0]), **service[1]}
        for name in rng.sample([*names, "api_key"], rng.randrange(0, 4)):
            fields[name] = _random_value(rng)
        fmt = rng.choice(["json", "xml"])
        response = await client.post(f"{BASE}/requests.{fmt}", data=fields)
        seen.add(response.status_code)
        assert response.status_code in (201, 400, 403, 404), (fields, response.text[:300])
        if response.status_code != 201:
            errors_of(response)
    for _ in range(100):
        params = {
            name: _random_value(rng)
            for name in rng.sample(
                ["service_request_id", "service_code", "start_date", "end_date", "status"],
                rng.randrange(0, 5),
            )
        }
        params["jurisdiction_id"] = city.street_a
        response = await client.get(f"{BASE}/requests.json", params=params)
        seen.add(response.status_code)
        assert response.status_code in (200, 400), (params, response.text[:300])
    assert {201, 400, 200} <= seen


async def test_unknown_resources_answer_in_the_specs_shape(client: httpx.AsyncClient) -> None:
    for path, content_type in (
        ("potholes.json", "application/json"),
        ("potholes/1.xml", "text/xml"),
        ("", "application/json"),
    ):
        response = await client.get(f"{BASE}/{path}")
        assert response.status_code == 404, path
        assert response.headers["content-type"].startswith(content_type)
        assert "is not a GeoReport v2 resource" in errors_of(response)[0][1]
    wrong_method = await client.delete(f"{BASE}/requests.json")
    assert wrong_method.status_code == 405
