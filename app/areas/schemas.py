"""Districts, streets, communities and responsibility grids in and out of services.

`boundary` is a GeoJSON Polygon object, stored in WGS84 lon/lat. A write may send it in the
`coordinate_system` it was drawn in (AMap/Tencent: GCJ-02, Baidu: BD-09): the services convert
it to WGS84, and the system itself is not stored. Services return database rows, where
Piccolo gives JSONB as text; `from_row` turns such a row into the output Struct.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeVar

import msgspec

from app.areas.rules import size_warning_message
from app.coordinates import CoordinateSystem
from tables.choices import GridKind

GeoJSON = dict[str, Any]


class District(msgspec.Struct, kw_only=True):
    id: int
    code: str
    name: str
    boundary: GeoJSON | None = None


class DistrictCreate(msgspec.Struct, kw_only=True):
    code: str
    name: str
    boundary: GeoJSON | None = None
    coordinate_system: CoordinateSystem | None = None


class DistrictUpdate(msgspec.Struct, kw_only=True):
    code: str | msgspec.UnsetType = msgspec.UNSET
    name: str | msgspec.UnsetType = msgspec.UNSET
    boundary: GeoJSON | msgspec.UnsetType | None = msgspec.UNSET
    coordinate_system: CoordinateSystem | msgspec.UnsetType | None = msgspec.UNSET


class Street(msgspec.Struct, kw_only=True):
    id: int
    code: str
    name: str
    district: int
    boundary: GeoJSON | None = None


class StreetCreate(msgspec.Struct, kw_only=True):
    code: str
    name: str
    district: int
    boundary: GeoJSON | None = None
    coordinate_system: CoordinateSystem | None = None


class StreetUpdate(msgspec.Struct, kw_only=True):
    code: str | msgspec.UnsetType = msgspec.UNSET
    name: str | msgspec.UnsetType = msgspec.UNSET
    district: int | msgspec.UnsetType = msgspec.UNSET
    boundary: GeoJSON | msgspec.UnsetType | None = msgspec.UNSET
    coordinate_system: CoordinateSystem | msgspec.UnsetType | None = msgspec.UNSET


class Community(msgspec.Struct, kw_only=True):
    id: int
    code: str
    name: str
    street: int
    boundary: GeoJSON | None = None


class CommunityCreate(msgspec.Struct, kw_only=True):
    code: str
    name: str
    street: int
    boundary: GeoJSON | None = None
    coordinate_system: CoordinateSystem | None = None


class CommunityUpdate(msgspec.Struct, kw_only=True):
    code: str | msgspec.UnsetType = msgspec.UNSET
    name: str | msgspec.UnsetType = msgspec.UNSET
    street: int | msgspec.UnsetType = msgspec.UNSET
    boundary: GeoJSON | msgspec.UnsetType | None = msgspec.UNSET
    coordinate_system: CoordinateSystem | msgspec.UnsetType | None = msgspec.UNSET


class Grid(msgspec.Struct, kw_only=True):
    """A responsibility grid; `size_warning` is derived, `size_warning_message` explains it."""

    id: int
    code: str
    name: str
    community: int
    kind: str
    household_count: int
    size_warning: bool
    size_warning_message: str = ""
    responsible_organisation: str = ""
    boundary: GeoJSON | None = None
    min_lon: float | None = None
    min_lat: float | None = None
    max_lon: float | None = None
    max_lat: float | None = None
    created_at: dt.datetime | None = None


class GridCreate(msgspec.Struct, kw_only=True):
    """A new grid; without a code it gets the community's next free sequence number."""

    community: int
    code: str | None = None
    name: str = ""
    kind: str = GridKind.residential.value
    household_count: int = 0
    responsible_organisation: str = ""
    boundary: GeoJSON | None = None
    coordinate_system: CoordinateSystem | None = None


class GridUpdate(msgspec.Struct, kw_only=True):
    code: str | msgspec.UnsetType = msgspec.UNSET
    name: str | msgspec.UnsetType = msgspec.UNSET
    community: int | msgspec.UnsetType = msgspec.UNSET
    kind: str | msgspec.UnsetType = msgspec.UNSET
    household_count: int | msgspec.UnsetType = msgspec.UNSET
    responsible_organisation: str | msgspec.UnsetType = msgspec.UNSET
    boundary: GeoJSON | msgspec.UnsetType | None = msgspec.UNSET
    coordinate_system: CoordinateSystem | msgspec.UnsetType | None = msgspec.UNSET


AreaT = TypeVar("AreaT", District, Street, Community, Grid)


def from_row(struct: type[AreaT], row: dict[str, Any]) -> AreaT:
    """The output Struct of an area row; grids get their warning text.

    A stored boundary (JSONB comes back as text, valid JSON written by PostgreSQL) is passed
    through as `msgspec.Raw`: encoded verbatim, not decoded and encoded again, which was most
    of the cost of a page of 50 grids. The row's columns are the Struct's fields, with the
    types asyncpg gives, so the Struct is built directly rather than converted.
    """
    values = dict(row)
    boundary = values.get("boundary")
    if isinstance(boundary, str):
        values["boundary"] = msgspec.Raw(boundary.encode())
    if struct is Grid:
        values["size_warning_message"] = size_warning_message(
            values["kind"], values["household_count"]
        )
    return struct(**values)
