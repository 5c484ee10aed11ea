"""Rules of the scheduled-work tables Piccolo columns cannot express: uniqueness that treats
"every street" (NULL) as one value, and the audit trail for what street officials configure."""

from app.raw_migration import raw_migration

ID = "2026-11-23T15:04:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Job schedule and subsidy grade uniqueness, audit triggers on job configuration"

AUDITED_TABLES = ["job_schedule", "rest_day", "subsidy_grade", "webhook_endpoint"]

FORWARDS = [
    # One row per job, street and timing; NULL street means "every street", so it is one value.
    """
    CREATE UNIQUE INDEX job_schedule_once ON job_schedule
    (job, COALESCE(street, 0), COALESCE(at_time, '00:00'::time), COALESCE(every_minutes, 0));
    """,
    "CREATE UNIQUE INDEX subsidy_grade_once ON subsidy_grade (COALESCE(street, 0), grade);",
    # Deliveries due for an attempt are found by this index.
    """
    CREATE INDEX webhook_delivery_due ON webhook_delivery (next_attempt_at)
    WHERE status = 'pending';
    """,
    *(
        f"CREATE TRIGGER {table}_audit AFTER INSERT OR UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION grid_audit_row();"
        for table in AUDITED_TABLES
    ),
]

BACKWARDS = [
    *(f"DROP TRIGGER IF EXISTS {table}_audit ON {table};" for table in AUDITED_TABLES),
    "DROP INDEX IF EXISTS webhook_delivery_due;",
    "DROP INDEX IF EXISTS subsidy_grade_once;",
    "DROP INDEX IF EXISTS job_schedule_once;",
]


forwards = raw_migration(ID, DESCRIPTION, FORWARDS, BACKWARDS)
