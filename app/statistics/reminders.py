"""Reminders of statistics requests due soon or late, sent with the check-in reminder round.

Every active community admin of a community with an answer not yet submitted whose deadline
is within two days (or passed less than a week ago) gets one notice per request and day: the
slot `report@<request id>` on the unique (staff, date, slot) key makes a second round that day,
a retry or a redelivery insert nothing.
"""

from __future__ import annotations

import datetime as dt

from app.jobs.common import utc_now
from app.jobs.notifiers import create_notices

EVENT_REPORT_DUE = "reminder.statistics"

_DUE = """
SELECT DISTINCT s.id AS staff, $2::date AS date, 'report@' || r.id AS slot,
       format('统计报表提醒：「%s」截止 %s，本社区尚未提交。'
              ' Statistics report "%s" is due %s and not yet submitted.',
              t.title, to_char(r.deadline AT TIME ZONE $4::text, 'YYYY-MM-DD HH24:MI'),
              t.title, to_char(r.deadline AT TIME ZONE $4::text, 'YYYY-MM-DD HH24:MI')) AS message,
       $3::text AS event,
       jsonb_build_object('kind', 'statistics', 'request', r.id) AS subject
FROM report_answer a
JOIN report_request r ON r.id = a.report_request
JOIN report_template t ON t.id = r.template
JOIN staff_member s ON s.community = a.community AND s.active AND s.role = 'community_admin'
WHERE a.status <> 'submitted'
  AND r.deadline < $1::timestamptz + interval '2 days'
  AND r.deadline > $1::timestamptz - interval '7 days'
"""


async def send_report_reminders(day: dt.date, now: dt.datetime | None = None) -> int:
    """Remind communities of requests due soon or late; returns the notices created."""
    from app.settings import settings

    notices = await create_notices(
        _DUE, day, EVENT_REPORT_DUE, str(settings.timezone), now=now or utc_now()
    )
    return len(notices.reminders)
