"""Who is a party member is shown only to those who run party work (superusers, street
officials, party branch secretaries); every other role sees the rows masked — in the admin
and the API, in lists and one by one — and cannot probe them with a filter or an ordering."""

from __future__ import annotations

import datetime as dt
import json

import httpx
import pytest

from app.crud import insert_row
from app.party.schemas import PartyMemberCreate
from app.party.services import create_member
from tables.party import PartyMember
from tables.places import Resident
from tests.admin.support import admin_login
from tests.factories import area_tree, make_household, make_staff, make_user

ADMIN = "/admin/api/tables"
API = "/api/v1"
NAME = "张为民"

# login → sees the member in clear?
ROLES = {
    "root": True,
    "jd": True,
    "sj": True,  # party branch secretary of A1
    "sq": False,  # community admin of A1
    "wg": False,  # grid worker of A1-1 (the member's own grid)
    "zy": False,  # volunteer of A1
}


@pytest.fixture
async def member() -> dict:
    tree = await area_tree()
    household = await make_household(tree.grids["A1-1"])
    resident = await insert_row(
        Resident,
        {
            "household": household["id"],
            "name": NAME,
            "phone": "13812345678",
            "community": household["community"],
        },
    )
    await make_user("root", superuser=True)
    await make_staff("jd", role="street_official", street=tree.streets["A"])
    a1 = tree.communities["A1"]
    await make_staff("sj", role="party_branch_secretary", community=a1)
    await make_staff("sq", role="community_admin", community=a1)
    await make_staff("wg", community=a1, grids=[tree.grids["A1-1"]])
    await make_staff("zy", role="volunteer", community=a1)
    return await create_member(
        PartyMemberCreate(
            kind="in_service",
            resident=resident["id"],
            grid=tree.grids["A1-1"]["id"],
            reporting_unit="区人民医院",
            reported_on=dt.date(2026, 3, 1),
            joined_on=dt.date(1998, 7, 1),
        )
    )


@pytest.mark.parametrize("login", sorted(ROLES))
async def test_membership_is_masked_for_roles_that_do_not_run_party_work(
    client: httpx.AsyncClient, member: dict, login: str
) -> None:
    clear = ROLES[login]
    await admin_login(client, login)
    rows = [
        (await client.get(f"{ADMIN}/party_member/", params={"__readable": "true"})).json()["rows"][
            0
        ],
        (await client.get(f"{ADMIN}/party_member/{member['id']}/")).json(),
        (await client.get(f"{API}/party-members")).json()["items"][0],
        (await client.get(f"{API}/party-members/{member['id']}")).json(),
    ]
    for row in rows:
        assert row["kind"] == "in_service" and row["reporting_unit"] == "区人民医院"
        if clear:
            assert row["member_name"] == NAME
            assert row["resident"] == member["resident"]
            assert str(row["joined_on"]).startswith("1998-07-01")
        else:
            assert row["member_name"] == "张**"
            assert row["resident"] is None and row.get("resident_readable") is None
            assert row["joined_on"] is None
            assert NAME not in json.dumps(row, ensure_ascii=False)


@pytest.mark.parametrize("login", ["sq", "wg", "zy", "sj"])
async def test_membership_cannot_be_probed_with_filters_or_orderings(
    client: httpx.AsyncClient, member: dict, login: str
) -> None:
    await admin_login(client, login)
    for params in (
        {"resident": str(member["resident"])},
        {"member_name": NAME},
        {"__order": "member_name"},
        {"joined_on": "1998-07-01"},
    ):
        response = await client.get(f"{ADMIN}/party_member/", params=params)
        assert response.status_code == 403, (params, response.text)
        assert response.json()["field"] in params or response.json()["field"] == "member_name"
    # The API offers no filter on a person: an unknown parameter narrows nothing.
    other = await client.get(f"{API}/party-members", params={"resident": 999999})
    assert other.json()["total"] == 1


async def test_street_officials_filter_by_the_person(
    client: httpx.AsyncClient, member: dict
) -> None:
    await admin_login(client, "jd")
    found = await client.get(f"{ADMIN}/party_member/", params={"resident": str(member["resident"])})
    assert found.status_code == 200 and len(found.json()["rows"]) == 1
    none = await client.get(f"{ADMIN}/party_member/", params={"resident": "999999"})
    assert none.json()["rows"] == []


async def test_the_membership_table_holds_the_clear_name(member: dict) -> None:
    stored = await PartyMember.select(PartyMember.member_name).first().run()
    assert stored == {"member_name": NAME}
