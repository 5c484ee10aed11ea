"""Staff, their grid assignments and their leave."""

from __future__ import annotations

import datetime as dt

from app.api.pagination import VALUE, Filter, by_code, date_range, equals, street_code
from app.api.resources import Resource, plain_delete
from app.people import schemas, services
from tables.choices import StaffRole
from tables.people import GridAssignment, Leave, StaffMember

STAFF = Resource(
    path="staff",
    table=StaffMember,
    output=schemas.StaffMember,
    noun="staff member",
    sort=("name", "role", "created_at", "id"),
    default_sort="name",
    filters=[
        equals("role", StaffRole, "role"),
        by_code("community", "community"),
        Filter(
            "street",
            str,
            f"(street = (SELECT id FROM street WHERE code = {VALUE}) OR community IN"
            " (SELECT c.id FROM community c JOIN street s ON s.id = c.street"
            f" WHERE s.code = {VALUE}))",
            "street code: the street's officials and the staff of its communities",
        ),
        equals("active", bool, "in post"),
    ],
    create=(schemas.StaffAccountCreate, services.create_staff_account),
    update=(schemas.StaffMemberUpdate, services.update_staff_member),
    description=(
        "工作人员 Staff. Creating one creates its login (admin access, never superuser) and"
        " its grid assignments at once. Phones are masked for most roles. Staff are"
        " deactivated (`active: false`), not deleted."
    ),
)

GRID_ASSIGNMENTS = Resource(
    path="grid-assignments",
    table=GridAssignment,
    output=schemas.GridAssignment,
    noun="grid assignment",
    filters=[
        equals("staff", int, "staff member id"),
        by_code("grid", "responsibility_grid"),
        by_code("community", "community"),
        street_code(),
    ],
    create=(schemas.GridAssignmentCreate, services.create_grid_assignment),
    update=(schemas.GridAssignmentUpdate, services.update_grid_assignment),
    delete=plain_delete(GridAssignment),
    description="网格分配 Which staff member works which grid (primary or assistant).",
)

LEAVE = Resource(
    path="leave",
    table=Leave,
    output=schemas.Leave,
    noun="leave record",
    sort=("starts_on", "ends_on", "id"),
    default_sort="-starts_on",
    filters=[
        equals("staff", int, "staff member id"),
        Filter(
            "on",
            dt.date,
            f"starts_on <= {VALUE} AND ends_on >= {VALUE}",
            "leave covering this day",
        ),
        *date_range("starts_on", dt.date),
    ],
    create=(schemas.LeaveCreate, services.create_leave),
    update=(schemas.LeaveUpdate, services.update_leave),
    delete=plain_delete(Leave),
    description="请假 Leave; no two leave records of one person overlap.",
)

RESOURCES = [STAFF, GRID_ASSIGNMENTS, LEAVE]
