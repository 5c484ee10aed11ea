"""The public openness page shows volunteer activities and hours per month, no names; the
community dashboard shows party building coverage and the year's volunteer service."""

from __future__ import annotations

import datetime as dt

import httpx

from app.volunteers.schemas import HoursConfirmation, Presence, SignupCreate
from app.volunteers.services import check_in, check_out, confirm_hours, sign_up
from tests.admin.support import admin_login
from tests.volunteers.support import PLACE, activity, scene

HERE = Presence(latitude=PLACE["latitude"], longitude=PLACE["longitude"], accuracy=10)


async def served_scene() -> tuple:
    s = await scene(volunteers=1)
    event = await activity(s, slots=1, starts_in=dt.timedelta(minutes=10), hours=2)
    user = s.volunteers[0]["user"]
    signup = await sign_up(SignupCreate(activity=event["id"]), user)
    await check_in(signup["id"], HERE, user, now=event["starts_at"])
    await check_out(signup["id"], HERE, user, now=event["ends_at"])
    await confirm_hours(signup["id"], HoursConfirmation(), s.organiser["user"])
    return s, event


async def test_public_page_shows_hours_and_no_names(client: httpx.AsyncClient) -> None:
    s, event = await served_scene()
    page = await client.get(f"/public/communities/{s.tree.communities['A1']['code']}")
    assert page.status_code == 200
    text = page.text
    assert "志愿服务" in text
    month = event["starts_at"].astimezone(dt.timezone(dt.timedelta(hours=8)))
    assert f"{month:%Y年%m月}</td><td>1</td><td>2.0</td>" in text
    assert s.volunteers[0]["name"] not in text


async def test_community_dashboard_shows_coverage_and_volunteer_hours(
    client: httpx.AsyncClient,
) -> None:
    s, _ = await served_scene()
    await admin_login(client, "sq_org")
    page = await client.get(f"/dashboards/community/{s.tree.communities['A1']['code']}")
    assert page.status_code == 200, page.text
    assert "党建覆盖" in page.text
    assert "<td>0 / 2</td>" in page.text, "no branch on either of the two grids yet"
    assert "2.0" in page.text
