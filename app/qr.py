"""QR codes as inline SVG (no image library in the page, nothing fetched)."""

from __future__ import annotations

import io

import qrcode
import qrcode.image.svg


def qr_svg(text: str, box_size: int = 12) -> str:
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=box_size)
    out = io.BytesIO()
    image.save(out)
    return out.getvalue().decode()
