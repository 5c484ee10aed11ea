"""An MBTiles file built the way tippecanoe/gdal write one, and the app built around settings."""

from __future__ import annotations

import dataclasses
import io
import math
import sqlite3
import threading
from collections.abc import AsyncIterator, Iterable, Iterator
from contextlib import asynccontextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
from PIL import Image

from app.settings import settings


def png(color: tuple[int, int, int]) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (256, 256), color).save(buffer, "PNG")
    return buffer.getvalue()


def make_mbtiles(path: Path, tiles: Iterable[tuple[int, int, int, bytes]], **metadata: str) -> Path:
    """An MBTiles file holding `tiles` given by XYZ address (stored TMS, row flipped)."""
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE metadata (name text, value text)")
        db.execute(
            "CREATE TABLE tiles (zoom_level integer, tile_column integer, tile_row integer,"
            " tile_data blob)"
        )
        db.execute("CREATE UNIQUE INDEX tile_index ON tiles (zoom_level, tile_column, tile_row)")
        meta = {"name": "test", "format": "png", "minzoom": "10", "maxzoom": "16", **metadata}
        db.executemany("INSERT INTO metadata VALUES (?, ?)", meta.items())
        db.executemany(
            "INSERT INTO tiles VALUES (?, ?, ?, ?)",
            [(z, x, (1 << z) - 1 - y, data) for z, x, y, data in tiles],
        )
    db.close()
    return path


def tiles_covering(
    west: float, south: float, east: float, north: float, zooms: Iterable[int]
) -> Iterator[tuple[int, int, int]]:
    """Every XYZ tile address of the box at these zooms."""
    for z in zooms:
        n = 1 << z
        x0, x1 = int((west + 180) / 360 * n), int((east + 180) / 360 * n)
        y0, y1 = tile_row(north, n), tile_row(south, n)
        for x in range(x0, x1 + 1):
            for y in range(y0, y1 + 1):
                yield z, x, y


def tile_row(latitude: float, n: int) -> int:
    lat = math.radians(latitude)
    return int((1 - math.asinh(math.tan(lat)) / math.pi) / 2 * n)


class TileServer:
    """A tile server on a local port (its own thread): any /{z}/{x}/{y}.png is a PNG, and
    every path asked is recorded."""

    def __init__(self, tile: bytes) -> None:
        self.requested: list[str] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                owner.requested.append(self.path)
                parts = self.path.strip("/").removesuffix(".png").split("/")
                if len(parts) != 3 or not all(p.isdigit() for p in parts):
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("content-type", "image/png")
                self.send_header("content-length", str(len(tile)))
                self.end_headers()
                self.wfile.write(tile)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> TileServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/{{z}}/{{x}}/{{y}}.png"


def built_app(**changes: Any) -> Any:
    """The app as create_app() builds it with these settings changed (same database)."""
    import app.asgi

    original = app.asgi.settings
    app.asgi.settings = dataclasses.replace(settings, **changes)
    try:
        return app.asgi.create_app()
    finally:
        app.asgi.settings = original


@asynccontextmanager
async def app_with(**changes: Any) -> AsyncIterator[httpx.AsyncClient]:
    """A client of the app as built with these settings changed (same database)."""
    transport = httpx.ASGITransport(app=built_app(**changes))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http
