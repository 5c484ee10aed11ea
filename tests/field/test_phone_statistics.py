"""统计报表 on a phone, in Debian's Chromium: a community admin opens the 一表通 inbox from
今日, opens a request (the computed value and the 上期 one marked), corrects one, fills the rest,
meets a refusal naming the field, and submits; the answer is submitted in the database."""

from __future__ import annotations

import datetime as dt

from app.statistics import services
from tables.statistics import ReportAnswer, ReportValue
from tests.browser import browser, live_app  # noqa: F401
from tests.factories import make_staff
from tests.field.phone import PhonePage, phone  # noqa: F401
from tests.field.test_field_statistics import ask, statistics_world


async def test_inbox_fill_and_submit_on_the_phone(phone: PhonePage) -> None:  # noqa: F811
    world = await statistics_world()
    await make_staff("sq001", role="community_admin", community=world.tree.communities["A1"])
    community = world.tree.communities["A1"]["id"]
    first = await ask(world, "earlier")
    earlier = (
        await ReportAnswer.select()
        .where((ReportAnswer.report_request == first["id"]) & (ReportAnswer.community == community))
        .first()
    )
    assert earlier is not None
    await services.save_answer(
        earlier["id"],
        {"hh.total": "2", "staff.count": "12", "elderly.a": "1", "elderly.b": "1"}
        | {"elderly.total": "2", "state": "正常"},
        None,
        submit=True,
    )
    request = await ask(world, "phone")
    await ask(world, "overdue", deadline=-dt.timedelta(hours=2))
    await phone.login("sq001")
    await phone.page.tap(".stats-link")
    await phone.page.wait_for_selector(".stats-card")
    text = await phone.text()
    assert "社区基本情况 phone" in text and "截止" in text and "待填报" in text
    overdue = phone.page.locator(".stats-card", has_text="社区基本情况 overdue")
    assert "已逾期" in await overdue.inner_text()
    assert (
        "已逾期"
        not in await phone.page.locator(".stats-card", has_text="社区基本情况 phone").inner_text()
    )
    await phone.shot("inbox")

    await phone.page.locator(".stats-card", has_text="社区基本情况 phone").tap()
    await phone.page.wait_for_selector(".stats-field[data-key='hh.total']")
    computed = phone.page.locator(".stats-field[data-key='hh.total'] input")
    assert await computed.input_value() == "2"
    assert "系统计算，请核对" in await phone.text()
    before = phone.page.locator(".stats-field[data-key='staff.count'] input")
    assert await before.input_value() == "12"  # the last answer, marked 上期
    assert "上期填报，请核对" in await phone.text()
    await phone.shot("answer")

    await computed.fill("3")  # a correction: the computed value stays beside it
    await phone.page.wait_for_selector("text=已更正 · 系统计算值 2")
    await phone.page.locator(".stats-field[data-key='elderly.a'] input").fill("30")
    await phone.page.locator(".stats-field[data-key='elderly.b'] input").fill("5")
    await phone.page.locator(".stats-field[data-key='elderly.total'] input").fill("36")
    await phone.page.tap(".stats-field[data-key='state'] [data-choice='正常']")
    await phone.page.tap(".stats-checked")
    await phone.page.tap(".stats-actions button >> text=提交")
    await phone.page.wait_for_selector("text=「60岁以上合计」应等于各分项之和 35")
    assert await phone.page.locator(
        ".stats-field[data-key='elderly.total'] .van-field__error-message"
    ).is_visible()
    await phone.shot("refused")
    (answer,) = await ReportAnswer.select().where(
        (ReportAnswer.report_request == request["id"]) & (ReportAnswer.community == community)
    )
    assert answer["status"] == "open"

    await phone.page.locator(".stats-field[data-key='elderly.total'] input").fill("35")
    await phone.page.tap(".stats-actions button >> text=提交")
    await phone.page.wait_for_selector(".note-ok >> text=已提交")
    await phone.shot("submitted")
    row = await ReportAnswer.select().where(ReportAnswer.id == answer["id"]).first()
    assert row is not None and row["status"] == "submitted" and not row["late"]
    values = {
        v["field.key"]: v
        for v in await ReportValue.select(ReportValue.all_columns(), ReportValue.field.key)
        .where(ReportValue.answer == answer["id"])
        .run()
    }
    assert values["hh.total"]["value"] == "3" and values["hh.total"]["corrected"] is True
    assert values["staff.count"]["origin"] == "previous" and not values["staff.count"]["corrected"]
    assert values["elderly.total"]["number"] == 35 and values["state"]["value"] == "正常"

    await phone.open("stats", ".stats-card")
    assert "已提交" in await phone.text()
    await phone.shot("inbox-after")
