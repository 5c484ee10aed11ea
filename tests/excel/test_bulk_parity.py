"""The set-based household cleaner decides every row exactly as clean_household does."""

from __future__ import annotations

from typing import Any

from app.errors import DomainError
from app.excel.bulk import clean_households
from app.places.services import clean_household
from tests.factories import area_tree, make_household


async def test_bulk_and_row_by_row_cleaning_agree_on_every_rule() -> None:
    tree = await area_tree()
    existing = await make_household(tree.grids["A1-1"], "1-101")
    building = existing["building"]
    rows: list[dict[str, Any]] = [
        {"building": building, "room": "1-102", "member_count": 2, "care_tags": ["veteran"]},
        {"building": building, "room": " 1-103 ", "member_count": 0, "care_tags": []},
        {"building": building, "room": "1-101", "member_count": 1, "care_tags": []},  # taken
        {"building": 999_999, "room": "1-104", "member_count": 1, "care_tags": []},
        {"building": None, "room": "1-104", "member_count": 1, "care_tags": []},
        {"building": building, "room": "", "member_count": 1, "care_tags": []},
        {"building": building, "room": "x" * 40, "member_count": 1, "care_tags": []},
        {"building": building, "room": "1-105", "member_count": -1, "care_tags": []},
        {"building": building, "room": "1-105", "member_count": True, "care_tags": []},
        {"building": building, "room": "1-105", "member_count": 1, "care_tags": ["rich"]},
        {"building": building, "room": "1-105", "member_count": 1, "care_tags": "veteran"},
        {
            "building": building,
            "room": "1-106",
            "member_count": 1,
            "care_tags": ["veteran", "veteran", "low_income"],
        },
    ]

    def outcome(result: Any) -> Any:
        if isinstance(result, DomainError):
            return (type(result).__name__, result.field, result.detail)
        return result

    one_by_one = []
    for row in rows:
        try:
            one_by_one.append(outcome(await clean_household(dict(row), None)))
        except DomainError as exc:
            one_by_one.append(outcome(exc))
    in_bulk = [outcome(result) for result in await clean_households([dict(r) for r in rows])]
    assert in_bulk == one_by_one
    assert sum(isinstance(result, dict) for result in in_bulk) == 3
