"""Reading typed values out of spreadsheet cells, refusing with the field they belong to.

Excel stores codes typed as numbers (340705001001001) as numbers and whole numbers as floats;
these helpers give the services the text and integers they expect.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from app.errors import ValidationFailed

_LIST_SEPARATORS = re.compile(r"[,，、;；\s]+")


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def text(value: Any) -> str | None:
    """Cell text, stripped; numbers without their Excel float tail (3.0 → "3"); None if blank."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value).strip()


def whole_number(value: Any, field: str) -> int | None:
    """A whole number typed as a number or text, or None if blank."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise ValidationFailed("must be a whole number", field=field)
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    cleaned = str(value).strip()
    if re.fullmatch(r"[+-]?\d+", cleaned):
        return int(cleaned)
    raise ValidationFailed(f"{cleaned!r} is not a whole number", field=field)


def number(value: Any, field: str) -> float | None:
    """A decimal number typed as a number or text, or None if blank."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise ValidationFailed("must be a number", field=field)
    if isinstance(value, int | float):
        return float(value)
    try:
        return float(str(value).strip())
    except ValueError:
        raise ValidationFailed(f"{str(value).strip()!r} is not a number", field=field) from None


def items(value: Any) -> list[str]:
    """A list typed in one cell, separated by commas, 、, semicolons or spaces."""
    if is_blank(value):
        return []
    return [part for part in _LIST_SEPARATORS.split(str(value).strip()) if part]


def polygon(value: Any, field: str) -> dict[str, Any] | None:
    """A boundary: GeoJSON Polygon text, or the ring as "lon,lat; lon,lat; …" (closed or not)."""
    if is_blank(value):
        return None
    raw = str(value).strip()
    if raw.startswith("{"):
        try:
            parsed = json.loads(raw)
        except ValueError:
            raise ValidationFailed("is not valid GeoJSON", field=field) from None
        if not isinstance(parsed, dict):
            raise ValidationFailed("must be a GeoJSON Polygon", field=field)
        return parsed
    ring: list[list[float]] = []
    for pair in re.split(r"[;；]", raw):
        if not pair.strip():
            continue
        parts = re.split(r"[,，\s]+", pair.strip())
        if len(parts) != 2:
            raise ValidationFailed(
                f"{pair.strip()!r}: write each corner as longitude,latitude", field=field
            )
        try:
            ring.append([float(parts[0]), float(parts[1])])
        except ValueError:
            raise ValidationFailed(
                f"{pair.strip()!r} is not a pair of numbers", field=field
            ) from None
    if ring and ring[0] != ring[-1]:
        ring.append(list(ring[0]))
    return {"type": "Polygon", "coordinates": [ring]}
