"""The audit log is append-only for everyone, superusers and the table owner included."""

from app.raw_migration import raw_migration

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


forwards = raw_migration(ID, DESCRIPTION, FORWARDS, BACKWARDS)
