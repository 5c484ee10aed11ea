"""The map's simplified shapes, kept across requests in this process (issue 14).

A shape is keyed by what it was made of: the table, the row's id and version, and the zoom.
The version is PostgreSQL's `xmin` system column, the transaction that wrote the row as it
is now. Every UPDATE writes a new row version with a new xmin, whoever makes it: this
process, another web process, the admin, a migration or plain SQL. A streaming replica has
the same row versions. A changed row is therefore another key, and nothing needs to be
invalidated. Versions come from the caller's scoped query, so row-level security has
already decided which rows a viewer gets. The cache only holds the shapes of those rows and
never widens what a viewer sees. docs/maps.md weighs xmin against a revision column.

Memory is bounded. An entry's weight is the bytes of its encoded GeoJSON and its GEOS
coordinates, plus a fixed overhead. That is a little more than the entry adds to the
process's RSS: for a five-corner grid, 1,630 against a measured 1,360 bytes. When the
weights pass MAX_WEIGHT, the least recently used entries are dropped.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from typing import Any

import msgspec
import shapely
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry

from tables.areas import Community

Row = dict[str, Any]
Key = tuple[Hashable, ...]
# 64 MiB: about 40,000 grid shapes, the whole city's 25,000 grids at one zoom and more.
MAX_WEIGHT = 64 * 2**20
# What one entry costs beyond its GeoJSON bytes (key, entry and shapely objects, the LRU's
# links) and what each coordinate costs in the GEOS geometry.
ENTRY_BYTES = 600
COORDINATE_BYTES = 16
MISSING: Any = object()

# The stored polygon of the rows whose shape is not cached, with the version read. It runs
# in the caller's transaction, so row-level security applies.
BOUNDARIES_SQL = {
    table: f"SELECT id, xmin AS version, boundary FROM {table} WHERE id = ANY({{}}::int[]) "
    "ORDER BY id"
    for table in ("district", "street", "community", "responsibility_grid")
}


@dataclass(frozen=True)
class Shape:
    """A geometry as the map draws it at one zoom. `geojson` is encoded once (msgspec.Raw,
    sent as it is), and `geometry` is kept for testing it against the box."""

    geometry: BaseGeometry
    geojson: msgspec.Raw

    @classmethod
    def of(cls, geometry: BaseGeometry) -> Shape:
        return cls(geometry, msgspec.Raw(msgspec.json.encode(mapping(geometry))))

    def meets(self, box: BaseGeometry) -> bool:
        return bool(self.geometry.intersects(box))

    @property
    def weight(self) -> int:
        coordinates = int(shapely.get_num_coordinates(self.geometry))
        return len(self.geojson) + COORDINATE_BYTES * coordinates + ENTRY_BYTES


def weight_of(shapes: Iterable[Shape | None]) -> int:
    """The cache weight of an entry holding `shapes` (None for a row without a shape)."""
    return ENTRY_BYTES + sum(s.weight for s in shapes if s is not None)


class ShapeCache:
    """Least recently used entries, bounded by their total weight, with counters."""

    def __init__(self, max_weight: int = MAX_WEIGHT) -> None:
        self.max_weight = max_weight
        self.weight = 0
        self.hits = self.misses = self.evictions = 0
        self._entries: OrderedDict[Key, tuple[Any, int]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: Key) -> Any:
        """The value stored at `key` (now the most recently used), or MISSING."""
        entry = self._entries.get(key)
        if entry is None:
            self.misses += 1
            return MISSING
        self.hits += 1
        self._entries.move_to_end(key)
        return entry[0]

    def put(self, key: Key, value: Any, weight: int) -> None:
        """Store `value`, dropping the least recently used entries beyond the cap. A value
        heavier than the whole cap is not kept."""
        if key in self._entries:
            self.weight -= self._entries.pop(key)[1]
        if weight > self.max_weight:
            return
        self._entries[key] = (value, weight)
        self.weight += weight
        while self.weight > self.max_weight:
            _, (_, dropped) = self._entries.popitem(last=False)
            self.weight -= dropped
            self.evictions += 1

    def clear(self) -> None:
        """Empty, with the counters back at zero."""
        self._entries.clear()
        self.weight = self.hits = self.misses = self.evictions = 0


SHAPES = ShapeCache()


def versions_key(rows: Iterable[Row]) -> str:
    """A short, stable key for a set of rows' ids and versions (the parts of a union, the
    grids of a community's topology)."""
    pairs = sorted((row["id"], row["version"]) for row in rows)
    return hashlib.blake2b(msgspec.json.encode(pairs), digest_size=16).hexdigest()


class Boundaries:
    """The stored polygons one answer needs. Each row is read at most once, in the caller's
    transaction (row-level security applies), and only when its shape is not cached."""

    def __init__(self) -> None:
        self._read: dict[tuple[str, int], Row] = {}

    async def of(self, table: str, ids: Iterable[int]) -> dict[int, Row]:
        """`{id: {id, version, boundary}}` of the rows of `ids` the scope sees."""
        ids = list(ids)
        wanted = [i for i in ids if (table, i) not in self._read]
        if wanted:
            for row in await Community.raw(BOUNDARIES_SQL[table], wanted).run():
                self._read[(table, row["id"])] = row
        return {i: self._read[(table, i)] for i in ids if (table, i) in self._read}


async def cached_shapes(
    boundaries: Boundaries,
    table: str,
    rows: list[Row],
    zoom: int,
    make: Callable[[Any], Shape | None],
) -> dict[int, Shape | None]:
    """The shape at `zoom` of each of `rows` (their `id` and `version`). A cached shape is
    used as it is. The others are read and made with `make` from the stored boundary, then
    kept under the version that was actually read."""
    shapes: dict[int, Shape | None] = {}
    missing = []
    for row in rows:
        found = SHAPES.get((table, row["id"], row["version"], zoom))
        if found is MISSING:
            missing.append(row["id"])
        else:
            shapes[row["id"]] = found
    for row_id, stored in (await boundaries.of(table, missing)).items():
        shape = shapes[row_id] = make(stored["boundary"])
        SHAPES.put((table, row_id, stored["version"], zoom), shape, weight_of([shape]))
    return shapes
