"""Helpers shared by the people tests: row counts and an account request."""

from __future__ import annotations

from typing import Any

from piccolo.apps.user.tables import BaseUser
from piccolo.table import Table

from app.people.schemas import StaffAccountCreate
from tables.people import GridAssignment, StaffMember

PASSWORD = "grid-pass-2026"


async def count(table: type[Table]) -> int:
    return await table.count().run()


async def counts() -> tuple[int, int, int]:
    """(logins, staff members, grid assignments) — to show a refusal wrote nothing."""
    return (await count(BaseUser), await count(StaffMember), await count(GridAssignment))


def account(**fields: Any) -> StaffAccountCreate:
    values: dict[str, Any] = {
        "username": "wangwg",
        "password": PASSWORD,
        "name": "王网格",
        "role": "community_worker",
        **fields,
    }
    return StaffAccountCreate(**values)
