"""The access list (准入清单): proposals, decisions, and which entries are active."""

import datetime as dt

import pytest

from app.clock import local_today
from app.errors import AccessRefused, Conflict, InvalidTransition, NotFound, ValidationFailed
from app.work.schemas import AccessListEntryCreate, AccessListEntryUpdate
from app.work.services import (
    active_entries,
    approve_access_entry,
    check_access,
    propose_access_entry,
    reject_access_entry,
    revoke_access_entry,
    update_access_entry,
)
from tables.system import AuditLog
from tables.work import AccessListEntry
from tests.factories import make_access_entry
from tests.work.conftest import World


def proposal(world: World, **overrides: object) -> AccessListEntryCreate:
    fields: dict[str, object] = {
        "street": world.tree.streets["A"]["id"],
        "name": " 就业困难人员认定初审 ",
        "department": world.department["id"],
        "category": "employment",
        "legal_basis": "《就业促进法》第五十二条",
        "valid_from": local_today(),
        "valid_to": None,
    }
    fields.update(overrides)
    return AccessListEntryCreate(**fields)  # type: ignore[arg-type]


async def status_of(entry_id: int) -> dict[str, object]:
    row = (
        await AccessListEntry.select(
            AccessListEntry.status, AccessListEntry.decided_by, AccessListEntry.name
        )
        .where(AccessListEntry._meta.primary_key == entry_id)
        .first()
    )
    assert row is not None
    return row


# --- proposing and editing ---------------------------------------------------------------


async def test_propose_creates_an_undecided_proposed_entry(world: World) -> None:
    entry = await propose_access_entry(proposal(world), world.official["id"])
    assert entry["status"] == "proposed"
    assert entry["name"] == "就业困难人员认定初审"
    assert entry["decided_by"] is None and entry["decided_at"] is None
    # A proposal lets nothing in yet.
    with pytest.raises(AccessRefused):
        await check_access(entry["id"], world.tree.streets["A"]["id"], local_today())


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"legal_basis": "   "}, "legal_basis"),
        ({"legal_basis": ""}, "legal_basis"),
        ({"name": " "}, "name"),
        ({"category": "sports"}, "category"),
        ({"valid_to": dt.date(2020, 1, 1), "valid_from": dt.date(2020, 1, 2)}, "valid_to"),
    ],
)
async def test_invalid_proposal_is_refused_and_nothing_written(
    world: World, overrides: dict[str, object], field: str
) -> None:
    before = await AccessListEntry.count()
    with pytest.raises(ValidationFailed) as exc:
        await propose_access_entry(proposal(world, **overrides), world.official["id"])
    assert exc.value.field == field
    assert await AccessListEntry.count() == before


@pytest.mark.parametrize("field", ["street", "department"])
async def test_proposal_for_unknown_street_or_department_is_refused(
    world: World, field: str
) -> None:
    before = await AccessListEntry.count()
    with pytest.raises(NotFound) as exc:
        await propose_access_entry(proposal(world, **{field: 99999}), world.official["id"])
    assert exc.value.field == field
    assert await AccessListEntry.count() == before


async def test_validity_of_a_single_day_is_accepted(world: World) -> None:
    day = local_today()
    entry = await propose_access_entry(proposal(world, valid_from=day, valid_to=day))
    assert (entry["valid_from"], entry["valid_to"]) == (day, day)


async def test_proposed_entry_can_be_edited(world: World) -> None:
    entry = await propose_access_entry(proposal(world))
    updated = await update_access_entry(
        entry["id"], AccessListEntryUpdate(name="失业登记", category="social_security")
    )
    assert (updated["name"], updated["category"], updated["status"]) == (
        "失业登记",
        "social_security",
        "proposed",
    )


async def test_edit_with_validity_ending_before_start_is_refused(world: World) -> None:
    entry = await propose_access_entry(proposal(world))
    with pytest.raises(ValidationFailed) as exc:
        await update_access_entry(
            entry["id"], AccessListEntryUpdate(valid_to=local_today() - dt.timedelta(days=1))
        )
    assert exc.value.field == "valid_to"
    stored = await AccessListEntry.select().where(AccessListEntry.id == entry["id"]).first()
    assert stored is not None and stored["valid_to"] is None


@pytest.mark.parametrize("status", ["approved", "rejected", "revoked"])
async def test_decided_entry_cannot_be_edited(world: World, status: str) -> None:
    entry = await make_access_entry(world.tree.streets["A"], world.department, status=status)
    with pytest.raises(Conflict) as exc:
        await update_access_entry(entry["id"], AccessListEntryUpdate(name="改名"))
    assert exc.value.field == "status"
    assert (await status_of(entry["id"]))["name"] == entry["name"]


# --- decisions ---------------------------------------------------------------------------


async def test_approve_records_who_decided_and_when(world: World) -> None:
    entry = await propose_access_entry(proposal(world), world.official["id"])
    approved = await approve_access_entry(entry["id"], world.official["id"])
    assert approved["status"] == "approved"
    assert approved["decided_by"] == world.official["id"]
    now = dt.datetime.now(dt.UTC)
    assert now - dt.timedelta(minutes=1) < approved["decided_at"] <= now
    audit = (
        await AuditLog.select(AuditLog.actor_id)
        .where((AuditLog.table_name == "access_list_entry") & (AuditLog.action == "UPDATE"))
        .run()
    )
    assert audit == [{"actor_id": world.official["id"]}]
    assert await check_access(entry["id"], entry["street"], local_today()) == approved


async def test_reject_a_proposed_entry(world: World) -> None:
    entry = await propose_access_entry(proposal(world))
    rejected = await reject_access_entry(entry["id"], "无法律依据", world.official["id"])
    assert (rejected["status"], rejected["decided_by"]) == ("rejected", world.official["id"])
    assert rejected["decided_at"] is not None
    assert rejected["decision_reason"] == "无法律依据"


async def test_revoke_an_approved_entry(world: World) -> None:
    revoked = await revoke_access_entry(world.entry["id"], "减负：事项取消", world.official["id"])
    assert (revoked["status"], revoked["decided_by"]) == ("revoked", world.official["id"])
    assert revoked["decision_reason"] == "减负：事项取消"
    assert await active_entries(world.tree.streets["A"]["id"], local_today()) == []


@pytest.mark.parametrize("decide", [reject_access_entry, revoke_access_entry])
async def test_reject_or_revoke_needs_a_reason(world: World, decide: object) -> None:
    entry = await make_access_entry(world.tree.streets["A"], world.department, status="proposed")
    target = world.entry if decide is revoke_access_entry else entry
    with pytest.raises(ValidationFailed) as exc:
        await decide(target["id"], "  ", world.official["id"])  # type: ignore[operator]
    assert exc.value.field == "reason"
    assert (await status_of(target["id"]))["status"] == target["status"]


async def test_decision_needs_a_deciding_user(world: World) -> None:
    entry = await make_access_entry(world.tree.streets["A"], world.department, status="proposed")
    with pytest.raises(ValidationFailed) as exc:
        await approve_access_entry(entry["id"], None)  # type: ignore[arg-type]
    assert exc.value.field == "decided_by"
    assert (await status_of(entry["id"]))["status"] == "proposed"


@pytest.mark.parametrize(
    ("status", "action"),
    [
        ("proposed", "revoke"),
        ("approved", "approve"),
        ("approved", "reject"),
        ("rejected", "approve"),
        ("rejected", "reject"),
        ("rejected", "revoke"),
        ("revoked", "approve"),
        ("revoked", "reject"),
        ("revoked", "revoke"),
    ],
)
async def test_decisions_outside_the_allowed_moves_are_refused(
    world: World, status: str, action: str
) -> None:
    entry = await make_access_entry(world.tree.streets["A"], world.department, status=status)
    decisions = {
        "approve": lambda: approve_access_entry(entry["id"], world.official["id"]),
        "reject": lambda: reject_access_entry(entry["id"], "理由", world.official["id"]),
        "revoke": lambda: revoke_access_entry(entry["id"], "理由", world.official["id"]),
    }
    with pytest.raises(InvalidTransition) as exc:
        await decisions[action]()
    assert exc.value.field == "status"
    assert await status_of(entry["id"]) == {
        "status": status,
        "decided_by": None,
        "name": entry["name"],
    }


async def test_decision_on_missing_entry_is_not_found(world: World) -> None:
    with pytest.raises(NotFound):
        await approve_access_entry(99999, world.official["id"])


# --- which entries are active ------------------------------------------------------------


async def test_active_entries_are_approved_and_valid_on_the_day(world: World) -> None:
    street_a, street_b = world.tree.streets["A"], world.tree.streets["B"]
    today = local_today()
    day = dt.timedelta(days=1)

    async def entry(name: str, street: dict = street_a, **kwargs: object) -> dict:
        return await make_access_entry(street, world.department, name=name, **kwargs)  # type: ignore[arg-type]

    ends_today = await entry("今天到期", valid_to=today)
    starts_today = await entry("今天生效", valid_from=today)
    await entry("已过期", valid_to=today - day)
    await entry("明天生效", valid_from=today + day)
    await entry("待审", status="proposed")
    await entry("已驳回", status="rejected")
    await entry("已取消", status="revoked")
    await entry("另一街道", street=street_b)

    active = await active_entries(street_a["id"], today)
    assert {row["id"] for row in active} == {
        world.entry["id"],
        ends_today["id"],
        starts_today["id"],
    }
    assert {row["name"] for row in active} == {world.entry["name"], "今天到期", "今天生效"}

    # active_entries and check_access agree on every entry of the list.
    for row in await AccessListEntry.select().run():
        try:
            await check_access(row["id"], street_a["id"], today)
            allowed = True
        except AccessRefused:
            allowed = False
        assert allowed == (row["id"] in {r["id"] for r in active}), row["name"]

    # Tomorrow the one ending today is no longer active; the one starting tomorrow is.
    tomorrow = {row["name"] for row in await active_entries(street_a["id"], today + day)}
    assert tomorrow == {world.entry["name"], "今天生效", "明天生效"}
