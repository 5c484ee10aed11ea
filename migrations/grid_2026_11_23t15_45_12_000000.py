"""Community scopes may lock (not change) their street's access-list entries.

`check_access` reads the entry FOR SHARE so that a concurrent revoke waits for the push. In
PostgreSQL a locking read must also pass the table's UPDATE policy, which only street
officials pass: a community-scoped push (community staff, community API tokens, Open311
community keys) saw no entry and was refused as "does not exist". This policy lets the row
be locked; its WITH CHECK (false) still refuses every change a community scope attempts.
"""

from app.raw_migration import raw_migration

ID = "2026-11-23T15:45:12:000000"
VERSION = "1.38.0"
DESCRIPTION = "access_list_entry: community scopes may lock their street's entries FOR SHARE"

FORWARDS = [
    """
    CREATE POLICY access_list_entry_lock ON access_list_entry FOR UPDATE TO grid_app
    USING (grid_level() = 'community' AND street = grid_scope_street()) WITH CHECK (false);
    """,
]
BACKWARDS = ["DROP POLICY IF EXISTS access_list_entry_lock ON access_list_entry;"]


forwards = raw_migration(ID, DESCRIPTION, FORWARDS, BACKWARDS)
