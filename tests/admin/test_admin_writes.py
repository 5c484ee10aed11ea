"""Every admin write goes through the domain services: same rules, same refusals, audited."""

import json

import httpx

from app.geo import rectangle
from tables.areas import ResponsibilityGrid
from tables.system import AuditLog
from tables.work import AccessListEntry, AccessRefusal, WorkItem, WorkItemEvent
from tests.admin.support import admin_login
from tests.factories import (
    area_tree,
    make_access_entry,
    make_community,
    make_department,
    make_staff,
    make_user,
)

API = "/admin/api/tables"


def grid_body(
    community_id: int, bounds: tuple[float, float, float, float], households: int
) -> dict:
    return {
        "code": "",
        "name": "新网格",
        "community": community_id,
        "kind": "residential",
        "household_count": households,
        "size_warning": False,
        "responsible_organisation": "",
        "boundary": json.dumps(rectangle(*bounds)),  # the admin sends JSON columns as text
    }


async def test_admin_grid_overlapping_a_sibling_is_refused_with_the_reason(
    client: httpx.AsyncClient,
) -> None:
    tree = await area_tree()
    user = await make_user("root", superuser=True)
    headers = await admin_login(client, "root")
    before = await ResponsibilityGrid.count()
    community = tree.communities["A1"]
    overlapping = grid_body(community["id"], (117.803, 30.902, 117.807, 30.908), 300)
    response = await client.post(f"{API}/responsibility_grid/", json=overlapping, headers=headers)
    assert response.status_code == 409, response.text
    assert "boundary" in response.json()["db_error"]
    assert await ResponsibilityGrid.count() == before
    assert await AuditLog.count().where(AuditLog.actor_id == user["id"]) == 0


async def test_admin_grid_is_numbered_and_size_flagged_by_the_service(
    client: httpx.AsyncClient,
) -> None:
    tree = await area_tree()
    community = await make_community(tree.streets["A"], "003", 117.85, 30.90)
    await make_user("root", superuser=True)
    headers = await admin_login(client, "root")

    degenerate = grid_body(community["id"], (117.85, 30.90, 117.855, 30.90), 120)
    refused = await client.post(f"{API}/responsibility_grid/", json=degenerate, headers=headers)
    assert refused.status_code == 422
    assert "boundary" in refused.json()["db_error"]

    small = grid_body(community["id"], (117.85, 30.90, 117.855, 30.905), 120)
    created = await client.post(f"{API}/responsibility_grid/", json=small, headers=headers)
    assert created.status_code == 201, created.text
    grid = (
        await ResponsibilityGrid.select()
        .where(ResponsibilityGrid.community == community["id"])
        .first()
    )
    assert grid["code"] == community["code"] + "001"
    assert grid["size_warning"] is True  # 120 households: saved but flagged, whatever the form said
    assert (grid["min_lon"], grid["max_lat"]) == (117.85, 30.905)


async def test_admin_cannot_create_work_items_outside_the_push(client: httpx.AsyncClient) -> None:
    tree = await area_tree()
    department = await make_department()
    entry = await make_access_entry(tree.streets["A"], department)
    await make_user("root", superuser=True)
    headers = await admin_login(client, "root")
    body = {
        "access_entry": entry["id"],
        "community": tree.communities["A1"]["id"],
        "title": "绕过准入的事项",
        "description": "",
        "source": "department",
        "status": "closed",
    }
    response = await client.post(f"{API}/work_item/", json=body, headers=headers)
    assert response.status_code == 403
    assert "access" in response.json()["db_error"]
    assert await WorkItem.count() == 0


async def test_admin_status_change_of_a_work_item_follows_the_path_and_is_recorded(
    client: httpx.AsyncClient,
) -> None:
    from app.work.schemas import WorkItemCreate
    from app.work.services import push_work_item

    tree = await area_tree()
    department = await make_department()
    entry = await make_access_entry(tree.streets["A"], department)
    item = await push_work_item(
        WorkItemCreate(
            access_entry=entry["id"], community=tree.communities["A1"]["id"], title="入户调查"
        )
    )
    user = await make_user("root", superuser=True)
    headers = await admin_login(client, "root")

    skip = await client.patch(
        f"{API}/work_item/{item['id']}/", json={"status": "closed"}, headers=headers
    )
    assert skip.status_code == 409
    assert "status" in skip.json()["db_error"]
    assert (await WorkItem.select(WorkItem.status).first())["status"] == "reported"

    accept = await client.patch(
        f"{API}/work_item/{item['id']}/", json={"status": "accepted"}, headers=headers
    )
    assert accept.status_code == 200, accept.text
    events = await WorkItemEvent.select().order_by(WorkItemEvent.id).run()
    assert [(e["from_status"], e["to_status"]) for e in events] == [
        (None, "reported"),
        ("reported", "accepted"),
    ]
    assert events[-1]["actor"] == user["id"]
    audited = (
        await AuditLog.select()
        .where(AuditLog.table_name == "work_item")
        .order_by(AuditLog.id)
        .run()
    )
    assert audited[-1]["actor_id"] == user["id"]


async def test_admin_access_list_decisions_record_who_decided(client: httpx.AsyncClient) -> None:
    tree = await area_tree()
    department = await make_department()
    entry = await make_access_entry(tree.streets["A"], department, status="proposed")
    official = await make_staff("jd", role="street_official", street=tree.streets["A"])
    headers = await admin_login(client, "jd")

    response = await client.patch(
        f"{API}/access_list_entry/{entry['id']}/", json={"status": "approved"}, headers=headers
    )
    assert response.status_code == 200, response.text
    saved = await AccessListEntry.select().where(AccessListEntry.id == entry["id"]).first()
    assert saved["status"] == "approved"
    assert saved["decided_by"] == official["user"]
    assert saved["decided_at"] is not None

    # Revoking needs a reason; without one nothing changes.
    refused = await client.patch(
        f"{API}/access_list_entry/{entry['id']}/", json={"status": "revoked"}, headers=headers
    )
    assert refused.status_code == 422
    assert "decision_reason" in refused.json()["db_error"]
    assert (await AccessListEntry.select().where(AccessListEntry.id == entry["id"]).first())[
        "status"
    ] == "approved"


async def test_admin_new_access_entries_start_as_proposed(client: httpx.AsyncClient) -> None:
    tree = await area_tree()
    department = await make_department()
    await make_user("root", superuser=True)
    headers = await admin_login(client, "root")
    body = {
        "street": tree.streets["A"]["id"],
        "name": "就业登记",
        "department": department["id"],
        "category": "employment",
        "legal_basis": "《就业促进法》",
        "status": "approved",
        "valid_from": "2026-01-01",
    }
    response = await client.post(f"{API}/access_list_entry/", json=body, headers=headers)
    assert response.status_code == 201, response.text
    saved = await AccessListEntry.select().first()
    assert saved["status"] == "proposed"


async def test_system_records_cannot_be_edited_in_the_admin(client: httpx.AsyncClient) -> None:
    tree = await area_tree()
    await make_user("root", superuser=True)
    headers = await admin_login(client, "root")
    log = await AuditLog.select().where(AuditLog.table_name == "district").first()
    response = await client.patch(
        f"{API}/audit_log/{log['id']}/", json={"action": "DELETE"}, headers=headers
    )
    assert response.status_code == 403
    delete = await client.delete(f"{API}/audit_log/{log['id']}/", headers=headers)
    assert delete.status_code == 403
    assert await AuditLog.exists().where(AuditLog.id == log["id"])
    refusal = await client.post(
        f"{API}/access_refusal/",
        json={"pushed_title": "x", "reason": "y", "refused_at": "2026-01-01T00:00:00Z"},
        headers=headers,
    )
    assert refusal.status_code == 403
    assert await AccessRefusal.count() == 0
    assert tree.district["code"] == "340705"


async def test_admin_building_outside_its_grid_is_refused_and_inside_gets_its_community(
    client: httpx.AsyncClient,
) -> None:
    from tables.places import Building

    tree = await area_tree()
    await make_user("root", superuser=True)
    headers = await admin_login(client, "root")
    grid = tree.grids["A1-1"]  # 117.800–117.805 × 30.90–30.91
    body = {
        "code": "",
        "address": "幸福小区1栋",
        "kind": "residential",
        "longitude": 117.809,  # in the neighbouring grid
        "latitude": 30.905,
        "grid": grid["id"],
        "community": tree.communities["B1"]["id"],  # a wrong community is never trusted
    }
    refused = await client.post(f"{API}/building/", json=body, headers=headers)
    assert refused.status_code == 422
    assert "longitude" in refused.json()["db_error"]
    assert await Building.count() == 0

    created = await client.post(
        f"{API}/building/", json={**body, "longitude": 117.802}, headers=headers
    )
    assert created.status_code == 201, created.text
    building = await Building.select().first()
    assert building["community"] == grid["community"]


async def test_admin_resident_with_a_mistyped_id_number_is_refused(
    client: httpx.AsyncClient,
) -> None:
    from tables.places import Resident
    from tests.factories import make_household

    tree = await area_tree()
    household = await make_household(tree.grids["A1-1"])
    await make_user("root", superuser=True)
    headers = await admin_login(client, "root")
    body = {
        "household": household["id"],
        "name": "张三",
        "id_number": "110105194912310021",  # last character should be X
        "phone": "",
        "community": household["community"],
    }
    refused = await client.post(f"{API}/resident/", json=body, headers=headers)
    assert refused.status_code == 422
    assert "id_number" in refused.json()["db_error"]
    assert await Resident.count() == 0


async def test_admin_diary_and_supervision_rules_hold(client: httpx.AsyncClient) -> None:
    from tables.daily import CheckIn, DiaryEntry
    from tables.supervision import SupervisionRecord

    tree = await area_tree()
    worker = await make_staff("wg", community=tree.communities["A1"], grids=[tree.grids["A1-1"]])
    await make_staff("sq", role="community_admin", community=tree.communities["A1"])
    headers = await admin_login(client, "wg")
    diary = {
        "staff": worker["id"],
        "grid": tree.grids["A1-1"]["id"],
        "community": tree.communities["A1"]["id"],
        "category": "visit",
        "content": "走访独居老人",
        "follow_up_due": "2020-01-01",
    }
    past = await client.post(f"{API}/diary_entry/", json=diary, headers=headers)
    assert past.status_code == 422
    assert "follow_up_due" in past.json()["db_error"]
    assert await DiaryEntry.count() == 0
    saved = await client.post(
        f"{API}/diary_entry/", json={**diary, "follow_up_due": None}, headers=headers
    )
    assert saved.status_code == 201, saved.text
    assert await DiaryEntry.count() == 1

    check_in = {
        "staff": worker["id"],
        "grid": tree.grids["A1-1"]["id"],
        "community": tree.communities["A1"]["id"],
        "latitude": 30.905,
        "longitude": 117.802,
    }
    refused = await client.post(f"{API}/check_in/", json=check_in, headers=headers)
    assert refused.status_code == 403
    assert await CheckIn.count() == 0

    client.cookies.clear()
    headers = await admin_login(client, "sq")
    record = {
        "kind": "government_work",
        "subject": "区城管局",
        "community": tree.communities["A1"]["id"],
        "content": "垃圾清运不及时",
        "status": "answered",
        "answer": "",
    }
    created = await client.post(f"{API}/supervision_record/", json=record, headers=headers)
    assert created.status_code == 201, created.text
    stored = await SupervisionRecord.select().first()
    assert stored["status"] == "received"  # a new record always starts as received
    unanswered = await client.patch(
        f"{API}/supervision_record/{stored['id']}/", json={"status": "answered"}, headers=headers
    )
    assert unanswered.status_code == 422
    assert "answer" in unanswered.json()["db_error"]
    assert (await SupervisionRecord.select().first())["status"] == "received"


async def test_care_visit_intervals_are_checked_once_per_community_and_tag(
    client: httpx.AsyncClient,
) -> None:
    from tables.field import CareVisitInterval

    tree = await area_tree()
    await make_staff("sq", role="community_admin", community=tree.communities["A1"])
    headers = await admin_login(client, "sq")
    url = f"{API}/care_visit_interval/"
    body = {"community": tree.communities["A1"]["id"], "tag": "elderly_alone", "interval_days": 5}
    created = await client.post(url, json=body, headers=headers)
    assert created.status_code in (200, 201), created.text
    for changes, status, field in (
        ({}, 409, "tag"),  # the same tag twice in one community
        ({"tag": "disability", "interval_days": 0}, 422, "interval_days"),
        ({"tag": "disability", "interval_days": 400}, 422, "interval_days"),
        ({"tag": "rich"}, 422, "tag"),
    ):
        refused = await client.post(url, json={**body, **changes}, headers=headers)
        assert refused.status_code == status, (changes, refused.text)
        assert field in refused.text, (changes, refused.text)
    rows = await CareVisitInterval.select(CareVisitInterval.tag, CareVisitInterval.interval_days)
    assert rows == [{"tag": "elderly_alone", "interval_days": 5}]
