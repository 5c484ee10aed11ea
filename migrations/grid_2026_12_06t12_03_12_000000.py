"""网格通 tables: row-level security and audit, as for the tables they sit beside.

- patrol: like check_in — the community's staff see and change their community's patrols, a
  grid worker writes only their own patrols in their own grids.
- patrol_point: visible with its patrol, added by whoever may change the patrol; points are
  evidence and are never edited. Audited set-based (one INSERT … SELECT per statement, like
  reminders): a batch of points from the phone is one statement.
- care_visit_interval, diary_review: community records, kept by the community's staff (and
  the street's officials); grid workers read them.
- field_photo: a worker adds their own photos (and attaches them to what they report);
  community staff see and keep their community's.
- field_report: like check_in — a worker writes the reports of their own grids (the work item
  itself is written through the access list in the community's scope).
- idempotency_key: each login sees and writes only its own keys. Bookkeeping of the replay
  rule, like login_attempt_window: no audit trigger (the write a key answers is audited).
"""

from app.raw_migration import raw_migration

ID = "2026-12-06T12:03:12:000000"
VERSION = "1.38.0"
DESCRIPTION = "网格通: row-level security and audit of patrols, intervals, reviews, photos, keys"

VISIBLE = "community = ANY (grid_visible_communities())"
EDITABLE = "community = ANY (grid_editable_communities())"
OWN_DAILY_WORK = (
    "grid_level() = 'grid' AND grid_writable() AND staff = grid_setting_int('app.staff_id')"
    " AND grid = ANY (grid_own_grids())"
)
OWN_PHOTO = "grid_level() = 'grid' AND grid_writable() AND staff = grid_setting_int('app.staff_id')"
PATROL_CHANGEABLE = (
    "grid_writable() AND EXISTS (SELECT 1 FROM patrol p WHERE p.id = patrol AND ("
    "p.community = ANY (grid_editable_communities()) OR (grid_level() = 'grid'"
    " AND p.staff = grid_setting_int('app.staff_id') AND p.grid = ANY (grid_own_grids()))))"
)
OWN_KEYS = "user_id = grid_setting_int('app.actor_id')"


def policies(table: str, select: str, insert: str, update: str, delete: str) -> list[str]:
    return [
        f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY;",
        f"CREATE POLICY {table}_select ON {table} FOR SELECT TO grid_app USING ({select});",
        f"CREATE POLICY {table}_insert ON {table} FOR INSERT TO grid_app WITH CHECK ({insert});",
        f"CREATE POLICY {table}_update ON {table} FOR UPDATE TO grid_app USING ({update}) WITH CHECK ({update});",
        f"CREATE POLICY {table}_delete ON {table} FOR DELETE TO grid_app USING ({delete});",
    ]


def audited(table: str) -> str:
    return (
        f"CREATE TRIGGER {table}_audit AFTER INSERT OR UPDATE OR DELETE ON {table}"
        " FOR EACH ROW EXECUTE FUNCTION grid_audit_row();"
    )


OWN_OR_EDITABLE = f"({EDITABLE}) OR ({OWN_DAILY_WORK})"
TABLES = [
    "patrol",
    "patrol_point",
    "care_visit_interval",
    "diary_review",
    "field_photo",
    "field_report",
    "idempotency_key",
]

FORWARDS = [
    *policies("patrol", VISIBLE, OWN_OR_EDITABLE, OWN_OR_EDITABLE, EDITABLE),
    *policies(
        "patrol_point",
        "EXISTS (SELECT 1 FROM patrol p WHERE p.id = patrol)",
        PATROL_CHANGEABLE,
        "false",
        "grid_writable() AND EXISTS (SELECT 1 FROM patrol p WHERE p.id = patrol"
        " AND p.community = ANY (grid_editable_communities()))",
    ),
    *policies("care_visit_interval", VISIBLE, EDITABLE, EDITABLE, EDITABLE),
    *policies("diary_review", VISIBLE, EDITABLE, EDITABLE, EDITABLE),
    *policies(
        "field_photo",
        VISIBLE,
        f"({EDITABLE}) OR ({OWN_PHOTO})",
        f"({EDITABLE}) OR ({OWN_PHOTO})",
        EDITABLE,
    ),
    *policies("field_report", VISIBLE, OWN_OR_EDITABLE, EDITABLE, EDITABLE),
    *policies("idempotency_key", OWN_KEYS, OWN_KEYS, OWN_KEYS, OWN_KEYS),
    audited("patrol"),
    audited("care_visit_interval"),
    audited("diary_review"),
    audited("field_photo"),
    audited("field_report"),
    "CREATE TRIGGER patrol_point_audit AFTER UPDATE OR DELETE ON patrol_point"
    " FOR EACH ROW EXECUTE FUNCTION grid_audit_row();",
    "CREATE TRIGGER patrol_point_audit_inserts AFTER INSERT ON patrol_point"
    " REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION grid_audit_inserted();",
    # What the phone app looks up: a login's keys by age, a worker's patrols of a day, and a
    # household's last visit.
    "CREATE INDEX IF NOT EXISTS idempotency_key_user_created ON idempotency_key (user_id, created_at);",
    "CREATE INDEX IF NOT EXISTS patrol_staff_date ON patrol (staff, local_date);",
    "CREATE INDEX IF NOT EXISTS diary_entry_household_created ON diary_entry (household, created_at)"
    " WHERE household IS NOT NULL;",
]
BACKWARDS = [
    "DROP INDEX IF EXISTS diary_entry_household_created;",
    "DROP INDEX IF EXISTS patrol_staff_date;",
    "DROP INDEX IF EXISTS idempotency_key_user_created;",
    "DROP TRIGGER IF EXISTS patrol_point_audit_inserts ON patrol_point;",
    *(f"DROP TRIGGER IF EXISTS {table}_audit ON {table};" for table in TABLES),
    *(
        statement
        for table in TABLES
        for statement in (
            f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY;",
            *(
                f"DROP POLICY IF EXISTS {table}_{action} ON {table};"
                for action in ("select", "insert", "update", "delete")
            ),
        )
    ),
]

forwards = raw_migration(ID, DESCRIPTION, FORWARDS, BACKWARDS)
