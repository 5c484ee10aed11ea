"""Sign-up: places in order, a waiting list when full (also under concurrent sign-ups, on
separate connections), cancel before the cut-off, and the waiting list moving up."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from app.errors import DomainError
from app.settings import settings
from app.volunteers.schemas import SignupCreate, VolunteerActivityUpdate, VolunteerCreate
from app.volunteers.services import cancel_signup, create_volunteer, sign_up, update_activity
from tables.volunteers import VolunteerSignup
from tests.factories import make_staff
from tests.volunteers.support import activity, scene


async def statuses(activity_id: int) -> dict[int, str]:
    rows = (
        await VolunteerSignup.select(VolunteerSignup.volunteer, VolunteerSignup.status)
        .where(VolunteerSignup.activity == activity_id)
        .run()
    )
    return {row["volunteer"]: row["status"] for row in rows}


async def test_concurrent_sign_ups_never_give_one_place_twice() -> None:
    s = await scene(volunteers=0)
    crowd = []
    for n in range(12):
        staff = await make_staff(f"crowd{n}", role="volunteer", community=s.tree.communities["A1"])
        crowd.append(await create_volunteer(VolunteerCreate(user=staff["user"])))
    event = await activity(s, slots=3)
    results = await asyncio.gather(
        *(sign_up(SignupCreate(activity=event["id"]), volunteer["user"]) for volunteer in crowd)
    )
    assert sorted(r["status"] for r in results).count("signed_up") == 3
    assert list(statuses_count(await statuses(event["id"]))) == [("signed_up", 3), ("waiting", 9)]


def statuses_count(by_volunteer: dict[int, str]) -> list[tuple[str, int]]:
    counted: dict[str, int] = {}
    for status in by_volunteer.values():
        counted[status] = counted.get(status, 0) + 1
    return sorted(counted.items())


async def test_a_cancelled_place_goes_to_the_first_on_the_waiting_list() -> None:
    s = await scene(volunteers=4)
    event = await activity(s, slots=2)
    signups = []
    for volunteer in s.volunteers:
        signups.append(await sign_up(SignupCreate(activity=event["id"]), volunteer["user"]))
    assert [row["status"] for row in signups] == ["signed_up", "signed_up", "waiting", "waiting"]
    await cancel_signup(signups[0]["id"], s.volunteers[0]["user"])
    now = await statuses(event["id"])
    assert now[s.volunteers[0]["id"]] == "cancelled"
    assert now[s.volunteers[2]["id"]] == "signed_up", "the first waiting moves up"
    assert now[s.volunteers[3]["id"]] == "waiting"
    # more places move the rest up
    await update_activity(event["id"], VolunteerActivityUpdate(slots=3), s.organiser["user"])
    assert (await statuses(event["id"]))[s.volunteers[3]["id"]] == "signed_up"


async def test_fewer_places_than_signed_up_and_double_sign_up_are_refused() -> None:
    s = await scene(volunteers=2)
    event = await activity(s, slots=2)
    for volunteer in s.volunteers:
        await sign_up(SignupCreate(activity=event["id"]), volunteer["user"])
    with pytest.raises(DomainError) as caught:
        await update_activity(event["id"], VolunteerActivityUpdate(slots=1), s.organiser["user"])
    assert caught.value.field == "slots" and caught.value.status == 409
    with pytest.raises(DomainError) as caught:
        await sign_up(SignupCreate(activity=event["id"]), s.volunteers[0]["user"])
    assert caught.value.field == "activity"
    assert await VolunteerSignup.count().run() == 2


async def test_no_cancelling_after_the_cut_off() -> None:
    s = await scene(volunteers=1)
    starts_in = dt.timedelta(hours=settings.volunteer_cancel_cutoff_h / 2)
    event = await activity(s, slots=1, starts_in=starts_in)
    signup = await sign_up(SignupCreate(activity=event["id"]), s.volunteers[0]["user"])
    with pytest.raises(DomainError) as caught:
        await cancel_signup(signup["id"], s.volunteers[0]["user"])
    assert caught.value.field == "signup" and caught.value.status == 409
    assert (await statuses(event["id"]))[s.volunteers[0]["id"]] == "signed_up"


async def test_another_volunteer_cannot_cancel_my_place() -> None:
    s = await scene(volunteers=2)
    event = await activity(s, slots=1)
    mine = await sign_up(SignupCreate(activity=event["id"]), s.volunteers[0]["user"])
    with pytest.raises(DomainError) as caught:
        await cancel_signup(mine["id"], s.volunteers[1]["user"])
    assert caught.value.status == 403
    assert (await statuses(event["id"]))[s.volunteers[0]["id"]] == "signed_up"


async def test_no_sign_up_once_the_activity_started() -> None:
    s = await scene(volunteers=1)
    event = await activity(s, slots=1, starts_in=dt.timedelta(minutes=-5))
    with pytest.raises(DomainError) as caught:
        await sign_up(SignupCreate(activity=event["id"]), s.volunteers[0]["user"])
    assert caught.value.field == "activity"
    assert await VolunteerSignup.count().run() == 0
