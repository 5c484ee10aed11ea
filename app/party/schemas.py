"""Party organisations, their grids and party members in and out of services."""

from __future__ import annotations

import datetime as dt

import msgspec


class PartyOrganisation(msgspec.Struct, kw_only=True):
    id: int
    name: str
    level: str
    parent: int | None
    street: int
    community: int | None
    secretary: int | None
    created_at: dt.datetime
    grids: list[int] = msgspec.field(default_factory=list)


class PartyOrganisationCreate(msgspec.Struct, kw_only=True):
    """A street working committee names its street; every other level its parent (and the
    community follows from the parent, or is given under a street working committee)."""

    name: str
    level: str
    parent: int | None = None
    street: int | None = None
    community: int | None = None
    secretary: int | None = None
    grids: list[int] = msgspec.field(default_factory=list)


class PartyOrganisationUpdate(msgspec.Struct, kw_only=True):
    name: str | msgspec.UnsetType = msgspec.UNSET
    secretary: int | msgspec.UnsetType | None = msgspec.UNSET
    grids: list[int] | msgspec.UnsetType = msgspec.UNSET


class PartyMember(msgspec.Struct, kw_only=True):
    id: int
    member_name: str | None
    resident: int | None
    staff: int | None
    kind: str
    organisation: int | None
    community: int
    grid: int | None
    reporting_unit: str | None
    reported_on: dt.date | None
    joined_on: dt.date | None
    created_at: dt.datetime


class PartyMemberCreate(msgspec.Struct, kw_only=True):
    """A member is a resident or a staff member; an in-service member (双报到) names the unit
    they work at and the day they reported to the community."""

    kind: str = "resident"
    resident: int | None = None
    staff: int | None = None
    organisation: int | None = None
    grid: int | None = None
    reporting_unit: str = ""
    reported_on: dt.date | None = None
    joined_on: dt.date | None = None


class PartyMemberUpdate(msgspec.Struct, kw_only=True):
    kind: str | msgspec.UnsetType = msgspec.UNSET
    organisation: int | msgspec.UnsetType | None = msgspec.UNSET
    grid: int | msgspec.UnsetType | None = msgspec.UNSET
    reporting_unit: str | msgspec.UnsetType = msgspec.UNSET
    reported_on: dt.date | msgspec.UnsetType | None = msgspec.UNSET
    joined_on: dt.date | msgspec.UnsetType | None = msgspec.UNSET


class InServiceReport(msgspec.Struct, kw_only=True):
    """双报到: an in-service member reports to the community where they live."""

    unit: str
    reported_on: dt.date
    resident: int | None = None
    staff: int | None = None
    grid: int | None = None
    organisation: int | None = None
    joined_on: dt.date | None = None


class Coverage(msgspec.Struct, kw_only=True):
    """党建覆盖 of one community (or a street's communities together)."""

    grids: int
    grids_with_branch: int
    grids_with_party_leader: int
    members: int
    members_served: int
    in_service_members: int
    in_service_served: int
    in_service_by_unit: dict[str, int]
