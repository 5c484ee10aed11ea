"""Who may do what, declared once: role level × resource × action → reach.

The reach says which rows an allowed action covers (`none` is a refusal). The database's
row-level security policies (migrations `…15_30_00` and later) and the services enforce it;
this table states it, so that the test suite (tests/security/test_permission_table.py) can
check every cell through the admin's table API and /api/v1 against two streets and three
communities, and so that a reader can see the whole access model on one screen.

Levels are those of `app.scope.Level`: district (superuser), street (street official, street
API token), community (community admin and party secretary, community API token), grid
(grid workers and helpers), none (a login without a staff record). Read-only API tokens have
their level's reach for `read` and nothing else. `SESSION_ONLY` resources are refused to API
tokens whatever their level.

Where the implementation differs from what the domain asks, the difference is listed in
`KNOWN_GAPS` with its reason, and the test checks that it still behaves as listed (so the
list cannot go stale).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from app.scope import Level


class Action(StrEnum):
    read = "read"  # list, count, detail, search, export
    create = "create"
    update = "update"
    delete = "delete"


class Reach(StrEnum):
    """Which rows an allowed action covers, relative to the caller's place."""

    all = "all"  # every row
    street = "street"  # rows of the caller's street: street-level rows and its communities'
    street_communities = "street_communities"  # rows of the street's communities only
    community = "community"  # rows of the caller's community
    community_and_street = "community_and_street"  # …and the street-level rows of its street
    street_and_district = "street_and_district"  # street-level rows of its street, district rows
    own = "own"  # the caller's own rows (their daily work, their notices, their login)
    none = "none"  # refused


@dataclass(frozen=True)
class Grant:
    read: Reach = Reach.none
    create: Reach = Reach.none
    update: Reach = Reach.none
    delete: Reach = Reach.none

    def reach(self, action: Action) -> Reach:
        return Reach(getattr(self, action.value))


D, S, C, G, N = Level.district, Level.street, Level.community, Level.grid, Level.none
ALL, STREET, COMMUNITIES = Reach.all, Reach.street, Reach.street_communities
COMMUNITY, COMMUNITY_AND_STREET, STREET_AND_DISTRICT, OWN, NONE = (
    Reach.community,
    Reach.community_and_street,
    Reach.street_and_district,
    Reach.own,
    Reach.none,
)


def grants(
    read: dict[Level, Reach],
    write: dict[Level, Reach] | None = None,
    *,
    create: dict[Level, Reach] | None = None,
    update: dict[Level, Reach] | None = None,
    delete: dict[Level, Reach] | None = None,
) -> dict[Level, Grant]:
    """One resource's row of the table; `write` is the default of create, update and delete."""
    write = write or {}
    by_action = {
        "create": create if create is not None else write,
        "update": update if update is not None else write,
        "delete": delete if delete is not None else write,
    }
    return {
        level: Grant(
            read=read.get(level, NONE),
            **{action: reach.get(level, NONE) for action, reach in by_action.items()},
        )
        for level in Level
    }


# Reading patterns.
REFERENCE = {D: ALL, S: ALL, C: ALL, G: ALL, N: ALL}  # not scoped: codes, names, calendars
COMMUNITY_DATA = {D: ALL, S: STREET, C: COMMUNITY, G: COMMUNITY}
STREET_DATA = {D: ALL, S: STREET, C: STREET, G: STREET}
# Writing patterns.
SUPERUSER = {D: ALL}
COMMUNITY_STAFF = {D: ALL, S: STREET, C: COMMUNITY}
STREET_OFFICIALS = {D: ALL, S: STREET}
SYSTEM: dict[Level, Reach] = {}  # written by the platform itself (jobs, services), never by hand

PERMISSIONS: dict[str, dict[Level, Grant]] = {
    # ---- areas: the district above everything, streets steered by their officials
    "district": grants(REFERENCE, SUPERUSER),
    "street": grants({D: ALL, S: STREET, C: STREET, G: STREET}, SUPERUSER, update=STREET_OFFICIALS),
    "community": grants(COMMUNITY_DATA, STREET_OFFICIALS, update={D: ALL, S: STREET, C: COMMUNITY}),
    "responsibility_grid": grants(COMMUNITY_DATA, COMMUNITY_STAFF),
    # ---- places and residents: community staff keep their community's records
    "building": grants(COMMUNITY_DATA, COMMUNITY_STAFF),
    "facility": grants(COMMUNITY_DATA, COMMUNITY_STAFF),
    "organisation": grants(COMMUNITY_DATA, COMMUNITY_STAFF),
    "household": grants(COMMUNITY_DATA, COMMUNITY_STAFF),
    "resident": grants(COMMUNITY_DATA, COMMUNITY_STAFF),
    # ---- people: everyone sees who works in the street; communities manage their own staff,
    # street officials their communities' staff (street officials are made by the district)
    "staff_member": grants(STREET_DATA, {D: ALL, S: COMMUNITIES, C: COMMUNITY}),
    "grid_assignment": grants(COMMUNITY_DATA, COMMUNITY_STAFF),
    # Leave says who is away (and why): the community's own staff and the street's officials.
    "leave": grants(
        {D: ALL, S: STREET, C: COMMUNITY_AND_STREET, G: COMMUNITY_AND_STREET},
        {D: ALL, S: COMMUNITIES, C: COMMUNITY},
    ),
    # Logins (usernames, e-mails) are managed by superusers only; staff see colleagues
    # through their staff records (staff_member), never through the login table.
    "piccolo_user": grants(SUPERUSER, SUPERUSER),
    # ---- work and the access list (准入): street officials keep the list, work enters only
    # through it and is tracked to its end (closed or rejected, never deleted by those it
    # was pushed to); grid workers move the items assigned to them
    "department": grants(REFERENCE, SUPERUSER),
    "access_list_entry": grants(STREET_DATA, STREET_OFFICIALS),
    "access_refusal": grants(
        {D: ALL, S: STREET, C: COMMUNITY_AND_STREET, G: COMMUNITY_AND_STREET}, SYSTEM
    ),
    "work_item": grants(
        COMMUNITY_DATA,
        create=COMMUNITY_STAFF,
        update={D: ALL, S: STREET, C: COMMUNITY, G: OWN},
        delete=SUPERUSER,
    ),
    "work_item_event": grants(COMMUNITY_DATA, SYSTEM),
    # ---- time limits (时限): the calendar is the district's; a street keeps its own
    # standards (the district default, no street, is a superuser's); stages, extension
    # requests and escalation steps are written by the services and the escalation job
    "work_calendar_day": grants(REFERENCE, SUPERUSER),
    # the district defaults (no street) are read by every login, a street's own inside it
    "time_limit_standard": grants(
        {
            D: ALL,
            S: STREET_AND_DISTRICT,
            C: STREET_AND_DISTRICT,
            G: STREET_AND_DISTRICT,
            N: STREET_AND_DISTRICT,
        },
        STREET_OFFICIALS,
    ),
    "work_item_stage": grants(COMMUNITY_DATA, SYSTEM),
    "extension_request": grants(COMMUNITY_DATA, SYSTEM),
    "escalation_step": grants(COMMUNITY_DATA, SYSTEM),
    # ---- daily work: a worker checks in and writes the diary in their own grids
    "check_in": grants(
        COMMUNITY_DATA,
        create={D: ALL, S: STREET, C: COMMUNITY, G: OWN},
        update={D: ALL, S: STREET, C: COMMUNITY, G: OWN},
        delete=COMMUNITY_STAFF,
    ),
    "diary_entry": grants(
        COMMUNITY_DATA,
        create={D: ALL, S: STREET, C: COMMUNITY, G: OWN},
        update={D: ALL, S: STREET, C: COMMUNITY, G: OWN},
        delete=COMMUNITY_STAFF,
    ),
    # ---- 网格通, the phone app (/m/): patrols, their tracks, field reports and photos are
    # recorded by grid workers on the phone and reviews given there (app/field, in the
    # caller's scope); the admin's table API and /api/v1 only read them. The community's
    # staff set how often care households are visited.
    "patrol": grants(COMMUNITY_DATA, SYSTEM),
    "patrol_point": grants(COMMUNITY_DATA, SYSTEM),
    "field_report": grants(COMMUNITY_DATA, SYSTEM),
    "field_photo": grants(COMMUNITY_DATA, SYSTEM),
    "diary_review": grants(COMMUNITY_DATA, SYSTEM),
    "care_visit_interval": grants(COMMUNITY_DATA, COMMUNITY_STAFF),
    # ---- assessment: steered by the street; results are computed by the platform
    "indicator": grants(REFERENCE, SUPERUSER),
    "assessment": grants(STREET_DATA, {D: ALL, S: STREET, C: STREET}),
    "assessment_score": grants(STREET_DATA, {D: ALL, S: STREET, C: STREET}),
    # Rollups rank staff and carry their subsidy grade: staff read them, a login without a
    # staff record does not.
    "evaluation_rollup": grants({D: ALL, S: ALL, C: ALL, G: ALL}, SYSTEM),
    # ---- supervision: raised by residents, handled and answered by staff; a record about
    # a community is never deleted by that community
    "supervision_record": grants(
        COMMUNITY_DATA, {D: ALL, S: STREET, C: COMMUNITY}, delete=SUPERUSER
    ),
    "public_notice": grants(COMMUNITY_DATA, COMMUNITY_STAFF),
    "open311_request": grants(COMMUNITY_DATA, SYSTEM),
    # Residents' cases are written by the residents' pages and the staff's forms (services)
    "resident_case": grants(COMMUNITY_DATA, SYSTEM),
    "tracking_code": grants(COMMUNITY_DATA, SYSTEM),
    # ---- system: notices to staff are theirs to read; the audit trail is for superusers
    "reminder": grants(
        {D: ALL, S: STREET, C: COMMUNITY, G: COMMUNITY},
        SYSTEM,
        update={D: ALL, S: OWN, C: OWN, G: OWN},
        delete=SUPERUSER,
    ),
    "audit_log": grants({D: ALL}, SYSTEM),
    "job_schedule": grants(REFERENCE, {D: ALL, S: STREET}),
    "rest_day": grants(REFERENCE, SUPERUSER),
    "subsidy_grade": grants(REFERENCE, SUPERUSER),
    "webhook_endpoint": grants({D: ALL}, SUPERUSER),
    "webhook_delivery": grants({D: ALL}, SYSTEM),
    "api_token": grants({D: ALL, S: STREET}, STREET_OFFICIALS, delete={}),
    # ---- party building (党建): the street keeps its working committee, communities their
    # organisations and members; who a member is leaves the server masked except for the
    # street and party secretaries (app/personal_data.py MEMBERSHIP_TABLES)
    "party_organisation": grants(
        {D: ALL, S: STREET, C: COMMUNITY_AND_STREET, G: COMMUNITY_AND_STREET},
        {D: ALL, S: STREET, C: COMMUNITY},
    ),
    # a branch's grids are attached and detached, never edited
    "party_organisation_grid": grants(COMMUNITY_DATA, COMMUNITY_STAFF, update=SYSTEM),
    "party_member": grants(COMMUNITY_DATA, COMMUNITY_STAFF),
    # ---- volunteer service (志愿服务): community staff publish and confirm; a volunteer
    # login signs itself up, cancels and checks in and out (its own sign-ups)
    "volunteer_team": grants(COMMUNITY_DATA, COMMUNITY_STAFF),
    "volunteer": grants(COMMUNITY_DATA, COMMUNITY_STAFF),
    # activities are cancelled (status), never deleted: their sign-ups and hours stay
    "volunteer_activity": grants(COMMUNITY_DATA, COMMUNITY_STAFF, delete=SYSTEM),
    # sign-ups change by their actions (cancel, check in and out, confirm), never deleted
    "volunteer_signup": grants(
        COMMUNITY_DATA,
        create={D: ALL, S: STREET, C: COMMUNITY, G: OWN},
        update={D: ALL, S: STREET, C: COMMUNITY, G: OWN},
        delete=SYSTEM,
    ),
    "volunteer_service": grants(COMMUNITY_DATA, COMMUNITY_STAFF),
    # ---- 一表通 statistics: templates, requests and department tokens are the street's,
    # read inside it; answers and their values the community's. All are written by the
    # statistics services (the access rule, versions, pre-fill, sums) through the 一表通
    # forms and /api/v1/statistics — street officials ask and return, communities fill in
    # and submit — never row by row in the admin's table API.
    "report_template": grants(STREET_DATA, SYSTEM),
    "report_field": grants(STREET_DATA, SYSTEM),
    "report_request": grants(STREET_DATA, SYSTEM),
    "department_token": grants(STREET_DATA, SYSTEM),
    "report_answer": grants(COMMUNITY_DATA, SYSTEM),
    "report_value": grants(COMMUNITY_DATA, SYSTEM),
}

# Managed with a login only: an API token never reads or changes these.
SESSION_ONLY = frozenset({"api_token", "piccolo_user", "audit_log", "webhook_endpoint"})


@dataclass(frozen=True)
class Gap:
    """A cell where the implementation is not (yet) what the table says, and why."""

    table: str
    level: Level
    action: Action
    implemented: Reach
    reason: str


# Differences between the table above and the implementation, each with its reason. The
# permission test checks these cells against `implemented`.
KNOWN_GAPS: list[Gap] = []


def reach(
    table: str, level: Level, action: Action, *, read_only: bool = False, token: bool = False
) -> Reach:
    """The reach of `action` on `table` for a caller of `level` (per this table)."""
    if token and table in SESSION_ONLY:
        return Reach.none
    if read_only and action is not Action.read:
        return Reach.none
    return PERMISSIONS[table][level].reach(action)
