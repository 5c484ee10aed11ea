"""Integrator API: row-level security and audit for API tokens, indexes behind the API's filters.

A token is visible to and changed by superusers (owner role) and the street officials of its
street; nobody deletes one (it is revoked, and stays on record). Every other filter the API
offers is already backed by an index of the tables; these add the missing ones.
"""

from app.raw_migration import raw_migration

ID = "2026-11-23T15:45:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "API tokens: RLS policies and audit trigger; indexes for the API filters"

STREET_OFFICIAL = "grid_level() = 'street' AND street = grid_setting_int('app.street_id')"

FORWARDS = [
    "GRANT SELECT, INSERT, UPDATE, DELETE ON api_token TO grid_app;",
    "GRANT USAGE, SELECT ON SEQUENCE api_token_id_seq TO grid_app;",
    "ALTER TABLE api_token ENABLE ROW LEVEL SECURITY;",
    f"CREATE POLICY api_token_select ON api_token FOR SELECT TO grid_app USING ({STREET_OFFICIAL});",
    f"CREATE POLICY api_token_insert ON api_token FOR INSERT TO grid_app"
    f" WITH CHECK ({STREET_OFFICIAL} AND grid_writable());",
    f"CREATE POLICY api_token_update ON api_token FOR UPDATE TO grid_app"
    f" USING ({STREET_OFFICIAL} AND grid_writable()) WITH CHECK ({STREET_OFFICIAL} AND grid_writable());",
    "CREATE POLICY api_token_delete ON api_token FOR DELETE TO grid_app USING (false);",
    "CREATE TRIGGER api_token_audit AFTER INSERT OR DELETE ON api_token"
    " FOR EACH ROW EXECUTE FUNCTION grid_audit_row();",
    # Every change is audited except the last-used time, which moves with each request.
    "CREATE TRIGGER api_token_audit_update AFTER UPDATE ON api_token FOR EACH ROW"
    " WHEN ((to_jsonb(OLD) - 'last_used_at') IS DISTINCT FROM (to_jsonb(NEW) - 'last_used_at'))"
    " EXECUTE FUNCTION grid_audit_row();",
    # Filters of /api/v1/ not yet backed by an index.
    "CREATE INDEX IF NOT EXISTS api_grid_kind ON responsibility_grid (kind);",
    "CREATE INDEX IF NOT EXISTS api_building_kind ON building (kind);",
    "CREATE INDEX IF NOT EXISTS api_facility_kind ON facility (kind);",
    "CREATE INDEX IF NOT EXISTS api_organisation_kind ON organisation (kind);",
    "CREATE INDEX IF NOT EXISTS api_household_care_tags ON household USING gin (care_tags);",
    "CREATE INDEX IF NOT EXISTS api_staff_member_active ON staff_member (active);",
    "CREATE INDEX IF NOT EXISTS api_leave_starts_on ON leave (starts_on, ends_on);",
    "CREATE INDEX IF NOT EXISTS api_department_line ON department (line);",
    "CREATE INDEX IF NOT EXISTS api_access_list_entry_category ON access_list_entry (category);",
    "CREATE INDEX IF NOT EXISTS api_indicator_kind ON indicator (kind);",
    "CREATE INDEX IF NOT EXISTS api_evaluation_rollup_period ON evaluation_rollup (period_kind, period_start);",
    "CREATE INDEX IF NOT EXISTS api_audit_log_row ON audit_log (table_name, row_id);",
]
BACKWARDS = [
    "DROP TRIGGER IF EXISTS api_token_audit ON api_token;",
    "DROP TRIGGER IF EXISTS api_token_audit_update ON api_token;",
    *(
        f"DROP POLICY IF EXISTS api_token_{action} ON api_token;"
        for action in ("select", "insert", "update", "delete")
    ),
    "ALTER TABLE api_token DISABLE ROW LEVEL SECURITY;",
    *(
        f"DROP INDEX IF EXISTS {name};"
        for name in (
            "api_grid_kind",
            "api_building_kind",
            "api_facility_kind",
            "api_organisation_kind",
            "api_household_care_tags",
            "api_staff_member_active",
            "api_leave_starts_on",
            "api_department_line",
            "api_access_list_entry_category",
            "api_indicator_kind",
            "api_evaluation_rollup_period",
            "api_audit_log_row",
        )
    ),
]


forwards = raw_migration(ID, DESCRIPTION, FORWARDS, BACKWARDS)
