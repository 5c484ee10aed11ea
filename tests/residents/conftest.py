"""Residents' pages over the Open311 test city (tests/open311/conftest.py): street A's
approved urban-management entry (a required 问题类型) and civil-affairs entry, its two
communities A1 and A2 with two grids each; helpers to submit as a resident would."""

from __future__ import annotations

import io
from typing import Any

import httpx
from PIL import Image

from app.residents.challenge import solve
from tests.open311.conftest import City, city, fresh_rate_limits  # noqa: F401

R = "/r/api"


def jpeg(width: int = 1200, height: int = 900, exif_gps: bool = True) -> bytes:
    """A camera-like photo: JPEG with EXIF (GPS of home and a camera model)."""
    image = Image.new("RGB", (width, height), (180, 120, 60))
    exif = Image.Exif()
    exif[0x0110] = "FakeCam 9"  # Model
    if exif_gps:
        exif[0x8825] = {1: "N", 2: (30.0, 54.0, 0.0), 3: "E", 4: (117.0, 48.0, 0.0)}
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90, exif=exif)
    return out.getvalue()


def from_address(address: str) -> httpx.AsyncClient:
    """A client whose requests come from `address` (the app sees it as request.client)."""
    from app.asgi import app

    transport = httpx.ASGITransport(app=app, client=(address, 40000))
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


async def proof(client: httpx.AsyncClient) -> dict[str, str]:
    """A solved challenge, as the page's script makes one."""
    issued = (await client.get(f"{R}/challenge")).json()
    return {"challenge": issued["challenge"], "nonce": solve(issued["challenge"], issued["bits"])}


def point_in(grid: dict[str, Any]) -> dict[str, str]:
    return {
        "latitude": str((grid["min_lat"] + grid["max_lat"]) / 2),
        "longitude": str((grid["min_lon"] + grid["max_lon"]) / 2),
    }


async def submit(
    client: httpx.AsyncClient,
    community: str,
    fields: dict[str, Any],
    photos: list[bytes] = (),  # type: ignore[assignment]
) -> httpx.Response:
    data = {**(await proof(client)), **fields}
    files = [("photos", (f"p{i}.jpg", photo, "image/jpeg")) for i, photo in enumerate(photos)]
    return await client.post(
        f"{R}/communities/{community}/submissions",
        data=data,
        files=files or None,
    )
