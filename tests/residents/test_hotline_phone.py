"""1890 热线 on the phone app (/m/): a grid worker records a caller's problem in one screen and
reads the tracking code back; the caller follows it on the residents' tracking page."""

from __future__ import annotations

from tables.residents import ResidentCase
from tables.work import WorkItem
from tests.browser import browser, live_app  # noqa: F401
from tests.field.phone import PhonePage, field_world, phone  # noqa: F401


async def test_a_call_is_recorded_on_the_phone_and_the_code_opens_its_page(
    phone: PhonePage,  # noqa: F811
) -> None:
    world = await field_world()
    await phone.login()
    await phone.open("mine", ".hotline-link")
    await phone.page.tap(".hotline-link")
    await phone.page.tap(f".choice[data-code='access-{world.entry['id']}']")
    await phone.page.fill("textarea[name=description]", "来电：3 栋 201 独居老人两天没出门")
    await phone.page.fill("input[name=caller_phone]", "0562-2881234")
    await phone.shot("hotline-filled")
    await phone.page.tap("text=登记并生成查询码")
    code = (await (await phone.page.wait_for_selector(".hotline-code")).inner_text()).strip()
    await phone.shot("hotline-done")
    (case,) = await ResidentCase.select()
    assert case["channel"] == "hotline" and case["community"] == world.grid["community"]
    item = await WorkItem.select().where(WorkItem.id == case["work_item"]).first()
    assert item["source"] == "hotline" and item["access_entry"] == world.entry["id"]
    await phone.page.goto(f"{phone.base}/r/t/{code}")
    await phone.page.wait_for_selector("text=等待受理")
    await phone.shot("hotline-tracking")
