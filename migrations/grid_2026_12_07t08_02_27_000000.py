"""Residents' cases: row-level security and audit.

- resident_case: a community's record (like the service request it stands beside): seen and
  kept in the community and by its street. Residents write through the community's scope
  without a login (app/residents), so the audit's actor is empty for their own acts.
- tracking_code: follows its case's visibility (the policy reads resident_case, whose own
  policy applies); only hashes are stored.
"""

from app.raw_migration import raw_migration

ID = "2026-12-07T08:02:27:000000"
VERSION = "1.38.0"
DESCRIPTION = "Residents' cases: row-level security and audit"

VISIBLE = "community = ANY (grid_visible_communities())"
EDITABLE = "community = ANY (grid_editable_communities())"
CASE_VISIBLE = "EXISTS (SELECT 1 FROM resident_case c WHERE c.id = resident_case)"
CASE_EDITABLE = (
    "EXISTS (SELECT 1 FROM resident_case c WHERE c.id = resident_case"
    " AND c.community = ANY (grid_editable_communities()))"
)
TABLES = {"resident_case": (VISIBLE, EDITABLE), "tracking_code": (CASE_VISIBLE, CASE_EDITABLE)}


def policies(table: str, select: str, write: str) -> list[str]:
    return [
        f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY;",
        f"CREATE POLICY {table}_select ON {table} FOR SELECT TO grid_app USING ({select});",
        f"CREATE POLICY {table}_insert ON {table} FOR INSERT TO grid_app WITH CHECK ({write});",
        f"CREATE POLICY {table}_update ON {table} FOR UPDATE TO grid_app USING ({write}) WITH CHECK ({write});",
        f"CREATE POLICY {table}_delete ON {table} FOR DELETE TO grid_app USING ({write});",
        f"CREATE TRIGGER {table}_audit AFTER INSERT OR UPDATE OR DELETE ON {table}"
        " FOR EACH ROW EXECUTE FUNCTION grid_audit_row();",
    ]


FORWARDS = [
    *(s for table, (select, write) in TABLES.items() for s in policies(table, select, write)),
    # Open cases of a community by when they came in (staff lists, duplicate suggestions).
    "CREATE INDEX resident_case_community_created ON resident_case (community, created_at);",
]
BACKWARDS = [
    "DROP INDEX IF EXISTS resident_case_community_created;",
    *(
        statement
        for table in TABLES
        for statement in (
            f"DROP TRIGGER IF EXISTS {table}_audit ON {table};",
            f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY;",
            *(
                f"DROP POLICY IF EXISTS {table}_{action} ON {table};"
                for action in ("select", "insert", "update", "delete")
            ),
        )
    ),
]

forwards = raw_migration(ID, DESCRIPTION, FORWARDS, BACKWARDS)
