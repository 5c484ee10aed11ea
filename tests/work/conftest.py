"""A street with an approved access-list entry, a department, an official and a grid worker."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from tables.work import AccessRefusal, WorkItem, WorkItemEvent
from tests.factories import (
    Tree,
    area_tree,
    make_access_entry,
    make_department,
    make_staff,
    make_user,
)


@dataclass
class World:
    tree: Tree
    department: dict[str, Any]
    official: dict[str, Any]  # the deciding street official's login (BaseUser)
    entry: dict[str, Any]  # approved, open-ended, street A
    worker: dict[str, Any]  # active StaffMember of community A1


@pytest.fixture
async def world() -> World:
    tree = await area_tree()
    department = await make_department()
    official = await make_user("official")
    entry = await make_access_entry(tree.streets["A"], department)
    worker = await make_staff(
        "worker", community=tree.communities["A1"], grids=[tree.grids["A1-1"]]
    )
    return World(tree, department, official, entry, worker)


async def work_counts() -> tuple[int, int, int]:
    """(work items, work-item events, access refusals) currently stored."""
    return (await WorkItem.count(), await WorkItemEvent.count(), await AccessRefusal.count())
