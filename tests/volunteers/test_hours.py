"""Check-in and out at the place (position within the radius, or the organiser's live QR
code), hours capped at the activity's length, confirmed by the organiser, points per hour,
and the yearly ranking of a community."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from app.errors import DomainError
from app.settings import settings
from app.volunteers import qr
from app.volunteers.schemas import HoursConfirmation, Presence, SignupCreate
from app.volunteers.services import (
    check_in,
    check_out,
    confirm_hours,
    issue_qr,
    sign_up,
    yearly_ranking,
)
from tables.volunteers import VolunteerSignup
from tests.volunteers.support import PLACE, activity, scene

AT_THE_PLACE = Presence(
    latitude=PLACE["latitude"] + 0.0005, longitude=PLACE["longitude"], accuracy=15
)
# About 1.1 km north of the place.
FAR_AWAY = Presence(latitude=PLACE["latitude"] + 0.01, longitude=PLACE["longitude"], accuracy=15)


async def stored(signup_id: int) -> dict:
    row = (
        await VolunteerSignup.select()
        .where(VolunteerSignup._meta.primary_key == signup_id)
        .first()
        .run()
    )
    assert row is not None
    return row


async def test_hours_are_capped_at_the_activitys_length_and_earn_points() -> None:
    s = await scene(volunteers=1)
    event = await activity(s, slots=1, hours=2)
    user = s.volunteers[0]["user"]
    signup = await sign_up(SignupCreate(activity=event["id"]), user)
    arrived = event["starts_at"] - dt.timedelta(minutes=20)
    await check_in(signup["id"], AT_THE_PLACE, user, now=arrived)
    left = event["ends_at"] + dt.timedelta(hours=1)  # 3 h 20 min at the place
    out = await check_out(signup["id"], AT_THE_PLACE, user, now=left)
    assert out["hours"] == Decimal("2.00"), "capped at the two hours the activity lasts"
    assert (await stored(signup["id"]))["confirmed_at"] is None
    confirmed = await confirm_hours(signup["id"], HoursConfirmation(), s.organiser["user"])
    assert confirmed["hours"] == Decimal("2.00")
    rate = Decimal(str(settings.volunteer_points_per_hour))
    assert confirmed["points"] == (Decimal("2.00") * rate).quantize(Decimal("0.01"))
    ranking = await yearly_ranking(s.tree.communities["A1"]["id"], event["starts_at"].year)
    assert [(r["volunteer"], r["hours"], r["rank"]) for r in ranking] == [
        (s.volunteers[0]["id"], Decimal("2.00"), 1)
    ]


async def test_a_short_stay_counts_what_was_served_and_the_organiser_may_lower_it() -> None:
    s = await scene(volunteers=1)
    event = await activity(s, slots=1, hours=3)
    user = s.volunteers[0]["user"]
    signup = await sign_up(SignupCreate(activity=event["id"]), user)
    start = event["starts_at"]
    await check_in(signup["id"], AT_THE_PLACE, user, now=start + dt.timedelta(minutes=15))
    out = await check_out(signup["id"], AT_THE_PLACE, user, now=start + dt.timedelta(minutes=105))
    assert out["hours"] == Decimal("1.50")
    with pytest.raises(DomainError) as caught:
        await confirm_hours(
            signup["id"], HoursConfirmation(hours=Decimal("2")), s.organiser["user"]
        )
    assert caught.value.field == "hours"
    confirmed = await confirm_hours(
        signup["id"], HoursConfirmation(hours=Decimal("1.25")), s.organiser["user"]
    )
    assert confirmed["hours"] == Decimal("1.25")


async def test_only_the_organiser_confirms() -> None:
    s = await scene(volunteers=2)
    event = await activity(s, slots=1)
    user = s.volunteers[0]["user"]
    signup = await sign_up(SignupCreate(activity=event["id"]), user)
    await check_in(signup["id"], AT_THE_PLACE, user, now=event["starts_at"])
    await check_out(signup["id"], AT_THE_PLACE, user, now=event["ends_at"])
    with pytest.raises(DomainError) as caught:
        await confirm_hours(signup["id"], HoursConfirmation(), user)
    assert caught.value.status == 403
    assert (await stored(signup["id"]))["confirmed_at"] is None


async def test_check_in_far_from_the_place_is_refused_naming_the_distance() -> None:
    s = await scene(volunteers=1)
    event = await activity(s, slots=1)
    user = s.volunteers[0]["user"]
    signup = await sign_up(SignupCreate(activity=event["id"]), user)
    with pytest.raises(DomainError) as caught:
        await check_in(signup["id"], FAR_AWAY, user, now=event["starts_at"])
    assert caught.value.field == "latitude"
    assert 1000 < caught.value.extra["distance_m"] < 1200
    with pytest.raises(DomainError) as caught:
        await check_in(
            signup["id"],
            Presence(latitude=PLACE["latitude"], longitude=PLACE["longitude"], accuracy=900),
            user,
            now=event["starts_at"],
        )
    assert caught.value.field == "accuracy"
    with pytest.raises(DomainError) as caught:
        await check_in(
            signup["id"], AT_THE_PLACE, user, now=event["starts_at"] - dt.timedelta(hours=2)
        )
    assert caught.value.status == 409, "too early"
    assert (await stored(signup["id"]))["checked_in_at"] is None


async def test_the_organisers_qr_code_checks_in_while_it_is_live() -> None:
    s = await scene(volunteers=1)
    event = await activity(s, slots=1)
    other = await activity(s, slots=1)
    user = s.volunteers[0]["user"]
    signup = await sign_up(SignupCreate(activity=event["id"]), user)
    with pytest.raises(DomainError):
        await issue_qr(event["id"], user)  # a volunteer cannot make one
    token, expires = qr.issue(event["id"], event["starts_at"])
    assert expires > event["starts_at"]
    wrong, _ = qr.issue(other["id"], event["starts_at"])
    for bad, moment in (
        (wrong, event["starts_at"]),
        (token, expires + dt.timedelta(seconds=1)),
        (token[:-1] + ("0" if token[-1] != "0" else "1"), event["starts_at"]),
    ):
        with pytest.raises(DomainError) as caught:
            await check_in(signup["id"], Presence(qr_token=bad), user, now=moment)
        assert caught.value.field == "qr_token"
    done = await check_in(signup["id"], Presence(qr_token=token), user, now=event["starts_at"])
    assert done["check_in_method"] == "qr"
    live, _ = await issue_qr(event["id"], s.organiser["user"])
    assert live.startswith(f"{event['id']}.")


async def test_a_waiting_volunteer_cannot_check_in() -> None:
    s = await scene(volunteers=2)
    event = await activity(s, slots=1)
    await sign_up(SignupCreate(activity=event["id"]), s.volunteers[0]["user"])
    waiting = await sign_up(SignupCreate(activity=event["id"]), s.volunteers[1]["user"])
    assert waiting["status"] == "waiting"
    with pytest.raises(DomainError) as caught:
        await check_in(waiting["id"], AT_THE_PLACE, s.volunteers[1]["user"], now=event["starts_at"])
    assert caught.value.field == "signup"
