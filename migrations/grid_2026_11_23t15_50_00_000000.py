"""Public notices: row-level security (staff edit their communities' notices) and audit."""

from app.raw_migration import raw_migration

ID = "2026-11-23T15:50:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "public_notice: row-level security and audit trigger"

VISIBLE = "community = ANY (grid_visible_communities())"
EDITABLE = "community = ANY (grid_editable_communities())"

FORWARDS = [
    "GRANT SELECT, INSERT, UPDATE, DELETE ON public_notice TO grid_app;",
    "GRANT USAGE, SELECT ON SEQUENCE public_notice_id_seq TO grid_app;",
    "ALTER TABLE public_notice ENABLE ROW LEVEL SECURITY;",
    f"CREATE POLICY public_notice_select ON public_notice FOR SELECT TO grid_app USING ({VISIBLE});",
    f"CREATE POLICY public_notice_insert ON public_notice FOR INSERT TO grid_app WITH CHECK ({EDITABLE});",
    f"CREATE POLICY public_notice_update ON public_notice FOR UPDATE TO grid_app USING ({EDITABLE}) WITH CHECK ({EDITABLE});",
    f"CREATE POLICY public_notice_delete ON public_notice FOR DELETE TO grid_app USING ({EDITABLE});",
    """
    CREATE TRIGGER public_notice_audit AFTER INSERT OR UPDATE OR DELETE ON public_notice
    FOR EACH ROW EXECUTE FUNCTION grid_audit_row();
    """,
    # The public page lists a community's visible notices, newest first.
    """
    CREATE INDEX IF NOT EXISTS public_notice_community_published
    ON public_notice (community, published_at DESC) WHERE visible;
    """,
]
BACKWARDS = [
    "DROP INDEX IF EXISTS public_notice_community_published;",
    "DROP TRIGGER IF EXISTS public_notice_audit ON public_notice;",
    *(
        f"DROP POLICY IF EXISTS public_notice_{action} ON public_notice;"
        for action in ("select", "insert", "update", "delete")
    ),
    "ALTER TABLE public_notice DISABLE ROW LEVEL SECURITY;",
]


forwards = raw_migration(ID, DESCRIPTION, FORWARDS, BACKWARDS)
