"""Party building and volunteer tables: row-level security, audit, and the lookups' indexes.

- party_organisation: a street working committee (no community) is its street's: read in the
  street, kept by its officials; every organisation below it is its community's, kept by the
  community's staff and the street's officials.
- party_organisation_grid, party_member, volunteer_team, volunteer, volunteer_activity,
  volunteer_service: community records like residents. Party membership is personal data:
  rows are visible in the community, but the person columns leave the server masked except
  for the street and the party secretaries (app/personal_data.py).
- volunteer_signup: the community's staff keep them; a volunteer login writes its own
  sign-ups (sign up, cancel, check in and out through app/volunteers/services.py; the admin
  offers the table read-only, so hours are confirmed only by the confirm service).
"""

from app.raw_migration import raw_migration

ID = "2026-12-06T12:46:19:000000"
VERSION = "1.38.0"
DESCRIPTION = "党建 and 志愿服务: row-level security, audit and indexes"

VISIBLE = "community = ANY (grid_visible_communities())"
EDITABLE = "community = ANY (grid_editable_communities())"
STREET_LEVEL_VISIBLE = "community IS NULL AND street = grid_scope_street()"
STREET_LEVEL_EDITABLE = (
    "community IS NULL AND grid_level() = 'street' AND grid_writable()"
    " AND street = grid_setting_int('app.street_id')"
)
OWN_SIGNUP = (
    "grid_writable() AND EXISTS (SELECT 1 FROM volunteer v WHERE v.id = volunteer"
    " AND v.\"user\" = grid_setting_int('app.actor_id'))"
)
COMMUNITY_TABLES = [
    "party_organisation_grid",
    "party_member",
    "volunteer_team",
    "volunteer",
    "volunteer_activity",
    "volunteer_service",
]
TABLES = ["party_organisation", *COMMUNITY_TABLES, "volunteer_signup"]


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


ORGANISATION_EDITABLE = f"({EDITABLE}) OR ({STREET_LEVEL_EDITABLE})"
# The waiting list moves up (候补递补): whoever frees a place — a volunteer cancelling their own
# sign-up, an organiser adding places — promotes the first waiting sign-ups of other people,
# which their own row-level rights would not let them change. The service holds the
# activity's lock while it calls this, so two callers never fill the same place.
PROMOTE = """
CREATE OR REPLACE FUNCTION grid_volunteer_promote(activity_id integer) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
    free integer;
    moved integer;
BEGIN
    SELECT a.slots - (SELECT count(*) FROM volunteer_signup s
                      WHERE s.activity = a.id AND s.status = 'signed_up')
      INTO free FROM volunteer_activity a WHERE a.id = activity_id;
    IF free IS NULL OR free <= 0 THEN
        RETURN 0;
    END IF;
    UPDATE volunteer_signup SET status = 'signed_up'
     WHERE id IN (SELECT id FROM volunteer_signup
                  WHERE activity = activity_id AND status = 'waiting'
                  ORDER BY signed_up_at, id LIMIT free);
    GET DIAGNOSTICS moved = ROW_COUNT;
    RETURN moved;
END $$;
"""
FORWARDS = [
    PROMOTE,
    *policies(
        "party_organisation",
        f"({VISIBLE}) OR ({STREET_LEVEL_VISIBLE})",
        ORGANISATION_EDITABLE,
        ORGANISATION_EDITABLE,
        ORGANISATION_EDITABLE,
    ),
    *(
        statement
        for table in COMMUNITY_TABLES
        for statement in policies(table, VISIBLE, EDITABLE, EDITABLE, EDITABLE)
    ),
    *policies(
        "volunteer_signup",
        VISIBLE,
        f"({EDITABLE}) OR ({OWN_SIGNUP})",
        f"({EDITABLE}) OR ({OWN_SIGNUP})",
        EDITABLE,
    ),
    *(audited(table) for table in TABLES),
    # The waiting list in order, a volunteer's sign-ups, hours of a year, members by kind.
    "CREATE INDEX IF NOT EXISTS volunteer_signup_queue ON volunteer_signup"
    " (activity, status, signed_up_at, id);",
    "CREATE INDEX IF NOT EXISTS volunteer_signup_confirmed ON volunteer_signup"
    " (community, confirmed_at) WHERE confirmed_at IS NOT NULL;",
    "CREATE INDEX IF NOT EXISTS party_member_community_kind ON party_member (community, kind);",
    "CREATE INDEX IF NOT EXISTS volunteer_by_team ON volunteer (team);",
]
BACKWARDS = [
    "DROP FUNCTION IF EXISTS grid_volunteer_promote(integer);",
    "DROP INDEX IF EXISTS volunteer_by_team;",
    "DROP INDEX IF EXISTS party_member_community_kind;",
    "DROP INDEX IF EXISTS volunteer_signup_confirmed;",
    "DROP INDEX IF EXISTS volunteer_signup_queue;",
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
