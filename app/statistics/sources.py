"""Data sources a template field can be bound to, computed set-based in SQL.

Each source key belongs to a family (one base table); `compute` runs one statement for all the
keys asked: per family one GROUP BY over the answering units (communities or grids), its
aggregates turned into (unit, key, value) rows by a LATERAL VALUES list. It runs in the
caller's scope, so row-level security limits it to what the answering community may see.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from app.db import DB, write_transaction
from app.settings import settings
from tables.choices import (
    BuildingKind,
    CareTag,
    FacilityKind,
    OrganisationKind,
    WorkCategory,
    WorkStatus,
)
from tables.statistics import ReportLevel

# Age bands at the end of the period: (key, lowest age, highest age or None).
AGE_BANDS = [("0_17", 0, 17), ("18_59", 18, 59), ("60_79", 60, 79), ("80_plus", 80, None)]


@dataclass(frozen=True)
class Family:
    """One base table: FROM clause, the unit column per level, an optional period filter."""

    base: str
    unit: dict[str, str]
    period: str = ""  # a condition on $2 (start) and $3 (end, exclusive) timestamps


FAMILIES: dict[str, Family] = {
    "households": Family("household h", {"community": "h.community", "grid": "h.grid"}),
    "residents": Family(
        "resident r JOIN household h ON h.id = r.household",
        {"community": "r.community", "grid": "h.grid"},
    ),
    "buildings": Family("building b", {"community": "b.community", "grid": "b.grid"}),
    "facilities": Family("facility f", {"community": "f.community", "grid": "f.grid"}),
    "organisations": Family("organisation o", {"community": "o.community", "grid": "o.grid"}),
    "work": Family(
        "work_item w JOIN access_list_entry a ON a.id = w.access_entry",
        {"community": "w.community", "grid": "w.grid"},
        "w.created_at >= $2 AND w.created_at < $3",
    ),
    "supervision": Family(
        "supervision_record s",
        {"community": "s.community", "grid": "s.grid"},
        "s.created_at >= $2 AND s.created_at < $3",
    ),
    # The monthly rollups of the months the period covers (考核汇总).
    "rollups": Family(
        "evaluation_rollup e",
        {"community": "e.target_id", "grid": "e.target_id"},
        "e.period_kind = 'month' AND e.period_start >= $4 AND e.period_start <= $5"
        " AND e.target_kind = $6",
    ),
}


def _sources() -> dict[str, tuple[str, str, str]]:
    """Source key → (family, aggregate SQL, title)."""
    found: dict[str, tuple[str, str, str]] = {
        "households.total": ("households", "count(*)", "住户数"),
        "households.members": ("households", "coalesce(sum(h.member_count), 0)", "户籍人口"),
        "residents.total": ("residents", "count(*)", "居民数"),
        "residents.sex.male": (
            "residents",
            "count(*) FILTER (WHERE substr(r.id_number, 17, 1)::int % 2 = 1)",
            "男性居民",
        ),
        "residents.sex.female": (
            "residents",
            "count(*) FILTER (WHERE substr(r.id_number, 17, 1)::int % 2 = 0)",
            "女性居民",
        ),
        "buildings.total": ("buildings", "count(*)", "楼栋数"),
        "facilities.total": ("facilities", "count(*)", "设施数"),
        "organisations.total": ("organisations", "count(*)", "单位数"),
        "work.total": ("work", "count(*)", "工作事项数"),
        "supervision.total": ("supervision", "count(*)", "监督记录数"),
        "supervision.answered": (
            "supervision",
            "count(*) FILTER (WHERE s.status IN ('answered', 'closed'))",
            "已答复监督记录",
        ),
        "rollups.check_in_rate": ("rollups", "round(avg(e.check_in_rate) * 100, 1)", "签到率%"),
        "rollups.on_time_rate": ("rollups", "round(avg(e.on_time_rate) * 100, 1)", "按时办结率%"),
        "rollups.satisfaction": ("rollups", "round(avg(e.bottom_up_score), 1)", "群众满意度"),
    }
    for tag in CareTag:
        found[f"households.care.{tag}"] = (
            "households",
            f"count(*) FILTER (WHERE '{tag.value}' = ANY (h.care_tags))",
            f"关爱户 {tag.value}",
        )
    for band, low, high in AGE_BANDS:
        age = "date_part('year', age($5, r.birth_date))"
        upper = f" AND {age} <= {high}" if high is not None else ""
        found[f"residents.age.{band}"] = (
            "residents",
            f"count(*) FILTER (WHERE {age} >= {low}{upper})",
            f"年龄 {band}",
        )
    for family, alias, kinds in (
        ("buildings", "b", BuildingKind),
        ("facilities", "f", FacilityKind),
        ("organisations", "o", OrganisationKind),
    ):
        for kind in kinds:
            found[f"{family}.kind.{kind}"] = (
                family,
                f"count(*) FILTER (WHERE {alias}.kind = '{kind.value}')",
                f"{family} {kind.value}",
            )
    for category in WorkCategory:
        found[f"work.category.{category}"] = (
            "work",
            f"count(*) FILTER (WHERE a.category = '{category.value}')",
            f"事项 {category.value}",
        )
    for status in WorkStatus:
        found[f"work.status.{status}"] = (
            "work",
            f"count(*) FILTER (WHERE w.status = '{status.value}')",
            f"事项 {status.value}",
        )
    return found


# Built from closed vocabularies only: no input ever reaches the SQL text.
SOURCES: dict[str, tuple[str, str, str]] = _sources()


def period_bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The period's local days as UTC instants: [start 00:00, day after end 00:00)."""
    zone = settings.timezone
    return (
        dt.datetime.combine(start, dt.time(), zone),
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), zone),
    )


def compute_sql(keys: list[str], level: str) -> str:
    """One statement computing `keys` for the units in $1 over the period: instants [$2, $3),
    local days $4 … $5, level $6 (the CTE types every parameter, used or not)."""
    by_family: dict[str, list[str]] = {}
    for key in sorted(set(keys)):
        by_family.setdefault(SOURCES[key][0], []).append(key)
    parts = []
    for family_name, family_keys in by_family.items():
        family = FAMILIES[family_name]
        unit = family.unit[level]
        where = f"{unit} = ANY ($1::int[])"
        if family.period:
            where += f" AND {family.period}"
        aggregates = ", ".join(f"{SOURCES[k][1]} AS a{i}" for i, k in enumerate(family_keys))
        values = ", ".join(f"('{k}', g.a{i}::numeric)" for i, k in enumerate(family_keys))
        parts.append(
            f"SELECT g.unit, v.key, v.value FROM (SELECT {unit} AS unit, {aggregates}"
            f" FROM {family.base} WHERE {where} GROUP BY 1) g"
            f" CROSS JOIN LATERAL (VALUES {values}) v(key, value)"
        )
    typed = "WITH p AS (SELECT $2::timestamptz, $3::timestamptz, $4::date, $5::date, $6::text) "
    return typed + " UNION ALL ".join(parts)


async def compute(
    keys: list[str], level: str, unit_ids: list[int], start: dt.date, end: dt.date
) -> dict[tuple[int, str], Decimal]:
    """(unit id, source key) → value for every unit and key; a unit with no rows counts 0
    (rates and scores stay missing: no rollup is not a rate of 0)."""
    wanted = [key for key in keys if key in SOURCES]
    if not wanted or not unit_ids:
        return {}
    begin, finish = period_bounds(start, end)
    args: list[Any] = [unit_ids, begin, finish, start, end, ReportLevel(level).value]
    async with write_transaction():
        transaction = DB.current_transaction.get()
        assert transaction is not None
        rows = await transaction.connection.fetch(compute_sql(wanted, level), *args)
    found = {(row["unit"], row["key"]): row["value"] for row in rows}
    for unit in unit_ids:
        for key in wanted:
            if SOURCES[key][0] != "rollups":
                found.setdefault((unit, key), Decimal(0))
    return found
