"""The audit log is append-only for everyone, superusers and the table owner included."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-11-23T15:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Append-only audit log (UPDATE and DELETE refused by trigger)"

FORWARDS = [
    """
    CREATE OR REPLACE FUNCTION grid_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'the audit log is append-only: % is not allowed', TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END $$;
    """,
    """
    CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION grid_audit_append_only();
    """,
]
BACKWARDS = [
    "DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log;",
    "DROP FUNCTION IF EXISTS grid_audit_append_only();",
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
