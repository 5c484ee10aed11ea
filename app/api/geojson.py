"""GeoJSON (RFC 7946) output of areas and places: FeatureCollections for maps and GIS tools."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import msgspec
from litestar.openapi.spec import OpenAPIMediaType, Operation, Reference

from app.geo import stored_geojson

GEOJSON = "application/geo+json"


class Feature(msgspec.Struct, kw_only=True):
    type: Literal["Feature"] = "Feature"
    id: int
    geometry: dict[str, Any] | None
    properties: dict[str, Any]


class FeatureCollection(msgspec.Struct, kw_only=True):
    """The features of one page of a list (the same filters, sort and paging)."""

    type: Literal["FeatureCollection"] = "FeatureCollection"
    features: list[Feature]
    total: int


def polygon_feature(row: dict[str, Any], properties: dict[str, Any]) -> Feature:
    """A feature whose geometry is the row's `boundary` (stored as GeoJSON)."""
    return Feature(
        id=row["id"], geometry=stored_geojson(row.get("boundary")), properties=properties
    )


def point_feature(row: dict[str, Any], properties: dict[str, Any]) -> Feature:
    """A feature at the row's (longitude, latitude)."""
    return Feature(
        id=row["id"],
        geometry={"type": "Point", "coordinates": [row["longitude"], row["latitude"]]},
        properties=properties,
    )


@dataclass
class ListOperation(Operation):
    """A list operation that also answers `?format=geojson` with a FeatureCollection."""

    def __post_init__(self) -> None:
        ok = (self.responses or {}).get("200")
        content = getattr(ok, "content", None)
        if content is not None:
            content[GEOJSON] = OpenAPIMediaType(
                schema=Reference(ref="#/components/schemas/FeatureCollection")
            )
