"""Pushing work into a community: only through an approved, valid access-list entry (准入)."""

import datetime as dt
from typing import Any

import pytest

from app.clock import local_today
from app.db import write_transaction
from app.errors import AccessRefused, NotFound, ValidationFailed
from app.work.schemas import WorkItemCreate
from app.work.services import push_work_item, work_item_history
from tables.people import StaffMember
from tables.work import AccessRefusal, WorkItem
from tests.factories import make_access_entry, make_department, make_staff
from tests.work.conftest import World, work_counts


def push(world: World, **overrides: Any) -> WorkItemCreate:
    fields: dict[str, Any] = {
        "access_entry": world.entry["id"],
        "community": world.tree.communities["A1"]["id"],
        "title": "高龄津贴申领初审（3月）",
    }
    fields.update(overrides)
    return WorkItemCreate(**fields)


# --- refusals ----------------------------------------------------------------------------

DAY = dt.timedelta(days=1)


async def refused_entry(world: World, case: str) -> int | None:
    """The access_entry a push uses in each refusal case."""
    street_a, street_b = world.tree.streets["A"], world.tree.streets["B"]
    department = world.department
    if case == "missing":
        return None
    if case == "unknown":
        return 99999
    if case == "other street":
        return (await make_access_entry(street_b, department))["id"]
    if case in {"proposed", "rejected", "revoked"}:
        return (await make_access_entry(street_a, department, status=case))["id"]
    if case == "not yet valid":
        return (await make_access_entry(street_a, department, valid_from=local_today() + DAY))["id"]
    assert case == "expired"
    return (await make_access_entry(street_a, department, valid_to=local_today() - DAY))["id"]


@pytest.mark.parametrize(
    ("case", "reason"),
    [
        ("missing", "no access-list entry given"),
        ("unknown", "access-list entry 99999 does not exist"),
        ("other street", "belongs to another street"),
        ("proposed", "is proposed, not approved"),
        ("rejected", "is rejected, not approved"),
        ("revoked", "is revoked, not approved"),
        ("not yet valid", "is not valid before {tomorrow}"),
        ("expired", "expired on {yesterday}"),
    ],
)
async def test_push_is_refused_and_only_the_refusal_is_recorded(
    world: World, case: str, reason: str
) -> None:
    entry_id = await refused_entry(world, case)
    community = world.tree.communities["A1"]
    with pytest.raises(AccessRefused) as exc:
        await push_work_item(
            push(world, access_entry=entry_id, department=world.department["id"]),
            world.official["id"],
        )
    assert exc.value.field == "access_entry"
    # Dates are filled in now, not when the tests were collected (a run may cross midnight).
    today = local_today()
    assert reason.format(tomorrow=today + DAY, yesterday=today - DAY) in exc.value.detail
    assert await work_counts() == (0, 0, 1)
    refusal = await AccessRefusal.select().first()
    assert refusal is not None
    known_entry = case not in {"missing", "unknown"}
    assert refusal == {
        "id": refusal["id"],
        "street": world.tree.streets["A"]["id"],
        "community": community["id"],
        "department": world.department["id"],
        "access_entry": entry_id if known_entry else None,
        "pushed_title": "高龄津贴申领初审（3月）",
        "reason": exc.value.detail,
        "refused_at": refusal["refused_at"],
    }
    assert dt.datetime.now(dt.UTC) - refusal["refused_at"] < dt.timedelta(minutes=1)


async def test_refusal_names_the_entrys_department_over_the_one_given(world: World) -> None:
    other = await make_department("区人社局", "社保")
    proposed = await make_access_entry(world.tree.streets["A"], world.department, "proposed")
    with pytest.raises(AccessRefused):
        await push_work_item(push(world, access_entry=proposed["id"], department=other["id"]))
    refusal = await AccessRefusal.select().first()
    assert refusal is not None and refusal["department"] == world.department["id"]


async def test_refusal_without_entry_or_known_department_still_recorded(world: World) -> None:
    with pytest.raises(AccessRefused):
        await push_work_item(push(world, access_entry=None, department=99999))
    refusal = await AccessRefusal.select().first()
    assert refusal is not None
    assert (refusal["department"], refusal["access_entry"]) == (None, None)
    assert await work_counts() == (0, 0, 1)


async def test_entry_of_street_a_cannot_push_into_a_community_of_street_b(world: World) -> None:
    b1 = world.tree.communities["B1"]
    with pytest.raises(AccessRefused) as exc:
        await push_work_item(push(world, community=b1["id"]))
    assert "another street" in exc.value.detail
    refusal = await AccessRefusal.select().first()
    assert refusal is not None
    assert (refusal["street"], refusal["community"]) == (world.tree.streets["B"]["id"], b1["id"])
    assert await work_counts() == (0, 0, 1)


# --- success -----------------------------------------------------------------------------


async def test_push_through_an_approved_entry_creates_a_reported_item(world: World) -> None:
    grid = world.tree.grids["A1-2"]
    due = dt.datetime.now(dt.UTC) + dt.timedelta(days=7)
    item = await push_work_item(
        push(
            world,
            grid=grid["id"],
            description=" 核对申领材料 ",
            assignee=world.worker["id"],
            due_at=due,
        ),
        world.official["id"],
    )
    assert item["status"] == "reported"
    assert item["source"] == "department"
    assert (item["access_entry"], item["community"], item["grid"]) == (
        world.entry["id"],
        world.tree.communities["A1"]["id"],
        grid["id"],
    )
    assert (item["assignee"], item["due_at"], item["description"]) == (
        world.worker["id"],
        due,
        "核对申领材料",
    )
    assert item["closed_at"] is None and item["overdue"] is False
    assert await work_counts() == (1, 1, 0)
    [event] = await work_item_history(item["id"])
    assert (event["from_status"], event["to_status"], event["actor"]) == (
        None,
        "reported",
        world.official["id"],
    )


@pytest.mark.parametrize("bound", ["valid_from", "valid_to"])
async def test_entry_is_valid_on_its_first_and_last_day(world: World, bound: str) -> None:
    entry = await make_access_entry(
        world.tree.streets["A"], world.department, **{bound: local_today()}
    )
    item = await push_work_item(push(world, access_entry=entry["id"], source="hotline"))
    assert (item["access_entry"], item["source"]) == (entry["id"], "hotline")
    assert await work_counts() == (1, 1, 0)


# --- other refusals: the item's own fields (no access refusal recorded) ------------------


async def test_grid_of_another_community_is_refused(world: World) -> None:
    with pytest.raises(ValidationFailed) as exc:
        await push_work_item(push(world, grid=world.tree.grids["A2-1"]["id"]))
    assert exc.value.field == "grid"
    assert await work_counts() == (0, 0, 0)


async def test_unknown_community_is_refused(world: World) -> None:
    with pytest.raises(NotFound) as exc:
        await push_work_item(push(world, community=99999))
    assert exc.value.field == "community"
    assert await work_counts() == (0, 0, 0)


async def assignee_case(world: World, case: str) -> int:
    if case == "unknown":
        return 99999
    if case == "other community":
        staff = await make_staff("a2-worker", community=world.tree.communities["A2"])
        return int(staff["id"])
    await StaffMember.update({StaffMember.active: False}).where(
        StaffMember.id == world.worker["id"]
    )
    return int(world.worker["id"])


@pytest.mark.parametrize("case", ["unknown", "other community", "inactive"])
async def test_assignee_must_be_active_staff_of_the_community(world: World, case: str) -> None:
    assignee = await assignee_case(world, case)
    with pytest.raises((ValidationFailed, NotFound)) as exc:
        await push_work_item(push(world, assignee=assignee))
    assert exc.value.field == "assignee"
    assert await work_counts() == (0, 0, 0)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"due_at": dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)}, "due_at"),
        ({"due_at": dt.datetime(2020, 1, 1, 9, 0)}, "due_at"),
        ({"title": "   "}, "title"),
        ({"title": "长" * 201}, "title"),
        ({"source": "rumour"}, "source"),
    ],
)
async def test_invalid_fields_are_refused_and_nothing_written(
    world: World, overrides: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationFailed) as exc:
        await push_work_item(push(world, **overrides))
    assert exc.value.field == field
    assert await work_counts() == (0, 0, 0)
    assert await WorkItem.count() == 0


async def test_refusal_is_kept_even_when_the_caller_rolls_back(world: World) -> None:
    """The admin runs each write in an outer transaction; a refused push must still be on record."""
    with pytest.raises(AccessRefused):
        async with write_transaction(world.official["id"]):
            await push_work_item(
                WorkItemCreate(community=world.tree.communities["A1"]["id"], title="未准入的报表")
            )
    assert await WorkItem.count() == 0
    refusals = await AccessRefusal.select().run()
    assert [r["pushed_title"] for r in refusals] == ["未准入的报表"]
