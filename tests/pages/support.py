"""Reading drawn maps back: grid paths from the SVG, turned into longitude/latitude."""

from __future__ import annotations

import re

from app.pages.maps import Projection

SVG_ROOT = re.compile(r'<svg[^>]*id="grid-map"[^>]*>')
ATTRIBUTE = re.compile(r'data-(west|north|kx|scale|pad)="([^"]+)"')
GRID_PATH = re.compile(r'<path class="grid" data-grid-id="(\d+)" data-code="(\d+)" d="([^"]+)"')


def projection_of(html: str) -> Projection:
    root = SVG_ROOT.search(html)
    assert root, "no map drawn"
    values = {name: float(value) for name, value in ATTRIBUTE.findall(root.group(0))}
    return Projection(
        values["west"], values["north"], values["kx"], values["scale"], values["pad"], 0, 0
    )


def drawn_grids(html: str) -> dict[int, list[list[tuple[float, float]]]]:
    """Grid id → rings of (lon, lat), read back from the SVG paths through its projection."""
    projection = projection_of(html)
    grids: dict[int, list[list[tuple[float, float]]]] = {}
    for grid_id, _code, d in GRID_PATH.findall(html):
        rings = []
        for ring in d.split("Z"):
            points = re.findall(r"[ML]\s*(-?[\d.]+),(-?[\d.]+)", ring)
            if points:
                rings.append([projection.lon_lat(float(x), float(y)) for x, y in points])
        grids[int(grid_id)] = rings
    return grids
