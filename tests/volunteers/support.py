"""A community with an organiser, volunteers with logins, and an activity to sign up for."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from app.volunteers.schemas import VolunteerActivityCreate, VolunteerCreate
from app.volunteers.services import create_volunteer, publish_activity
from tests.factories import Tree, area_tree, make_staff

Row = dict[str, Any]
# The activity's place: inside grid A1-1 (117.800–117.805, 30.90–30.91).
PLACE = {"latitude": 30.905, "longitude": 117.8025}


@dataclass
class Scene:
    tree: Tree
    organiser: Row
    volunteers: list[Row] = field(default_factory=list)


async def scene(volunteers: int = 3) -> Scene:
    tree = await area_tree()
    organiser = await make_staff("sq_org", role="community_admin", community=tree.communities["A1"])
    made = Scene(tree=tree, organiser=organiser)
    for n in range(volunteers):
        staff = await make_staff(f"zy{n}", role="volunteer", community=tree.communities["A1"])
        made.volunteers.append(
            await create_volunteer(
                VolunteerCreate(user=staff["user"], name=f"志愿者{n}", skills=["理发"])
            )
        )
    return made


async def activity(
    s: Scene,
    slots: int = 2,
    starts_in: dt.timedelta = dt.timedelta(days=1),
    hours: float = 2,
) -> Row:
    starts = dt.datetime.now(dt.UTC).replace(microsecond=0) + starts_in
    return await publish_activity(
        VolunteerActivityCreate(
            title="为独居老人理发",
            kind="elderly_care",
            place="A1社区服务站",
            grid=s.tree.grids["A1-1"]["id"],
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=hours),
            slots=slots,
            skills_wanted=["理发"],
            **PLACE,
        ),
        s.organiser["user"],
    )
