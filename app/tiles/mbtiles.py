"""Raster tiles from an MBTiles file (SQLite, https://github.com/mapbox/mbtiles-spec), read
with the standard library's sqlite3, read-only.

MBTiles rows count tiles from the south (TMS); the web's XYZ scheme counts from the north,
so the row is flipped: tile_row = 2^z − 1 − y.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path

MEDIA_TYPES = {"png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "webp": "image/webp"}


@dataclass(frozen=True)
class MBTiles:
    path: Path
    format: str
    attribution: str
    min_zoom: int
    max_zoom: int
    bounds: list[float] | None

    @classmethod
    def open(cls, path: Path) -> MBTiles:
        """The file's metadata, or ValueError saying why it cannot be served."""
        try:
            with _connect(path) as connection:
                metadata = dict(connection.execute("SELECT name, value FROM metadata").fetchall())
                zooms = connection.execute(
                    "SELECT min(zoom_level), max(zoom_level) FROM tiles"
                ).fetchone()
        except sqlite3.Error as exc:
            raise ValueError(f"{path} is not a readable MBTiles file: {exc}") from None
        tile_format = str(metadata.get("format") or "png").lower()
        if tile_format not in MEDIA_TYPES:
            raise ValueError(f"{path} holds {tile_format} tiles; png, jpg or webp are served")
        bounds = None
        with contextlib.suppress(KeyError, ValueError):
            bounds = [float(v) for v in str(metadata["bounds"]).split(",")]
        return cls(
            path=path,
            format=tile_format,
            attribution=str(metadata.get("attribution") or ""),
            min_zoom=int(metadata.get("minzoom") or zooms[0] or 0),
            max_zoom=int(metadata.get("maxzoom") or zooms[1] or 18),
            bounds=bounds if bounds and len(bounds) == 4 else None,
        )

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[self.format]

    def tile(self, z: int, x: int, y: int) -> bytes | None:
        """The tile at XYZ address z/x/y, or None when the file has none there."""
        row = (1 << z) - 1 - y
        found = (
            _thread_connection(self.path)
            .execute(
                "SELECT tile_data FROM tiles WHERE zoom_level = ? AND tile_column = ?"
                " AND tile_row = ?",
                (z, x, row),
            )
            .fetchone()
        )
        return bytes(found[0]) if found else None


def _connect(path: Path) -> sqlite3.Connection:
    if not path.is_file():
        raise sqlite3.OperationalError("no such file")
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)


_local = threading.local()


def _thread_connection(path: Path) -> sqlite3.Connection:
    """One read-only connection per worker thread and file (sqlite3 connections stay in
    their thread)."""
    connections: dict[Path, sqlite3.Connection] = _local.__dict__.setdefault("connections", {})
    if path not in connections:
        connections[path] = _connect(path)
    return connections[path]
