"""A row that others still point at (ON DELETE RESTRICT) cannot be deleted: 409 naming them.

The cases come from the schema, not from a list: every ForeignKey with on_delete=restrict of
every table in ALL_TABLES. For each, a row that has such a dependent is deleted through
/api/v1 (where the resource has a delete) and through the admin's API as a superuser; the
answer must be 409 naming the dependent table and column in words, and the row must remain.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from piccolo.columns import OnDelete
from piccolo.table import Table

from admin.site import table_configs
from app.api.router import RESOURCES
from app.demo import load_demo
from app.record_names import table_words
from tables.piccolo_app import ALL_TABLES
from tests.admin.support import admin_login
from tests.api.support import API, assert_problem
from tests.conftest import DB, truncate_all
from tests.factories import make_user

pytestmark = pytest.mark.shared_data


@dataclass(frozen=True)
class Restrict:
    """`child.column` points at `parent` and keeps it from being deleted."""

    parent: type[Table]
    child: type[Table]
    column: str

    @property
    def field(self) -> str:
        return f"{self.child._meta.tablename}.{self.column}"

    def __str__(self) -> str:
        return f"{self.parent._meta.tablename}<-{self.field}"


def restrict_references() -> list[Restrict]:
    found = []
    for child in ALL_TABLES:
        for column in child._meta.foreign_key_columns:
            meta = column._foreign_key_meta
            if meta.on_delete == OnDelete.restrict:
                found.append(Restrict(meta.resolved_references, child, column._meta.name))
    return found


RESTRICTS = restrict_references()
API_RESOURCES = {r.tablename: r for r in RESOURCES if r.delete is not None}
ADMIN_CONFIGS = {config.table_class._meta.tablename: config for config in table_configs()}


def test_the_schema_has_restrict_references() -> None:
    # Guards the generation itself: a change in how ForeignKeys are read must not empty it.
    assert len(RESTRICTS) > 40
    assert "household.building" in {r.field for r in RESTRICTS}


ROOT = "dependents-root"


@pytest.fixture(scope="module", autouse=True)
async def demo() -> AsyncIterator[None]:
    """The demo district (a row in nearly every table) and a superuser, made once: every
    delete here is refused, so the data stays as loaded."""
    await load_demo()
    await make_user(ROOT, superuser=True)
    yield
    await truncate_all()


@pytest.fixture
async def superuser(client: httpx.AsyncClient) -> dict[str, str]:
    return await admin_login(client, ROOT)


async def parent_with_dependent(case: Restrict) -> tuple[Any, bool]:
    """The id of a `case.parent` row that `case.child.column` points at, and whether no other
    restrict reference points at it (then the refusal must name exactly this one)."""
    child, column = case.child._meta.tablename, case.column
    others = [
        f'NOT EXISTS (SELECT 1 FROM "{o.child._meta.tablename}" o '
        f'WHERE o."{o.column}" = c."{column}")'
        for o in RESTRICTS
        if o.parent is case.parent and o != case
    ]
    base = f'SELECT c."{column}" AS id FROM "{child}" c WHERE c."{column}" IS NOT NULL'
    only = await DB.run_ddl(f"{base} AND {' AND '.join(others or ['true'])} LIMIT 1")
    if only:
        return only[0]["id"], True
    rows = await DB.run_ddl(f"{base} LIMIT 1")
    assert rows, f"no {case.field} row to test with: seed one (demo or tests/factories.py)"
    return rows[0]["id"], False


async def referencing(parent: type[Table], row_id: Any) -> set[str]:
    """The `table.column`s whose rows really point at this row (any foreign key)."""
    found = set()
    for fk in parent._meta.foreign_key_references:
        child, column = fk._meta.table._meta.tablename, fk._meta.name
        query = f'SELECT 1 FROM "{child}" WHERE "{column}" = {int(row_id)} LIMIT 1'
        if await DB.run_ddl(query):
            found.add(f"{child}.{column}")
    return found


def assert_names_dependent(body: dict[str, Any], case: Restrict, exclusive: bool, refs: set[str]):
    field = body["field"]
    if exclusive:
        assert field == case.field, body
    assert field in refs, (body, refs)
    dependents = table_words(field.split(".")[0])
    assert dependents.zh in body["detail"] and dependents.en in body["detail"], body


async def still_there(table: type[Table], row_id: Any) -> bool:
    return bool(await table.exists().where(table._meta.primary_key == row_id).run())


@pytest.mark.parametrize("case", RESTRICTS, ids=str)
async def test_delete_of_a_row_with_a_dependent_is_refused(
    client: httpx.AsyncClient, superuser: dict[str, str], case: Restrict
) -> None:
    row_id, exclusive = await parent_with_dependent(case)
    refs = await referencing(case.parent, row_id)
    parent = case.parent._meta.tablename
    tried = []

    if resource := API_RESOURCES.get(parent):
        key = (
            await case.parent.select().where(case.parent._meta.primary_key == row_id).first().run()
        )[resource.key]  # type: ignore[index]
        response = await client.delete(f"{API}/{resource.path}/{key}", headers=superuser)
        body = assert_problem(response, 409)
        assert_names_dependent(body, case, exclusive, refs)
        assert body["dependent"]["table"] == body["field"].split(".")[0]
        assert await still_there(case.parent, row_id)
        tried.append("api")

    if config := ADMIN_CONFIGS.get(parent):
        response = await client.delete(f"/admin/api/tables/{parent}/{row_id}/", headers=superuser)
        refuses_deletes = any(h.hook_type.value == "pre_delete" for h in config.hooks or [])
        if refuses_deletes:
            # The table is written by the system only: refused before the database is asked.
            assert response.status_code == 403, response.text
        else:
            assert response.status_code == 409, response.text
            body = response.json()
            assert_names_dependent(body, case, exclusive, refs)
            assert body["field"] in body["db_error"]
        assert await still_there(case.parent, row_id)
        tried.append("admin")

    # Every table that others point at is offered for deletion somewhere; a table that is
    # not would leave this case untested, so it fails rather than passing unseen.
    assert tried, f"{parent} can be deleted neither through /api/v1 nor through the admin"
