"""A street official sees the community they have just created (INSERT … RETURNING)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-11-23T16:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Street officials see every community of their street, including a new one"

FORWARDS = [
    """
    ALTER POLICY community_select ON community USING (
        id = ANY (grid_visible_communities())
        OR (grid_level() = 'street' AND street = grid_setting_int('app.street_id'))
    );
    """,
]
BACKWARDS = [
    "ALTER POLICY community_select ON community USING (id = ANY (grid_visible_communities()));",
]


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
