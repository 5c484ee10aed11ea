"""Open311 service requests: row-level security, audit trigger, index of hotline work items."""

from app.raw_migration import raw_migration

ID = "2026-11-23T15:45:11:000000"
VERSION = "1.38.0"
DESCRIPTION = "open311_request: row-level security and audit; hotline work items by time"

VISIBLE = "community = ANY (grid_visible_communities())"
EDITABLE = "community = ANY (grid_editable_communities())"

FORWARDS = [
    # Covered by the default privileges too; explicit so the order of migrations never matters.
    "GRANT SELECT, INSERT, UPDATE, DELETE ON open311_request TO grid_app;",
    "GRANT USAGE, SELECT ON SEQUENCE open311_request_id_seq TO grid_app;",
    "ALTER TABLE open311_request ENABLE ROW LEVEL SECURITY;",
    f"CREATE POLICY open311_request_select ON open311_request FOR SELECT TO grid_app USING ({VISIBLE});",
    f"CREATE POLICY open311_request_insert ON open311_request FOR INSERT TO grid_app WITH CHECK ({EDITABLE});",
    f"CREATE POLICY open311_request_update ON open311_request FOR UPDATE TO grid_app USING ({EDITABLE}) WITH CHECK ({EDITABLE});",
    f"CREATE POLICY open311_request_delete ON open311_request FOR DELETE TO grid_app USING ({EDITABLE});",
    """
    CREATE TRIGGER open311_request_audit AFTER INSERT OR UPDATE OR DELETE ON open311_request
    FOR EACH ROW EXECUTE FUNCTION grid_audit_row();
    """,
    # GET /open311/v2/requests lists hotline work items newest first within a date window.
    """
    CREATE INDEX IF NOT EXISTS work_item_hotline_created_at ON work_item (created_at DESC)
    WHERE source = 'hotline';
    """,
]
BACKWARDS = [
    "DROP INDEX IF EXISTS work_item_hotline_created_at;",
    "DROP TRIGGER IF EXISTS open311_request_audit ON open311_request;",
    *(
        f"DROP POLICY IF EXISTS open311_request_{action} ON open311_request;"
        for action in ("select", "insert", "update", "delete")
    ),
    "ALTER TABLE open311_request DISABLE ROW LEVEL SECURITY;",
]


forwards = raw_migration(ID, DESCRIPTION, FORWARDS, BACKWARDS)
