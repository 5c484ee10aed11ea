"""Small, valid test data written straight to the database (services are tested elsewhere).

`area_tree()` builds one district with two streets; street A has communities A1 and A2,
each 0.01° square and split into two side-by-side grids; street B has one community B1.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from piccolo.apps.user.tables import BaseUser

from app.clock import local_today
from app.crud import insert_row
from app.geo import rectangle
from tables.areas import Community, District, ResponsibilityGrid, Street
from tables.people import GridAssignment, StaffMember
from tables.work import AccessListEntry, Department

PASSWORD = "test-password-123"


@dataclass
class Tree:
    district: dict[str, Any]
    streets: dict[str, dict[str, Any]] = field(default_factory=dict)
    communities: dict[str, dict[str, Any]] = field(default_factory=dict)
    grids: dict[str, dict[str, Any]] = field(default_factory=dict)


async def make_district(code: str = "340705", name: str = "铜官区") -> dict[str, Any]:
    return await insert_row(District, {"code": code, "name": name})


async def make_street(
    district: dict[str, Any], suffix: str = "001", name: str = "幸福街道"
) -> dict[str, Any]:
    return await insert_row(
        Street, {"code": district["code"] + suffix, "name": name, "district": district["id"]}
    )


async def make_community(
    street: dict[str, Any],
    suffix: str,
    west: float,
    south: float,
    size: float = 0.01,
    name: str = "社区",
) -> dict[str, Any]:
    return await insert_row(
        Community,
        {
            "code": street["code"] + suffix,
            "name": name,
            "street": street["id"],
            "boundary": rectangle(west, south, west + size, south + size),
        },
    )


async def make_grid(
    community: dict[str, Any],
    suffix: str,
    bounds: tuple[float, float, float, float],
    household_count: int = 350,
    kind: str = "residential",
) -> dict[str, Any]:
    west, south, east, north = bounds
    return await insert_row(
        ResponsibilityGrid,
        {
            "code": community["code"] + suffix,
            "name": f"第{int(suffix)}网格",
            "community": community["id"],
            "kind": kind,
            "household_count": household_count,
            "size_warning": kind == "residential" and not 250 <= household_count <= 500,
            "boundary": rectangle(west, south, east, north),
            "min_lon": west,
            "min_lat": south,
            "max_lon": east,
            "max_lat": north,
        },
    )


async def area_tree() -> Tree:
    """District 340705 → streets A (001), B (002) → communities A1, A2, B1 → grids."""
    district = await make_district()
    tree = Tree(district=district)
    tree.streets["A"] = await make_street(district, "001", "幸福街道")
    tree.streets["B"] = await make_street(district, "002", "和平街道")
    layout = {"A1": ("A", "001", 117.80), "A2": ("A", "002", 117.81), "B1": ("B", "001", 117.83)}
    for key, (street_key, suffix, west) in layout.items():
        community = await make_community(
            tree.streets[street_key], suffix, west, 30.90, name=f"{key}社区"
        )
        tree.communities[key] = community
        tree.grids[f"{key}-1"] = await make_grid(
            community, "001", (west, 30.90, west + 0.005, 30.91)
        )
        tree.grids[f"{key}-2"] = await make_grid(
            community, "002", (west + 0.005, 30.90, west + 0.01, 30.91)
        )
    return tree


async def make_user(username: str, superuser: bool = False) -> dict[str, Any]:
    user = await BaseUser.create_user(
        username=username,
        password=PASSWORD,
        email=f"{username}@example.org",
        active=True,
        admin=True,
        superuser=superuser,
    )
    return {"id": user.id, "username": username}


async def make_staff(
    username: str,
    role: str = "community_worker",
    community: dict[str, Any] | None = None,
    street: dict[str, Any] | None = None,
    grids: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """A login plus StaffMember, assigned (as primary) to `grids`."""
    user = await make_user(username)
    staff = await insert_row(
        StaffMember,
        {
            "user": user["id"],
            "name": username,
            "phone": "13800138000",
            "role": role,
            "street": street["id"] if street else None,
            "community": community["id"] if community else None,
        },
    )
    for grid in grids or []:
        await insert_row(
            GridAssignment,
            {
                "staff": staff["id"],
                "grid": grid["id"],
                "kind": "primary",
                "community": grid["community"],
            },
        )
    return staff


async def make_department(name: str = "区民政局", line: str = "民政") -> dict[str, Any]:
    return await insert_row(Department, {"name": name, "line": line})


async def make_access_entry(
    street: dict[str, Any],
    department: dict[str, Any],
    status: str = "approved",
    name: str = "高龄津贴申领初审",
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
) -> dict[str, Any]:
    return await insert_row(
        AccessListEntry,
        {
            "street": street["id"],
            "name": name,
            "department": department["id"],
            "category": "civil_affairs",
            "legal_basis": "《老年人权益保障法》第三十三条",
            "status": status,
            "valid_from": valid_from or local_today() - dt.timedelta(days=30),
            "valid_to": valid_to,
        },
    )


async def make_household(grid: dict[str, Any], room: str = "1-101") -> dict[str, Any]:
    """A building at the grid's south-west corner with one household in it."""
    from tables.places import Building, Household

    building = await insert_row(
        Building,
        {
            "code": f"{grid['code']}-{room}",
            "address": f"{grid['name']} {room}",
            "longitude": grid["min_lon"] + 0.0001,
            "latitude": grid["min_lat"] + 0.0001,
            "grid": grid["id"],
            "community": grid["community"],
        },
    )
    return await insert_row(
        Household,
        {
            "building": building["id"],
            "room": room,
            "grid": grid["id"],
            "community": grid["community"],
        },
    )


async def make_check_in_today(
    worker: dict[str, Any],
    grid: dict[str, Any],
    *,
    latitude: float,
    longitude: float,
    counted: bool = True,
) -> dict[str, Any]:
    """A check-in by `worker` in `grid` just now, at this point, inside the grid."""
    from tables.daily import CheckIn

    return await insert_row(
        CheckIn,
        {
            "staff": worker["id"],
            "grid": grid["id"],
            "community": grid["community"],
            "at": dt.datetime.now(dt.UTC),
            "local_date": local_today(),
            "latitude": latitude,
            "longitude": longitude,
            "inside_grid": True,
            "counted": counted,
        },
    )


async def make_work_item(
    community: dict[str, Any], access_entry: dict[str, Any], title: str = "高龄津贴申领初审"
) -> dict[str, Any]:
    from tables.work import WorkItem

    return await insert_row(
        WorkItem, {"access_entry": access_entry["id"], "community": community["id"], "title": title}
    )


async def make_indicator(
    name: str,
    weight: float = 1.0,
    kind: str = "scored",
    metric: str | None = None,
    max_score: float = 100.0,
) -> dict[str, Any]:
    from tables.assessment import Indicator

    return await insert_row(
        Indicator,
        {"name": name, "weight": weight, "kind": kind, "metric": metric, "max_score": max_score},
    )
