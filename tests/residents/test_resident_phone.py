"""A resident on a phone (Debian's Chromium, mobile emulation, geolocation): reports a broken
manhole cover with a camera photo from the community's QR page, follows it with the tracking
code while staff accept, dispatch, handle, verify and close it, rates it, and the rating moves
the community's satisfaction figure in the next rollup. A neighbour who finds the same
problem already reported joins it (我也遇到了). Screenshots in test-artifacts/."""

from __future__ import annotations

from playwright.async_api import Browser

from app.clock import local_today
from app.jobs.rollups import run_rollup
from app.jobs.schemas import RollupRun
from app.residents import staff
from app.scope import SUPERUSER_SCOPE
from tables.assessment import EvaluationRollup
from tables.residents import ResidentCase, TrackingCode
from tables.work import WorkItem
from tests.api.support import API, bearer, make_token
from tests.browser import browser, live_app  # noqa: F401
from tests.factories import make_staff
from tests.field.phone import INSIDE, PhonePage, jpeg_bytes, phone, phone_context  # noqa: F401
from tests.residents.conftest import City

FLOW = ("accepted", "dispatched", "handled", "verified", "closed")


async def report_from_the_qr_page(phone: PhonePage, city: City) -> str:  # noqa: F811
    community = city.tree.communities["A1"]["code"]
    page = phone.page
    await page.goto(f"{phone.base}/r/{community}")
    await page.wait_for_selector("text=我要反映")
    await phone.shot("home")
    await page.tap("text=我要反映")
    await page.tap(f"button.chip[data-code='{city.code('urban')}']")
    await page.tap("button.chip[data-answer=manhole_cover]")
    await page.fill("textarea[name=description]", "3 栋门口井盖破损，晚上很危险")
    await page.set_input_files(
        "input.photo-input",
        files=[{"name": "camera.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes()}],
    )
    await page.wait_for_selector(".thumb img")
    await page.tap("text=使用我现在的位置")
    await page.wait_for_selector("text=已获取位置")
    await page.fill("input[name=phone]", "139 0013 9000")
    await phone.shot("report-filled")
    await page.tap("text=提交")
    code_box = await page.wait_for_selector(".tracking-code")
    await page.wait_for_selector("img.tracking-qr")
    await phone.shot("report-done")
    return (await code_box.inner_text()).strip()


async def test_a_resident_reports_follows_and_rates_and_the_rating_reaches_the_rollup(
    phone: PhonePage,  # noqa: F811
    city: City,
) -> None:
    code = await report_from_the_qr_page(phone, city)
    (case,) = await ResidentCase.select()
    assert case["grid"] == city.tree.grids["A1-1"]["id"] and len(case["photos"]) == 1
    item = await WorkItem.select().where(WorkItem.id == case["work_item"]).first()
    assert item["source"] == "resident"

    worker = await make_staff("网格员王五", community=city.tree.communities["A1"])
    token = await make_token(city.tree, community="A1")
    page = phone.page
    for status in FLOW:
        moved = await phone_client_post(
            phone,
            f"{API}/work-items/{item['id']}/transitions",
            {"to_status": status, "assignee": worker["id"]},
            token,
        )
        assert moved in (200, 201)
        await page.goto(f"{phone.base}/r/t/{code}")
        await page.wait_for_selector(".case-status")
        await phone.shot(f"track-{status}")
    await staff.moderate(SUPERUSER_SCOPE, case["id"], True, "3 栋门口井盖破损")
    await staff.reply(SUPERUSER_SCOPE, case["id"], "已更换井盖，感谢反映。")
    await page.reload()
    await page.wait_for_selector("text=已更换井盖")
    text = await phone.text()
    assert "已办结" in text and "王五" not in text and "13900139000" not in text
    await page.tap("button.chip[data-rating=satisfied]")
    await page.tap("text=提交评价")
    await page.wait_for_selector("text=您的评价：满意")
    await phone.shot("rated")
    (holder,) = await TrackingCode.select()
    assert holder["rating"] == "satisfied" and holder["rated_at"] is not None

    month = local_today().replace(day=1)
    await run_rollup(RollupRun(period_kind="month", period_start=month))
    row = (
        await EvaluationRollup.select()
        .where(
            (EvaluationRollup.target_kind == "community")
            & (EvaluationRollup.target_id == city.tree.communities["A1"]["id"])
            & (EvaluationRollup.period_start == month)
        )
        .first()
    )
    assert row["satisfaction_rate"] == 1.0 and row["ratings"] == 1
    await page.goto(f"{phone.base}/r/{city.tree.communities['A1']['code']}")
    await page.wait_for_selector("text=群众满意率 100%（1 条评价）")
    await phone.shot("home-satisfaction")


async def phone_client_post(page: PhonePage, path: str, body: dict, token: str) -> int:
    response = await page.page.request.post(f"{page.base}{path}", data=body, headers=bearer(token))
    return response.status


async def test_a_neighbour_sees_it_already_reported_and_joins_it(
    phone: PhonePage,  # noqa: F811
    browser,  # noqa: F811
    city: City,
) -> None:
    first_code = await report_from_the_qr_page(phone, city)
    context = await phone_context(
        browser, geolocation={**INSIDE, "latitude": INSIDE["latitude"] + 0.0002}
    )
    neighbour = PhonePage(context, await context.new_page(), phone.base, "neighbour")
    page = neighbour.page
    await page.goto(f"{phone.base}/r/{city.tree.communities['A1']['code']}#/report")
    await page.tap(f"button.chip[data-code='{city.code('urban')}']")
    await page.tap("text=使用我现在的位置")
    await page.wait_for_selector("text=附近已有人反映")
    assert "内容审核中" in await neighbour.text()  # nothing public before moderation
    await neighbour.shot("already-reported")
    await page.tap("button.me-too")
    code_box = await page.wait_for_selector(".tracking-code")
    second_code = (await code_box.inner_text()).strip()
    assert second_code != first_code
    (case,) = await ResidentCase.select()
    assert len(await TrackingCode.select().where(TrackingCode.resident_case == case["id"])) == 2
    await page.goto(f"{phone.base}/r/t/{second_code}")
    await page.wait_for_selector("text=等待受理")
    neighbour.assert_no_errors()
    await context.close()


async def test_without_the_phones_position_the_resident_picks_the_place_on_the_map(
    browser: Browser,  # noqa: F811
    live_app: str,  # noqa: F811
    city: City,
) -> None:
    context = await phone_context(browser, permissions=[])
    resident = PhonePage(context, await context.new_page(), live_app, "map-pick")
    page = resident.page
    await page.goto(f"{live_app}/r/{city.tree.communities['A1']['code']}#/report")
    await page.tap(f"button.chip[data-code='{city.code('civil')}']")
    await page.fill("textarea[name=description]", "小区西门路灯不亮")
    await page.tap("text=在地图上选点")
    await page.wait_for_selector("#pick-map.map-ready")
    box = await page.locator("#pick-map").bounding_box()
    assert box is not None
    # 60 px west of the community's centre (117.805, on the edge of its two grids) at zoom 16
    # is about 120 m into grid A1-1.
    await page.mouse.click(box["x"] + box["width"] / 2 - 60, box["y"] + box["height"] / 2)
    await page.wait_for_selector("text=已在地图上选定位置")
    await resident.shot("picked")
    await page.tap("text=提交")
    await page.wait_for_selector(".tracking-code")
    (case,) = await ResidentCase.select()
    assert case["grid"] == city.tree.grids["A1-1"]["id"] and case["needs_placement"] is False
    resident.assert_no_errors()
    await context.close()
