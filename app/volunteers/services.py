"""Rules of volunteer service (志愿服务).

- Staff publish activities of their community: place on the map, time, places, skills.
- Sign-up: while places are free a sign-up gets one, after that it joins the waiting list
  (候补) in the order of signing up. The activity's advisory lock serialises every change of
  its places, so concurrent sign-ups never give one place twice.
- Cancel: until VOLUNTEER_CANCEL_CUTOFF_H hours before the start; a freed place goes to the
  first on the waiting list (`grid_volunteer_promote`, hand-written migration).
- Check-in and check-out at the place: a position within the activity's radius, or the
  organiser's live QR code (app/volunteers/qr.py).
- Hours: check-in to check-out, capped at the activity's length; confirmed by the organiser,
  who may lower them; points = hours × VOLUNTEER_POINTS_PER_HOUR.
- A volunteer sent to a work item: hours recorded with it, points alike.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from piccolo.apps.user.tables import BaseUser

from app import crud
from app.clock import local_today, utc_now
from app.db import write_transaction
from app.errors import Conflict, Forbidden, NotFound, ValidationFailed
from app.field.positions import path_length_m
from app.geo import check_point
from app.settings import settings
from app.validation import check_choice, check_optional_phone, check_text, check_whole
from app.volunteers import qr
from app.volunteers.schemas import (
    HoursConfirmation,
    Presence,
    SignupCreate,
    VolunteerActivityCreate,
    VolunteerActivityUpdate,
    VolunteerCreate,
    VolunteerServiceCreate,
    VolunteerTeamCreate,
    VolunteerTeamUpdate,
    VolunteerUpdate,
)
from tables.areas import Community, ResponsibilityGrid
from tables.choices import (
    CheckInMethod,
    SignupStatus,
    StaffRole,
    VolunteerActivityKind,
    VolunteerActivityStatus,
    VolunteerTeamKind,
)
from tables.people import StaffMember
from tables.places import Resident
from tables.volunteers import (
    Volunteer,
    VolunteerActivity,
    VolunteerService,
    VolunteerSignup,
    VolunteerTeam,
)
from tables.work import WorkItem

Row = dict[str, Any]
HUNDREDTH = Decimal("0.01")
MAX_SKILLS = 20
MAX_SLOTS = 1000
MAX_RADIUS_M = 2000
MAX_ACTIVITY_HOURS = 24
# A volunteer may check in this long before the start (to be there on time).
EARLY_CHECK_IN = dt.timedelta(minutes=30)
# A phone position worse than this cannot show that the volunteer is at the place.
MAX_ACCURACY_M = 200.0


def _skills(value: Any, field: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list | tuple) or len(value) > MAX_SKILLS:
        raise ValidationFailed(f"须为至多{MAX_SKILLS}项技能的列表 a list of skills", field=field)
    return list(dict.fromkeys(check_text(skill, field, 32) for skill in value))


def _moment(value: Any, field: str) -> dt.datetime:
    if not isinstance(value, dt.datetime) or value.tzinfo is None:
        raise ValidationFailed("须为带时区的时间 must be a time with an offset", field=field)
    return value


def points_for(hours: Decimal) -> Decimal:
    """Points earned for `hours` of confirmed service."""
    rate = Decimal(str(settings.volunteer_points_per_hour))
    return (hours * rate).quantize(HUNDREDTH, rounding=ROUND_HALF_UP)


def capped_hours(activity: Row, checked_in: dt.datetime, checked_out: dt.datetime) -> Decimal:
    """Check-in to check-out, never more than the activity lasts, in hundredths of an hour."""
    served = min(checked_out - checked_in, activity["ends_at"] - activity["starts_at"])
    seconds = max(served.total_seconds(), 0)
    return (Decimal(seconds) / Decimal(3600)).quantize(HUNDREDTH, rounding=ROUND_HALF_UP)


async def staff_of_user(user_id: int | None) -> Row | None:
    if user_id is None:
        return None
    return await StaffMember.select().where(StaffMember.user == user_id).first().run()


async def is_superuser(user_id: int | None) -> bool:
    if user_id is None:
        return False
    row = await BaseUser.select(BaseUser.superuser).where(BaseUser.id == user_id).first().run()
    return bool(row and row["superuser"])


# ---------------------------------------------------------------- teams and volunteers


async def clean_team(values: Row, current: Row | None) -> Row:
    community = await crud.get_row(Community, values.get("community"), field="community")
    return {
        "name": check_text(values.get("name"), "name", VolunteerTeam.name.length),
        "kind": check_choice(values.get("kind"), VolunteerTeamKind, "kind"),
        "community": community["id"],
        "unit": check_text(values.get("unit"), "unit", VolunteerTeam.unit.length, required=False),
    }


async def create_team(data: VolunteerTeamCreate, actor_id: int | None = None) -> Row:
    return await crud.create_with(VolunteerTeam, clean_team, crud.changes_of(data), actor_id)


async def update_team(team_id: int, data: VolunteerTeamUpdate, actor_id: int | None = None) -> Row:
    return await crud.update_with(
        VolunteerTeam, clean_team, team_id, crud.changes_of(data), actor_id
    )


async def clean_volunteer(values: Row, current: Row | None) -> Row:
    """A resident or a login (each a volunteer once); name and community follow from them."""
    resident_id, user_id = values.get("resident"), values.get("user")
    if resident_id is None and user_id is None:
        raise ValidationFailed(
            "志愿者须关联居民或登录账号 name a resident or a login", field="resident"
        )
    name = values.get("name") or ""
    community = values.get("community")
    if resident_id is not None:
        resident = await crud.get_row(Resident, resident_id, field="resident")
        name = name or resident["name"]
        community = resident["community"]
        await crud.ensure_unique(
            Volunteer,
            current,
            "resident",
            "该居民已是志愿者 already a volunteer",
            resident=resident_id,
        )
    if user_id is not None:
        await crud.get_row(BaseUser, user_id, field="user")
        staff = await staff_of_user(user_id)
        if staff is not None:
            community = community or staff["community"]
            name = name or staff["name"]
        await crud.ensure_unique(
            Volunteer, current, "user", "该账号已是志愿者 already a volunteer", user=user_id
        )
    community_row = await crud.get_row(Community, community, field="community")
    team = values.get("team")
    if team is not None:
        team_row = await crud.get_row(VolunteerTeam, team, field="team")
        if team_row["community"] != community_row["id"]:
            raise ValidationFailed(
                "服务队不在该志愿者所在社区 team of another community", field="team"
            )
    return {
        "resident": resident_id,
        "user": user_id,
        "name": check_text(name, "name", Volunteer.name.length),
        "phone": check_optional_phone(values.get("phone"), "phone"),
        "team": team,
        "community": community_row["id"],
        "skills": _skills(values.get("skills"), "skills"),
        "availability": check_text(values.get("availability"), "availability", 500, required=False),
    }


async def create_volunteer(data: VolunteerCreate, actor_id: int | None = None) -> Row:
    """Register a volunteer."""
    return await crud.create_with(Volunteer, clean_volunteer, crud.changes_of(data), actor_id)


async def update_volunteer(
    volunteer_id: int, data: VolunteerUpdate, actor_id: int | None = None
) -> Row:
    return await crud.update_with(
        Volunteer, clean_volunteer, volunteer_id, crud.changes_of(data), actor_id
    )


async def volunteer_of_user(user_id: int | None) -> Row:
    """The volunteer record of a login (the phone app's volunteer), or NotFound."""
    row = (
        await Volunteer.select().where(Volunteer.user == user_id).first().run()
        if user_id is not None
        else None
    )
    if row is None:
        raise NotFound("您还没有登记为志愿者 this login is not a volunteer", field="volunteer")
    return row


# ---------------------------------------------------------------- activities


async def clean_activity(values: Row, current: Row | None) -> Row:
    """Place, time, places and skills of an activity, in its community."""
    grid_id = values.get("grid")
    if grid_id is not None:
        grid = await crud.get_row(ResponsibilityGrid, grid_id, field="grid")
        if values.get("community") not in (None, grid["community"]):
            raise ValidationFailed("网格不在该社区 grid of another community", field="grid")
        community_id = grid["community"]
    else:
        community_id = (await crud.get_row(Community, values.get("community"), field="community"))[
            "id"
        ]
    check_point(values.get("longitude"), values.get("latitude"), field="latitude")
    starts_at = _moment(values.get("starts_at"), "starts_at")
    ends_at = _moment(values.get("ends_at"), "ends_at")
    if ends_at <= starts_at:
        raise ValidationFailed("结束时间须晚于开始时间 must end after it starts", field="ends_at")
    if ends_at - starts_at > dt.timedelta(hours=MAX_ACTIVITY_HOURS):
        raise ValidationFailed(
            f"一次活动至多{MAX_ACTIVITY_HOURS}小时 at most {MAX_ACTIVITY_HOURS} hours",
            field="ends_at",
        )
    slots = check_whole(values.get("slots"), "slots", 1, MAX_SLOTS)
    organiser = await crud.get_row(StaffMember, values.get("organiser"), field="organiser")
    if organiser["community"] not in (None, community_id):
        raise ValidationFailed(
            "组织者须为本社区工作人员 organiser of another community", field="organiser"
        )
    work_item = values.get("work_item")
    if work_item is not None:
        item = await crud.get_row(WorkItem, work_item, field="work_item")
        if item["community"] != community_id:
            raise ValidationFailed(
                "工作事项不在该社区 work item of another community", field="work_item"
            )
    if current is not None:
        taken = await _count(current["id"], SignupStatus.signed_up)
        if slots < taken:
            raise Conflict(
                f"已有{taken}人报名，名额不能少于此数 {taken} already signed up", field="slots"
            )
    return {
        "title": check_text(values.get("title"), "title", VolunteerActivity.title.length),
        "kind": check_choice(values.get("kind"), VolunteerActivityKind, "kind"),
        "description": check_text(values.get("description"), "description", 5000, required=False),
        "community": community_id,
        "grid": grid_id,
        "place": check_text(values.get("place"), "place", VolunteerActivity.place.length),
        "latitude": float(values["latitude"]),
        "longitude": float(values["longitude"]),
        "radius_m": check_whole(values.get("radius_m"), "radius_m", 10, MAX_RADIUS_M),
        "starts_at": starts_at,
        "ends_at": ends_at,
        "slots": slots,
        "skills_wanted": _skills(values.get("skills_wanted"), "skills_wanted"),
        "status": check_choice(
            values.get("status", VolunteerActivityStatus.published),
            VolunteerActivityStatus,
            "status",
        ),
        "organiser": organiser["id"],
        "work_item": work_item,
    }


async def publish_activity(data: VolunteerActivityCreate, actor_id: int | None = None) -> Row:
    """Publish an activity; the publishing staff member organises it unless another is named."""
    values = crud.changes_of(data)
    if values.get("organiser") is None:
        staff = await staff_of_user(actor_id)
        if staff is None:
            raise ValidationFailed("请指定组织者 name the organiser", field="organiser")
        values["organiser"] = staff["id"]
        if values.get("community") is None and values.get("grid") is None:
            values["community"] = staff["community"]
    return await crud.create_with(VolunteerActivity, clean_activity, values, actor_id)


async def update_activity(
    activity_id: int, data: VolunteerActivityUpdate, actor_id: int | None = None
) -> Row:
    """Change an activity; more places move the waiting list up."""
    async with write_transaction(actor_id):
        await serialise_activity(activity_id)
        row = await crud.update_with(
            VolunteerActivity, clean_activity, activity_id, crud.changes_of(data), actor_id
        )
        await _promote(activity_id)
        return row


async def serialise_activity(activity_id: int) -> None:
    """Until the transaction ends, every other change of this activity's places waits.

    An advisory lock rather than SELECT … FOR UPDATE: under row-level security a volunteer
    may read an activity but not lock it (locking needs the right to update it).
    """
    await crud.serialize_on(VolunteerActivity, activity_id)


async def _count(activity_id: int, status: str) -> int:
    return int(
        await VolunteerSignup.count()
        .where(VolunteerSignup.activity == activity_id, VolunteerSignup.status == status)
        .run()
    )


async def _promote(activity_id: int) -> int:
    rows = await VolunteerSignup.raw(
        "SELECT grid_volunteer_promote({}) AS moved", activity_id
    ).run()
    return int(rows[0]["moved"])


async def with_counts(rows: list[Row]) -> list[Row]:
    """Activities with their numbers signed up and waiting, in one query for the page."""
    ids = [row["id"] for row in rows]
    counts = (
        await VolunteerSignup.raw(
            "SELECT activity, count(*) FILTER (WHERE status = 'signed_up') AS signed_up,"
            " count(*) FILTER (WHERE status = 'waiting') AS waiting"
            " FROM volunteer_signup WHERE activity = ANY({}::int[]) GROUP BY activity",
            ids,
        ).run()
        if ids
        else []
    )
    by_id = {c["activity"]: c for c in counts}
    return [
        {
            **row,
            "signed_up": int(by_id.get(row["id"], {}).get("signed_up", 0)),
            "waiting": int(by_id.get(row["id"], {}).get("waiting", 0)),
        }
        for row in rows
    ]


# ---------------------------------------------------------------- sign-up and cancel


async def _signer(data_volunteer: int | None, actor_id: int | None) -> Row:
    if data_volunteer is None:
        return await volunteer_of_user(actor_id)
    return await crud.get_row(Volunteer, data_volunteer, field="volunteer")


async def sign_up(
    data: SignupCreate, actor_id: int | None = None, now: dt.datetime | None = None
) -> Row:
    """Sign a volunteer up: a place while there is one, else the waiting list."""
    moment = now or utc_now()
    async with write_transaction(actor_id):
        activity = await crud.get_row(VolunteerActivity, data.activity, field="activity")
        volunteer = await _signer(data.volunteer, actor_id)
        if activity["status"] != VolunteerActivityStatus.published:
            raise Conflict("活动已取消 the activity was cancelled", field="activity")
        if moment >= activity["starts_at"]:
            raise Conflict("活动已开始，不能再报名 the activity has started", field="activity")
        if volunteer["community"] != activity["community"]:
            raise ValidationFailed(
                "只能报名本社区的活动 activity of another community", field="activity"
            )
        await serialise_activity(activity["id"])
        existing = (
            await VolunteerSignup.select()
            .where(
                VolunteerSignup.activity == activity["id"],
                VolunteerSignup.volunteer == volunteer["id"],
            )
            .first()
            .run()
        )
        if existing is not None and existing["status"] != SignupStatus.cancelled:
            raise Conflict("已报名该活动 already signed up", field="activity")
        taken = await _count(activity["id"], SignupStatus.signed_up)
        status = SignupStatus.signed_up if taken < activity["slots"] else SignupStatus.waiting
        values: Row = {
            "activity": activity["id"],
            "volunteer": volunteer["id"],
            "community": activity["community"],
            "status": status,
            "signed_up_at": moment,
            "cancelled_at": None,
        }
        if existing is None:
            return await crud.insert_row(VolunteerSignup, values)
        return await crud.update_row(VolunteerSignup, existing["id"], values)


async def _own_signup(signup_id: int, actor_id: int | None) -> tuple[Row, Row]:
    """The sign-up and its activity; a volunteer login may only act on its own sign-ups."""
    signup = await crud.get_row(VolunteerSignup, signup_id, field="signup")
    activity = await crud.get_row(VolunteerActivity, signup["activity"], field="activity")
    volunteer = await crud.get_row(Volunteer, signup["volunteer"], field="volunteer")
    if volunteer["user"] != actor_id:
        # Staff act on their community's sign-ups (row-level security limits which); a
        # volunteer login only on its own.
        staff = await staff_of_user(actor_id)
        if not await is_superuser(actor_id) and (
            staff is None or staff["role"] == StaffRole.volunteer
        ):
            raise Forbidden("只能操作自己的报名 not your sign-up", field="signup")
    return signup, activity


async def cancel_signup(
    signup_id: int, actor_id: int | None = None, now: dt.datetime | None = None
) -> Row:
    """Cancel until the cut-off before the start; the first waiting volunteer moves up."""
    moment = now or utc_now()
    async with write_transaction(actor_id):
        signup, activity = await _own_signup(signup_id, actor_id)
        if signup["status"] == SignupStatus.cancelled:
            raise Conflict("报名已取消 already cancelled", field="signup")
        cutoff = activity["starts_at"] - dt.timedelta(hours=settings.volunteer_cancel_cutoff_h)
        if moment > cutoff:
            raise Conflict(
                f"活动开始前{settings.volunteer_cancel_cutoff_h:g}小时内不能取消"
                " too close to the start to cancel",
                field="signup",
            )
        await serialise_activity(activity["id"])
        row = await crud.update_row(
            VolunteerSignup,
            signup["id"],
            {"status": SignupStatus.cancelled, "cancelled_at": moment},
        )
        await _promote(activity["id"])
        return row


# ---------------------------------------------------------------- check-in, check-out, hours


def _check_presence(activity: Row, presence: Presence, moment: dt.datetime) -> str:
    """How the volunteer showed they are at the place (position or QR), or ValidationFailed."""
    if presence.qr_token:
        qr.verify(presence.qr_token, activity["id"], moment)
        return CheckInMethod.qr
    if presence.latitude is None or presence.longitude is None:
        raise ValidationFailed(
            "请提供定位或扫描二维码 give a position or scan the code", field="latitude"
        )
    check_point(presence.longitude, presence.latitude, field="latitude")
    accuracy = presence.accuracy
    if accuracy is None or not 0 < accuracy <= MAX_ACCURACY_M:
        raise ValidationFailed(
            f"定位精度须在{MAX_ACCURACY_M:g}米以内 accuracy must be within {MAX_ACCURACY_M:g} m",
            field="accuracy",
        )
    distance = path_length_m(
        [(presence.latitude, presence.longitude), (activity["latitude"], activity["longitude"])]
    )
    if distance > activity["radius_m"]:
        raise ValidationFailed(
            f"距活动地点{distance:.0f}米，超出签到范围{activity['radius_m']}米"
            " too far from the place",
            field="latitude",
            distance_m=distance,
        )
    return CheckInMethod.position


async def check_in(
    signup_id: int, presence: Presence, actor_id: int | None = None, now: dt.datetime | None = None
) -> Row:
    """Check in at the place, from half an hour before the start until the end."""
    moment = now or utc_now()
    async with write_transaction(actor_id):
        signup, activity = await _own_signup(signup_id, actor_id)
        if signup["status"] != SignupStatus.signed_up:
            raise Conflict("没有报上名（候补或已取消） no place in this activity", field="signup")
        if signup["checked_in_at"] is not None:
            raise Conflict("已签到 already checked in", field="signup")
        if not activity["starts_at"] - EARLY_CHECK_IN <= moment <= activity["ends_at"]:
            raise Conflict("不在活动签到时间内 not the activity's time", field="signup")
        method = _check_presence(activity, presence, moment)
        return await crud.update_row(
            VolunteerSignup, signup["id"], {"checked_in_at": moment, "check_in_method": method}
        )


async def check_out(
    signup_id: int, presence: Presence, actor_id: int | None = None, now: dt.datetime | None = None
) -> Row:
    """Check out at the place; the hours are check-in to check-out, capped, to be confirmed."""
    moment = now or utc_now()
    async with write_transaction(actor_id):
        signup, activity = await _own_signup(signup_id, actor_id)
        if signup["checked_in_at"] is None:
            raise Conflict("尚未签到 not checked in", field="signup")
        if signup["checked_out_at"] is not None:
            raise Conflict("已签退 already checked out", field="signup")
        _check_presence(activity, presence, moment)
        hours = capped_hours(activity, signup["checked_in_at"], moment)
        return await crud.update_row(
            VolunteerSignup, signup["id"], {"checked_out_at": moment, "hours": hours}
        )


async def confirm_hours(
    signup_id: int, data: HoursConfirmation, actor_id: int | None = None
) -> Row:
    """The organiser confirms the hours (at most those checked in and out); points follow."""
    async with write_transaction(actor_id):
        signup = await crud.lock_row(VolunteerSignup, signup_id, field="signup")
        activity = await crud.get_row(VolunteerActivity, signup["activity"], field="signup")
        organiser = await crud.get_row(StaffMember, activity["organiser"], field="signup")
        if organiser["user"] != actor_id and not await is_superuser(actor_id):
            raise Forbidden(
                "只有活动组织者可以确认时长 only the organiser confirms hours", field="signup"
            )
        if signup["confirmed_at"] is not None:
            raise Conflict("时长已确认 already confirmed", field="signup")
        if signup["checked_out_at"] is None or signup["hours"] is None:
            raise Conflict("志愿者尚未签到签退 not checked in and out", field="signup")
        hours = Decimal(signup["hours"])
        if data.hours is not None:
            if not Decimal(0) <= data.hours <= hours:
                raise ValidationFailed(
                    f"须在0到{hours}小时之间 between 0 and the {hours} hours served", field="hours"
                )
            hours = data.hours.quantize(HUNDREDTH, rounding=ROUND_HALF_UP)
        return await crud.update_row(
            VolunteerSignup,
            signup["id"],
            {
                "hours": hours,
                "points": points_for(hours),
                "confirmed_at": utc_now(),
                "confirmed_by": actor_id,
            },
        )


async def issue_qr(activity_id: int, actor_id: int | None = None) -> tuple[str, dt.datetime]:
    """A live check-in code for the organiser (or a superuser) to show."""
    activity = await crud.get_row(VolunteerActivity, activity_id, field="activity")
    organiser = await crud.get_row(StaffMember, activity["organiser"], field="activity")
    if organiser["user"] != actor_id and not await is_superuser(actor_id):
        raise Forbidden(
            "只有活动组织者可以出示签到码 only the organiser shows the code", field="activity"
        )
    return qr.issue(activity["id"], utc_now())


# ---------------------------------------------------------------- service sent to a work item


async def clean_service(values: Row, current: Row | None) -> Row:
    item = await crud.get_row(WorkItem, values.get("work_item"), field="work_item")
    volunteer = await crud.get_row(Volunteer, values.get("volunteer"), field="volunteer")
    if volunteer["community"] != item["community"]:
        raise ValidationFailed(
            "志愿者不在该事项所在社区 volunteer of another community", field="volunteer"
        )
    served_on = values.get("served_on")
    if not isinstance(served_on, dt.date) or served_on > local_today():
        raise ValidationFailed("服务日期须为今天或之前 a day up to today", field="served_on")
    hours = values.get("hours")
    if not isinstance(hours, Decimal | int | float) or not 0 < Decimal(str(hours)) <= 24:
        raise ValidationFailed("时长须在0到24小时之间 between 0 and 24 hours", field="hours")
    hours = Decimal(str(hours)).quantize(HUNDREDTH, rounding=ROUND_HALF_UP)
    return {
        "work_item": item["id"],
        "volunteer": volunteer["id"],
        "community": item["community"],
        "served_on": served_on,
        "hours": hours,
        "points": points_for(hours),
        "note": check_text(values.get("note"), "note", 2000, required=False),
        "recorded_by": values.get("recorded_by"),
    }


async def record_service(data: VolunteerServiceCreate, actor_id: int | None = None) -> Row:
    """Record a volunteer's hours on a work item they were sent to."""
    values = {**crud.changes_of(data), "recorded_by": actor_id}
    return await crud.create_with(VolunteerService, clean_service, values, actor_id)


# ---------------------------------------------------------------- totals and ranking

# Confirmed hours and points of each volunteer in [$from, $to): activities by their start,
# service on work items by its day.
SERVED = """
SELECT v.id AS volunteer, v.name, v.community,
       COALESCE(a.hours, 0) + COALESCE(s.hours, 0) AS hours,
       COALESCE(a.points, 0) + COALESCE(s.points, 0) AS points
FROM volunteer v
LEFT JOIN (
    SELECT su.volunteer, sum(su.hours) AS hours, sum(su.points) AS points
    FROM volunteer_signup su JOIN volunteer_activity act ON act.id = su.activity
    WHERE su.confirmed_at IS NOT NULL AND act.starts_at >= {} AND act.starts_at < {}
    GROUP BY su.volunteer
) a ON a.volunteer = v.id
LEFT JOIN (
    SELECT volunteer, sum(hours) AS hours, sum(points) AS points
    FROM volunteer_service WHERE served_on >= {} AND served_on < {}
    GROUP BY volunteer
) s ON s.volunteer = v.id
WHERE v.community = {} AND (a.volunteer IS NOT NULL OR s.volunteer IS NOT NULL)
"""


def year_bounds(year: int) -> tuple[dt.datetime, dt.datetime]:
    zone = settings.timezone
    return dt.datetime(year, 1, 1, tzinfo=zone), dt.datetime(year + 1, 1, 1, tzinfo=zone)


async def yearly_ranking(community_id: int, year: int, limit: int = 50) -> list[Row]:
    """Volunteers of a community by points earned in `year`, ties sharing a rank."""
    start, end = year_bounds(year)
    rows = await Volunteer.raw(
        "SELECT rank() OVER (ORDER BY points DESC) AS rank, * FROM ("
        + SERVED
        + ") served ORDER BY points DESC, name LIMIT {}",
        start,
        end,
        start.date(),
        end.date(),
        community_id,
        limit,
    ).run()
    return [dict(row) for row in rows]


async def community_totals(
    community_ids: Sequence[int], start: dt.datetime, end: dt.datetime
) -> list[Row]:
    """Per community: activities held and confirmed hours in [start, end) — no names."""
    rows = await Volunteer.raw(
        """
        SELECT c.id AS community, c.code, c.name,
               (SELECT count(*) FROM volunteer_activity a
                WHERE a.community = c.id AND a.status = 'published'
                  AND a.starts_at >= {} AND a.starts_at < {}) AS activities,
               COALESCE((SELECT sum(su.hours) FROM volunteer_signup su
                         JOIN volunteer_activity a ON a.id = su.activity
                         WHERE a.community = c.id AND su.confirmed_at IS NOT NULL
                           AND a.starts_at >= {} AND a.starts_at < {}), 0)
               + COALESCE((SELECT sum(vs.hours) FROM volunteer_service vs
                           WHERE vs.community = c.id
                             AND vs.served_on >= {} AND vs.served_on < {}), 0) AS hours
        FROM community c WHERE c.id = ANY({}::int[]) ORDER BY c.code
        """,
        start,
        end,
        start,
        end,
        start.astimezone(settings.timezone).date(),
        end.astimezone(settings.timezone).date(),
        list(community_ids),
    ).run()
    return [dict(row) for row in rows]


# ---------------------------------------------------------------- the volunteer's phone


async def volunteer_home(user_id: int | None, now: dt.datetime | None = None) -> Row:
    """What a volunteer login sees on the phone: itself, this year's hours and points, and the
    activities of its community from yesterday on, with places taken and its own sign-up."""
    moment = now or utc_now()
    volunteer = await volunteer_of_user(user_id)
    year = moment.astimezone(settings.timezone).year
    ranking = {r["volunteer"]: r for r in await yearly_ranking(volunteer["community"], year, 1000)}
    mine = ranking.get(volunteer["id"], {})
    activities = await with_counts(
        await VolunteerActivity.select()
        .where(
            VolunteerActivity.community == volunteer["community"],
            VolunteerActivity.status == VolunteerActivityStatus.published,
            VolunteerActivity.ends_at >= moment - dt.timedelta(days=1),
        )
        .order_by(VolunteerActivity.starts_at)
        .limit(50)
        .run()
    )
    signups = {
        row["activity"]: row
        for row in await VolunteerSignup.select()
        .where(
            VolunteerSignup.volunteer == volunteer["id"],
            VolunteerSignup.activity.is_in([a["id"] for a in activities] or [0]),
        )
        .run()
    }
    return {
        "volunteer": {
            "id": volunteer["id"],
            "name": volunteer["name"],
            "hours": mine.get("hours", Decimal(0)),
            "points": mine.get("points", Decimal(0)),
            "rank": mine.get("rank"),
        },
        "activities": [{**a, "signup": signups.get(a["id"])} for a in activities],
    }
