"""Pure rules of the area hierarchy: code shapes, grid numbering order, grid size.

No database here, so the admin, the API, imports and reports can all call the same rule.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from app.errors import ValidationFailed
from tables.choices import GridKind

# GB/T 2260 district (6) + GB/T 10114 street (3) + community (3) + grid sequence (3).
CODE_LENGTHS = {"district": 6, "street": 9, "community": 12, "grid": 15}
GRID_SEQUENCE_DIGITS = 3
GRID_SEQUENCE_MAX = 10**GRID_SEQUENCE_DIGITS - 1
# DOMAIN.md: a residential grid should have 250–500 registered households.
RESIDENTIAL_HOUSEHOLDS_MIN = 250
RESIDENTIAL_HOUSEHOLDS_MAX = 500

_ASCII_DIGITS = re.compile(r"[0-9]+")


def check_code(code: Any, level: str, parent_level: str | None, parent_code: str | None) -> str:
    """The code of an area at `level`: ASCII digits, exact length, parent's code as prefix."""
    length = CODE_LENGTHS[level]
    if not isinstance(code, str) or not code.strip():
        raise ValidationFailed(f"a {level} code is required ({length} digits)", field="code")
    code = code.strip()
    if not _ASCII_DIGITS.fullmatch(code):
        raise ValidationFailed(f"code {code!r} must contain the digits 0–9 only", field="code")
    if len(code) != length:
        raise ValidationFailed(
            f"a {level} code has exactly {length} digits; {code} has {len(code)}", field="code"
        )
    if parent_code is not None and not code.startswith(parent_code):
        raise ValidationFailed(
            f"code {code} must start with its {parent_level}'s code {parent_code}", field="code"
        )
    return code


def grid_code(community_code: str, sequence: int) -> str:
    """The 15-digit code of grid number `sequence` in a community (001–999)."""
    if not 1 <= sequence <= GRID_SEQUENCE_MAX:
        raise ValidationFailed(
            f"community {community_code} has no free grid number left (001–{GRID_SEQUENCE_MAX})",
            field="code",
        )
    return f"{community_code}{sequence:0{GRID_SEQUENCE_DIGITS}d}"


def grid_sequence(code: str) -> int:
    """The sequence number a grid code ends with."""
    return int(code[-GRID_SEQUENCE_DIGITS:])


def order_west_east_north_south(
    centroids: Sequence[tuple[float, float]], row_height: float
) -> list[int]:
    """Indexes of (lon, lat) centroids in numbering order: rows north→south, each west→east.

    Centroids whose latitudes differ by less than half a row height (about the median grid
    height) from the northernmost centroid of a row belong to that row.
    """
    tolerance = max(row_height, 1e-9) / 2
    by_latitude = sorted(range(len(centroids)), key=lambda i: -centroids[i][1])
    rows: list[list[int]] = []
    for index in by_latitude:
        if rows and centroids[rows[-1][0]][1] - centroids[index][1] < tolerance:
            rows[-1].append(index)
        else:
            rows.append([index])
    return [index for row in rows for index in sorted(row, key=lambda i: centroids[i][0])]


# Read once: an enum member's attribute lookup costs ~0.2 µs, paid per row of every grid page.
_RESIDENTIAL = GridKind.residential


def size_warning_of(kind: str, household_count: int) -> bool:
    """True for a residential grid outside 250–500 households (saved, but flagged)."""
    return kind == _RESIDENTIAL and not (
        RESIDENTIAL_HOUSEHOLDS_MIN <= household_count <= RESIDENTIAL_HOUSEHOLDS_MAX
    )


def size_warning_message(kind: str, household_count: int) -> str:
    """The size warning in Chinese and English for admin, API and reports ("" when none)."""
    if not size_warning_of(kind, household_count):
        return ""
    low, high = RESIDENTIAL_HOUSEHOLDS_MIN, RESIDENTIAL_HOUSEHOLDS_MAX
    side = ("偏少", "too few") if household_count < low else ("偏多", "too many")
    return (
        f"规模预警：居民区网格户数 {household_count} 户{side[0]}，标准为 {low}–{high} 户 / "
        f"Size warning: {household_count} households is {side[1]} for a residential grid "
        f"(standard {low}–{high})"
    )
