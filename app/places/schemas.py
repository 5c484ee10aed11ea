"""Buildings, facilities, organisations, households and residents in and out of services."""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec

from app.coordinates import CoordinateSystem
from tables.choices import BuildingKind, FacilityKind, OrganisationKind


class Building(msgspec.Struct, kw_only=True):
    id: int
    code: str
    address: str
    kind: str
    longitude: float
    latitude: float
    floors: int | None
    grid: int
    community: int
    # GeoJSON Polygon (WGS84) of the building's outline, where the data has one.
    footprint: dict[str, Any] | None = None


class BuildingCreate(msgspec.Struct, kw_only=True):
    """A building in a grid; its code (grid code + sequence) is generated when left out."""

    address: str
    longitude: float
    latitude: float
    grid: int
    code: str | None = None
    kind: str = BuildingKind.residential.value
    floors: int | None = None
    footprint: dict[str, Any] | None = None
    # The system longitude/latitude and the footprint are given in (AMap/Tencent: GCJ-02,
    # Baidu: BD-09); they are stored converted to WGS84. Not stored itself.
    coordinate_system: CoordinateSystem | None = None


class BuildingUpdate(msgspec.Struct, kw_only=True):
    code: str | msgspec.UnsetType = msgspec.UNSET
    address: str | msgspec.UnsetType = msgspec.UNSET
    kind: str | msgspec.UnsetType = msgspec.UNSET
    longitude: float | msgspec.UnsetType = msgspec.UNSET
    latitude: float | msgspec.UnsetType = msgspec.UNSET
    floors: int | msgspec.UnsetType | None = msgspec.UNSET
    footprint: dict[str, Any] | msgspec.UnsetType | None = msgspec.UNSET
    grid: int | msgspec.UnsetType = msgspec.UNSET
    coordinate_system: CoordinateSystem | msgspec.UnsetType | None = msgspec.UNSET


class Facility(msgspec.Struct, kw_only=True):
    id: int
    name: str
    kind: str
    longitude: float
    latitude: float
    grid: int
    community: int
    # GeoJSON LineString (WGS84) of a road or other linear facility, where the data has one.
    path: dict[str, Any] | None = None


class FacilityCreate(msgspec.Struct, kw_only=True):
    name: str
    longitude: float
    latitude: float
    grid: int
    kind: str = FacilityKind.other.value
    path: dict[str, Any] | None = None
    # The system longitude/latitude and the path are given in (AMap/Tencent: GCJ-02,
    # Baidu: BD-09); they are stored converted to WGS84. Not stored itself.
    coordinate_system: CoordinateSystem | None = None


class FacilityUpdate(msgspec.Struct, kw_only=True):
    name: str | msgspec.UnsetType = msgspec.UNSET
    kind: str | msgspec.UnsetType = msgspec.UNSET
    longitude: float | msgspec.UnsetType = msgspec.UNSET
    latitude: float | msgspec.UnsetType = msgspec.UNSET
    path: dict[str, Any] | msgspec.UnsetType | None = msgspec.UNSET
    grid: int | msgspec.UnsetType = msgspec.UNSET
    coordinate_system: CoordinateSystem | msgspec.UnsetType | None = msgspec.UNSET


class Organisation(msgspec.Struct, kw_only=True):
    id: int
    name: str
    kind: str
    credit_code: str | None
    address: str
    contact_phone: str
    grid: int | None
    community: int


class OrganisationCreate(msgspec.Struct, kw_only=True):
    """A resident unit; its community comes from its grid, or is given when it has none."""

    name: str
    kind: str = OrganisationKind.enterprise.value
    credit_code: str | None = None
    address: str = ""
    contact_phone: str = ""
    grid: int | None = None
    community: int | None = None


class OrganisationUpdate(msgspec.Struct, kw_only=True):
    name: str | msgspec.UnsetType = msgspec.UNSET
    kind: str | msgspec.UnsetType = msgspec.UNSET
    credit_code: str | msgspec.UnsetType | None = msgspec.UNSET
    address: str | msgspec.UnsetType = msgspec.UNSET
    contact_phone: str | msgspec.UnsetType = msgspec.UNSET
    grid: int | msgspec.UnsetType | None = msgspec.UNSET
    community: int | msgspec.UnsetType = msgspec.UNSET


class Household(msgspec.Struct, kw_only=True):
    id: int
    building: int
    room: str
    member_count: int
    care_tags: list[str]
    grid: int
    community: int


class HouseholdCreate(msgspec.Struct, kw_only=True):
    """A dwelling; its grid and community come from its building."""

    building: int
    room: str
    member_count: int = 1
    care_tags: list[str] = msgspec.field(default_factory=list)


class HouseholdUpdate(msgspec.Struct, kw_only=True):
    building: int | msgspec.UnsetType = msgspec.UNSET
    room: str | msgspec.UnsetType = msgspec.UNSET
    member_count: int | msgspec.UnsetType = msgspec.UNSET
    care_tags: list[str] | msgspec.UnsetType = msgspec.UNSET


class Resident(msgspec.Struct, kw_only=True):
    """A resident as stored; pass it through app.masking before showing it to most roles."""

    id: int
    household: int
    name: str
    id_number: str | None
    phone: str
    birth_date: dt.date | None
    community: int
    created_at: dt.datetime


class ResidentCreate(msgspec.Struct, kw_only=True):
    """A resident of a household; the birth date is read from the ID number."""

    household: int
    name: str
    id_number: str | None = None
    phone: str = ""


class ResidentUpdate(msgspec.Struct, kw_only=True):
    household: int | msgspec.UnsetType = msgspec.UNSET
    name: str | msgspec.UnsetType = msgspec.UNSET
    id_number: str | msgspec.UnsetType | None = msgspec.UNSET
    phone: str | msgspec.UnsetType = msgspec.UNSET
