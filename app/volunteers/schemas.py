"""Volunteer teams, volunteers, activities, sign-ups and service in and out of services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import msgspec


class VolunteerTeam(msgspec.Struct, kw_only=True):
    id: int
    name: str
    kind: str
    community: int
    unit: str
    created_at: dt.datetime


class VolunteerTeamCreate(msgspec.Struct, kw_only=True):
    name: str
    community: int
    kind: str = "community"
    unit: str = ""


class VolunteerTeamUpdate(msgspec.Struct, kw_only=True):
    name: str | msgspec.UnsetType = msgspec.UNSET
    kind: str | msgspec.UnsetType = msgspec.UNSET
    unit: str | msgspec.UnsetType = msgspec.UNSET


class Volunteer(msgspec.Struct, kw_only=True):
    id: int
    name: str
    resident: int | None
    user: int | None
    phone: str
    team: int | None
    community: int
    skills: list[str]
    availability: str
    created_at: dt.datetime


class VolunteerCreate(msgspec.Struct, kw_only=True):
    """A resident or a login (or both); the name and community follow from them if not given."""

    resident: int | None = None
    user: int | None = None
    name: str = ""
    phone: str = ""
    team: int | None = None
    community: int | None = None
    skills: list[str] = msgspec.field(default_factory=list)
    availability: str = ""


class VolunteerUpdate(msgspec.Struct, kw_only=True):
    name: str | msgspec.UnsetType = msgspec.UNSET
    phone: str | msgspec.UnsetType = msgspec.UNSET
    team: int | msgspec.UnsetType | None = msgspec.UNSET
    skills: list[str] | msgspec.UnsetType = msgspec.UNSET
    availability: str | msgspec.UnsetType = msgspec.UNSET


class VolunteerActivity(msgspec.Struct, kw_only=True):
    id: int
    title: str
    kind: str
    description: str
    community: int
    grid: int | None
    place: str
    latitude: float
    longitude: float
    radius_m: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    slots: int
    skills_wanted: list[str]
    status: str
    organiser: int
    work_item: int | None
    created_at: dt.datetime
    signed_up: int = 0
    waiting: int = 0


class VolunteerActivityCreate(msgspec.Struct, kw_only=True):
    """Published by staff; the organiser (default: the publishing staff member) confirms hours."""

    title: str
    place: str
    latitude: float
    longitude: float
    starts_at: dt.datetime
    ends_at: dt.datetime
    slots: int
    kind: str = "other"
    description: str = ""
    community: int | None = None
    grid: int | None = None
    radius_m: int = 200
    skills_wanted: list[str] = msgspec.field(default_factory=list)
    organiser: int | None = None
    work_item: int | None = None


class VolunteerActivityUpdate(msgspec.Struct, kw_only=True):
    title: str | msgspec.UnsetType = msgspec.UNSET
    kind: str | msgspec.UnsetType = msgspec.UNSET
    description: str | msgspec.UnsetType = msgspec.UNSET
    place: str | msgspec.UnsetType = msgspec.UNSET
    latitude: float | msgspec.UnsetType = msgspec.UNSET
    longitude: float | msgspec.UnsetType = msgspec.UNSET
    radius_m: int | msgspec.UnsetType = msgspec.UNSET
    starts_at: dt.datetime | msgspec.UnsetType = msgspec.UNSET
    ends_at: dt.datetime | msgspec.UnsetType = msgspec.UNSET
    slots: int | msgspec.UnsetType = msgspec.UNSET
    skills_wanted: list[str] | msgspec.UnsetType = msgspec.UNSET
    status: str | msgspec.UnsetType = msgspec.UNSET


class VolunteerSignup(msgspec.Struct, kw_only=True):
    id: int
    activity: int
    volunteer: int
    community: int
    status: str
    signed_up_at: dt.datetime
    cancelled_at: dt.datetime | None
    checked_in_at: dt.datetime | None
    checked_out_at: dt.datetime | None
    check_in_method: str
    hours: Decimal | None
    points: Decimal | None
    confirmed_at: dt.datetime | None
    confirmed_by: int | None


class SignupCreate(msgspec.Struct, kw_only=True):
    """Sign a volunteer up (staff name the volunteer; a volunteer login signs itself up)."""

    activity: int
    volunteer: int | None = None


class Presence(msgspec.Struct, kw_only=True):
    """Where the volunteer is when checking in or out: a position, or the organiser's QR code."""

    latitude: float | None = None
    longitude: float | None = None
    accuracy: float | None = None
    qr_token: str | None = None


class HoursConfirmation(msgspec.Struct, kw_only=True):
    """The organiser confirms the hours (optionally fewer than checked in and out)."""

    hours: Decimal | None = None


class VolunteerService(msgspec.Struct, kw_only=True):
    id: int
    work_item: int
    volunteer: int
    community: int
    served_on: dt.date
    hours: Decimal
    points: Decimal
    note: str
    recorded_by: int | None
    created_at: dt.datetime


class VolunteerServiceCreate(msgspec.Struct, kw_only=True):
    """A volunteer sent to a work item (e.g. a visit to an elderly resident) and their hours."""

    work_item: int
    volunteer: int
    served_on: dt.date
    hours: Decimal
    note: str = ""


class RankingRow(msgspec.Struct, kw_only=True):
    rank: int
    volunteer: int
    name: str
    hours: Decimal
    points: Decimal
