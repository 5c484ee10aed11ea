"""PostgreSQL itself limits each scoped transaction to its scope (row-level security)."""

import datetime as dt

import pytest

from app.crud import insert_row
from app.db import DB
from app.errors import DomainError, Forbidden
from app.scope import Level, Scope, scope_for_user, scoped_transaction
from tables.areas import Community, ResponsibilityGrid
from tables.daily import CheckIn
from tables.piccolo_app import ALL_TABLES
from tables.system import AuditLog
from tests.factories import area_tree, make_staff, make_user


async def grid_codes() -> set[str]:
    return {g["code"] for g in await ResponsibilityGrid.select(ResponsibilityGrid.code).run()}


async def test_every_table_has_row_level_security_enabled() -> None:
    rows = await DB.run_ddl("SELECT relname FROM pg_class WHERE relrowsecurity AND relkind = 'r'")
    protected = {r["relname"] for r in rows}
    assert {t._meta.tablename for t in ALL_TABLES} <= protected


async def test_scope_is_read_from_the_staff_record() -> None:
    tree = await area_tree()
    worker = await make_staff("wg", community=tree.communities["A1"], grids=[tree.grids["A1-1"]])
    official = await make_staff("jd", role="street_official", street=tree.streets["B"])
    root = await make_user("root", superuser=True)
    plain = await make_user("nobody")
    worker_scope = await scope_for_user(worker["user"])
    assert worker_scope.level is Level.grid
    assert worker_scope.community_id == tree.communities["A1"]["id"]
    assert worker_scope.street_id == tree.streets["A"]["id"]
    assert worker_scope.grid_ids == {tree.grids["A1-1"]["id"]}
    assert (await scope_for_user(official["user"])).street_id == tree.streets["B"]["id"]
    assert (await scope_for_user(root["id"])).is_superuser
    assert (await scope_for_user(plain["id"])).level is Level.none


async def test_community_staff_see_and_change_only_their_community() -> None:
    tree = await area_tree()
    staff = await make_staff("sq", role="community_admin", community=tree.communities["A1"])
    scope = await scope_for_user(staff["user"])
    async with scoped_transaction(scope):
        assert await grid_codes() == {tree.grids["A1-1"]["code"], tree.grids["A1-2"]["code"]}
        assert await Community.count() == 1
        changed = (
            await ResponsibilityGrid.update({ResponsibilityGrid.name: "改名"})
            .where(ResponsibilityGrid.id == tree.grids["B1-1"]["id"])
            .returning(ResponsibilityGrid.id)
            .run()
        )
        assert changed == []
    assert (
        await ResponsibilityGrid.select()
        .where(ResponsibilityGrid.id == tree.grids["B1-1"]["id"])
        .first()
    )["name"] != "改名"


async def test_writing_into_another_community_is_refused_by_the_database() -> None:
    tree = await area_tree()
    staff = await make_staff("sq", role="community_admin", community=tree.communities["A1"])
    scope = await scope_for_user(staff["user"])
    with pytest.raises(Forbidden):
        async with scoped_transaction(scope):
            await insert_row(
                ResponsibilityGrid,
                {
                    "code": tree.communities["B1"]["code"] + "009",
                    "name": "越权网格",
                    "community": tree.communities["B1"]["id"],
                },
            )
    assert await ResponsibilityGrid.count() == 6


async def test_street_official_sees_the_whole_street_and_nothing_else() -> None:
    tree = await area_tree()
    official = await make_staff("jd", role="street_official", street=tree.streets["A"])
    async with scoped_transaction(await scope_for_user(official["user"])):
        codes = await grid_codes()
    assert codes == {tree.grids[k]["code"] for k in ("A1-1", "A1-2", "A2-1", "A2-2")}


async def test_grid_worker_reads_the_community_but_writes_only_own_check_ins() -> None:
    tree = await area_tree()
    worker = await make_staff("wg", community=tree.communities["A1"], grids=[tree.grids["A1-1"]])
    other = await make_staff("wg2", community=tree.communities["A1"], grids=[tree.grids["A1-2"]])
    scope = await scope_for_user(worker["user"])
    row = {
        "staff": worker["id"],
        "grid": tree.grids["A1-1"]["id"],
        "community": tree.communities["A1"]["id"],
        "local_date": dt.date(2026, 11, 20),
        "latitude": 30.905,
        "longitude": 117.802,
        "inside_grid": True,
        "counted": True,
    }
    async with scoped_transaction(scope):
        assert len(await grid_codes()) == 2
        await insert_row(CheckIn, row)
    for forged in ({"staff": other["id"]}, {"grid": tree.grids["A1-2"]["id"]}):
        with pytest.raises(Forbidden):
            async with scoped_transaction(scope):
                await insert_row(CheckIn, {**row, **forged})
    with pytest.raises(Forbidden):
        async with scoped_transaction(scope):
            await (
                ResponsibilityGrid.update({ResponsibilityGrid.name: "x"})
                .where(ResponsibilityGrid.id == tree.grids["A1-1"]["id"])
                .run()
            )
            await insert_row(
                ResponsibilityGrid,
                {
                    "code": tree.communities["A1"]["code"] + "009",
                    "name": "x",
                    "community": tree.communities["A1"]["id"],
                },
            )
    assert await CheckIn.count() == 1


async def test_audit_log_is_hidden_and_append_only_for_staff() -> None:
    tree = await area_tree()
    staff = await make_staff("sq", role="community_admin", community=tree.communities["A1"])
    scope = await scope_for_user(staff["user"])
    assert await AuditLog.count() > 0
    async with scoped_transaction(scope):
        assert await AuditLog.count() == 0
    with pytest.raises(Forbidden):
        async with scoped_transaction(scope):
            await AuditLog.delete(force=True).run()
    assert await AuditLog.count() > 0


async def test_a_login_without_staff_record_sees_no_scoped_rows() -> None:
    await area_tree()
    async with scoped_transaction(Scope(user_id=None, level=Level.none)):
        assert await ResponsibilityGrid.count() == 0
        assert await Community.count() == 0


async def test_street_official_creates_a_community_in_their_street_only() -> None:
    from app.areas.schemas import CommunityCreate
    from app.areas.services import create_community

    tree = await area_tree()
    official = await make_staff("jd", role="street_official", street=tree.streets["A"])
    scope = await scope_for_user(official["user"])
    async with scoped_transaction(scope):
        created = await create_community(
            CommunityCreate(
                code=tree.streets["A"]["code"] + "009",
                name="新社区",
                street=tree.streets["A"]["id"],
            )
        )
    assert created["code"].endswith("009")
    with pytest.raises(DomainError) as refused:
        async with scoped_transaction(scope):
            await create_community(
                CommunityCreate(
                    code=tree.streets["B"]["code"] + "009",
                    name="越权社区",
                    street=tree.streets["B"]["id"],
                )
            )
    assert refused.value.status in (403, 404)
    assert await Community.count() == 4
