"""Overdue escalation (逾期督办): mark late work and supervision once, tell the people who
must act, and remind diary authors of follow-ups that fall due.

Marking and notifying are one statement each: the UPDATE … WHERE NOT overdue RETURNING
feeds the notice insert, so a crash leaves neither, and a second run finds nothing new.
"""

from __future__ import annotations

import datetime as dt

from app.daily.services import local_date_of
from app.jobs.common import utc_now
from app.jobs.notifiers import (
    EVENT_DIARY_FOLLOW_UP,
    EVENT_SUPERVISION_OVERDUE,
    EVENT_WORK_OVERDUE,
    create_notices,
)
from app.jobs.schemas import EscalationSummary
from app.settings import settings

# Diary follow-ups that fell due longer ago than this are not reminded any more (the first
# run on an old database would otherwise bury people in stale notices).
FOLLOW_UP_LOOKBACK_DAYS = 7

# $1 now, $2 local today, $3 event, $4 time zone
_MARK_WORK_ITEMS = """
marked AS (
    UPDATE work_item w SET overdue = true
    WHERE w.due_at < $1::timestamptz AND w.status NOT IN ('closed', 'rejected')
      AND NOT w.overdue
    RETURNING w.id, w.assignee, w.community, w.title, w.due_at
)"""

_WORK_ITEM_RECIPIENTS = """
SELECT DISTINCT ON (x.staff, x.slot)
       x.staff, $2::date AS date, x.slot,
       format('事项逾期：「%s」已超过办理期限（%s）。Overdue work item: %s',
              m.title, to_char(m.due_at AT TIME ZONE $4::text, 'YYYY-MM-DD HH24:MI'),
              m.title) AS message,
       $3::text AS event,
       jsonb_build_object('kind', 'work_item', 'id', m.id, 'title', m.title,
                          'due_at', m.due_at, 'role', x.role) AS subject
FROM marked m
JOIN LATERAL (
    SELECT s.id AS staff, 'overdue:work:' || m.id AS slot, 'assignee' AS role
    FROM staff_member s WHERE s.id = m.assignee AND s.active
    UNION ALL
    SELECT s.id, 'overdue:work:' || m.id, 'community_admin'
    FROM staff_member s
    WHERE s.community = m.community AND s.role = 'community_admin' AND s.active
) x ON true
ORDER BY x.staff, x.slot, x.role
"""

_MARK_SUPERVISION = """
marked AS (
    UPDATE supervision_record r SET overdue = true
    WHERE r.due_at < $1::timestamptz AND r.status NOT IN ('answered', 'closed')
      AND NOT r.overdue
    RETURNING r.id, r.community, r.kind, r.subject, r.due_at
)"""

_SUPERVISION_RECIPIENTS = """
SELECT s.id AS staff, $2::date AS date, 'overdue:supervision:' || m.id AS slot,
       format('监督事项逾期未答复：%s（答复期限 %s）。Supervision record not answered in time: %s',
              m.subject, to_char(m.due_at AT TIME ZONE $4::text, 'YYYY-MM-DD HH24:MI'),
              m.subject) AS message,
       $3::text AS event,
       jsonb_build_object('kind', 'supervision_record', 'id', m.id,
                          'supervision_kind', m.kind, 'due_at', m.due_at) AS subject
FROM marked m
JOIN staff_member s
  ON s.community = m.community AND s.role = 'community_admin' AND s.active
"""

# $2 local today, $3 event, $4 time zone, $5 lookback days
_FOLLOW_UP_RECIPIENTS = """
SELECT d.staff, d.follow_up_due AS date, 'follow_up:diary:' || d.id AS slot,
       format('跟进提醒：您 %s 记录的民情日记今天需要跟进（期限 %s）。'
              ' Diary follow-up due: %s',
              to_char(d.created_at AT TIME ZONE $4::text, 'YYYY-MM-DD'),
              to_char(d.follow_up_due, 'YYYY-MM-DD'), left(d.content, 60)) AS message,
       $3::text AS event,
       jsonb_build_object('kind', 'diary_entry', 'id', d.id, 'grid', d.grid,
                          'follow_up_due', d.follow_up_due) AS subject
FROM diary_entry d
JOIN staff_member s ON s.id = d.staff AND s.active
LEFT JOIN work_item w ON w.id = d.work_item
WHERE d.follow_up_due <= $2::date
  AND d.follow_up_due >= $2::date - $5::int
  AND (w.id IS NULL OR w.status NOT IN ('closed', 'rejected'))
"""


async def escalate_overdue(now: dt.datetime | None = None) -> EscalationSummary:
    """Mark overdue work items and supervision records once and notify; remind follow-ups.

    Work items past due and not closed or rejected notify their assignee and the community
    admins; supervision records past due and not answered notify the community admins;
    diary entries whose follow-up falls due (within the last week) remind their author.
    """
    moment = now or utc_now()
    today = local_date_of(moment)
    zone = settings.timezone_name
    work = await create_notices(
        _WORK_ITEM_RECIPIENTS,
        today,
        EVENT_WORK_OVERDUE,
        zone,
        now=moment,
        before=_MARK_WORK_ITEMS,
        count="marked",
        lock="escalation:work_item",
    )
    supervision = await create_notices(
        _SUPERVISION_RECIPIENTS,
        today,
        EVENT_SUPERVISION_OVERDUE,
        zone,
        now=moment,
        before=_MARK_SUPERVISION,
        count="marked",
        lock="escalation:supervision",
    )
    follow_ups = await create_notices(
        _FOLLOW_UP_RECIPIENTS,
        today,
        EVENT_DIARY_FOLLOW_UP,
        zone,
        FOLLOW_UP_LOOKBACK_DAYS,
        now=moment,
    )
    parts = (work, supervision, follow_ups)
    return EscalationSummary(
        work_items=work.counted,
        supervision_records=supervision.counted,
        diary_follow_ups=len(follow_ups.reminders),
        notices=sum(len(part.reminders) for part in parts),
        webhooks_queued=sum(part.webhooks_queued for part in parts),
    )
