"""Overlapping leave for the same staff member is refused by the database too."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-11-23T15:17:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Leave periods of one staff member never overlap (exclusion constraint)"

FORWARDS = [
    "CREATE EXTENSION IF NOT EXISTS btree_gist;",
    """
    ALTER TABLE leave ADD CONSTRAINT leave_no_overlap EXCLUDE USING gist (
        staff WITH =, daterange(starts_on, ends_on, '[]') WITH &&
    );
    """,
]

BACKWARDS = ["ALTER TABLE leave DROP CONSTRAINT IF EXISTS leave_no_overlap;"]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="grid", description=DESCRIPTION)

    async def run_forwards():
        from piccolo.table import Table

        for statement in FORWARDS:
            await Table._meta.db.run_ddl(statement)

    async def run_backwards():
        from piccolo.table import Table

        for statement in BACKWARDS:
            await Table._meta.db.run_ddl(statement)

    manager.add_raw(run_forwards)
    manager.add_raw_backwards(run_backwards)
    return manager
