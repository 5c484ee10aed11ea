"""login_attempt_window: only the table owner reads or writes the admin login counters.

The counters are bookkeeping of the login itself (admin/login_limit.py, run as the owner
before any request scope exists), not row data of any user: row-level security without a
policy for grid_app, and no privileges for it either, so a scoped request sees no row and
can change none. No audit trigger: counters, not records (see tables/system.py).
"""

from app.raw_migration import raw_migration

ID = "2026-12-05T14:30:12:000000"
VERSION = "1.38.0"
DESCRIPTION = "login_attempt_window: row-level security with no policy, no grants to grid_app"

FORWARDS = [
    "ALTER TABLE login_attempt_window ENABLE ROW LEVEL SECURITY;",
    # The default privileges of migration 2026-11-23T15:30 granted these on creation.
    "REVOKE ALL ON login_attempt_window FROM grid_app;",
    "REVOKE ALL ON SEQUENCE login_attempt_window_id_seq FROM grid_app;",
]
BACKWARDS = [
    "GRANT SELECT, INSERT, UPDATE, DELETE ON login_attempt_window TO grid_app;",
    "GRANT USAGE, SELECT ON SEQUENCE login_attempt_window_id_seq TO grid_app;",
    "ALTER TABLE login_attempt_window DISABLE ROW LEVEL SECURITY;",
]

forwards = raw_migration(ID, DESCRIPTION, FORWARDS, BACKWARDS)
