"""Offline in 网格通: writes made without network wait in the phone's outbox (IndexedDB) and are
stored exactly once when the network returns; a write the server refuses stays in the outbox
with the server's reason, and replaying again changes nothing."""

from __future__ import annotations

import datetime as dt

from tables.daily import CheckIn
from tables.field import FieldPhoto, FieldReport
from tables.work import WorkItem, WorkItemEvent
from tests.browser import browser, live_app  # noqa: F401
from tests.field.phone import PhonePage, field_world, jpeg_bytes, phone  # noqa: F401


async def stored(item_id: int) -> tuple[list[dict], list[dict], list[dict], list[dict]]:
    return (
        await CheckIn.select().run(),
        await FieldReport.select().run(),
        await WorkItemEvent.select()
        .where((WorkItemEvent.work_item == item_id) & (WorkItemEvent.to_status == "handled"))
        .run(),
        await FieldPhoto.select().run(),
    )


async def handle(phone: PhonePage, note: str) -> None:  # noqa: F811
    await phone.page.tap(".choice >> text=处置")
    await phone.page.fill("textarea[name=note]", note)
    await phone.page.tap("text=提交")
    await phone.page.wait_for_selector("text=办理记录已保存在手机上")


async def test_three_writes_offline_are_stored_once_each_when_back_online(
    phone: PhonePage,  # noqa: F811
) -> None:
    world = await field_world()
    item_id = world.item["id"]
    await phone.login()
    # Once the service worker runs, the shell and each screen's reads are cached.
    await phone.page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
    await phone.page.reload()
    await phone.page.wait_for_selector("text=我的网格")
    await phone.open("report", "text=井盖破损")
    await phone.open(f"work/{item_id}", "text=办理记录")

    await phone.context.set_offline(True)
    await phone.open("checkin", "button.big-button")
    await phone.page.tap("button.big-button")
    await phone.page.wait_for_selector("text=签到已保存在手机上")

    await phone.open("report", "text=井盖破损")  # the categories come from the cache
    await phone.page.set_input_files(
        ".photo-input", {"name": "IMG_0002.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes()}
    )
    await phone.page.wait_for_selector(".thumb img")
    await phone.page.tap("text=井盖破损")
    await phone.page.fill("textarea[name=description]", "路灯不亮")
    await phone.page.tap("text=定位并上报")
    await phone.page.wait_for_selector("text=上报已保存在手机上")

    await phone.open(f"work/{item_id}", "text=办理记录")
    await handle(phone, "已清理")
    # The same move once more: the server will refuse it (the item is handled by then).
    await handle(phone, "再次提交")
    await phone.page.wait_for_selector("text=4 条待上传")
    await phone.shot("offline-queued")
    device_time = await phone.page.evaluate(
        "() => WGT.state.outbox.filter(i => i.url === '/check-ins')[0].body.device_time"
    )
    check_ins, reports, handled, photos = await stored(item_id)
    assert (check_ins, reports, handled, photos) == ([], [], [], [])

    await phone.context.set_offline(False)
    await phone.page.wait_for_selector("text=1 条被服务器退回")
    check_ins, reports, handled, photos = await stored(item_id)
    assert len(check_ins) == 1 and check_ins[0]["counted"] is True
    # Stored with the phone's own time of the tap, not the time it arrived.
    assert check_ins[0]["device_time"] == dt.datetime.fromisoformat(device_time)
    assert (
        len(reports) == 1 and len(photos) == 1 and photos[0]["work_item"] == reports[0]["work_item"]
    )
    assert [e["note"] for e in handled] == ["已清理"]
    item = await WorkItem.select(WorkItem.status).where(WorkItem.id == item_id).first().run()
    assert item == {"status": "handled"}

    await phone.open("mine", "text=待上传（1）")
    mine = await phone.text()
    assert "被退回：" in mine and "不能直接改为" in mine
    await phone.shot("refused")

    # A second replay (lost answers, a second tab) sends the same keys: nothing is doubled.
    await phone.page.evaluate("() => WGT.outbox.replay(true)")
    assert await stored(item_id) == (check_ins, reports, handled, photos)
    assert "被退回：" in await phone.text()

    # The worker deletes the refused write; the outbox is empty.
    await phone.page.tap(".outbox-item >> text=删除")
    await phone.page.tap(".van-dialog__confirm")
    await phone.page.wait_for_selector("text=全部已上传")
