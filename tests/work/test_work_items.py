"""The work-item life cycle: reported → accepted → dispatched → handled → verified → closed."""

import asyncio
import datetime as dt
import itertools
from typing import Any

import pytest

from app.crud import insert_row
from app.db import write_transaction
from app.errors import Conflict, DomainError, InvalidTransition, NotFound, ValidationFailed
from app.work.schemas import WorkItemCreate, WorkItemUpdate
from app.work.services import (
    ALLOWED_TRANSITIONS,
    push_work_item,
    transition_work_item,
    update_work_item,
    work_item_history,
)
from tables.choices import WorkStatus
from tables.people import StaffMember
from tables.system import AuditLog
from tables.work import WorkItem
from tests.factories import make_staff
from tests.work.conftest import World, work_counts

MAIN_PATH = ["reported", "accepted", "dispatched", "handled", "verified", "closed"]
ALL_STATUSES = [status.value for status in WorkStatus]


async def pushed(world: World, **overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "access_entry": world.entry["id"],
        "community": world.tree.communities["A1"]["id"],
        "title": "独居老人走访",
    }
    fields.update(overrides)
    return await push_work_item(WorkItemCreate(**fields), world.official["id"])


async def walk_to(world: World, item: dict[str, Any], status: str) -> dict[str, Any]:
    """Move `item` along the main path (or reject it) until it is in `status`."""
    if status == "rejected":
        return await transition_work_item(item["id"], "rejected", world.official["id"])
    for target in MAIN_PATH[MAIN_PATH.index(item["status"]) + 1 : MAIN_PATH.index(status) + 1]:
        assignee = world.worker["id"] if target == "dispatched" else None
        item = await transition_work_item(
            item["id"], target, world.official["id"], assignee_id=assignee
        )
    return item


async def stored(item_id: int) -> dict[str, Any]:
    row = await WorkItem.select().where(WorkItem.id == item_id).first()
    assert row is not None
    return row


async def test_full_life_cycle_records_every_move(world: World) -> None:
    item = await pushed(world)
    official, worker = world.official["id"], world.worker["id"]
    item = await transition_work_item(item["id"], "accepted", official, note="社区受理")
    assert item["status"] == "accepted"
    item = await transition_work_item(
        item["id"], "dispatched", official, note="派给网格员", assignee_id=worker
    )
    assert (item["status"], item["assignee"]) == ("dispatched", worker)
    item = await transition_work_item(item["id"], "handled", official, note="已走访")
    item = await transition_work_item(item["id"], "verified", official, note="核实无误")
    assert item["closed_at"] is None
    item = await transition_work_item(item["id"], "closed", official, note="办结")
    assert item["status"] == "closed"
    assert dt.datetime.now(dt.UTC) - item["closed_at"] < dt.timedelta(minutes=1)

    history = await work_item_history(item["id"])
    assert [(e["from_status"], e["to_status"]) for e in history] == [
        (None, "reported"),
        *itertools.pairwise(MAIN_PATH),
    ]
    assert [e["note"] for e in history] == [
        "",
        "社区受理",
        "派给网格员",
        "已走访",
        "核实无误",
        "办结",
    ]
    assert {e["actor"] for e in history} == {official}
    assert history[-1]["at"] == item["closed_at"]
    assert await work_counts() == (1, 6, 0)


@pytest.mark.parametrize("stage", MAIN_PATH[:-1])
async def test_any_open_stage_can_be_rejected(world: World, stage: str) -> None:
    item = await walk_to(world, await pushed(world), stage)
    rejected = await transition_work_item(item["id"], "rejected", world.official["id"], "不属实")
    assert rejected["status"] == "rejected" and rejected["closed_at"] is None
    assert (await work_item_history(item["id"]))[-1]["to_status"] == "rejected"


@pytest.mark.parametrize("stage", ALL_STATUSES)
async def test_every_jump_outside_the_graph_is_refused_and_nothing_written(
    world: World, stage: str
) -> None:
    item = await walk_to(world, await pushed(world, assignee=world.worker["id"]), stage)
    refused = [s for s in [*ALL_STATUSES, "archived"] if s not in ALLOWED_TRANSITIONS[stage]]
    assert stage in refused  # staying put is not a move either
    before = (await stored(item["id"]), await work_counts(), await AuditLog.count())
    for target in refused:
        with pytest.raises(InvalidTransition) as exc:
            await transition_work_item(item["id"], target, world.official["id"], "跳步")
        assert exc.value.field == "status", target
    assert (await stored(item["id"]), await work_counts(), await AuditLog.count()) == before


@pytest.mark.parametrize("terminal", ["closed", "rejected"])
async def test_closed_and_rejected_are_terminal(world: World, terminal: str) -> None:
    item = await walk_to(world, await pushed(world), terminal)
    assert ALLOWED_TRANSITIONS[terminal] == frozenset()
    for target in ALL_STATUSES:
        with pytest.raises(InvalidTransition):
            await transition_work_item(item["id"], target, world.official["id"])
    with pytest.raises(Conflict) as exc:
        await update_work_item(item["id"], WorkItemUpdate(title="重新打开"))
    assert exc.value.field == "status"
    assert (await stored(item["id"]))["status"] == terminal


async def test_dispatch_without_an_assignee_is_refused(world: World) -> None:
    item = await walk_to(world, await pushed(world), "accepted")
    before = await work_counts()
    with pytest.raises(ValidationFailed) as exc:
        await transition_work_item(item["id"], "dispatched", world.official["id"])
    assert exc.value.field == "assignee"
    assert (await stored(item["id"]))["status"] == "accepted"
    assert await work_counts() == before


async def test_dispatch_uses_the_assignee_already_set(world: World) -> None:
    item = await walk_to(world, await pushed(world, assignee=world.worker["id"]), "accepted")
    item = await transition_work_item(item["id"], "dispatched", world.official["id"])
    assert (item["status"], item["assignee"]) == ("dispatched", world.worker["id"])


@pytest.mark.parametrize("case", ["other community", "inactive"])
async def test_dispatch_to_an_ineligible_assignee_is_refused(world: World, case: str) -> None:
    item = await walk_to(world, await pushed(world), "accepted")
    if case == "other community":
        assignee = (await make_staff("b1-worker", community=world.tree.communities["B1"]))["id"]
    else:
        assignee = world.worker["id"]
        await StaffMember.update({StaffMember.active: False}).where(StaffMember.id == assignee)
    before = await work_counts()
    with pytest.raises(ValidationFailed) as exc:
        await transition_work_item(
            item["id"], "dispatched", world.official["id"], assignee_id=assignee
        )
    assert exc.value.field == "assignee"
    assert await stored(item["id"]) == item
    assert await work_counts() == before


async def test_dispatched_item_cannot_lose_its_assignee(world: World) -> None:
    item = await walk_to(world, await pushed(world), "dispatched")
    with pytest.raises(ValidationFailed) as exc:
        await update_work_item(item["id"], WorkItemUpdate(assignee=None))
    assert exc.value.field == "assignee"
    assert (await stored(item["id"]))["assignee"] == world.worker["id"]


async def test_open_item_can_be_edited(world: World) -> None:
    item = await pushed(world)
    due = dt.datetime.now(dt.UTC) + dt.timedelta(days=3)
    updated = await update_work_item(
        item["id"],
        WorkItemUpdate(
            title="独居老人走访（第二轮）", grid=world.tree.grids["A1-1"]["id"], due_at=due
        ),
    )
    assert (updated["title"], updated["grid"], updated["due_at"], updated["status"]) == (
        "独居老人走访（第二轮）",
        world.tree.grids["A1-1"]["id"],
        due,
        "reported",
    )
    with pytest.raises(ValidationFailed) as exc:
        await update_work_item(item["id"], WorkItemUpdate(grid=world.tree.grids["B1-1"]["id"]))
    assert exc.value.field == "grid"


async def test_history_of_missing_item_is_not_found(world: World) -> None:
    with pytest.raises(NotFound):
        await work_item_history(99999)
    with pytest.raises(NotFound):
        await transition_work_item(99999, "accepted", world.official["id"])


# --- the database backstop and concurrency -----------------------------------------------


async def test_database_refuses_a_direct_update_skipping_a_stage(world: World) -> None:
    item = await pushed(world, assignee=world.worker["id"])
    with pytest.raises(DomainError) as exc:
        async with write_transaction(world.official["id"]):
            await WorkItem.update({WorkItem.status: "handled"}).where(WorkItem.id == item["id"])
    assert isinstance(exc.value, ValidationFailed)
    assert exc.value.field == "status"
    assert "reported to handled" in exc.value.detail
    assert (await stored(item["id"]))["status"] == "reported"


class _Rollback(Exception):
    pass


async def test_database_trigger_allows_exactly_the_python_graph(world: World) -> None:
    allowed = set()
    for source in ALL_STATUSES:
        row = await insert_row(
            WorkItem,
            {
                "access_entry": world.entry["id"],
                "community": world.tree.communities["A1"]["id"],
                "title": f"trigger {source}",
                "status": source,
            },
        )
        for target in ALL_STATUSES:
            if target == source:
                continue
            try:
                async with write_transaction():
                    await WorkItem.update({WorkItem.status: target}).where(WorkItem.id == row["id"])
                    raise _Rollback
            except _Rollback:
                allowed.add((source, target))
            except ValidationFailed:
                pass
    assert allowed == {(s, t) for s, moves in ALLOWED_TRANSITIONS.items() for t in moves}


async def test_concurrent_moves_of_one_item_serialise(world: World) -> None:
    item = await pushed(world)
    results = await asyncio.gather(
        *(
            transition_work_item(item["id"], "accepted", world.official["id"], f"第{n}次")
            for n in range(5)
        ),
        return_exceptions=True,
    )
    succeeded = [r for r in results if isinstance(r, dict)]
    refused = [r for r in results if isinstance(r, InvalidTransition)]
    assert (len(succeeded), len(refused)) == (1, 4), results
    assert (await stored(item["id"]))["status"] == "accepted"
    history = await work_item_history(item["id"])
    assert [(e["from_status"], e["to_status"]) for e in history] == [
        (None, "reported"),
        ("reported", "accepted"),
    ]
