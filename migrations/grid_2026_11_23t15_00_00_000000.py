"""Database-enforced rules Piccolo columns cannot express: audit trigger, code prefixes,
once-a-day check-ins, work-item state machine, and the grid bounding-box index."""

from app.raw_migration import raw_migration

ID = "2026-11-23T15:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Audit trigger, code-prefix and status-transition triggers, partial indexes"

AUDITED_TABLES = [
    "district", "street", "community", "responsibility_grid", "building", "facility",
    "organisation", "household", "resident", "staff_member", "grid_assignment", "leave",
    "department", "access_list_entry", "access_refusal", "work_item", "work_item_event",
    "check_in", "diary_entry", "indicator", "assessment", "assessment_score",
    "evaluation_rollup", "supervision_record", "reminder",
]

# (child table, parent table, foreign key column)
CODE_PARENTS = [
    ("street", "district", "district"),
    ("community", "street", "street"),
    ("responsibility_grid", "community", "community"),
]

FORWARDS = [
    """
    CREATE OR REPLACE FUNCTION grid_audit_row() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        actor integer := NULLIF(current_setting('app.actor_id', true), '')::integer;
    BEGIN
        IF TG_OP = 'DELETE' THEN
            INSERT INTO audit_log (actor_id, table_name, row_id, action, before, after, at)
            VALUES (actor, TG_TABLE_NAME, OLD.id, TG_OP, to_jsonb(OLD), NULL, now());
            RETURN OLD;
        ELSIF TG_OP = 'UPDATE' THEN
            IF to_jsonb(OLD) = to_jsonb(NEW) THEN
                RETURN NEW;
            END IF;
            INSERT INTO audit_log (actor_id, table_name, row_id, action, before, after, at)
            VALUES (actor, TG_TABLE_NAME, NEW.id, TG_OP, to_jsonb(OLD), to_jsonb(NEW), now());
            RETURN NEW;
        END IF;
        INSERT INTO audit_log (actor_id, table_name, row_id, action, before, after, at)
        VALUES (actor, TG_TABLE_NAME, NEW.id, TG_OP, NULL, to_jsonb(NEW), now());
        RETURN NEW;
    END $$;
    """,
    """
    CREATE OR REPLACE FUNCTION grid_code_has_parent_prefix() RETURNS trigger
    LANGUAGE plpgsql AS $$
    DECLARE
        parent_code text;
    BEGIN
        EXECUTE format('SELECT code FROM %I WHERE id = $1', TG_ARGV[0])
            INTO parent_code USING (to_jsonb(NEW) ->> TG_ARGV[1])::integer;
        IF parent_code IS NOT NULL AND left(NEW.code, length(parent_code)) <> parent_code THEN
            RAISE EXCEPTION 'code % must start with its parent''s code %', NEW.code, parent_code
                USING COLUMN = 'code', ERRCODE = 'check_violation',
                      CONSTRAINT = TG_TABLE_NAME || '_code_prefix';
        END IF;
        RETURN NEW;
    END $$;
    """,
    """
    CREATE OR REPLACE FUNCTION grid_work_item_transition() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF NEW.status IS DISTINCT FROM OLD.status AND NOT (
            (OLD.status = 'reported' AND NEW.status IN ('accepted', 'rejected')) OR
            (OLD.status = 'accepted' AND NEW.status IN ('dispatched', 'rejected')) OR
            (OLD.status = 'dispatched' AND NEW.status IN ('handled', 'rejected')) OR
            (OLD.status = 'handled' AND NEW.status IN ('verified', 'rejected')) OR
            (OLD.status = 'verified' AND NEW.status IN ('closed', 'rejected'))
        ) THEN
            RAISE EXCEPTION 'status cannot move from % to %', OLD.status, NEW.status
                USING COLUMN = 'status', ERRCODE = 'check_violation',
                      CONSTRAINT = 'work_item_status_transition';
        END IF;
        RETURN NEW;
    END $$;
    """,
    """
    CREATE TRIGGER work_item_transition BEFORE UPDATE OF status ON work_item
    FOR EACH ROW EXECUTE FUNCTION grid_work_item_transition();
    """,
    # A check-in counts at most once per staff, grid and local day.
    """
    CREATE UNIQUE INDEX check_in_counted_once ON check_in (staff, grid, local_date)
    WHERE counted;
    """,
    # Point-in-polygon lookups narrow candidates by bounding box first.
    """
    CREATE INDEX responsibility_grid_bbox ON responsibility_grid
    USING gist (box(point(min_lon, min_lat), point(max_lon, max_lat)))
    WHERE min_lon IS NOT NULL;
    """,
    "CREATE INDEX check_in_staff_date ON check_in (staff, local_date);",
    "CREATE INDEX work_item_open_due ON work_item (due_at) WHERE status NOT IN ('closed', 'rejected');",
]

for child, parent, column in CODE_PARENTS:
    FORWARDS.append(
        f"CREATE TRIGGER {child}_code_prefix BEFORE INSERT OR UPDATE ON {child} "
        f"FOR EACH ROW EXECUTE FUNCTION grid_code_has_parent_prefix('{parent}', '{column}');"
    )

for table in AUDITED_TABLES:
    FORWARDS.append(
        f"CREATE TRIGGER {table}_audit AFTER INSERT OR UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION grid_audit_row();"
    )

BACKWARDS = [
    *(f"DROP TRIGGER IF EXISTS {t}_audit ON {t};" for t in AUDITED_TABLES),
    *(f"DROP TRIGGER IF EXISTS {c}_code_prefix ON {c};" for c, _, _ in CODE_PARENTS),
    "DROP TRIGGER IF EXISTS work_item_transition ON work_item;",
    "DROP INDEX IF EXISTS check_in_counted_once;",
    "DROP INDEX IF EXISTS responsibility_grid_bbox;",
    "DROP INDEX IF EXISTS check_in_staff_date;",
    "DROP INDEX IF EXISTS work_item_open_due;",
    "DROP FUNCTION IF EXISTS grid_audit_row();",
    "DROP FUNCTION IF EXISTS grid_code_has_parent_prefix();",
    "DROP FUNCTION IF EXISTS grid_work_item_transition();",
]


forwards = raw_migration(ID, DESCRIPTION, FORWARDS, BACKWARDS)
