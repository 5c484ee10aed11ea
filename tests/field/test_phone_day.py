"""A grid worker's day in 网格通 on a phone, in Debian's Chromium: check in (inside: counted;
outside: how far; position refused or too vague: nothing sent), patrol, report a problem with a
camera photo, visit a household, handle a work item. Each step is checked in the database."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from app.settings import settings
from tables.daily import CheckIn, DiaryEntry
from tables.field import FieldPhoto, FieldReport, Patrol, PatrolPoint
from tables.work import WorkItem, WorkItemEvent
from tests.browser import browser, live_app  # noqa: F401
from tests.field.phone import (  # noqa: F401
    INSIDE,
    OUTSIDE,
    PhonePage,
    field_world,
    jpeg_bytes,
    phone,
)


async def check_ins() -> list[dict]:
    return await CheckIn.select().run()


async def test_check_in_inside_the_grid_counts_once_with_accuracy_and_device_time(
    phone: PhonePage,  # noqa: F811
) -> None:
    world = await field_world()
    await phone.login()
    await phone.shot("today")
    await phone.tab("checkin", "text=签到")
    await phone.shot("checkin")
    await phone.page.tap("button.big-button")
    await phone.page.wait_for_selector(".note-ok")
    await phone.shot("checked-in")
    assert "定位精度 ±8 米" in await phone.text()
    (row,) = await check_ins()
    assert row["staff"] == world.worker["id"] and row["counted"] is True
    assert row["accuracy"] == 8 and row["device_time"] is not None
    await phone.tab("today", "text=已签到")


async def test_check_in_outside_says_how_far_from_the_edge_and_shows_the_map(
    phone: PhonePage,  # noqa: F811
) -> None:
    await field_world()
    await phone.login()
    await phone.context.set_geolocation(OUTSIDE)
    await phone.open("checkin", "button.big-button")
    await phone.page.tap("button.big-button")
    await phone.page.wait_for_selector("text=距网格边界约")
    await phone.page.wait_for_selector(".mini-map.map-ready")
    text = await phone.text()
    metres = int(text.split("距网格边界约 ")[1].split(" 米")[0])
    assert 250 <= metres <= 330  # 117.808 is 0.003° (≈ 287 m) east of the edge at 117.805
    await phone.shot("outside")
    assert not [r for r in await check_ins() if r["counted"]]


async def test_refused_position_or_vague_accuracy_sends_nothing(
    phone: PhonePage,  # noqa: F811
) -> None:
    await field_world()
    await phone.login()
    await phone.context.set_geolocation({**INSIDE, "accuracy": 500})
    await phone.open("checkin", "button.big-button")
    await phone.page.tap("button.big-button")
    await phone.page.wait_for_selector("text=差于允许的")
    await phone.shot("vague")
    await phone.context.clear_permissions()
    await phone.page.tap("button.big-button")
    await phone.page.wait_for_selector("text=您没有允许网格通使用位置")
    await phone.shot("refused")
    assert await check_ins() == []


@pytest.fixture
def quick_patrol() -> Iterator[None]:
    """A point every second instead of every 30 (the setting), so the test walks quickly."""
    before = settings.patrol_interval_s
    object.__setattr__(settings, "patrol_interval_s", 1)
    yield
    object.__setattr__(settings, "patrol_interval_s", before)


async def test_patrol_records_points_every_interval_and_shows_distance_and_track(
    phone: PhonePage,  # noqa: F811
    quick_patrol: None,
) -> None:
    await field_world()
    await phone.login()
    await phone.tab("patrol", "text=开始巡查")
    await phone.page.tap("text=开始巡查")
    await phone.page.wait_for_selector("text=结束巡查")
    await phone.page.wait_for_function(
        "() => Number(document.querySelector('.stat-points').textContent) >= 2"
    )
    for step in range(1, 4):  # walk north, ~111 m a step; a point every second meanwhile
        await phone.context.set_geolocation(
            {**INSIDE, "latitude": INSIDE["latitude"] + step * 0.001}
        )
        await phone.page.wait_for_function(
            "m => parseFloat(document.querySelector('.stat-distance').textContent) >= m",
            arg=step * 105,
        )
    await phone.page.tap("text=打点")
    await phone.page.wait_for_selector(".mini-map.map-ready path.leaflet-interactive")
    await phone.shot("patrolling")
    await phone.page.tap("text=结束巡查")
    await phone.page.wait_for_selector("text=巡查结束")
    await phone.shot("patrol-done")
    (patrol,) = await Patrol.select().run()
    assert patrol["ended_at"] is not None
    points = await PatrolPoint.select().where(PatrolPoint.patrol == patrol["id"]).run()
    assert len(points) >= 4 and patrol["point_count"] == len(points)
    assert 300 <= patrol["distance_m"] <= 400  # three steps of 0.001° latitude ≈ 333 m
    assert "巡查结束：" in await phone.text()


async def test_report_with_a_camera_photo_becomes_a_grid_report_work_item(
    phone: PhonePage,  # noqa: F811
) -> None:
    world = await field_world()
    await phone.login()
    await phone.tab("report", "text=井盖破损")
    await phone.page.set_input_files(
        ".photo-input", {"name": "IMG_0001.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes()}
    )
    await phone.page.wait_for_selector(".thumb img")
    await phone.page.tap("text=井盖破损")
    await phone.page.fill("textarea[name=description]", "3 栋门口井盖破损，有人绊倒")
    await phone.shot("report")
    await phone.page.tap("text=定位并上报")
    await phone.page.wait_for_selector("text=已上报")
    await phone.shot("reported")
    (report,) = await FieldReport.select().run()
    assert report["staff"] == world.worker["id"] and report["grid"] == world.grid["id"]
    item = await WorkItem.select().where(WorkItem.id == report["work_item"]).first().run()
    assert item is not None and item["source"] == "grid_report"
    assert item["access_entry"] == world.entry["id"]
    (photo,) = await FieldPhoto.select().where(FieldPhoto.work_item == item["id"]).run()
    assert max(photo["width"], photo["height"]) == 1600  # shrunk on the phone from 2400
    await phone.tab("today", "text=我上报的问题")
    assert "3 栋门口井盖破损" in await phone.text()


async def test_household_visit_writes_the_diary_and_one_tap_makes_a_work_item(
    phone: PhonePage,  # noqa: F811
) -> None:
    world = await field_world()
    await phone.login()
    await phone.page.tap("text=独居老人 · 每")
    await phone.page.wait_for_selector("textarea[name=content]")
    await phone.page.fill("input[name=met]", "户主本人")
    await phone.page.fill("textarea[name=content]", "老人腿脚不便，希望楼道加装扶手")
    await phone.page.tap("[aria-label=转为工作事项]")
    await phone.page.tap(".choice >> text=井盖破损")
    await phone.page.fill("input[name=work_title]", "3 栋楼道加装扶手")
    await phone.shot("visit")
    await phone.page.tap("text=保存走访")
    await phone.page.wait_for_selector("text=已记入民情日记")
    await phone.shot("visited")
    (entry,) = await DiaryEntry.select().run()
    assert entry["household"] == world.household["id"]
    assert "希望楼道加装扶手" in entry["content"]
    made = await WorkItem.select().where(WorkItem.title == "3 栋楼道加装扶手").run()
    assert len(made) == 1
    await phone.open("mine", "text=今天的民情日记")
    await phone.page.wait_for_selector("text=老人腿脚不便")
    await phone.shot("mine")


async def test_handling_a_work_item_goes_through_the_transition_rules(
    phone: PhonePage,  # noqa: F811
) -> None:
    world = await field_world()
    await phone.login()
    await phone.tab("work", "text=3 栋楼道堆物清理")
    await phone.shot("work")
    await phone.page.tap("text=3 栋楼道堆物清理")
    await phone.page.wait_for_selector("text=办理记录")
    await phone.page.tap(".choice >> text=处置")
    await phone.page.fill("textarea[name=note]", "已清理完毕")
    await phone.page.set_input_files(
        ".photo-input",
        {"name": "after.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes(800, 600)},
    )
    await phone.page.wait_for_selector(".thumb img")
    await phone.shot("work-item")
    await phone.page.tap("text=提交")
    await phone.page.wait_for_selector(".note-ok")
    await phone.shot("work-handled")
    item = await WorkItem.select().where(WorkItem.id == world.item["id"]).first().run()
    assert item is not None and item["status"] == "handled"
    events = await WorkItemEvent.select().where(WorkItemEvent.work_item == world.item["id"]).run()
    assert [e["note"] for e in events if e["to_status"] == "handled"] == ["已清理完毕"]
    photos = await FieldPhoto.select().where(FieldPhoto.work_item == world.item["id"]).run()
    assert len(photos) == 1 and photos[0]["work_item_event"] is not None
