"""Grid assignments: grids of the staff member's own community, once each, never street officials."""

from __future__ import annotations

import pytest

from app import crud
from app.errors import Conflict, NotFound, ValidationFailed
from app.people.schemas import GridAssignmentCreate, GridAssignmentUpdate
from app.people.services import create_grid_assignment, update_grid_assignment
from tables.people import GridAssignment
from tests.factories import area_tree, make_staff
from tests.people.support import count


async def test_assignment_takes_the_grid_community() -> None:
    tree = await area_tree()
    staff = await make_staff("worker1", community=tree.communities["A2"])
    assignment = await create_grid_assignment(
        GridAssignmentCreate(staff=staff["id"], grid=tree.grids["A2-2"]["id"], kind="assistant")
    )
    assert assignment["community"] == tree.communities["A2"]["id"]
    assert assignment["kind"] == "assistant"
    promoted = await update_grid_assignment(assignment["id"], GridAssignmentUpdate(kind="primary"))
    assert promoted["kind"] == "primary"


async def test_grid_of_another_community_is_refused() -> None:
    tree = await area_tree()
    staff = await make_staff("worker1", community=tree.communities["A1"])
    with pytest.raises(ValidationFailed) as exc:
        await create_grid_assignment(
            GridAssignmentCreate(staff=staff["id"], grid=tree.grids["A2-1"]["id"])
        )
    assert exc.value.field == "grid"
    assert await count(GridAssignment) == 0


async def test_street_official_cannot_be_assigned_to_grids() -> None:
    tree = await area_tree()
    official = await make_staff("official", role="street_official", street=tree.streets["A"])
    with pytest.raises(ValidationFailed) as exc:
        await create_grid_assignment(
            GridAssignmentCreate(staff=official["id"], grid=tree.grids["A1-1"]["id"])
        )
    assert exc.value.field == "staff"
    assert await count(GridAssignment) == 0


async def test_a_staff_member_is_assigned_to_a_grid_once() -> None:
    tree = await area_tree()
    staff = await make_staff(
        "worker1", community=tree.communities["A1"], grids=[tree.grids["A1-1"]]
    )
    with pytest.raises(Conflict) as exc:
        await create_grid_assignment(
            GridAssignmentCreate(staff=staff["id"], grid=tree.grids["A1-1"]["id"], kind="assistant")
        )
    assert exc.value.field == "grid"
    assert await count(GridAssignment) == 1
    other = await create_grid_assignment(
        GridAssignmentCreate(staff=staff["id"], grid=tree.grids["A1-2"]["id"])
    )
    with pytest.raises(Conflict) as exc:
        await update_grid_assignment(
            other["id"], GridAssignmentUpdate(grid=tree.grids["A1-1"]["id"])
        )
    assert exc.value.field == "grid"
    assert await crud.get_row(GridAssignment, other["id"]) == other


async def test_assignment_fields_are_checked() -> None:
    tree = await area_tree()
    staff = await make_staff("worker1", community=tree.communities["A1"])
    with pytest.raises(ValidationFailed) as exc:
        await create_grid_assignment(
            GridAssignmentCreate(staff=staff["id"], grid=tree.grids["A1-1"]["id"], kind="boss")
        )
    assert exc.value.field == "kind"
    with pytest.raises(NotFound) as missing:
        await create_grid_assignment(GridAssignmentCreate(staff=staff["id"], grid=999))
    assert missing.value.field == "grid"
    with pytest.raises(NotFound) as missing:
        await create_grid_assignment(GridAssignmentCreate(staff=999, grid=tree.grids["A1-1"]["id"]))
    assert missing.value.field == "staff"
    assert await count(GridAssignment) == 0
