"""Row-level security brought in line with the permission table (app/permissions.py).

The permission test (tests/security/test_permission_table.py) found these cells where the
policies let a scope do more, or less, than the domain asks:

- leave: community staff and grid workers read the leave (and its reason) of every staff
  member of their street; now of their own community and the street's officials.
- reminder: staff read every reminder of their street; now community staff and grid workers
  those of their community, street officials their street's.
- evaluation_rollup: a login without a staff record read every rollup (ranks and subsidy
  grades of staff); now only logins with a scope do.
- work_item, supervision_record: street officials and community staff could delete them in
  the admin; work is tracked to its end (closed or rejected) and a supervision record about a
  community is never deleted by it. Superusers (owner role) still can.
- street, district: community staff could not change their own community and street
  officials their own street, although the policies allow it: the cleaners lock the parent
  row (FOR UPDATE) to check code prefixes, and a lock needs the parent's UPDATE policy. As
  for access-list entries (…15_45_12), these policies let the parent be locked, never changed.
"""

from app.raw_migration import raw_migration

ID = "2026-11-23T16:41:08:000000"
VERSION = "1.38.0"
DESCRIPTION = "RLS per the permission table: leave, reminders, rollups, no deletes of work/supervision, parent locks"

OWN_STAFF = "s.id = grid_setting_int('app.staff_id')"

FORWARDS = [
    f"""
    ALTER POLICY leave_select ON leave USING (EXISTS (
        SELECT 1 FROM staff_member s WHERE s.id = staff AND (
            grid_level() = 'street' OR s.community IS NULL
            OR s.community = ANY (grid_visible_communities()) OR {OWN_STAFF}
        )
    ));
    """,
    f"""
    ALTER POLICY reminder_select ON reminder USING (EXISTS (
        SELECT 1 FROM staff_member s WHERE s.id = staff AND (
            {OWN_STAFF} OR grid_level() = 'street'
            OR (grid_level() IN ('community', 'grid')
                AND s.community = grid_setting_int('app.community_id'))
        )
    ));
    """,
    "ALTER POLICY evaluation_rollup_select ON evaluation_rollup USING (grid_level() <> 'none');",
    "ALTER POLICY work_item_delete ON work_item USING (false);",
    "ALTER POLICY supervision_record_delete ON supervision_record USING (false);",
    """
    CREATE POLICY street_lock ON street FOR UPDATE TO grid_app
    USING (grid_level() = 'community' AND id = grid_scope_street()) WITH CHECK (false);
    """,
    """
    CREATE POLICY district_lock ON district FOR UPDATE TO grid_app
    USING (grid_level() = 'street') WITH CHECK (false);
    """,
]
EDITABLE = "community = ANY (grid_editable_communities())"
BACKWARDS = [
    "DROP POLICY IF EXISTS district_lock ON district;",
    "DROP POLICY IF EXISTS street_lock ON street;",
    f"ALTER POLICY supervision_record_delete ON supervision_record USING ({EDITABLE});",
    f"ALTER POLICY work_item_delete ON work_item USING ({EDITABLE});",
    "ALTER POLICY evaluation_rollup_select ON evaluation_rollup USING (true);",
    "ALTER POLICY reminder_select ON reminder"
    " USING (EXISTS (SELECT 1 FROM staff_member s WHERE s.id = staff));",
    "ALTER POLICY leave_select ON leave"
    " USING (EXISTS (SELECT 1 FROM staff_member s WHERE s.id = staff));",
]


forwards = raw_migration(ID, DESCRIPTION, FORWARDS, BACKWARDS)
