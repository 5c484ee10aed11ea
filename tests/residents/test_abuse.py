"""Abuse and bad input on the residents' pages: the proof of work, the limits per address and
per phone, photo type and size, HTML kept as text, and a flood of 1,000 submissions from one
address that is throttled without a 5xx while another resident still gets through."""

from __future__ import annotations

import asyncio
import hashlib

import httpx

from app.residents.challenge import issue, leading_zero_bits, solve, verify
from app.settings import settings
from tables.residents import ResidentCase
from tables.work import WorkItem
from tests.api.support import assert_problem
from tests.residents.conftest import City, R, from_address, jpeg, point_in, proof, submit


def report_fields(city: City, **extra: str) -> dict[str, str]:
    return {
        "service_code": city.code("civil"),
        "description": "楼下独居老人几天没出门了",
        **point_in(city.tree.grids["A1-1"]),
        **extra,
    }


def community(city: City) -> str:
    return str(city.tree.communities["A1"]["code"])


async def test_a_submission_without_a_solved_challenge_is_refused_and_writes_nothing(
    client: httpx.AsyncClient, city: City
) -> None:
    url = f"{R}/communities/{community(city)}/submissions"
    missing = await client.post(url, data=report_fields(city))
    assert_problem(missing, 422, "challenge")
    issued = (await client.get(f"{R}/challenge")).json()
    # A nonce that does not solve it: at the tests' 8 bits, one nonce in 256 would by luck.
    unsolved = next(
        nonce
        for nonce in (f"x{i}" for i in range(1000))
        if leading_zero_bits(hashlib.sha256(f"{issued['challenge']}:{nonce}".encode()).digest())
        < issued["bits"]
    )
    wrong = await client.post(
        url, data={**report_fields(city), "challenge": issued["challenge"], "nonce": unsolved}
    )
    assert_problem(wrong, 422, "nonce")
    forged = issued["challenge"].rsplit(".", 1)[0] + ".0123456789abcdef0123456789abcdef"
    assert_problem(
        await client.post(url, data={**report_fields(city), "challenge": forged, "nonce": "1"}),
        422,
        "challenge",
    )
    assert await ResidentCase.count() == 0 and await WorkItem.count() == 0


async def test_a_challenge_serves_one_submission_only(
    client: httpx.AsyncClient, city: City
) -> None:
    solved = await proof(client)
    url = f"{R}/communities/{community(city)}/submissions"
    first = await client.post(url, data={**report_fields(city), **solved})
    assert first.status_code == 201, first.text
    replay = await client.post(url, data={**report_fields(city), **solved})
    assert_problem(replay, 409)
    assert await ResidentCase.count() == 1 and await WorkItem.count() == 1


def test_an_expired_challenge_is_refused() -> None:
    issued = issue(now=1_000_000)
    nonce = solve(str(issued["challenge"]), int(issued["bits"]))  # type: ignore[call-overload]
    assert verify(str(issued["challenge"]), nonce, now=1_000_100)
    try:
        verify(str(issued["challenge"]), nonce, now=1_000_000 + 3600)
    except Exception as exc:
        assert getattr(exc, "field", None) == "challenge"
    else:
        raise AssertionError("an hour-old challenge was accepted")


async def test_one_phone_number_is_limited_across_addresses(
    client: httpx.AsyncClient, city: City
) -> None:
    statuses = []
    for i in range(settings.resident_phone_limit + 2):
        async with from_address(f"10.0.0.{i}") as other:
            response = await submit(
                other, community(city), report_fields(city, phone="13900139000")
            )
        statuses.append(response.status_code)
    assert statuses[: settings.resident_phone_limit] == [201] * settings.resident_phone_limit
    assert statuses[settings.resident_phone_limit :] == [429, 429]
    assert await ResidentCase.count() == settings.resident_phone_limit


async def test_a_file_that_is_not_a_photo_and_too_many_photos_are_refused(
    client: httpx.AsyncClient, city: City
) -> None:
    fake = await submit(client, community(city), report_fields(city), photos=[b"<svg onload=x>"])
    assert_problem(fake, 422, "file")
    many = await submit(client, community(city), report_fields(city), photos=[jpeg(40, 30)] * 4)
    assert_problem(many, 422, "photos")
    assert await ResidentCase.count() == 0


async def test_html_in_the_description_is_kept_as_text(
    client: httpx.AsyncClient, city: City
) -> None:
    words = "<script>alert(1)</script> 楼道灯坏了"
    response = await submit(client, community(city), report_fields(city, description=words))
    assert response.status_code == 201
    item = await WorkItem.select(WorkItem.description).first()
    assert item["description"].startswith(words)  # stored as typed; every page escapes it


async def test_a_contact_that_is_not_a_phone_is_kept_and_flagged(
    client: httpx.AsyncClient, city: City
) -> None:
    from tables.open311 import ServiceRequest

    response = await submit(client, community(city), report_fields(city, phone="找3栋王阿姨"))
    assert response.status_code == 201
    request = await ServiceRequest.select().first()
    assert request["raised_by_contact"] == "找3栋王阿姨" and request["contact_unverified"]


async def test_a_flood_from_one_address_is_throttled_and_others_still_get_through(
    client: httpx.AsyncClient, city: City
) -> None:
    url = f"{R}/communities/{community(city)}/submissions"
    issued = [(await client.get(f"{R}/challenge")).json() for _ in range(50)]
    proofs = [
        {"challenge": c["challenge"], "nonce": solve(c["challenge"], c["bits"])} for c in issued
    ]

    flooder = from_address("203.0.113.9")

    async def one(i: int) -> int:
        body = {**report_fields(city), **proofs[i % len(proofs)]}
        return (await flooder.post(url, data=body)).status_code

    statuses: list[int] = []
    async with flooder:
        for start in range(0, 1000, 100):
            statuses += await asyncio.gather(*(one(i) for i in range(start, start + 100)))
    assert all(status < 500 for status in statuses)
    assert statuses.count(201) <= settings.resident_ip_limit
    assert statuses.count(429) >= 1000 - settings.resident_ip_limit - len(proofs)
    async with from_address("198.51.100.7") as neighbour:
        other = await submit(neighbour, community(city), report_fields(city))
    assert other.status_code == 201, other.text


async def test_guessing_tracking_codes_is_stopped_and_a_real_code_then_waits_too(
    client: httpx.AsyncClient, city: City
) -> None:
    code = (await submit(client, community(city), report_fields(city))).json()["code"]
    async with from_address("203.0.113.50") as guesser:
        statuses = [
            (await guesser.get(f"{R}/track/AAAA-BBBB-{i:02d}")).status_code
            for i in range(settings.resident_miss_limit + 2)
        ]
        assert statuses[: settings.resident_miss_limit] == [404] * settings.resident_miss_limit
        assert statuses[settings.resident_miss_limit :] == [429, 429]
        blocked = await guesser.get(f"{R}/track/{code}")
        assert_problem(blocked, 429, "code")
        assert "retry-after" in blocked.headers
    # Another address is not affected.
    assert (await client.get(f"{R}/track/{code}")).status_code == 200
