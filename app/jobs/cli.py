"""Run a job by hand: `python -m app.jobs.cli rollup --period month --start 2026-10-01`.

Subcommands call the same services as the scheduled tasks, in this process:
  rollup     --period day|month --start YYYY-MM-DD [--min-sample 5]   (re)compute a period
  report     --period day|month --start YYYY-MM-DD [--kind staff] [--street ID] [--subsidy]
  remind     [--at 10:00] [--date YYYY-MM-DD] [--street ID]             one reminder round
  escalate                                                               overdue escalation
  deliver                                                                send due webhooks
  schedules                                                              effective schedules
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import datetime as dt
import json
import sys
from collections.abc import Awaitable, Callable
from typing import Any

import msgspec

from app.database import resolve_database_url


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date like 2026-10-01") from None


def parser() -> argparse.ArgumentParser:
    """The command line of the jobs."""
    root = argparse.ArgumentParser(
        prog="python -m app.jobs.cli", description=__doc__.split("\n")[0]
    )
    commands = root.add_subparsers(dest="command", required=True)

    rollup = commands.add_parser("rollup", help="compute (or re-run) the rollup of one period")
    rollup.add_argument("--period", choices=["day", "month"], required=True)
    rollup.add_argument("--start", type=_date, required=True, help="the day, or the month's 1st")
    rollup.add_argument("--min-sample", type=int, default=5, help="no rank below this sample")

    report = commands.add_parser("report", help="print a period's rollup as CSV")
    report.add_argument("--period", choices=["day", "month"], required=True)
    report.add_argument("--start", type=_date, required=True)
    report.add_argument("--kind", choices=["staff", "grid", "community", "street"], default="staff")
    report.add_argument("--street", type=int, default=None, help="only this street (id)")
    report.add_argument(
        "--subsidy", action="store_true", help="community workers only (salary-scale subsidy)"
    )

    remind = commands.add_parser("remind", help="run one check-in reminder round now")
    remind.add_argument("--at", default="10:00", help="the reminder time (slot), e.g. 15:00")
    remind.add_argument("--date", type=_date, default=None, help="default: today (TIMEZONE)")
    remind.add_argument("--street", type=int, default=None)

    commands.add_parser("escalate", help="mark overdue work and supervision, notify")
    commands.add_parser("deliver", help="send due webhook deliveries")
    commands.add_parser("schedules", help="list the schedules the scheduler runs")
    return root


async def _run(args: argparse.Namespace) -> Any:
    from app.daily.services import local_today
    from app.jobs.escalation import escalate_overdue
    from app.jobs.notifiers import deliver_due_webhooks
    from app.jobs.reminders import send_check_in_reminders
    from app.jobs.rollups import rollup_period, rollup_report
    from app.jobs.schedules import effective_schedules, scheduled_task

    commands: dict[str, Callable[[], Awaitable[Any]]] = {
        "rollup": lambda: rollup_period(args.period, args.start, args.min_sample),
        "report": lambda: rollup_report(
            args.period, args.start, args.kind, args.street, args.subsidy
        ),
        "remind": lambda: send_check_in_reminders(args.date or local_today(), args.at, args.street),
        "escalate": escalate_overdue,
        "deliver": deliver_due_webhooks,
    }
    if args.command == "schedules":
        rows = await effective_schedules()
        return [
            {
                **scheduled_task(row).model_dump(include={"task_name", "cron", "interval"}),
                "enabled": row["enabled"],
                "street": row["street"],
                "id": row["id"],
            }
            for row in rows
        ]
    return await commands[args.command]()


async def _with_pool(args: argparse.Namespace) -> Any:
    from app.db import DB

    await DB.start_connection_pool(min_size=1, max_size=4)
    try:
        return await _run(args)
    finally:
        await DB.close_connection_pool()


def main(argv: list[str] | None = None) -> int:
    """Parse, run, print (JSON, or CSV for reports); domain refusals exit with status 2."""
    from app.errors import DomainError

    args = parser().parse_args(argv)
    resolve_database_url()
    try:
        result = asyncio.run(_with_pool(args))
    except DomainError as exc:
        print(
            f"error: {exc.field}: {exc.detail}" if exc.field else f"error: {exc}", file=sys.stderr
        )
        return 2
    if args.command == "report":
        writer = csv.DictWriter(sys.stdout, fieldnames=list(result[0]) if result else ["empty"])
        writer.writeheader()
        writer.writerows(result)
    else:
        print(json.dumps(msgspec.to_builtins(result), ensure_ascii=False, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
