"""Overdue escalation (逾期督办): mark late work and supervision once, tell the people who
must act, and remind diary authors of follow-ups that fall due.

Late stages climb a ladder (督办): a stage late by its limit (working time, its yellow_at) is
a yellow step, told to the assignee and the community admins; late by twice its limit
(red_at) a red step, told to the street's officials. Each step is a row of escalation_step,
unique per stage and level, inserted by the same statement that writes its notices, so a
step and its notices happen once however many runs or workers overlap.

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


# $1 now. Open stages whose yellow or red time has come and that lack that step: two index
# ranges over the partial indexes of open stages, anti-joined on the step's unique key.
_STEP_STAGES = """
stepped AS (
    INSERT INTO escalation_step (stage, work_item, community, level, at)
    SELECT st.id, st.work_item, st.community, x.level, $1::timestamptz
    FROM (
        SELECT id, 'yellow' AS level FROM work_item_stage
        WHERE finished_at IS NULL AND yellow_at IS NOT NULL AND yellow_at <= $1::timestamptz
        UNION ALL
        SELECT id, 'red' FROM work_item_stage
        WHERE finished_at IS NULL AND red_at IS NOT NULL AND red_at <= $1::timestamptz
    ) x
    JOIN work_item_stage st ON st.id = x.id
    JOIN work_item w ON w.id = st.work_item AND w.status NOT IN ('closed', 'rejected')
    WHERE NOT EXISTS (
        SELECT 1 FROM escalation_step e WHERE e.stage = x.id AND e.level = x.level)
    ORDER BY st.id, x.level
    ON CONFLICT (stage, level) DO NOTHING
    RETURNING stage, work_item, community, level
)"""

# $2 local today, $3 event, $4 time zone
_STEP_RECIPIENTS = """
SELECT DISTINCT ON (x.staff, x.slot)
       x.staff, $2::date AS date, x.slot,
       format('%s：「%s」%s环节已超时（期限 %s）。%s escalation: %s is late in its %s stage',
              CASE m.level WHEN 'red' THEN '红牌督办' ELSE '黄牌督办' END, w.title,
              CASE st.stage WHEN 'accept' THEN '受理' WHEN 'dispatch' THEN '派遣'
                            WHEN 'handle' THEN '处置' ELSE '核查' END,
              to_char(st.due_at AT TIME ZONE $4::text, 'YYYY-MM-DD HH24:MI'),
              initcap(m.level), w.title, st.stage) AS message,
       $3::text AS event,
       jsonb_build_object('kind', 'work_item_stage', 'id', w.id, 'title', w.title,
                          'stage', st.stage, 'level', m.level, 'due_at', st.due_at,
                          'role', x.role) AS subject
FROM stepped m
JOIN work_item_stage st ON st.id = m.stage
JOIN work_item w ON w.id = m.work_item
JOIN community c ON c.id = m.community
JOIN LATERAL (
    SELECT s.id AS staff, 'escalation:yellow:' || m.stage AS slot, 'assignee' AS role
    FROM staff_member s WHERE m.level = 'yellow' AND s.id = w.assignee AND s.active
    UNION ALL
    SELECT s.id, 'escalation:yellow:' || m.stage, 'community_admin'
    FROM staff_member s
    WHERE m.level = 'yellow' AND s.community = m.community AND s.role = 'community_admin'
      AND s.active
    UNION ALL
    SELECT s.id, 'escalation:red:' || m.stage, 'street_official'
    FROM staff_member s
    WHERE m.level = 'red' AND s.street = c.street AND s.role = 'street_official' AND s.active
) x ON true
ORDER BY x.staff, x.slot, x.role
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
    stages = await create_notices(
        _STEP_RECIPIENTS,
        today,
        EVENT_WORK_OVERDUE,
        zone,
        now=moment,
        before=_STEP_STAGES,
        count="stepped",
        lock="escalation:work_stage",
    )
    parts = (work, supervision, follow_ups, stages)
    return EscalationSummary(
        stage_steps=stages.counted,
        work_items=work.counted,
        supervision_records=supervision.counted,
        diary_follow_ups=len(follow_ups.reminders),
        notices=sum(len(part.reminders) for part in parts),
        webhooks_queued=sum(part.webhooks_queued for part in parts),
    )
