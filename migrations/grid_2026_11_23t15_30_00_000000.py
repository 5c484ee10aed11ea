"""Row-level security: PostgreSQL limits every query of a scoped request to its scope.

Requests run as the non-owner role `grid_app` (app/scope.py: `SET LOCAL ROLE grid_app`) with
their scope in `app.*` settings. The helper functions are SECURITY DEFINER so that policies can
read the area tables without recursing into their own policies. Superusers keep the owner
role and bypass the policies; their writes are still audited.
"""

from app.raw_migration import raw_migration

ID = "2026-11-23T15:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "grid_app role, scope functions and row-level security policies"

# Tables with a `community` column, and who may change them (beyond superusers).
COMMUNITY_TABLES = [
    "responsibility_grid", "building", "facility", "organisation", "household", "resident",
    "grid_assignment", "supervision_record",
]
# Read by every login (reference data and aggregates); changed by superusers only.
SHARED_READ_TABLES = [
    "district", "department", "indicator", "evaluation_rollup", "rest_day", "subsidy_grade",
]
# Written by the system only (owner role); staff read what their scope covers.
SUPERUSER_ONLY_TABLES = ["audit_log", "webhook_endpoint", "webhook_delivery"]

FUNCTIONS = [
    """
    CREATE OR REPLACE FUNCTION grid_level() RETURNS text LANGUAGE sql STABLE AS $$
        SELECT COALESCE(NULLIF(current_setting('app.level', true), ''), 'none')
    $$;
    """,
    """
    CREATE OR REPLACE FUNCTION grid_setting_int(name text) RETURNS integer LANGUAGE sql STABLE AS $$
        SELECT NULLIF(current_setting(name, true), '')::integer
    $$;
    """,
    """
    CREATE OR REPLACE FUNCTION grid_writable() RETURNS boolean LANGUAGE sql STABLE AS $$
        SELECT COALESCE(current_setting('app.read_only', true), 'off') <> 'on'
    $$;
    """,
    """
    CREATE OR REPLACE FUNCTION grid_own_grids() RETURNS integer[] LANGUAGE sql STABLE AS $$
        SELECT COALESCE(NULLIF(current_setting('app.grid_ids', true), ''), '{}')::integer[]
    $$;
    """,
    # The street whose rows this login sees: its own, or its community's.
    """
    CREATE OR REPLACE FUNCTION grid_scope_street() RETURNS integer
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
        SELECT CASE grid_level()
            WHEN 'street' THEN grid_setting_int('app.street_id')
            WHEN 'community' THEN (SELECT street FROM community WHERE id = grid_setting_int('app.community_id'))
            WHEN 'grid' THEN (SELECT street FROM community WHERE id = grid_setting_int('app.community_id'))
        END
    $$;
    """,
    """
    CREATE OR REPLACE FUNCTION grid_visible_communities() RETURNS integer[]
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
        SELECT CASE grid_level()
            WHEN 'street' THEN ARRAY(SELECT id FROM community WHERE street = grid_setting_int('app.street_id'))
            WHEN 'community' THEN ARRAY[grid_setting_int('app.community_id')]
            WHEN 'grid' THEN ARRAY[grid_setting_int('app.community_id')]
            ELSE '{}'::integer[]
        END
    $$;
    """,
    # Street officials and community staff change their communities' records; grid workers
    # only their own daily work (separate policies), and read-only tokens nothing.
    """
    CREATE OR REPLACE FUNCTION grid_editable_communities() RETURNS integer[]
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
        SELECT CASE WHEN NOT grid_writable() THEN '{}'::integer[]
            WHEN grid_level() IN ('street', 'community') THEN grid_visible_communities()
            ELSE '{}'::integer[]
        END
    $$;
    """,
    # Triggers that read other tables or write the audit trail act for the system.
    "ALTER FUNCTION grid_audit_row() SECURITY DEFINER SET search_path = public;",
    "ALTER FUNCTION grid_code_has_parent_prefix() SECURITY DEFINER SET search_path = public;",
]

VISIBLE = "community = ANY (grid_visible_communities())"
EDITABLE = "community = ANY (grid_editable_communities())"
OWN_DAILY_WORK = (
    "grid_level() = 'grid' AND grid_writable() AND staff = grid_setting_int('app.staff_id')"
    " AND grid = ANY (grid_own_grids())"
)
STREET_VISIBLE = "street = grid_scope_street()"
STREET_EDITABLE = "grid_level() = 'street' AND grid_writable() AND street = grid_setting_int('app.street_id')"


def policies(table: str, select: str, insert: str, update: str | None = None, delete: str | None = None) -> list[str]:
    update = update or insert
    delete = delete or insert
    return [
        f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY;",
        f"CREATE POLICY {table}_select ON {table} FOR SELECT TO grid_app USING ({select});",
        f"CREATE POLICY {table}_insert ON {table} FOR INSERT TO grid_app WITH CHECK ({insert});",
        f"CREATE POLICY {table}_update ON {table} FOR UPDATE TO grid_app USING ({update}) WITH CHECK ({update});",
        f"CREATE POLICY {table}_delete ON {table} FOR DELETE TO grid_app USING ({delete});",
    ]


POLICIES: list[str] = []
for _table in COMMUNITY_TABLES:
    POLICIES += policies(_table, VISIBLE, EDITABLE)
for _table in ("check_in", "diary_entry"):
    POLICIES += policies(_table, VISIBLE, f"({EDITABLE}) OR ({OWN_DAILY_WORK})", delete=EDITABLE)
for _table in SHARED_READ_TABLES:
    POLICIES += policies(_table, "true", "false")
for _table in SUPERUSER_ONLY_TABLES:
    POLICIES += policies(_table, "false", "false")
POLICIES += policies(
    "work_item",
    VISIBLE,
    EDITABLE,
    update=f"({EDITABLE}) OR (grid_writable() AND assignee = grid_setting_int('app.staff_id'))",
)
POLICIES += policies(
    "work_item_event",
    "EXISTS (SELECT 1 FROM work_item w WHERE w.id = work_item)",
    "grid_writable() AND EXISTS (SELECT 1 FROM work_item w WHERE w.id = work_item)",
    update="false",
    delete="false",
)
POLICIES += policies(
    "access_refusal",
    f"{VISIBLE} OR (community IS NULL AND {STREET_VISIBLE})",
    "false",
)
POLICIES += policies("community", "id = ANY (grid_visible_communities())", STREET_EDITABLE,
                     update="id = ANY (grid_editable_communities())", delete=STREET_EDITABLE)
POLICIES += policies("street", "grid_level() <> 'none' AND id = grid_scope_street()",
                     "false", update="grid_level() = 'street' AND grid_writable() AND id = grid_setting_int('app.street_id')",
                     delete="false")
POLICIES += policies("access_list_entry", STREET_VISIBLE, STREET_EDITABLE)
POLICIES += policies(
    "assessment",
    STREET_VISIBLE,
    f"grid_level() IN ('street', 'community') AND grid_writable() AND {STREET_VISIBLE}",
)
POLICIES += policies(
    "assessment_score",
    "EXISTS (SELECT 1 FROM assessment a WHERE a.id = assessment)",
    "grid_level() IN ('street', 'community') AND grid_writable()"
    " AND EXISTS (SELECT 1 FROM assessment a WHERE a.id = assessment)",
)
POLICIES += policies(
    "staff_member",
    f"{VISIBLE} OR street = grid_scope_street() OR id = grid_setting_int('app.staff_id')",
    EDITABLE,
)
POLICIES += policies(
    "leave",
    "EXISTS (SELECT 1 FROM staff_member s WHERE s.id = staff)",
    "EXISTS (SELECT 1 FROM staff_member s WHERE s.id = staff AND s.community = ANY (grid_editable_communities()))",
)
POLICIES += policies(
    "reminder",
    "EXISTS (SELECT 1 FROM staff_member s WHERE s.id = staff)",
    "false",
    update="grid_writable() AND staff = grid_setting_int('app.staff_id')",
    delete="false",
)
POLICIES += policies(
    "job_schedule",
    "true",
    STREET_EDITABLE.replace("street = ", "street IS NOT NULL AND street = "),
)

SETUP = [
    """
    DO $$ BEGIN
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'grid_app') THEN
            CREATE ROLE grid_app NOLOGIN;
        END IF;
    END $$;
    """,
    # A non-superuser owner must be a member to `SET ROLE grid_app`.
    """
    DO $$ BEGIN
        IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
            EXECUTE format('GRANT grid_app TO %I', current_user);
        END IF;
    END $$;
    """,
    "GRANT USAGE ON SCHEMA public TO grid_app;",
    "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO grid_app;",
    "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO grid_app;",
    "ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO grid_app;",
    "ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO grid_app;",
    # The audit trail is append-only for the application (its trigger writes as the owner).
    "REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM grid_app;",
]

BACKWARDS_TABLES = sorted(
    {*COMMUNITY_TABLES, *SHARED_READ_TABLES, *SUPERUSER_ONLY_TABLES, "check_in", "diary_entry",
     "work_item", "work_item_event", "access_refusal", "community", "street", "access_list_entry",
     "assessment", "assessment_score", "staff_member", "leave", "reminder", "job_schedule"}
)

BACKWARDS = [
    statement
    for table in BACKWARDS_TABLES
    for statement in (
        f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY;",
        *(
            f"DROP POLICY IF EXISTS {table}_{action} ON {table};"
            for action in ("select", "insert", "update", "delete")
        ),
    )
]

forwards = raw_migration(ID, DESCRIPTION, [*SETUP, *FUNCTIONS, *POLICIES], BACKWARDS)
