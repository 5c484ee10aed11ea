"""Time limits (时限): row-level security, audit and the escalation scan's index.

- work_calendar_day: reference data every login reads; only superusers load it.
- time_limit_standard: district defaults (street empty) are read by everyone and changed by
  superusers; a street's own standards are read inside that street and kept by its officials.
- work_item_stage, extension_request: visible with their community. Stages are written by the
  transition service in the caller's scope (like work_item_event, whoever may move the item);
  an extension is asked by whoever may move the item and decided by the community's staff or
  the street's officials (the service checks who may approve how much). Neither is deleted.
- escalation_step: written by the escalation job only (owner role), read with the community.
- The scan reads open stages whose yellow or red time has come: a partial index over open
  stages keeps it one index range whatever the size of the history.
"""

from app.raw_migration import raw_migration

ID = "2026-12-06T12:34:08:000000"
VERSION = "1.38.0"
DESCRIPTION = "时限: row-level security, audit and scan indexes of the working-time tables"

VISIBLE = "community = ANY (grid_visible_communities())"
EDITABLE = "community = ANY (grid_editable_communities())"
STREET_EDITABLE = (
    "grid_level() = 'street' AND grid_writable() AND street = grid_setting_int('app.street_id')"
)
ITEM_MOVABLE = "grid_writable() AND EXISTS (SELECT 1 FROM work_item w WHERE w.id = work_item)"
TABLES = [
    "work_calendar_day",
    "time_limit_standard",
    "work_item_stage",
    "extension_request",
    "escalation_step",
]


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


FORWARDS = [
    *policies("work_calendar_day", "true", "false", "false", "false"),
    *policies(
        "time_limit_standard",
        "street IS NULL OR street = grid_scope_street()",
        STREET_EDITABLE,
        STREET_EDITABLE,
        STREET_EDITABLE,
    ),
    *policies("work_item_stage", VISIBLE, ITEM_MOVABLE, ITEM_MOVABLE, "false"),
    *policies(
        "extension_request", VISIBLE, f"{ITEM_MOVABLE} AND {VISIBLE}", EDITABLE, "false"
    ),
    *policies("escalation_step", VISIBLE, "false", "false", "false"),
    *(audited(table) for table in TABLES),
    "CREATE INDEX work_item_stage_open_yellow ON work_item_stage (yellow_at)"
    " WHERE finished_at IS NULL AND yellow_at IS NOT NULL;",
    "CREATE INDEX work_item_stage_open_red ON work_item_stage (red_at)"
    " WHERE finished_at IS NULL AND red_at IS NOT NULL;",
    "CREATE INDEX work_item_stage_due ON work_item_stage (due_at) WHERE due_at IS NOT NULL;",
    "CREATE INDEX escalation_step_community_at ON escalation_step (community, at)"
    " WHERE level = 'red';",
]

BACKWARDS = [
    "DROP INDEX IF EXISTS escalation_step_community_at;",
    "DROP INDEX IF EXISTS work_item_stage_due;",
    "DROP INDEX IF EXISTS work_item_stage_open_red;",
    "DROP INDEX IF EXISTS work_item_stage_open_yellow;",
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
