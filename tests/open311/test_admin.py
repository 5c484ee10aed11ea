"""Staff find Open311 reports in the admin for the call-back, with the reporter masked per scope."""

from __future__ import annotations

import httpx

from tables.open311 import ServiceRequest
from tests.admin.support import admin_login
from tests.factories import make_staff
from tests.open311.conftest import City, post_request

API = "/admin/api/tables/open311_request"


async def reported(client: httpx.AsyncClient, city: City) -> None:
    response = await post_request(
        client,
        api_key=city.keys["a"],
        jurisdiction_id=city.street_a,
        service_code=city.code("civil"),
        first_name="小明",
        last_name="王",
        phone="13912345678",
        lat="30.905",
        long="117.807",
    )
    assert response.status_code == 201, response.text


async def rows_seen_by(client: httpx.AsyncClient, username: str) -> list[dict]:
    client.cookies.clear()
    await admin_login(client, username)
    response = await client.get(
        f"{API}/", params={"__visible_fields": "id,raised_by_name,raised_by_contact"}
    )
    assert response.status_code == 200, response.text
    return list(response.json()["rows"])


async def test_the_reporter_is_masked_for_the_street_and_clear_for_the_community(
    client: httpx.AsyncClient, city: City
) -> None:
    await reported(client, city)
    await make_staff("sq-a1", role="community_admin", community=city.tree.communities["A1"])
    await make_staff("sq-a2", role="community_admin", community=city.tree.communities["A2"])
    await make_staff("jd-a", role="street_official", street=city.tree.streets["A"])

    (own,) = await rows_seen_by(client, "sq-a1")
    assert (own["raised_by_name"], own["raised_by_contact"]) == ("王小明", "13912345678")
    (street,) = await rows_seen_by(client, "jd-a")
    assert street["raised_by_name"] == "王**"
    assert street["raised_by_contact"] == "139****5678"
    assert await rows_seen_by(client, "sq-a2") == []


async def test_reports_cannot_be_edited_in_the_admin(client: httpx.AsyncClient, city: City) -> None:
    await reported(client, city)
    await make_staff("sq-a1", role="community_admin", community=city.tree.communities["A1"])
    (row,) = await rows_seen_by(client, "sq-a1")
    headers = await admin_login(client, "sq-a1")
    response = await client.patch(
        f"{API}/{row['id']}/", json={"address_string": "改"}, headers=headers
    )
    assert 400 <= response.status_code < 500
    kept = await ServiceRequest.select(ServiceRequest.address_string).first()
    assert kept is not None and kept["address_string"] == ""
