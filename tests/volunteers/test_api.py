"""/api/v1 for volunteers and party building: the same rules, refusals as problem details
naming the field, nothing written; a volunteer's session signs up and checks in; the
organiser confirms."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
import pytest

from tables.party import PartyMember, PartyOrganisation
from tables.volunteers import VolunteerActivity, VolunteerSignup
from tests.admin.support import admin_login
from tests.api.support import assert_problem
from tests.factories import make_user
from tests.volunteers.support import PLACE, activity, scene

API = "/api/v1"


def body(s: Any, **changes: Any) -> dict[str, Any]:
    starts = dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(days=2)
    return {
        "title": "楼道清洁",
        "kind": "environment",
        "place": "3号楼",
        "grid": s.tree.grids["A1-1"]["id"],
        "starts_at": starts.isoformat(),
        "ends_at": (starts + dt.timedelta(hours=2)).isoformat(),
        "slots": 5,
        **PLACE,
        **changes,
    }


@pytest.mark.parametrize(
    ("changes", "field", "status"),
    [
        ({"ends_at": "2020-01-01T00:00:00+08:00"}, "ends_at", 422),
        ({"slots": 0}, "slots", 422),
        ({"slots": 100000}, "slots", 422),
        ({"latitude": 123.0}, "latitude", 422),
        ({"radius_m": 0}, "radius_m", 422),
        ({"kind": "party"}, "kind", 422),
        ({"title": "  "}, "title", 422),
        ({"grid": 999999}, "grid", 404),
        ({"starts_at": "2026-12-07T09:00:00"}, "starts_at", 422),
    ],
)
async def test_bad_activities_are_refused_naming_the_field(
    client: httpx.AsyncClient, changes: dict, field: str, status: int
) -> None:
    s = await scene(volunteers=0)
    headers = await admin_login(client, "sq_org")
    response = await client.post(
        f"{API}/volunteer-activities", json=body(s, **changes), headers=headers
    )
    assert_problem(response, status, field)
    assert await VolunteerActivity.count().run() == 0


async def test_a_grid_of_another_community_is_refused(client: httpx.AsyncClient) -> None:
    s = await scene(volunteers=0)
    headers = await admin_login(client, "sq_org")
    response = await client.post(
        f"{API}/volunteer-activities",
        json=body(s, grid=s.tree.grids["B1-1"]["id"]),
        headers=headers,
    )
    assert response.status_code in (403, 404, 422), response.text
    assert await VolunteerActivity.count().run() == 0


async def test_a_volunteer_signs_up_checks_in_and_out_and_the_organiser_confirms(
    client: httpx.AsyncClient,
) -> None:
    s = await scene(volunteers=1)
    event = await activity(s, slots=1, starts_in=dt.timedelta(minutes=10), hours=1)
    headers = await admin_login(client, "zy0")
    listed = (await client.get(f"{API}/volunteer-activities", headers=headers)).json()
    assert [(a["id"], a["signed_up"]) for a in listed["items"]] == [(event["id"], 0)]
    signed = await client.post(
        f"{API}/volunteer-signups", json={"activity": event["id"]}, headers=headers
    )
    assert signed.status_code == 201, signed.text
    signup = signed.json()
    assert signup["status"] == "signed_up"
    far = {"latitude": PLACE["latitude"] + 0.02, "longitude": PLACE["longitude"], "accuracy": 10}
    refused = await client.post(
        f"{API}/volunteer-signups/{signup['id']}/check-in", json=far, headers=headers
    )
    assert_problem(refused, 422, "latitude")
    near = {"latitude": PLACE["latitude"], "longitude": PLACE["longitude"], "accuracy": 10}
    checked = await client.post(
        f"{API}/volunteer-signups/{signup['id']}/check-in", json=near, headers=headers
    )
    assert checked.status_code == 200, checked.text
    assert checked.json()["check_in_method"] == "position"
    out = await client.post(
        f"{API}/volunteer-signups/{signup['id']}/check-out", json=near, headers=headers
    )
    assert out.status_code == 200, out.text
    mine = await client.post(
        f"{API}/volunteer-signups/{signup['id']}/confirm", json={}, headers=headers
    )
    assert_problem(mine, 403, "signup")
    client.cookies.clear()
    organiser = await admin_login(client, "sq_org")
    confirmed = await client.post(
        f"{API}/volunteer-signups/{signup['id']}/confirm", json={}, headers=organiser
    )
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["confirmed_at"] is not None
    qr = await client.get(f"{API}/volunteer-activities/{event['id']}/qr", headers=organiser)
    assert qr.status_code == 200 and qr.json()["token"].startswith(f"{event['id']}.")
    row = await VolunteerSignup.select(VolunteerSignup.confirmed_by).first().run()
    assert row == {"confirmed_by": s.organiser["user"]}


async def test_party_refusals_name_the_field_and_write_nothing(client: httpx.AsyncClient) -> None:
    s = await scene(volunteers=0)
    await make_user("root", superuser=True)
    headers = await admin_login(client, "root")
    made = await client.post(
        f"{API}/party-organisations",
        json={
            "name": "党工委",
            "level": "street_working_committee",
            "street": s.tree.streets["A"]["id"],
        },
        headers=headers,
    )
    assert made.status_code == 201, made.text
    committee = made.json()["id"]
    for payload, field in (
        (
            {
                "name": "支部",
                "level": "branch",
                "parent": committee,
                "community": s.tree.communities["A1"]["id"],
            },
            "parent",
        ),
        (
            {
                "name": "",
                "level": "community_committee",
                "parent": committee,
                "community": s.tree.communities["A1"]["id"],
            },
            "name",
        ),
        (
            {
                "name": "社区党委",
                "level": "community_committee",
                "parent": committee,
                "community": s.tree.communities["B1"]["id"],
            },
            "community",
        ),
    ):
        response = await client.post(f"{API}/party-organisations", json=payload, headers=headers)
        assert_problem(response, 422, field)
    assert await PartyOrganisation.count().run() == 1
    response = await client.post(
        f"{API}/party-members",
        json={"kind": "in_service", "staff": s.organiser["id"], "reported_on": "2026-01-05"},
        headers=headers,
    )
    assert_problem(response, 422, "reporting_unit")
    response = await client.post(
        f"{API}/party-members",
        json={"kind": "resident", "staff": s.organiser["id"], "joined_on": "2999-01-01"},
        headers=headers,
    )
    assert_problem(response, 422, "joined_on")
    assert await PartyMember.count().run() == 0
