"""A resident's supervision request moving on reaches the webhooks too (resident.case_status).

A case raised as supervision has no work item, so no work_item_event row: its steps are the
supervision record's own status (received → handling → answered → closed). When the record's
status really changes and a resident case points at it, the same statement queues one
delivery per active endpoint that takes the event, once per endpoint and step. The payload
has the same shape as a work item's (kind "supervision"); the contact is the record's own,
which an anonymous request never keeps. A delivery now has exactly one cause among reminder, work item event and
supervision record.
"""

from app.raw_migration import raw_migration

ID = "2026-12-07T11:23:01:000000"
VERSION = "1.38.0"
DESCRIPTION = "Residents' supervision status changes queue webhook deliveries"

FORWARDS = [
    "ALTER TABLE webhook_delivery DROP CONSTRAINT one_cause,"
    " ADD CONSTRAINT one_cause"
    " CHECK (num_nonnulls(reminder, work_item_event, supervision_record) = 1);",
    """
    CREATE OR REPLACE FUNCTION grid_resident_supervision_webhook() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
    DECLARE
        moved_at timestamptz := now();
    BEGIN
        INSERT INTO webhook_delivery
            (endpoint, reminder, work_item_event, supervision_record, supervision_status,
             event, payload, status, attempts, next_attempt_at, last_error, created_at)
        SELECT e.id, NULL, NULL, NEW.id, NEW.status, 'resident.case_status',
               jsonb_build_object(
                   'event', 'resident.case_status', 'case_id', rc.id, 'kind', 'supervision',
                   'status', NEW.status, 'at', moved_at, 'channel', rc.channel,
                   'community', c.name, 'contact', NEW.raised_by_contact,
                   'contact_unverified', r.contact_unverified),
               'pending', 0, moved_at, '', moved_at
        FROM resident_case rc
        JOIN community c ON c.id = rc.community
        JOIN open311_request r ON r.id = rc.service_request
        CROSS JOIN webhook_endpoint e
        WHERE rc.supervision_record = NEW.id AND e.active
          AND (cardinality(e.events) = 0 OR 'resident.case_status' = ANY (e.events))
        ON CONFLICT (endpoint, supervision_record, supervision_status) DO NOTHING;
        RETURN NULL;
    END $$;
    """,
    "CREATE TRIGGER supervision_record_resident_webhook AFTER UPDATE OF status"
    " ON supervision_record FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status)"
    " EXECUTE FUNCTION grid_resident_supervision_webhook();",
]
BACKWARDS = [
    "DROP TRIGGER IF EXISTS supervision_record_resident_webhook ON supervision_record;",
    "DROP FUNCTION IF EXISTS grid_resident_supervision_webhook();",
    "DELETE FROM webhook_delivery WHERE supervision_record IS NOT NULL;",
    "ALTER TABLE webhook_delivery DROP CONSTRAINT one_cause,"
    " ADD CONSTRAINT one_cause CHECK ((reminder IS NULL) <> (work_item_event IS NULL));",
]

forwards = raw_migration(ID, DESCRIPTION, FORWARDS, BACKWARDS)
