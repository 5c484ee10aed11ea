"""In a real browser: a community admin publishes an activity with the admin form, a
volunteer signs up and checks in on a phone (390×844, touch, zh-CN, geolocation at the
place) and out, and the organiser confirms the hours with the admin form. Screenshots in
test-artifacts/."""

from __future__ import annotations

import datetime as dt

from playwright.async_api import Browser

from admin.forms.volunteers import FORMS
from app.settings import settings
from tables.volunteers import VolunteerActivity, VolunteerSignup
from tests.browser import ARTIFACTS, AdminPage, admin_page, browser, live_app
from tests.factories import PASSWORD
from tests.volunteers.support import PLACE, scene

__all__ = ["admin_page", "browser", "live_app"]  # fixtures used by the test

PUBLISH, CONFIRM = (f"/forms/{form.slug}" for form in FORMS[:2])


def local(moment: dt.datetime) -> str:
    return moment.astimezone(settings.timezone).strftime("%Y-%m-%dT%H:%M")


async def test_publish_sign_up_check_in_on_a_phone_and_confirm(
    admin_page: AdminPage, browser: Browser, live_app: str
) -> None:
    s = await scene(volunteers=1)
    page = admin_page
    await page.login("sq_org")
    await page.open(PUBLISH, "form")
    starts = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=10)
    # piccolo-admin's date-time inputs carry no name: the first is the start, then the end.
    times = page.page.locator("form input[type=datetime-local]")
    await times.nth(0).fill(local(starts))
    await times.nth(1).fill(local(starts + dt.timedelta(hours=2)))
    await page.shot("1-publish-form")
    message = await page.submit_form(
        {
            "title": "为独居老人理发",
            "place": "A1社区服务站",
            "latitude": str(PLACE["latitude"]),
            "longitude": str(PLACE["longitude"]),
            "slots": "2",
        }
    )
    assert "已发布志愿活动" in message, message
    await page.shot("2-published")
    activity = await VolunteerActivity.select().first().run()
    assert activity is not None and activity["organiser"] == s.organiser["id"]

    phone = await browser.new_context(
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        geolocation={
            "latitude": PLACE["latitude"] + 0.0003,
            "longitude": PLACE["longitude"],
            "accuracy": 12,
        },
        permissions=["geolocation"],
    )
    tab = await phone.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.set_default_timeout(10_000)
    await tab.goto(f"{live_app}/m/volunteer/")
    await tab.fill("input[name=username]", "zy0")
    await tab.fill("input[name=password]", PASSWORD)
    await tab.tap("button.login")
    card = tab.locator(f"[data-activity='{activity['id']}']")
    await card.wait_for()
    assert "已报 0 / 2" in await card.inner_text()
    await tab.screenshot(path=ARTIFACTS / "volunteer-phone-1-activities.png", full_page=True)
    await card.locator("button.sign-up").tap()
    await tab.get_by_text("报名成功").wait_for()
    assert "已报 1 / 2" in await card.inner_text()
    await card.locator("button.check-in").tap()
    await tab.get_by_text("签到成功").wait_for()
    await tab.screenshot(path=ARTIFACTS / "volunteer-phone-2-checked-in.png", full_page=True)
    signup = await VolunteerSignup.select().first().run()
    assert signup is not None and signup["check_in_method"] == "position"
    # An hour and a half at the place (the clock cannot wait in a test): the check-in moves back.
    await (
        VolunteerSignup.update(
            {VolunteerSignup.checked_in_at: dt.datetime.now(dt.UTC) - dt.timedelta(minutes=90)}
        )
        .where(VolunteerSignup._meta.primary_key == signup["id"])
        .run()
    )
    await tab.reload()
    await card.locator("button.check-out").tap()
    await tab.get_by_text("签退成功").wait_for()
    assert "服务时长 1.50 小时（待组织者确认）" in await card.inner_text()
    await tab.screenshot(path=ARTIFACTS / "volunteer-phone-3-checked-out.png", full_page=True)
    assert not errors, errors
    await phone.close()

    await page.open(CONFIRM, "form")
    await page.shot("3-confirm-form")
    message = await page.submit_form({})
    assert "已确认服务时长 1.50 小时" in message, message
    await page.shot("4-confirmed")
    confirmed = await VolunteerSignup.select().first().run()
    assert confirmed is not None and confirmed["confirmed_by"] == s.organiser["user"]
    assert float(confirmed["points"]) == 1.5 * settings.volunteer_points_per_hour
