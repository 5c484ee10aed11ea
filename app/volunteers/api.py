"""/api/v1/volunteer-teams, /volunteers, /volunteer-activities, /volunteer-signups,
/volunteer-services: 志愿服务 for integrators and the phone pages' back end."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import msgspec
from litestar import get
from litestar.params import Parameter

from app.api.auth import Caller
from app.api.pagination import by_code, date_range, equals, street_code
from app.api.resources import Resource, Row, RowId, action_options
from app.crud import get_by
from app.scope import scoped_transaction
from app.volunteers import schemas, services
from tables.areas import Community
from tables.choices import SignupStatus, VolunteerActivityKind, VolunteerActivityStatus
from tables.volunteers import (
    Volunteer,
    VolunteerActivity,
    VolunteerService,
    VolunteerSignup,
    VolunteerTeam,
)

TEAMS = Resource(
    path="volunteer-teams",
    table=VolunteerTeam,
    output=schemas.VolunteerTeam,
    noun="volunteer team",
    sort=("name", "id"),
    default_sort="name",
    filters=[by_code("community", "community"), street_code()],
    create=(schemas.VolunteerTeamCreate, services.create_team),
    update=(schemas.VolunteerTeamUpdate, services.update_team),
    description="志愿服务队 Teams of a community, a unit or party members.",
)

VOLUNTEERS = Resource(
    path="volunteers",
    table=Volunteer,
    output=schemas.Volunteer,
    noun="volunteer",
    sort=("name", "created_at", "id"),
    default_sort="name",
    filters=[equals("team", int, "team id"), by_code("community", "community"), street_code()],
    create=(schemas.VolunteerCreate, services.create_volunteer),
    update=(schemas.VolunteerUpdate, services.update_volunteer),
    description="志愿者 Volunteers: a resident or a login, with skills and availability.",
)

ACTIVITIES = Resource(
    path="volunteer-activities",
    table=VolunteerActivity,
    output=schemas.VolunteerActivity,
    noun="volunteer activity",
    sort=("starts_at", "title", "created_at", "id"),
    default_sort="-starts_at",
    filters=[
        equals("kind", VolunteerActivityKind, "kind"),
        equals("status", VolunteerActivityStatus, "status"),
        by_code("grid", "responsibility_grid"),
        by_code("community", "community"),
        street_code(),
        *date_range("starts_at"),
    ],
    create=(schemas.VolunteerActivityCreate, services.publish_activity),
    update=(schemas.VolunteerActivityUpdate, services.update_activity),
    enrich=services.with_counts,
    description=(
        "志愿活动 Activities published by staff: place, time, places and skills; with the"
        " numbers signed up and waiting."
    ),
)


async def _sign_up(data: schemas.SignupCreate, actor_id: int | None) -> Row:
    return await services.sign_up(data, actor_id)


SIGNUPS = Resource(
    path="volunteer-signups",
    table=VolunteerSignup,
    output=schemas.VolunteerSignup,
    noun="volunteer sign-up",
    sort=("signed_up_at", "confirmed_at", "id"),
    default_sort="signed_up_at",
    filters=[
        equals("activity", int, "activity id"),
        equals("volunteer", int, "volunteer id"),
        equals("status", SignupStatus, "signed_up / waiting / cancelled"),
        by_code("community", "community"),
    ],
    create=(schemas.SignupCreate, _sign_up),
    description=(
        "报名 Sign-ups in order: a place while there is one, else the waiting list; cancel"
        " before the cut-off; check in and out at the place (position or QR code); the"
        " organiser confirms the hours."
    ),
)


async def _cancel(id: int, data: Any, caller: Caller) -> Row:
    return await services.cancel_signup(id, caller.actor_id)


async def _check_in(id: int, data: schemas.Presence, caller: Caller) -> Row:
    return await services.check_in(id, data, caller.actor_id)


async def _check_out(id: int, data: schemas.Presence, caller: Caller) -> Row:
    return await services.check_out(id, data, caller.actor_id)


async def _confirm(id: int, data: schemas.HoursConfirmation | None, caller: Caller) -> Row:
    return await services.confirm_hours(id, data or schemas.HoursConfirmation(), caller.actor_id)


SIGNUPS.extra = [
    SIGNUPS.action("cancel", "Cancel a sign-up (the waiting list moves up)", _cancel),
    SIGNUPS.action("check-in", "Check in at the place", _check_in, body=schemas.Presence),
    SIGNUPS.action("check-out", "Check out at the place", _check_out, body=schemas.Presence),
    SIGNUPS.action(
        "confirm", "Confirm the hours (organiser)", _confirm, body=schemas.HoursConfirmation
    ),
]

SERVICES = Resource(
    path="volunteer-services",
    table=VolunteerService,
    output=schemas.VolunteerService,
    noun="volunteer service on a work item",
    sort=("served_on", "id"),
    default_sort="-served_on",
    filters=[
        equals("work_item", int, "work item id"),
        equals("volunteer", int, "volunteer id"),
        by_code("community", "community"),
        *date_range("served_on", dt.date),
    ],
    create=(schemas.VolunteerServiceCreate, services.record_service),
    description="派单服务 A volunteer sent to a work item, with the hours served.",
)


class QrCode(msgspec.Struct, kw_only=True):
    token: str
    expires_at: dt.datetime


@get(
    "/volunteer-activities/{id:int}/qr",
    **action_options(ACTIVITIES, "Check-in QR code (organiser)", "qr", method="GET"),
)
async def activity_qr(caller: Caller, id: RowId) -> QrCode:
    """A signed code, valid a few minutes, that checks volunteers in at the place."""
    async with scoped_transaction(caller.scope):
        token, expires = await services.issue_qr(id, caller.actor_id)
    return QrCode(token=token, expires_at=expires)


@get(
    "/volunteer-ranking",
    **action_options(VOLUNTEERS, "Yearly ranking of a community", "ranking", method="GET"),
)
async def volunteer_ranking(
    caller: Caller,
    community: Annotated[str, Parameter(description="community code")],
    year: Annotated[int, Parameter(ge=2000, le=2100, description="year")],
) -> list[schemas.RankingRow]:
    """Volunteers of a community by points earned in the year."""
    async with scoped_transaction(caller.scope):
        row = await get_by(Community, "code", community, field="community")
        rows = await services.yearly_ranking(int(row["id"]), year)
    return [msgspec.convert(r, schemas.RankingRow, strict=False) for r in rows]


ACTIVITIES.extra = [activity_qr]
VOLUNTEERS.extra = [volunteer_ranking]

RESOURCES = [TEAMS, VOLUNTEERS, ACTIVITIES, SIGNUPS, SERVICES]
