"""Rules the database holds even for writes that skip the services."""

import datetime as dt

import pytest

from app.crud import insert_row
from app.db import write_transaction
from app.errors import Conflict
from tables.people import Leave
from tables.places import Resident
from tests.factories import area_tree, make_household, make_staff


async def test_two_residents_cannot_share_an_id_number_even_bypassing_services() -> None:
    tree = await area_tree()
    household = await make_household(tree.grids["A1-1"])
    row = {
        "household": household["id"],
        "name": "张三",
        "id_number": "11010519491231002X",
        "community": household["community"],
    }
    async with write_transaction():
        await insert_row(Resident, row)
    with pytest.raises(Conflict) as refused:
        async with write_transaction():
            await insert_row(Resident, {**row, "name": "李四"})
    assert refused.value.field == "id_number"
    assert await Resident.count() == 1


async def test_overlapping_leave_is_refused_even_bypassing_services() -> None:
    tree = await area_tree()
    staff = await make_staff("wg", community=tree.communities["A1"])
    first = {
        "staff": staff["id"],
        "starts_on": dt.date(2026, 11, 2),
        "ends_on": dt.date(2026, 11, 6),
    }
    async with write_transaction():
        await insert_row(Leave, first)
    with pytest.raises(Conflict) as refused:
        async with write_transaction():
            await insert_row(
                Leave, {**first, "starts_on": dt.date(2026, 11, 6), "ends_on": dt.date(2026, 11, 9)}
            )
    assert refused.value.field == "starts_on"
    async with write_transaction():
        await insert_row(
            Leave, {**first, "starts_on": dt.date(2026, 11, 7), "ends_on": dt.date(2026, 11, 9)}
        )
    assert await Leave.count() == 2


async def test_audit_log_cannot_be_changed_even_by_the_owner() -> None:
    from app.errors import Forbidden
    from tables.system import AuditLog

    await area_tree()
    count = await AuditLog.count()
    with pytest.raises(Forbidden):
        async with write_transaction():
            await AuditLog.update({AuditLog.action: "DELETE"}, force=True).run()
    with pytest.raises(Forbidden):
        async with write_transaction():
            await AuditLog.delete(force=True).run()
    assert await AuditLog.count() == count
