"""The demo district's time limits (时限): the district's default standards, the stages every
work item went through (rebuilt from its history as the transition service writes them), an
approved and a pending extension request (延期申请), and the yellow and red steps (督办) of
the stages that are late, each told to the people it concerns as the nightly scan does.

Runs after the work items, on the loader's connection; it draws no random numbers.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from app.demo.rows import copy, insert
from app.demo.steps import DemoLoader
from app.worktime.calendar import WorkCalendar, calendar_of
from app.worktime.stages import STAGE_OF_STATUS, deadlines
from tables.choices import (
    EscalationLevel,
    ExtensionStatus,
    TimeLimitUnit,
    WorkCategory,
    WorkStage,
    WorkStatus,
)

Row = dict[str, Any]

# District defaults (street empty) for the normal level: (amount, unit) per stage.
STANDARDS: dict[str, tuple[int, str]] = {
    WorkStage.accept: (4, TimeLimitUnit.hours),
    WorkStage.dispatch: (1, TimeLimitUnit.days),
    WorkStage.handle: (5, TimeLimitUnit.days),
    WorkStage.verify: (2, TimeLimitUnit.days),
}
# Street scene and disputes are settled faster (as the Open311 catalogue promises).
QUICK_HANDLE_DAYS: dict[str, int] = {
    WorkCategory.urban_management: 3,
    WorkCategory.comprehensive_management: 3,
}
STANDARD_NOTE = "铜官区网格事项办理时限标准（试行）"
STAGE_WORDS = {"accept": "受理", "dispatch": "派遣", "handle": "处置", "verify": "核查"}
EXTENSION_DAYS = 2
EXTENSION_REASON = "需协调物业和住户共同到场核实，申请延长办理时间。"


def limit_of(category: str, stage: str) -> tuple[int, str]:
    if stage == WorkStage.handle and category in QUICK_HANDLE_DAYS:
        return QUICK_HANDLE_DAYS[category], TimeLimitUnit.days
    return STANDARDS[stage]


async def load_time_limits(loader: DemoLoader) -> None:
    conn = loader.conn
    await copy(
        conn,
        "time_limit_standard",
        [
            {
                "street": None,
                "category": category.value,
                "stage": stage,
                "priority": "normal",
                "amount": limit_of(category, stage)[0],
                "unit": limit_of(category, stage)[1],
                "note": STANDARD_NOTE,
            }
            for category in WorkCategory
            for stage in STANDARDS
        ],
    )
    calendar = calendar_of()
    items = {
        row["id"]: dict(row)
        for row in await conn.fetch(
            "SELECT w.id, w.community, w.status, w.assignee, w.title, e.category"
            " FROM work_item w JOIN access_list_entry e ON e.id = w.access_entry ORDER BY w.id"
        )
    }
    history: dict[int, list[Row]] = {}
    for event in await conn.fetch(
        "SELECT work_item, from_status, to_status, at FROM work_item_event"
        " WHERE from_status IS DISTINCT FROM to_status ORDER BY work_item, at, id"
    ):
        history.setdefault(event["work_item"], []).append(dict(event))
    stages = {
        item_id: stages_of(item, history.get(item_id, []), calendar)
        for item_id, item in items.items()
    }
    asked = extensions(loader, items, stages, calendar)
    ids: dict[tuple[int, str], int] = {}
    for item_id, rows in stages.items():
        for stage, row in rows.items():
            ids[(item_id, stage)] = await insert(conn, "work_item_stage", row)
    await copy(
        conn,
        "extension_request",
        [{**request, "stage": ids[(request["work_item"], WorkStage.handle)]} for request in asked],
    )
    await copy(
        conn,
        "work_item_event",
        [
            {
                "work_item": item["id"],
                "from_status": item["status"],
                "to_status": item["status"],
                "actor": actor,
                "note": note,
                "at": at,
            }
            for item in items.values()
            for actor, note, at in item.get("history", [])
        ],
    )
    await escalations(loader, items, stages, ids)


def stages_of(item: Row, events: list[Row], calendar: WorkCalendar) -> dict[str, Row]:
    """The item's stages as app.worktime.stages.on_status_change wrote them, move by move."""
    rows: dict[str, Row] = {}
    for event in events:
        old = STAGE_OF_STATUS.get(event["from_status"] or "")
        if old is not None and old in rows:
            finish(rows[old], event["at"], calendar)
        new = STAGE_OF_STATUS.get(event["to_status"])
        if new is not None and new not in rows:
            amount, unit = limit_of(item["category"], new)
            limit = calendar.minutes_of(amount, unit)
            due = calendar.add_working_minutes(event["at"], limit)
            rows[new] = {
                "work_item": item["id"],
                "community": item["community"],
                "stage": new.value,
                "entered_at": event["at"],
                "limit_minutes": limit,
                "extended_minutes": 0,
                "due_at": due,
                **deadlines(calendar, due, limit),
                "finished_at": None,
                "late": None,
                "late_by_minutes": None,
            }
    return rows


def finish(row: Row, at: dt.datetime, calendar: WorkCalendar) -> None:
    late = at > row["due_at"]
    row["finished_at"] = at
    row["late"] = late
    row["late_by_minutes"] = (
        max(calendar.working_minutes_between(row["due_at"], at), 0) if late else 0
    )


def extensions(
    loader: DemoLoader,
    items: dict[int, Row],
    stages: dict[int, dict[str, Row]],
    calendar: WorkCalendar,
) -> list[Row]:
    """Two assignees asked for two working days more to handle an item: one was approved by
    the community admin three hours later (the stage's deadline moved), the other, asked
    yesterday, still waits. Returns the requests (without their stage id); their steps join the history."""
    admins = {loader.ids[code]: staff for code, staff in loader.community_admin.items()}
    latest = loader.at(loader.today - dt.timedelta(days=2), 0)
    waiting = [
        item
        for item in items.values()
        if item["status"] == WorkStatus.dispatched
        and item["assignee"] is not None
        and stages[item["id"]][WorkStage.handle]["entered_at"] < latest
    ][:2]
    minutes = calendar.minutes_of(EXTENSION_DAYS, TimeLimitUnit.days)
    requests = []
    for n, item in enumerate(waiting):
        stage = stages[item["id"]][WorkStage.handle]
        approved = n == 0
        # The approved one was asked the day after dispatch; the other one yesterday.
        asked = (
            stage["entered_at"] + dt.timedelta(days=1)
            if approved
            else loader.at(loader.today - dt.timedelta(days=1), 10.5)
        )
        decided = asked + dt.timedelta(hours=3)
        admin_user = loader.staff_user[admins[item["community"]]]
        requests.append(
            {
                "work_item": item["id"],
                "community": item["community"],
                "requested_by": item["assignee"],
                "amount": EXTENSION_DAYS,
                "unit": TimeLimitUnit.days.value,
                "minutes": minutes,
                "reason": EXTENSION_REASON,
                "status": (ExtensionStatus.approved if approved else ExtensionStatus.pending).value,
                "decided_by": admin_user if approved else None,
                "decided_at": decided if approved else None,
                "decision_note": "",
                "created_at": asked,
            }
        )
        item["history"] = [
            (
                loader.staff_user[item["assignee"]],
                f"申请延期 {EXTENSION_DAYS} 个工作日：{EXTENSION_REASON}",
                asked,
            )
        ]
        if approved:
            due = calendar.add_working_minutes(stage["due_at"], minutes)
            stage.update(
                due_at=due,
                extended_minutes=minutes,
                **deadlines(calendar, due, stage["limit_minutes"]),
            )
            item["history"].append((admin_user, f"批准延期 {EXTENSION_DAYS} 个工作日", decided))
    return requests


async def escalations(
    loader: DemoLoader,
    items: dict[int, Row],
    stages: dict[int, dict[str, Row]],
    ids: dict[tuple[int, str], int],
) -> None:
    """The steps the escalation scan took up to last midnight, and the notices it sent:
    yellow to the assignee and the community admin, red to the street official."""
    now = loader.at(loader.today, 0)
    admins = {loader.ids[code]: staff for code, staff in loader.community_admin.items()}
    officials = {
        loader.ids[community.code]: loader.street_official[street.code]
        for street in loader.streets
        for community in street.communities
    }
    steps, notices = [], []
    for item_id, rows in stages.items():
        item = items[item_id]
        for stage, row in rows.items():
            if row["finished_at"] is not None:
                continue
            for level, at in (("yellow", row["yellow_at"]), ("red", row["red_at"])):
                if at > now:
                    continue
                stage_id = ids[(item_id, stage)]
                steps.append(
                    {
                        "stage": stage_id,
                        "work_item": item_id,
                        "community": item["community"],
                        "level": level,
                        "at": at,
                    }
                )
                told = (
                    [item["assignee"], admins[item["community"]]]
                    if level == EscalationLevel.yellow
                    else [officials[item["community"]]]
                )
                notices += [
                    {
                        "staff": staff,
                        "date": at.astimezone(loader.tz).date(),
                        "slot": f"escalation:{level}:{stage_id}",
                        "channel": "in_app",
                        "status": "read" if level == EscalationLevel.yellow else "sent",
                        "message": escalation_message(item["title"], level, stage, row, loader),
                        "attempts": 1,
                        "created_at": at,
                    }
                    for staff in dict.fromkeys(told)
                    if staff is not None
                ]
    await copy(loader.conn, "escalation_step", steps)
    await copy(loader.conn, "reminder", notices)


def escalation_message(title: str, level: str, stage: str, row: Row, loader: DemoLoader) -> str:
    """The notice's words, as app.jobs.escalation writes them."""
    word = "红牌督办" if level == EscalationLevel.red else "黄牌督办"
    due = row["due_at"].astimezone(loader.tz)
    return (
        f"{word}：「{title}」{STAGE_WORDS[stage]}环节已超时（期限 {due:%Y-%m-%d %H:%M}）。"
        f"{level.capitalize()} escalation: {title} is late in its {stage} stage"
    )
