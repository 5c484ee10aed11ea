"""app.db.write_transaction: nested writes skip settings the transaction already has, and the
audit trail still names whoever wrote each row."""

from __future__ import annotations

from typing import Any

import pytest
from asyncpg.connection import Connection

from app.crud import insert_row
from app.db import DB, change_settings, write_transaction
from tables.system import AuditLog
from tables.work import Department

ALICE, BOB = 101, 202


async def add_department(name: str, actor_id: int | None) -> None:
    """A service-style write: its own write_transaction(actor), nested when called inside one."""
    async with write_transaction(actor_id):
        await insert_row(Department, {"name": name, "line": "民政"})


async def actors() -> dict[str, int | None]:
    """Who the audit trail says inserted each department."""
    rows = (
        await AuditLog.select(AuditLog.actor_id, AuditLog.after)
        .where((AuditLog.table_name == "department") & (AuditLog.action == "INSERT"))
        .output(load_json=True)
    )
    return {row["after"]["name"]: row["actor_id"] for row in rows}


@pytest.fixture
def settings_statements(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The set_config statements this test sends (the round trips the change saves)."""
    sent: list[str] = []
    execute = Connection.execute

    async def counting(self: Connection, query: str, *args: Any, **kwargs: Any) -> str:
        if "set_config" in query:
            sent.append(query)
        return await execute(self, query, *args, **kwargs)

    monkeypatch.setattr(Connection, "execute", counting)
    return sent


async def test_a_nested_write_with_the_outer_actor_sets_nothing_again(
    settings_statements: list[str],
) -> None:
    async with write_transaction(ALICE, {"app.level": "district"}):
        await add_department("一", ALICE)
        await add_department("二", ALICE)
    assert len(settings_statements) == 1
    assert await actors() == {"一": ALICE, "二": ALICE}


async def test_a_nested_write_with_another_actor_is_audited_as_that_actor() -> None:
    async with write_transaction(ALICE):
        await add_department("一", BOB)
        await add_department("二", ALICE)  # set again: the nested call changed it
        await add_department("三", None)  # no actor given: the transaction's stays
    assert await actors() == {"一": BOB, "二": ALICE, "三": ALICE}


async def test_a_rolled_back_savepoint_leaves_no_stale_actor() -> None:
    async with write_transaction(ALICE) as transaction:
        await transaction.connection.execute("SAVEPOINT row")
        await add_department("撤销", BOB)
        await transaction.connection.execute("ROLLBACK TO SAVEPOINT row")
        await add_department("一", BOB)  # the database has ALICE again: BOB is set anew
        await transaction.connection.execute("SAVEPOINT row")
        await add_department("撤销二", ALICE)
        await transaction.connection.execute("ROLLBACK TO SAVEPOINT row")
        await add_department("二", ALICE)
    assert await actors() == {"一": BOB, "二": ALICE}


async def test_changed_settings_hold_for_the_rest_of_the_transaction(
    settings_statements: list[str],
) -> None:
    async with write_transaction(None, {"app.level": "district"}):
        await add_department("公开", None)
        await change_settings({"app.actor_id": str(BOB), "app.level": "district"})
        await add_department("一", BOB)  # known: nothing to set
        await add_department("二", ALICE)
    assert len(settings_statements) == 3
    assert await actors() == {"公开": None, "一": BOB, "二": ALICE}


async def test_a_transaction_opened_elsewhere_gets_the_actor_set() -> None:
    async with DB.transaction() as transaction:
        await transaction.connection.execute("SELECT set_config('app.actor_id', '', true)")
        await add_department("一", ALICE)
    with pytest.raises(RuntimeError):
        await change_settings({"app.actor_id": str(ALICE)})
    assert await actors() == {"一": ALICE}
