"""app.crud lookups: one plain statement, the same rows a Piccolo select gives."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from piccolo.apps.user.tables import BaseUser
from piccolo.table import Table

from app import crud
from app.errors import NotFound, ValidationFailed
from tables.areas import ResponsibilityGrid, Street
from tables.choices import AccessStatus, GridKind
from tables.work import AccessListEntry
from tests.factories import area_tree, make_access_entry, make_department, make_user


async def piccolo_row(table: type[Table], **equal: Any) -> dict[str, Any]:
    query = table.select().where(*(getattr(table, k) == v for k, v in equal.items()))
    row = await query.first().run()
    assert row is not None
    return row


async def test_get_row_is_the_piccolo_row_with_json_choices_dates_and_timestamps() -> None:
    tree = await area_tree()
    entry = await make_access_entry(tree.streets["A"], await make_department())
    user = await make_user("somebody")
    await BaseUser.update({BaseUser.last_login: dt.datetime(2026, 11, 23, 9, 30)}, force=True)
    grid = tree.grids["A1-1"]
    for table, row_id in (
        (ResponsibilityGrid, grid["id"]),  # JSONB boundary, a choice, floats
        (AccessListEntry, entry["id"]),  # choices, dates
        (BaseUser, user["id"]),  # timestamps, a secret column
    ):
        expected = await piccolo_row(table, id=row_id)
        found = await crud.get_row(table, row_id)
        assert found == expected
        assert list(found) == list(expected)  # same keys in the same order
        assert [type(v) for v in found.values()] == [type(v) for v in expected.values()]
    assert isinstance((await crud.get_row(ResponsibilityGrid, grid["id"]))["boundary"], str)


async def test_get_by_a_column_takes_enums_and_finds_the_same_row() -> None:
    tree = await area_tree()
    entry = await make_access_entry(tree.streets["B"], await make_department())
    street = tree.streets["B"]
    assert await crud.get_by(Street, "code", street["code"]) == await piccolo_row(
        Street, code=street["code"]
    )
    assert (await crud.get_by(AccessListEntry, "status", AccessStatus.approved))["id"] == entry[
        "id"
    ]
    assert (await crud.get_by(ResponsibilityGrid, "kind", GridKind.residential))["kind"] == (
        "residential"
    )


async def test_missing_rows_name_the_field() -> None:
    await area_tree()
    with pytest.raises(NotFound) as missing:
        await crud.get_row(ResponsibilityGrid, 999_999, field="grid")
    assert missing.value.field == "grid"
    assert "responsibility_grid 999999 does not exist" in missing.value.detail
    with pytest.raises(NotFound) as unknown_code:
        await crud.get_by(Street, "code", "340705999", field="street")
    assert unknown_code.value.field == "street"
    with pytest.raises(ValidationFailed) as absent:
        await crud.get_row(Street, None, field="street")
    assert absent.value.field == "street"
    with pytest.raises(NotFound):
        await crud.get_by(Street, "code", None)


async def test_identifiers_come_from_the_table_class_only() -> None:
    with pytest.raises(AttributeError):
        await crud.get_by(Street, "code\" = 'x' OR \"1", "x")
