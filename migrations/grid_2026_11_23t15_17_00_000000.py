"""Overlapping leave for the same staff member is refused by the database too."""

from app.raw_migration import raw_migration

ID = "2026-11-23T15:17:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Leave periods of one staff member never overlap (exclusion constraint)"

FORWARDS = [
    "CREATE EXTENSION IF NOT EXISTS btree_gist;",
    """
    ALTER TABLE leave ADD CONSTRAINT leave_no_overlap EXCLUDE USING gist (
        staff WITH =, daterange(starts_on, ends_on, '[]') WITH &&
    );
    """,
]

BACKWARDS = ["ALTER TABLE leave DROP CONSTRAINT IF EXISTS leave_no_overlap;"]


forwards = raw_migration(ID, DESCRIPTION, FORWARDS, BACKWARDS)
