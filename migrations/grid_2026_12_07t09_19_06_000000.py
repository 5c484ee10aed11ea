"""Residents' case status changes reach the webhooks (event resident.case_status).

Every status change of a work item is a work_item_event row, whoever made it (admin, API,
phone app, jobs); when the item is a resident case's, the same statement queues one delivery
per active endpoint that takes the event, in the outbox the notifier sends from (signed,
retried). The payload names the case, the new stage, the community and the reporter's
contact (for an SMS or WeChat gateway, configured by a superuser); never a staff name. The
function runs as its owner: the writer's scope may not touch webhook deliveries.
"""

from app.raw_migration import raw_migration

ID = "2026-12-07T09:19:06:000000"
VERSION = "1.38.0"
DESCRIPTION = "Residents' case status changes queue webhook deliveries"

FORWARDS = [
    """
    CREATE OR REPLACE FUNCTION grid_resident_case_webhook() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
    BEGIN
        INSERT INTO webhook_delivery
            (endpoint, reminder, work_item_event, event, payload, status, attempts,
             next_attempt_at, last_error, created_at)
        SELECT e.id, NULL, NEW.id, 'resident.case_status',
               jsonb_build_object(
                   'event', 'resident.case_status', 'case_id', rc.id,
                   'status', NEW.to_status, 'at', NEW.at, 'channel', rc.channel,
                   'community', c.name, 'contact', r.raised_by_contact,
                   'contact_unverified', r.contact_unverified),
               'pending', 0, NEW.at, '', NEW.at
        FROM resident_case rc
        JOIN community c ON c.id = rc.community
        JOIN open311_request r ON r.id = rc.service_request
        CROSS JOIN webhook_endpoint e
        WHERE rc.work_item = NEW.work_item AND e.active
          AND (cardinality(e.events) = 0 OR 'resident.case_status' = ANY (e.events))
        ON CONFLICT (endpoint, work_item_event) DO NOTHING;
        RETURN NULL;
    END $$;
    """,
    "CREATE TRIGGER work_item_event_resident_webhook AFTER INSERT ON work_item_event"
    " FOR EACH ROW EXECUTE FUNCTION grid_resident_case_webhook();",
]
BACKWARDS = [
    "DROP TRIGGER IF EXISTS work_item_event_resident_webhook ON work_item_event;",
    "DROP FUNCTION IF EXISTS grid_resident_case_webhook();",
]

forwards = raw_migration(ID, DESCRIPTION, FORWARDS, BACKWARDS)
