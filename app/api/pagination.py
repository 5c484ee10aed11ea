"""Pages, sorting and filters of every list of /api/v1/: one shape for all resources."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from functools import cache
from typing import Any

import msgspec

from app.errors import ValidationFailed
from app.settings import settings

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 500
# Far beyond any real list; keeps OFFSET inside PostgreSQL's bigint.
MAX_PAGE = 1_000_000
VALUE = "{}"  # where a filter's SQL takes its value


@cache
def page_of(item: type[msgspec.Struct]) -> type[msgspec.Struct]:
    """The page Struct of `item` (`GridPage`, …): items, total count, page, page size."""
    return msgspec.defstruct(
        f"{item.__name__}Page",
        [("items", list[item]), ("total", int), ("page", int), ("page_size", int)],  # type: ignore[valid-type]
        kw_only=True,
        module=__name__,
    )


@dataclass(frozen=True)
class Filter:
    """One query parameter of a list and the SQL condition it adds (`{}` is its value)."""

    name: str
    annotation: Any
    sql: str
    description: str


def equals(name: str, annotation: Any, description: str, column: str | None = None) -> Filter:
    return Filter(name, annotation, f'"{column or name}" = {VALUE}', description)


def by_code(name: str, table: str, column: str | None = None) -> Filter:
    """`community=<12-digit code>` etc.: the parent given by its standard code."""
    return Filter(
        name,
        str,
        f'"{column or name}" = (SELECT id FROM {table} WHERE code = {VALUE})',
        f"{name.replace('_', ' ')} code (the standard area code)",
    )


def street_code(column: str = "community") -> Filter:
    """`street=<9-digit code>` for records placed in a community."""
    return Filter(
        "street",
        str,
        f'"{column}" IN (SELECT c.id FROM community c JOIN street s ON s.id = c.street'
        f" WHERE s.code = {VALUE})",
        "street code (9 digits): records of the street's communities",
    )


def date_range(column: str, annotation: Any = dt.datetime) -> list[Filter]:
    """`<column>__gte` and `<column>__lt`: a half-open range [from, to)."""
    kind = "date" if annotation is dt.date else "instant (ISO 8601; without offset: local time)"
    return [
        Filter(
            f"{column}__gte", annotation, f'"{column}" >= {VALUE}', f"{column} on/after this {kind}"
        ),
        Filter(
            f"{column}__lt", annotation, f'"{column}" < {VALUE}', f"{column} before this {kind}"
        ),
    ]


def in_grid() -> Filter:
    return by_code("grid", "responsibility_grid")


def in_community() -> Filter:
    return by_code("community", "community")


ESCALATED_SORT = ("created_at", "due_at", "status", "id")


def escalated_filters(*own: Filter) -> list[Filter]:
    """Filters of records in a grid that escalation marks overdue past `due_at` (work items,
    supervision records): where, then the record's `own`, then overdue and both date ranges."""
    return [
        in_community(),
        in_grid(),
        street_code(),
        *own,
        equals("overdue", bool, "marked overdue by escalation"),
        *date_range("created_at"),
        *date_range("due_at"),
    ]


def where_clause(filters: Sequence[Filter], given: dict[str, Any]) -> tuple[str, list[Any]]:
    """The WHERE clause of the filters that were given (`{}` placeholders), and its arguments."""
    conditions: list[str] = []
    args: list[Any] = []
    for spec in filters:
        value = given.get(spec.name)
        if value is None:
            continue
        # Piccolo numbers the placeholders itself: one argument per occurrence.
        args.extend([bind(value)] * spec.sql.count(VALUE))
        conditions.append(spec.sql)
    return (" WHERE " + " AND ".join(conditions)) if conditions else "", args


def bind(value: Any) -> Any:
    """A query value as asyncpg takes it (enums as text, naive instants in local time)."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dt.datetime) and value.tzinfo is None:
        return value.replace(tzinfo=settings.timezone)
    return value


def sort_choices(columns: Sequence[str]) -> tuple[str, ...]:
    """`name` ascending and `-name` descending for each sortable column."""
    return tuple(choice for column in columns for choice in (column, f"-{column}"))


def order_clause(sort: str | None, columns: Sequence[str], default: str) -> str:
    """ORDER BY of a whitelisted sort, with the primary key last so pages never overlap."""
    chosen = sort or default
    column = chosen.lstrip("-")
    if column not in columns:
        raise ValidationFailed(f"sort by one of {', '.join(columns)}", field="sort")
    direction = "DESC" if chosen.startswith("-") else "ASC"
    tie = "" if column == "id" else f", id {direction}"
    return f'"{column}" {direction} NULLS LAST{tie}'
