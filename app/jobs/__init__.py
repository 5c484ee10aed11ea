"""Scheduled work (定时任务): check-in reminders, overdue escalation, evaluation rollups.

Every job is a service here, idempotent by unique keys, upserts and advisory locks; the Taskiq
tasks in `app.jobs.tasks` only call them. `app.worker` builds the broker and the scheduler.
"""
