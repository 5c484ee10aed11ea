"""A street official sees the community they have just created (INSERT … RETURNING)."""

from app.raw_migration import raw_migration

ID = "2026-11-23T16:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Street officials see every community of their street, including a new one"

FORWARDS = [
    """
    ALTER POLICY community_select ON community USING (
        id = ANY (grid_visible_communities())
        OR (grid_level() = 'street' AND street = grid_setting_int('app.street_id'))
    );
    """,
]
BACKWARDS = [
    "ALTER POLICY community_select ON community USING (id = ANY (grid_visible_communities()));",
]


forwards = raw_migration(ID, DESCRIPTION, FORWARDS, BACKWARDS)
