"""一表通 statistics tables: row-level security, audit, and the lookups' indexes.

- report_template, report_field, report_request, department_token: the street's records, read
  inside the street (communities need the fields they answer) and kept by its officials (or a
  street token), like the access list they enter through.
- report_answer, report_value: a community's records: visible and editable in the community
  (it fills them in) and by its street (which creates, returns and aggregates them).
- A community-level answer has no grid: one answer per request, community and grid, with the
  missing grid counted as one value (NULLs would be distinct in a plain unique constraint).
"""

from app.raw_migration import raw_migration

ID = "2026-12-06T13:43:02:000000"
VERSION = "1.38.0"
DESCRIPTION = "一表通: row-level security, audit and indexes of the statistics tables"

VISIBLE = "community = ANY (grid_visible_communities())"
EDITABLE = "community = ANY (grid_editable_communities())"
STREET_VISIBLE = "street = grid_scope_street()"
STREET_EDITABLE = (
    "grid_level() = 'street' AND grid_writable() AND street = grid_setting_int('app.street_id')"
)
STREET_TABLES = ["report_template", "report_field", "report_request", "department_token"]
COMMUNITY_TABLES = ["report_answer", "report_value"]
TABLES = [*STREET_TABLES, *COMMUNITY_TABLES]


def policies(table: str, select: str, write: str) -> list[str]:
    return [
        f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY;",
        f"CREATE POLICY {table}_select ON {table} FOR SELECT TO grid_app USING ({select});",
        f"CREATE POLICY {table}_insert ON {table} FOR INSERT TO grid_app WITH CHECK ({write});",
        f"CREATE POLICY {table}_update ON {table} FOR UPDATE TO grid_app USING ({write}) WITH CHECK ({write});",
        f"CREATE POLICY {table}_delete ON {table} FOR DELETE TO grid_app USING ({write});",
    ]


def audited(table: str) -> str:
    return (
        f"CREATE TRIGGER {table}_audit AFTER INSERT OR UPDATE OR DELETE ON {table}"
        " FOR EACH ROW EXECUTE FUNCTION grid_audit_row();"
    )


FORWARDS = [
    *(s for table in STREET_TABLES for s in policies(table, STREET_VISIBLE, STREET_EDITABLE)),
    *(s for table in COMMUNITY_TABLES for s in policies(table, VISIBLE, EDITABLE)),
    *(audited(table) for table in TABLES),
    "CREATE UNIQUE INDEX report_answer_once ON report_answer"
    " (report_request, community, COALESCE(grid, 0));",
    # The inbox (a community's answers by status) and 上期 (last answers of a key).
    "CREATE INDEX report_answer_inbox ON report_answer (community, status);",
    "CREATE INDEX report_field_key ON report_field (key);",
    "CREATE INDEX report_template_family ON report_template (street, family) WHERE current;",
]
BACKWARDS = [
    "DROP INDEX IF EXISTS report_template_family;",
    "DROP INDEX IF EXISTS report_field_key;",
    "DROP INDEX IF EXISTS report_answer_inbox;",
    "DROP INDEX IF EXISTS report_answer_once;",
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
