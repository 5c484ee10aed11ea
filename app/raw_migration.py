"""Hand-written SQL migrations in one line: `forwards = raw_migration(ID, DESCRIPTION, …)`.

Piccolo imports every module of migrations/ as a migration, so the shared part of the
hand-written ones (triggers, row-level security, functions) lives here: run each statement of
FORWARDS in order, and of BACKWARDS when the migration is rolled back.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

from piccolo.apps.migrations.auto.migration_manager import MigrationManager


def raw_migration(
    migration_id: str,
    description: str,
    forwards: Sequence[str],
    backwards: Sequence[str],
    app_name: str = "grid",
) -> Callable[[], Awaitable[MigrationManager]]:
    """The `forwards()` coroutine function Piccolo calls for a migration module."""

    async def run(statements: Sequence[str]) -> None:
        from piccolo.table import Table

        for statement in statements:
            await Table._meta.db.run_ddl(statement)

    async def make_manager() -> MigrationManager:
        manager = MigrationManager(
            migration_id=migration_id, app_name=app_name, description=description
        )

        async def run_forwards() -> None:
            await run(forwards)

        async def run_backwards() -> None:
            await run(backwards)

        manager.add_raw(run_forwards)
        manager.add_raw_backwards(run_backwards)
        return manager

    return make_manager
