"""Which base map the maps draw under their own layers, chosen once from settings.

In order of preference, the first one configured:
1. `MAP_MBTILES`: an MBTiles file served by the app at /tiles/{z}/{x}/{y}.<format> — street
   offices on a government intranet reach no tile server;
2. `TIANDITU_KEY`: Tianditu (天地图) WMTS vector (vec_w) and annotation (cva_w) layers in Web
   Mercator, from t0…t7.tianditu.gov.cn; CGCS2000 matches the stored WGS84 without an offset;
3. `MAP_TILE_URL` (+ `MAP_TILE_ATTRIBUTION`): any XYZ template, `{s}` for subdomains a, b, c.
None configured: no base layer, the app's own vector layers on a plain background.

The browser reads the choice from /tiles/basemap.json (the CSP forbids inline script), and
the Content-Security-Policy allows the chosen tile origins in img-src and nothing more.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from app.settings import Settings
from app.tiles.mbtiles import MBTiles

TIANDITU_HOSTS = tuple(f"t{n}.tianditu.gov.cn" for n in range(8))
TIANDITU_LAYER = (
    "https://t{s}.tianditu.gov.cn/{layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
    "&LAYER={layer}&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles"
    "&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk={key}"
)
TIANDITU_ATTRIBUTION = "天地图 tianditu.gov.cn"
XYZ_SUBDOMAINS = "abc"  # Leaflet's default for {s}
_HOST = re.compile(r"^[A-Za-z0-9.-]+(:[0-9]{1,5})?$")
_KEY = re.compile(r"^[A-Za-z0-9]+$")


class BaseMapMisconfigured(ValueError):
    """A base-map setting cannot be used; the message names the variable."""


@dataclass(frozen=True)
class TileLayer:
    url: str  # Leaflet URL template: {z} {x} {y}, and {s} for one of `subdomains`
    attribution: str = ""
    subdomains: str = ""
    min_zoom: int = 0
    max_zoom: int = 18

    def as_json(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "attribution": self.attribution,
            "subdomains": self.subdomains,
            "min_zoom": self.min_zoom,
            "max_zoom": self.max_zoom,
        }


@dataclass(frozen=True)
class BaseMap:
    kind: str  # none | mbtiles | tianditu | xyz
    layers: tuple[TileLayer, ...] = ()
    # Origins (scheme://host[:port]) the browser fetches tiles from, for the CSP's img-src.
    origins: tuple[str, ...] = ()
    mbtiles: MBTiles | None = None
    bounds: list[float] | None = field(default=None)

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "layers": [layer.as_json() for layer in self.layers],
            "bounds": self.bounds,
        }


NO_BASE_MAP = BaseMap(kind="none")


def base_map_of(settings: Settings) -> BaseMap:
    """The base map the settings choose, or BaseMapMisconfigured naming the variable at fault."""
    if settings.map_mbtiles:
        try:
            tiles = MBTiles.open(Path(settings.map_mbtiles))
        except ValueError as exc:
            raise BaseMapMisconfigured(f"MAP_MBTILES: {exc}") from None
        layer = TileLayer(
            url="/tiles/{z}/{x}/{y}." + tiles.format,
            attribution=settings.map_tile_attribution or tiles.attribution,
            min_zoom=tiles.min_zoom,
            max_zoom=tiles.max_zoom,
        )
        return BaseMap(kind="mbtiles", layers=(layer,), mbtiles=tiles, bounds=tiles.bounds)
    if settings.tianditu_key:
        key = settings.tianditu_key
        if not _KEY.match(key):
            raise BaseMapMisconfigured("TIANDITU_KEY must be the key's letters and digits")
        layers = tuple(
            TileLayer(
                url=TIANDITU_LAYER.replace("{layer}", layer).replace("{key}", key),
                attribution=TIANDITU_ATTRIBUTION if layer == "vec" else "",
                subdomains="01234567",
                min_zoom=1,
                max_zoom=18,
            )
            for layer in ("vec", "cva")
        )
        return BaseMap(
            kind="tianditu", layers=layers, origins=tuple(f"https://{h}" for h in TIANDITU_HOSTS)
        )
    if settings.map_tile_url:
        return BaseMap(
            kind="xyz",
            layers=(
                TileLayer(
                    url=settings.map_tile_url,
                    attribution=settings.map_tile_attribution,
                    subdomains=XYZ_SUBDOMAINS if "{s}" in settings.map_tile_url else "",
                ),
            ),
            origins=xyz_origins(settings.map_tile_url),
        )
    return NO_BASE_MAP


def xyz_origins(url: str) -> tuple[str, ...]:
    """The origins an XYZ template fetches from ({s} expanded), checked so that nothing but an
    origin can reach the CSP header."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise BaseMapMisconfigured(f"MAP_TILE_URL must be an http(s) URL, not {url!r}")
    missing = [p for p in ("{z}", "{x}", "{y}") if p not in url]
    if missing:
        raise BaseMapMisconfigured(f"MAP_TILE_URL lacks {', '.join(missing)}: {url!r}")
    hosts = (
        [parts.netloc.replace("{s}", s) for s in XYZ_SUBDOMAINS]
        if "{s}" in parts.netloc
        else [parts.netloc]
    )
    for host in hosts:
        if not _HOST.match(host):
            raise BaseMapMisconfigured(f"MAP_TILE_URL has an unusable host {host!r}")
    return tuple(f"{parts.scheme}://{host}" for host in hosts)
