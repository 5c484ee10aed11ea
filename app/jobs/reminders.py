"""Check-in reminders (签到提醒) and the in-app notices staff read.

At each reminder time every active staff member with a grid assignment, not on leave, on a
working day, without a counted check-in that local day gets one Reminder for that slot.
The unique (staff, date, slot) key makes a round safe to run twice: the second run selects
the same people and inserts nothing, so nobody is notified twice.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from app.crud import get_row, update_row
from app.daily.services import local_date_of
from app.db import write_transaction
from app.errors import Forbidden
from app.jobs.common import parse_time_of_day, utc_now
from app.jobs.notifiers import EVENT_CHECK_IN, create_notices
from app.jobs.schemas import ReminderRound
from app.people.services import staff_on_leave
from tables.choices import ReminderStatus
from tables.system import Reminder

# Who is reminded: the one definition, used by every round. One row per staff member (a
# semi-join on the assignments, so 25,000 notices are not sorted to drop duplicates); the
# day's text is formatted once (a sub-select), not once per recipient.
_DUE_FOR_REMINDER = """
SELECT s.id AS staff, $2::date AS date, $3::text AS slot,
       format('签到提醒：%s，今天（%s）您还没有在责任网格签到，请尽快到网格签到。'
              ' Check-in reminder: you have not checked in to your grid today.',
              s.name, (SELECT to_char($2::date, 'YYYY-MM-DD'))) AS message,
       $4::text AS event,
       jsonb_build_object('kind', 'check_in', 'slot', $3::text) AS subject
FROM staff_member s
WHERE s.active
  AND NOT (s.id = ANY($5::int[]))
  AND NOT EXISTS (SELECT 1 FROM rest_day r WHERE r.day = $2::date)
  AND NOT EXISTS (
      SELECT 1 FROM check_in ci
      WHERE ci.staff = s.id AND ci.local_date = $2::date AND ci.counted)
  AND EXISTS (
      SELECT 1 FROM grid_assignment ga JOIN community c ON c.id = ga.community
      WHERE ga.staff = s.id
        AND CASE WHEN $6::int IS NULL
            -- the district-wide round skips streets that set their own reminder times
            THEN NOT EXISTS (
                SELECT 1 FROM job_schedule j
                WHERE j.job = 'check_in_reminder' AND j.street = c.street)
            ELSE c.street = $6::int END)
ORDER BY s.id
"""


def check_in_slot(at: dt.time) -> str:
    """The slot name of a reminder time, e.g. check_in@10:00."""
    return f"check_in@{at:%H:%M}"


async def send_check_in_reminders(
    day: dt.date,
    at: dt.time | str,
    street_id: int | None = None,
    now: dt.datetime | None = None,
) -> ReminderRound:
    """Run one reminder round for `day` at time `at` (a street's own, or district-wide).

    A round for a day that has already ended locally does nothing: a reminder to check in
    yesterday helps nobody (a task redelivered after midnight lands here).
    """
    moment = now or utc_now()
    slot = check_in_slot(parse_time_of_day(at, field="at"))
    if local_date_of(moment) > day:
        return ReminderRound(day=day, slot=slot, street=street_id, created=0, webhooks_queued=0)
    on_leave = sorted(await staff_on_leave(day))
    notices = await create_notices(
        _DUE_FOR_REMINDER, day, slot, EVENT_CHECK_IN, on_leave, street_id, now=moment
    )
    return ReminderRound(
        day=day,
        slot=slot,
        street=street_id,
        created=len(notices.reminders),
        webhooks_queued=notices.webhooks_queued,
    )


async def reminders_for(
    staff_id: int, since: dt.date | None = None, unread_only: bool = False
) -> list[dict[str, Any]]:
    """A staff member's notices, newest first (what the app and the admin show)."""
    query = Reminder.select().where(Reminder.staff == staff_id)
    if since is not None:
        query = query.where(Reminder.date >= since)
    if unread_only:
        query = query.where(Reminder.status != ReminderStatus.read)
    return await query.order_by(Reminder.created_at, ascending=False).order_by(
        Reminder._meta.primary_key, ascending=False
    )


async def mark_reminder_read(
    reminder_id: int, staff_id: int, actor_id: int | None = None
) -> dict[str, Any]:
    """Mark one of the staff member's own notices as read."""
    async with write_transaction(actor_id):
        reminder = await get_row(Reminder, reminder_id, field="reminder")
        if reminder["staff"] != staff_id:
            raise Forbidden("this notice belongs to someone else", field="reminder")
        return await update_row(Reminder, reminder_id, {"status": ReminderStatus.read})
