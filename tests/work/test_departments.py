"""Departments: a non-blank, unique name and a line (条线)."""

import pytest

from app.errors import Conflict, ValidationFailed
from app.work.schemas import DepartmentCreate, DepartmentUpdate
from app.work.services import create_department, update_department
from tables.work import Department


async def test_create_department_strips_name_and_line() -> None:
    department = await create_department(DepartmentCreate(name="  区民政局 ", line=" 民政 "))
    assert (department["name"], department["line"]) == ("区民政局", "民政")
    assert await Department.count() == 1


async def test_blank_name_is_refused_and_nothing_written() -> None:
    with pytest.raises(ValidationFailed) as exc:
        await create_department(DepartmentCreate(name="   ", line="民政"))
    assert exc.value.field == "name"
    assert await Department.count() == 0


async def test_duplicate_name_is_a_conflict() -> None:
    await create_department(DepartmentCreate(name="区民政局", line="民政"))
    with pytest.raises(Conflict) as exc:
        await create_department(DepartmentCreate(name=" 区民政局", line="社保"))
    assert exc.value.field == "name"
    assert await Department.count() == 1


async def test_rename_to_another_departments_name_is_a_conflict() -> None:
    civil = await create_department(DepartmentCreate(name="区民政局", line="民政"))
    await create_department(DepartmentCreate(name="区人社局", line="社保"))
    with pytest.raises(Conflict) as exc:
        await update_department(civil["id"], DepartmentUpdate(name="区人社局"))
    assert exc.value.field == "name"
    stored = await Department.select().where(Department.name == "区民政局").first()
    assert stored is not None and stored["line"] == "民政"


async def test_update_keeps_own_name_and_changes_line() -> None:
    civil = await create_department(DepartmentCreate(name="区民政局", line="民政"))
    updated = await update_department(civil["id"], DepartmentUpdate(line="民政与养老"))
    assert (updated["name"], updated["line"]) == ("区民政局", "民政与养老")
    renamed = await update_department(civil["id"], DepartmentUpdate(name="区民政与养老局"))
    assert renamed["name"] == "区民政与养老局"
