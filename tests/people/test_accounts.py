"""A staff account is a login, a staff member and grid assignments created together, or nothing."""

from __future__ import annotations

import pytest
from piccolo.apps.user.tables import BaseUser

from app.errors import Conflict, NotFound, ValidationFailed
from app.people.services import create_staff_account
from tables.people import GridAssignment
from tables.system import AuditLog
from tests.factories import area_tree, make_user
from tests.people.support import PASSWORD, account, counts


async def test_community_worker_account_with_grids() -> None:
    tree = await area_tree()
    admin = await make_user("admin", superuser=True)
    grids = [tree.grids["A1-1"]["id"], tree.grids["A1-2"]["id"]]
    staff = await create_staff_account(
        account(community=tree.communities["A1"]["id"], grids=grids, phone="13912345678"),
        actor_id=admin["id"],
    )
    assert staff["community"] == tree.communities["A1"]["id"]
    assert staff["street"] == tree.streets["A"]["id"]  # derived from the community
    assert staff["phone"] == "13912345678"
    user = await BaseUser.select().where(BaseUser.id == staff["user"]).first().run()
    assert user is not None
    assert user["username"] == "wangwg"
    assert (user["admin"], user["superuser"], user["active"]) == (True, False, True)
    assert user["password"].startswith("pbkdf2_sha256$") and PASSWORD not in user["password"]
    assert await BaseUser.login("wangwg", PASSWORD) == staff["user"]
    assignments = await GridAssignment.select().where(GridAssignment.staff == staff["id"]).run()
    assert sorted(a["grid"] for a in assignments) == sorted(grids)
    assert {a["community"] for a in assignments} == {tree.communities["A1"]["id"]}
    assert {a["kind"] for a in assignments} == {"primary"}
    audit = await AuditLog.select().where(AuditLog.table_name == "staff_member").run()
    assert [row["actor_id"] for row in audit] == [admin["id"]]


async def test_street_official_account_is_scoped_to_a_street() -> None:
    tree = await area_tree()
    staff = await create_staff_account(
        account(username="jdzhang", role="street_official", street=tree.streets["B"]["id"])
    )
    assert (staff["street"], staff["community"]) == (tree.streets["B"]["id"], None)


async def test_accounts_without_email_do_not_collide() -> None:
    tree = await area_tree()
    community = tree.communities["A1"]["id"]
    await create_staff_account(account(username="a1", community=community))
    await create_staff_account(account(username="a2", community=community))
    emails = await BaseUser.select(BaseUser.email).output(as_list=True).run()
    assert len(set(emails)) == 2


@pytest.mark.parametrize(
    ("fields", "error", "field"),
    [
        (
            {"role": "street_official", "community": "A1", "street": "A"},
            ValidationFailed,
            "community",
        ),
        ({"role": "street_official"}, ValidationFailed, "street"),
        ({"role": "community_worker"}, ValidationFailed, "community"),
        ({"role": "mayor", "community": "A1"}, ValidationFailed, "role"),
        ({"community": "A1", "grids": ["A2-1"]}, ValidationFailed, "grids"),
        ({"community": "A1", "grids": ["A1-1", "B1-1"]}, ValidationFailed, "grids"),
        ({"role": "street_official", "street": "A", "grids": ["A1-1"]}, ValidationFailed, "grids"),
        ({"community": "A1", "grids": [999]}, NotFound, "grids"),
        (
            {"community": "A1", "assignment_kind": "boss", "grids": ["A1-1"]},
            ValidationFailed,
            "assignment_kind",
        ),
        ({"community": "A1", "phone": "12345"}, ValidationFailed, "phone"),
        ({"community": "A1", "password": "short12"}, ValidationFailed, "password"),
        ({"community": "A1", "username": "wang wg"}, ValidationFailed, "username"),
        ({"community": "A1", "email": "not-an-address"}, ValidationFailed, "email"),
        ({"community": "A1", "name": ""}, ValidationFailed, "name"),
    ],
)
async def test_refused_account_leaves_no_login_behind(
    fields: dict[str, object], error: type[Exception], field: str
) -> None:
    tree = await area_tree()
    values = dict(fields)
    if "community" in values:
        values["community"] = tree.communities[str(values["community"])]["id"]
    if "street" in values:
        values["street"] = tree.streets[str(values["street"])]["id"]
    if "grids" in values:
        values["grids"] = [
            tree.grids[key]["id"] if isinstance(key, str) else key
            for key in values["grids"]  # type: ignore[attr-defined]
        ]
    with pytest.raises(error) as exc:
        await create_staff_account(account(**values))
    assert exc.value.field == field  # type: ignore[attr-defined]
    assert await counts() == (0, 0, 0)


async def test_username_is_unique() -> None:
    tree = await area_tree()
    await make_user("wangwg")
    with pytest.raises(Conflict) as exc:
        await create_staff_account(account(community=tree.communities["A1"]["id"]))
    assert exc.value.field == "username"
    assert await counts() == (1, 0, 0)


async def test_email_is_unique() -> None:
    tree = await area_tree()
    await make_user("lisi")  # lisi@example.org
    with pytest.raises(Conflict) as exc:
        await create_staff_account(
            account(community=tree.communities["A1"]["id"], email="lisi@example.org")
        )
    assert exc.value.field == "email"
    assert await counts() == (1, 0, 0)
