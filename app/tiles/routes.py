"""/tiles/basemap.json (which base map the browser draws) and /tiles/{z}/{x}/{y}.<format>
(tiles of the configured MBTiles file, for intranets that reach no tile server).

Public like the public map page: tiles and the base map's URL are no one's personal data.
The base map is chosen once, when the app is built (app/asgi.py puts it in `app.state`).
"""

from __future__ import annotations

import hashlib
from typing import Any

from litestar import Request, Response, Router, get

from app.errors import NotFound, ValidationFailed
from app.tiles.basemap import NO_BASE_MAP, BaseMap

MAX_ZOOM = 24
TILE_CACHE = "public, max-age=86400"
CONFIG_CACHE = "no-cache"


def base_map(request: Request[Any, Any, Any]) -> BaseMap:
    found = getattr(request.app.state, "base_map", None)
    return found if isinstance(found, BaseMap) else NO_BASE_MAP


@get("/basemap.json", include_in_schema=False)
async def basemap_json(request: Request[Any, Any, Any]) -> Response[dict[str, Any]]:
    """The base map's tile layers for Leaflet ({"kind": "none", "layers": []} when none)."""
    return Response(base_map(request).as_json(), headers={"cache-control": CONFIG_CACHE})


def tile_address(z: int, x: int, y_name: str) -> tuple[int, int, int, str]:
    """z, x, y and the extension of a tile path, or a problem naming the part at fault."""
    y_text, _, extension = y_name.partition(".")
    if not (y_text.isascii() and y_text.isdigit()):
        raise ValidationFailed(f"tile row must be a number, not {y_text!r}", field="y")
    y = int(y_text)
    if not 0 <= z <= MAX_ZOOM:
        raise ValidationFailed(f"zoom must be 0–{MAX_ZOOM}", field="z")
    if not (0 <= x < 1 << z and 0 <= y < 1 << z):
        raise NotFound(f"no tile {z}/{x}/{y}: x and y are below 2^{z}", field="y")
    return z, x, y, extension.lower()


@get("/{z:int}/{x:int}/{y_name:str}", include_in_schema=False, sync_to_thread=True)
def tile(request: Request[Any, Any, Any], z: int, x: int, y_name: str) -> Response[bytes]:
    """One tile of the MBTiles file, with an ETag (304 when unchanged) and a day of caching."""
    tiles = base_map(request).mbtiles
    if tiles is None:
        raise NotFound("本系统未配置离线底图 no MBTiles file is configured (MAP_MBTILES)")
    z, x, y, extension = tile_address(z, x, y_name)
    if extension and extension != tiles.format:
        raise NotFound(f"the tiles are .{tiles.format}, not .{extension}", field="y")
    data = tiles.tile(z, x, y)
    if data is None:
        raise NotFound(f"底图没有这块瓦片 no tile {z}/{x}/{y} in the MBTiles file", field="y")
    etag = '"' + hashlib.sha256(data).hexdigest()[:20] + '"'
    headers = {"cache-control": TILE_CACHE, "etag": etag}
    if etag in request.headers.get("if-none-match", ""):
        return Response(b"", status_code=304, headers=headers)
    return Response(data, media_type=tiles.media_type, headers=headers)


tiles_router = Router(path="/tiles", route_handlers=[basemap_json, tile])
