"""The permission world's rows of party building and volunteer service (tests/security/
world.py builds the world; this adds seeders, bodies, changes and places for the tables of
tables/party.py and tables/volunteers.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from app.crud import insert_row
from tables.party import PartyMember, PartyOrganisation, PartyOrganisationGrid
from tables.volunteers import (
    Volunteer,
    VolunteerActivity,
    VolunteerService,
    VolunteerSignup,
    VolunteerTeam,
)

Row = dict[str, Any]
# Far in the future: sign-ups stay open and cancellable whenever the test runs.
STARTS = dt.datetime(2031, 5, 1, 1, 0, tzinfo=dt.UTC)
COMMUNITY_ADMINS = {"A1": "sq_A1", "A2": "sq_A2", "B1": "sq_B1"}


def _w() -> Any:
    from tests.security import world

    return world


async def street_committee(w: Any, street: str) -> int:
    """A fresh street working committee of street `street`."""
    row = await insert_row(
        PartyOrganisation,
        {
            "name": f"党工委{_w().n()}",
            "level": "street_working_committee",
            "street": w.street(street)["id"],
        },
    )
    return int(row["id"])


async def seed_party_organisation(w: Any, place: Any) -> int:
    if place.community is None:
        return await street_committee(w, str(place.street))
    community = w.community(str(place.community))
    row = await insert_row(
        PartyOrganisation,
        {
            "name": f"社区党委{_w().n()}",
            "level": "community_committee",
            "parent": await street_committee(w, str(place.street)),
            "street": community["street"],
            "community": community["id"],
        },
    )
    return int(row["id"])


async def branch_at(w: Any, place: Any) -> Row:
    top = await seed_party_organisation(w, place)
    community = w.community(str(place.community))
    return await insert_row(
        PartyOrganisation,
        {
            "name": f"支部{_w().n()}",
            "level": "branch",
            "parent": top,
            "street": community["street"],
            "community": community["id"],
        },
    )


async def seed_party_organisation_grid(w: Any, place: Any) -> int:
    branch = await branch_at(w, place)
    grid = w.grid_of(place)
    row = await insert_row(
        PartyOrganisationGrid,
        {"organisation": branch["id"], "grid": grid["id"], "community": grid["community"]},
    )
    return int(row["id"])


async def seed_party_member(w: Any, place: Any) -> int:
    resident = await _w().seed_resident(w, place)
    row = await insert_row(
        PartyMember,
        {
            "member_name": "党员",
            "resident": resident,
            "kind": "resident",
            "community": w.community(str(place.community))["id"],
        },
    )
    return int(row["id"])


async def seed_volunteer_team(w: Any, place: Any) -> int:
    row = await insert_row(
        VolunteerTeam,
        {"name": f"服务队{_w().n()}", "community": w.community(str(place.community))["id"]},
    )
    return int(row["id"])


async def volunteer_of(w: Any, place: Any) -> int:
    """The volunteer record of the place's owner (one per login), else a resident's."""
    if place.owner:
        user = w.staff[place.owner]["user"]
        found = (
            await Volunteer.select(Volunteer._meta.primary_key)
            .where(Volunteer.user == user)
            .first()
            .run()
        )
        if found:
            return int(found["id"])
        row = await insert_row(
            Volunteer,
            {"name": place.owner, "user": user, "community": w.staff[place.owner]["community"]},
        )
        return int(row["id"])
    return await seed_volunteer(w, place)


async def seed_volunteer(w: Any, place: Any) -> int:
    resident = await _w().seed_resident(w, place)
    row = await insert_row(
        Volunteer,
        {
            "name": f"志愿者{_w().n()}",
            "resident": resident,
            "community": w.community(str(place.community))["id"],
        },
    )
    return int(row["id"])


async def seed_volunteer_activity(w: Any, place: Any) -> int:
    grid = w.grid_of(place)
    row = await insert_row(
        VolunteerActivity,
        {
            "title": f"活动{_w().n()}",
            "community": grid["community"],
            "grid": grid["id"],
            "place": "服务站",
            "latitude": grid["min_lat"] + 0.001,
            "longitude": grid["min_lon"] + 0.001,
            "starts_at": STARTS,
            "ends_at": STARTS + dt.timedelta(hours=2),
            "slots": 50,
            "organiser": w.staff[COMMUNITY_ADMINS[str(place.community)]]["id"],
        },
    )
    return int(row["id"])


async def seed_volunteer_signup(w: Any, place: Any) -> int:
    activity = await seed_volunteer_activity(w, place)
    row = await insert_row(
        VolunteerSignup,
        {
            "activity": activity,
            "volunteer": await volunteer_of(w, place),
            "community": w.community(str(place.community))["id"],
            "status": "signed_up",
            "signed_up_at": STARTS - dt.timedelta(days=30),
        },
    )
    return int(row["id"])


async def seed_volunteer_service(w: Any, place: Any) -> int:
    item = await _w().seed_work_item(w, place)
    row = await insert_row(
        VolunteerService,
        {
            "work_item": item,
            "volunteer": await seed_volunteer(w, place),
            "community": w.community(str(place.community))["id"],
            "served_on": dt.date(2026, 1, 1),
            "hours": 1,
            "note": "探访",
        },
    )
    return int(row["id"])


SEEDERS = {
    "party_organisation": seed_party_organisation,
    "party_organisation_grid": seed_party_organisation_grid,
    "party_member": seed_party_member,
    "volunteer_team": seed_volunteer_team,
    "volunteer": seed_volunteer,
    "volunteer_activity": seed_volunteer_activity,
    "volunteer_signup": seed_volunteer_signup,
    "volunteer_service": seed_volunteer_service,
}


def seed_places() -> dict[str, list[Any]]:
    w = _w()
    return {
        "party_organisation": [*w.COMMUNITY_OF_STREET, *w.AT_STREETS],
        "party_organisation_grid": w.COMMUNITY_OF_STREET,
        "party_member": w.COMMUNITY_OF_STREET,
        "volunteer_team": w.COMMUNITY_OF_STREET,
        "volunteer": w.COMMUNITY_OF_STREET,
        "volunteer_activity": w.COMMUNITY_OF_STREET,
        "volunteer_signup": w.IN_COMMUNITIES,
        "volunteer_service": w.COMMUNITY_OF_STREET,
    }


# A sign-up belongs to the staff member whose login is its volunteer (their own rows).
JOINS = {
    "volunteer_signup": "SELECT su.id, NULL AS street, su.community, s.id AS staff"
    " FROM volunteer_signup su JOIN volunteer v ON v.id = su.volunteer"
    ' LEFT JOIN staff_member s ON s."user" = v."user"',
    "party_organisation_grid": "SELECT id, NULL AS street, community FROM party_organisation_grid",
}


# ---------------------------------------------------------------- bodies for creating


async def body_party_organisation(w: Any, place: Any, p: Any, mark: int) -> Row:
    if place.community is None:
        return {
            "name": f"新党工委{mark}",
            "level": "street_working_committee",
            "street": w.street(str(place.street))["id"],
        }
    return {
        "name": f"新社区党委{mark}",
        "level": "community_committee",
        "parent": await street_committee(w, str(place.street)),
        "community": w.community(str(place.community))["id"],
    }


async def body_party_organisation_grid(w: Any, place: Any, p: Any, mark: int) -> Row:
    branch = await branch_at(w, place)
    grid = w.grid_of(place)
    return {"organisation": branch["id"], "grid": grid["id"], "community": grid["community"]}


async def body_party_member(w: Any, place: Any, p: Any, mark: int) -> Row:
    return {
        "resident": await _w().seed_resident(w, place),
        "kind": "resident",
        "reporting_unit": f"单位{mark}",
        "member_name": "",
        "community": w.community(str(place.community))["id"],
    }


async def body_volunteer_team(w: Any, place: Any, p: Any, mark: int) -> Row:
    return {
        "name": f"新服务队{mark}",
        "community": w.community(str(place.community))["id"],
        "kind": "community",
    }


async def body_volunteer(w: Any, place: Any, p: Any, mark: int) -> Row:
    return {
        "name": f"新志愿者{mark}",
        "resident": await _w().seed_resident(w, place),
        "community": w.community(str(place.community))["id"],
    }


async def body_volunteer_activity(w: Any, place: Any, p: Any, mark: int) -> Row:
    grid = w.grid_of(place)
    return {
        "title": f"新活动{mark}",
        "grid": grid["id"],
        "place": "服务站",
        "latitude": grid["min_lat"] + 0.001,
        "longitude": grid["min_lon"] + 0.001,
        "starts_at": STARTS.isoformat(),
        "ends_at": (STARTS + dt.timedelta(hours=2)).isoformat(),
        "slots": 10,
        "organiser": w.staff[COMMUNITY_ADMINS[str(place.community)]]["id"],
    }


async def body_volunteer_signup(w: Any, place: Any, p: Any, mark: int) -> Row:
    return {
        "activity": await seed_volunteer_activity(w, place),
        "volunteer": await volunteer_of(w, place),
    }


async def body_volunteer_service(w: Any, place: Any, p: Any, mark: int) -> Row:
    return {
        "work_item": await _w().seed_work_item(w, place),
        "volunteer": await seed_volunteer(w, place),
        "served_on": "2026-01-02",
        "hours": 2,
        "note": f"探访{mark}",
        "community": w.community(str(place.community))["id"],
    }
