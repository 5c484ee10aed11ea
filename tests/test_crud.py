"""app.crud lookups and inserts: one plain statement, the same rows Piccolo gives."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from piccolo.apps.user.tables import BaseUser
from piccolo.table import Table

from app import crud
from app.errors import NotFound, ValidationFailed
from tables.areas import ResponsibilityGrid, Street
from tables.choices import AccessStatus, GridKind, WorkCategory
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


async def test_insert_row_stores_and_returns_what_a_piccolo_insert_does() -> None:
    tree = await area_tree()
    street, department = tree.streets["A"], await make_department()
    given = {  # an enum, a FK given as an id, defaults for the rest (choices, dates, text)
        "street": street["id"],
        "department": department["id"],
        "name": "入户走访",
        "category": WorkCategory.civil_affairs,
        "legal_basis": "《条例》第十条",
    }
    ours = await crud.insert_row(AccessListEntry, dict(given, name="ours"))
    theirs = (
        await AccessListEntry.insert(AccessListEntry(**dict(given, name="theirs")))
        .returning(*AccessListEntry.all_columns())
        .run()
    )[0]
    assert list(ours) == list(theirs)  # every column, in the same order
    differing = {"id", "name", "created_at"}  # created_at: each row's own now()
    assert [type(v) for v in ours.values()] == [type(v) for v in theirs.values()]
    assert {k: v for k, v in ours.items() if k not in differing} == {
        k: v for k, v in theirs.items() if k not in differing
    }
    assert ours["status"] == AccessStatus.proposed.value and ours["decided_by"] is None
    assert await piccolo_row(AccessListEntry, id=ours["id"]) == ours

    grid = await crud.insert_row(  # a JSONB column given as an object is stored as JSON
        ResponsibilityGrid,
        {
            "code": f"{tree.communities['A1']['code']}099",
            "name": "九十九",
            "community": tree.communities["A1"]["id"],
            "boundary": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]},
        },
    )
    assert (await piccolo_row(ResponsibilityGrid, id=grid["id"]))["boundary"] == grid["boundary"]
    assert '"Polygon"' in grid["boundary"]


async def test_insert_row_refuses_what_a_piccolo_row_refuses() -> None:
    tree = await area_tree()
    with pytest.raises(ValueError, match="department wasn't provided"):
        await crud.insert_row(AccessListEntry, {"street": tree.streets["A"]["id"], "name": "x"})
    with pytest.raises(ValueError, match="Unrecognized columns"):
        await crud.insert_row(Street, {"code": "340705999", "name": "x", "district": 1, "x": 1})
    assert await Street.count().where(Street.code == "340705999").run() == 0
