"""Evaluation rollups are derived data: their rows are not audited one by one, the run is.

Every value of evaluation_rollup is computed by app/jobs/rollups.py from audited source rows
(check-ins, work items, supervision records, assessments, indicators, subsidy grades) and a
re-run of the same period gives the same rows. Auditing each row repeated the sources' trail
and cost the most of any table: a nightly day rollup of a large city writes ~28,000 rows, so
~10 million audit rows a year with their full JSON, and the per-row trigger took 21 ms of
the 136 ms first monthly run at 1/50 scale (EXPLAIN ANALYZE, 1,052 rows). Instead every run writes ONE audit row (table evaluation_rollup,
action RUN, who asked — no one for the scheduler — and the period and row counts in `after`):
see `rollup_period`.
"""

from app.raw_migration import raw_migration

ID = "2026-11-23T16:20:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "No per-row audit trigger on evaluation_rollup (derived data; each run is audited)"

FORWARDS = [
    "DROP TRIGGER IF EXISTS evaluation_rollup_audit ON evaluation_rollup;",
]
BACKWARDS = [
    """
    CREATE TRIGGER evaluation_rollup_audit AFTER INSERT OR UPDATE OR DELETE ON evaluation_rollup
    FOR EACH ROW EXECUTE FUNCTION grid_audit_row();
    """,
]


forwards = raw_migration(ID, DESCRIPTION, FORWARDS, BACKWARDS)
