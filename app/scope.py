"""Who is asking, and what they may see: one scope per request, enforced by PostgreSQL.

Every admin and API request runs inside `scoped_transaction(scope)`: the transaction sets the
scope as settings (`app.*`) and switches to the non-owner role `grid_app`, so the row-level
security policies of the migration `grid_..._rls` filter every query — list, count, detail,
export, foreign-key search, update and delete — whatever code issued it. A superuser's scope
bypasses the policies (it is still audited).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache
from types import MappingProxyType
from typing import Any

from app.db import change_settings, write_transaction
from tables.choices import StaffRole

APP_ROLE = "grid_app"


class Level(StrEnum):
    """How far a login reaches; the policies in the database are keyed on this."""

    district = "district"  # superuser: everything
    street = "street"  # street official: every row of one street
    community = "community"  # community admin / staff: rows of one community
    grid = "grid"  # grid worker and helpers: their community read-only, own daily work
    none = "none"  # a login without a staff record: sees nothing scoped


LEVEL_OF_ROLE: dict[str, Level] = {
    StaffRole.street_official: Level.street,
    StaffRole.community_admin: Level.community,
    StaffRole.party_branch_secretary: Level.community,
    StaffRole.community_worker: Level.grid,
    StaffRole.residents_group_leader: Level.grid,
    StaffRole.building_leader: Level.grid,
    StaffRole.cleaner: Level.grid,
    StaffRole.volunteer: Level.grid,
}


@dataclass(frozen=True)
class Scope:
    """The reach of one login (or API token)."""

    user_id: int | None
    level: Level
    staff_id: int | None = None
    street_id: int | None = None
    community_id: int | None = None
    grid_ids: frozenset[int] = field(default_factory=frozenset)
    read_only: bool = False

    @property
    def is_superuser(self) -> bool:
        return self.level is Level.district

    def settings(self) -> dict[str, str]:
        """The `app.*` settings the row-level security policies read."""
        return {
            "app.actor_id": "" if self.user_id is None else str(self.user_id),
            "app.level": self.level.value,
            "app.staff_id": "" if self.staff_id is None else str(self.staff_id),
            "app.street_id": "" if self.street_id is None else str(self.street_id),
            "app.community_id": "" if self.community_id is None else str(self.community_id),
            "app.grid_ids": "{" + ",".join(str(g) for g in sorted(self.grid_ids)) + "}",
            "app.read_only": "on" if self.read_only else "off",
        }

    def may_see_personal_data(self, grid_id: int | None) -> bool:
        """Whether ID numbers and phones of a record in `grid_id` are shown unmasked.

        Superusers and community staff need them for their work; a grid worker only in their
        own grids; a street official works with figures, not people, and sees them masked.
        """
        if self.level in (Level.district, Level.community):
            return True
        return self.level is Level.grid and grid_id is not None and grid_id in self.grid_ids


SUPERUSER_SCOPE = Scope(user_id=None, level=Level.district)
NO_SCOPE = Scope(user_id=None, level=Level.none)


async def scope_for_user(user_id: int | None) -> Scope:
    """The scope of a logged-in user: superuser, or their active StaffMember's role and place."""
    if user_id is None:
        return NO_SCOPE
    rows = await _user_rows(user_id)
    if not rows:
        return Scope(user_id=user_id, level=Level.none)
    row = rows[0]
    if row["superuser"]:
        return Scope(user_id=user_id, level=Level.district)
    if row["staff_id"] is None or not row["staff_active"]:
        return Scope(user_id=user_id, level=Level.none)
    return Scope(
        user_id=user_id,
        level=LEVEL_OF_ROLE.get(row["role"], Level.none),
        staff_id=row["staff_id"],
        street_id=row["street_id"],
        community_id=row["community"],
        grid_ids=frozenset(row["grid_ids"] or ()),
    )


async def _user_rows(user_id: int) -> list[dict[str, Any]]:
    from tables.areas import Community

    query = """
        SELECT u.superuser, s.id AS staff_id, s.active AS staff_active, s.role, s.community,
               COALESCE(s.street, c.street) AS street_id,
               ARRAY(SELECT grid FROM grid_assignment a WHERE a.staff = s.id) AS grid_ids
        FROM piccolo_user u
        LEFT JOIN staff_member s ON s."user" = u.id
        LEFT JOIN community c ON c.id = s.community
        WHERE u.id = {} AND u.active
    """
    return list(await Community.raw(query, user_id).run())


def scoped_transaction(scope: Scope) -> write_transaction:
    """One transaction in which PostgreSQL itself limits every query to `scope`.

    Nested use joins the outer transaction (its scope stays in force).
    """
    return write_transaction(None, _transaction_settings(scope))


async def switch_scope(scope: Scope) -> None:
    """Go on in `scope` for the rest of the current (scoped) transaction, as if
    `scoped_transaction(scope)` had begun it: e.g. read in one scope, then write in another."""
    await change_settings(_transaction_settings(scope))


@lru_cache(maxsize=4096)
def _transaction_settings(scope: Scope) -> Mapping[str, str]:
    """The scope's settings and its role: the app role, under the policies, for everyone but
    superusers, who keep the login's own role ("none"). set_config('role', …, true) is
    SET LOCAL ROLE. Worked out once per scope (a Scope is frozen), read-only."""
    return MappingProxyType(
        {**scope.settings(), "role": "none" if scope.is_superuser else APP_ROLE}
    )
