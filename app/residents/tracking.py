"""What a tracking code opens: the case's stages with dates, deadlines and whether they were
met, the public reply, and the holder's own rating — never a staff name, never the raiser.

The code is the capability: it is looked up by its hash among all cases, and only the fields
below leave. A merged duplicate's codes were moved to the surviving case (app.residents.staff),
so they show that case. A resident rates once per finish of the case; a dissatisfied holder
may reopen a closed work item once, within RESIDENT_REOPEN_DAYS of its closing: the case gets
a new work item, pushed through the access list again, and the old one stays as it was.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from app.clock import utc_now
from app.crud import update_row
from app.errors import Conflict, NotFound
from app.open311.catalogue import SUPERVISION_SERVICES
from app.residents import codes
from app.residents.intake import community_scope
from app.scope import SUPERUSER_SCOPE, scoped_transaction, switch_scope
from app.settings import settings
from app.validation import check_choice, check_text
from app.work.items import TERMINAL_STATUSES
from app.work.schemas import WorkItemCreate
from app.work.services import push_work_item
from app.worktime.stages import stages_of
from tables.choices import Satisfaction, SupervisionStatus, WorkSource, WorkStatus
from tables.residents import ResidentCase, TrackingCode
from tables.supervision import SupervisionRecord
from tables.work import WorkItem

Row = dict[str, Any]

# The resident's words for the flow (受理 → 派遣 → 处置 → 核查 → 办结): the status reached,
# and the time-limited stage that ends there.
WORK_STEPS = [
    (WorkStatus.accepted, "受理", "accept"),
    (WorkStatus.dispatched, "派遣", "dispatch"),
    (WorkStatus.handled, "处置", "handle"),
    (WorkStatus.verified, "核查", "verify"),
    (WorkStatus.closed, "办结", None),
]
STATUS_WORDS = {
    WorkStatus.reported: "已提交，等待受理",
    WorkStatus.accepted: "已受理",
    WorkStatus.dispatched: "已派遣，正在处置",
    WorkStatus.handled: "已处置，等待核查",
    WorkStatus.verified: "已核查，即将办结",
    WorkStatus.closed: "已办结",
    WorkStatus.rejected: "未受理（已退回）",
    SupervisionStatus.received: "已收到",
    SupervisionStatus.handling: "正在办理",
    SupervisionStatus.answered: "已答复",
    SupervisionStatus.closed: "已办结",
}
RATING_WORDS = {
    Satisfaction.satisfied: "满意",
    Satisfaction.basically_satisfied: "基本满意",
    Satisfaction.dissatisfied: "不满意",
}
SUPERVISION_FINISHED = frozenset({SupervisionStatus.answered, SupervisionStatus.closed})

HOLDER_SQL = """
SELECT t.id AS code_id, t.rating, t.rating_comment, t.rated_at, rc.*,
       c.name AS community_name, c.street AS street_id, g.name AS grid_name, r.service_code
FROM tracking_code t
JOIN resident_case rc ON rc.id = t.resident_case
JOIN community c ON c.id = rc.community
JOIN open311_request r ON r.id = rc.service_request
LEFT JOIN responsibility_grid g ON g.id = rc.grid
WHERE t.code_hash = {}
"""
WORK_SQL = """
SELECT w.id, w.status, w.created_at, w.closed_at, w.title, e.name AS service_name,
       COALESCE(json_agg(json_build_object('to', ev.to_status, 'at', ev.at) ORDER BY ev.at)
                FILTER (WHERE ev.id IS NOT NULL), '[]') AS events
FROM work_item w
JOIN access_list_entry e ON e.id = w.access_entry
LEFT JOIN work_item_event ev ON ev.work_item = w.id
WHERE w.id = ANY({}::int[])
GROUP BY w.id, e.name
"""
SUPERVISION_SQL = """
SELECT id, kind, status, created_at, answered_at, answer, public FROM supervision_record
WHERE id = {}
"""


async def holder(code: str) -> Row:
    """The code's row with its case (NotFound for any text that is no live code)."""
    digest = codes.code_hash(code or "")
    rows = await TrackingCode.raw(HOLDER_SQL, digest).run() if digest else []
    if not rows:
        raise NotFound("查询码不对：请核对后重新输入", field="code")
    return rows[0]


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


def work_steps(item: Row, stages: list[Row]) -> list[Row]:
    """受理 → … → 办结 with the time reached, the deadline and whether it was met."""
    reached: dict[str, Any] = {}
    events = item["events"]
    for event in json.loads(events) if isinstance(events, str) else events:
        reached.setdefault(event["to"], event["at"])
    by_stage = {stage["stage"]: stage for stage in stages}
    steps = [{"label": "提交", "at": _iso(item["created_at"]), "done": True}]
    for status, label, stage_name in WORK_STEPS:
        stage = by_stage.get(stage_name) if stage_name else None
        at = reached.get(status)
        steps.append(
            {
                "label": label,
                "at": at if isinstance(at, str) else _iso(at),
                "done": at is not None,
                "due_at": _iso(stage["due_at"]) if stage else None,
                "met": None if not stage or stage["late"] is None else not stage["late"],
            }
        )
    if item["status"] == WorkStatus.rejected:
        steps.append({"label": "退回", "at": reached.get(WorkStatus.rejected), "done": True})
    return steps


async def _work_view(case: Row) -> Row:
    ids = [i for i in (case["first_work_item"], case["work_item"]) if i is not None]
    items = {row["id"]: row for row in await WorkItem.raw(WORK_SQL, ids).run()}
    stages = await stages_of(ids)
    current = items[case["work_item"]]
    rounds = [
        {
            "title": "第一次办理" if len(ids) > 1 and i == 0 else "办理进度",
            "steps": work_steps(items[item_id], stages[item_id]),
        }
        for i, item_id in enumerate(ids)
    ]
    finished_at = current["closed_at"] if current["status"] == WorkStatus.closed else None
    return {
        "kind": "report",
        "service_name": current["service_name"],
        "status": current["status"],
        "status_label": STATUS_WORDS[current["status"]],
        "open": current["status"] not in TERMINAL_STATUSES,
        "rounds": rounds,
        "finished_at": finished_at,
    }


async def _supervision_view(case: Row) -> Row:
    (record,) = await SupervisionRecord.raw(SUPERVISION_SQL, case["supervision_record"]).run()
    finished = record["status"] in SUPERVISION_FINISHED
    steps = [
        {"label": "提交", "at": _iso(record["created_at"]), "done": True},
        {"label": "办理", "at": None, "done": record["status"] != SupervisionStatus.received},
        {"label": "答复", "at": _iso(record["answered_at"]), "done": finished},
        {"label": "办结", "at": None, "done": record["status"] == SupervisionStatus.closed},
    ]
    return {
        "kind": "supervision",
        "service_name": SUPERVISION_SERVICES[record["kind"]].name,
        "status": record["status"],
        "status_label": STATUS_WORDS[record["status"]],
        "open": not finished,
        "rounds": [{"title": "办理进度", "steps": steps}],
        "finished_at": record["answered_at"] if finished else None,
        "answer": record["answer"] if record["public"] else "",
    }


def rating_state(row: Row, finished_at: dt.datetime | None, now: dt.datetime) -> Row:
    rated_since_finish = (
        row["rated_at"] is not None and finished_at is not None and row["rated_at"] >= finished_at
    )
    reopen_until = (
        finished_at + dt.timedelta(days=settings.resident_reopen_days) if finished_at else None
    )
    return {
        "rating": row["rating"] if rated_since_finish else None,
        "rating_label": RATING_WORDS.get(row["rating"]) if rated_since_finish else None,
        "can_rate": finished_at is not None and not rated_since_finish,
        "can_reopen": (
            rated_since_finish
            and row["rating"] == Satisfaction.dissatisfied
            and row["work_item"] is not None
            and row["reopened_at"] is None
            and reopen_until is not None
            and now <= reopen_until
        ),
        "reopen_until": _iso(reopen_until) if row["reopened_at"] is None else None,
    }


async def view(row: Row) -> Row:
    """The public view of the holder's case (in the current transaction)."""
    target = await (_work_view(row) if row["work_item"] is not None else _supervision_view(row))
    finished_at = target.pop("finished_at")
    reply = row["reply"] or target.pop("answer", "")
    target.pop("answer", None)
    return {
        "case": row["id"],
        "community": row["community_name"],
        "grid": row["grid_name"],
        "created_at": _iso(row["created_at"]),
        **target,
        "content": row["public_text"] if row["published"] else None,
        "photos": [f"/r/api/photos/{key}" for key in row["photos"]] if row["published"] else [],
        "reply": reply,
        "reopened": row["reopened_at"] is not None,
        "needs_placement": row["needs_placement"],
        **rating_state(row, finished_at, utc_now()),
    }


async def track(code: str) -> Row:
    async with scoped_transaction(SUPERUSER_SCOPE):
        return await view(await holder(code))


async def rate(code: str, rating: Any, comment: Any) -> Row:
    """The holder's rating of the finished case (once per finish)."""
    choice = check_choice(rating, Satisfaction, "rating")
    text = check_text(comment, "comment", 500, required=False)
    async with scoped_transaction(SUPERUSER_SCOPE):
        row = await holder(code)
        state = await view(row)
        if not state["can_rate"]:
            raise Conflict(
                "办结后才能评价，每次办结评价一次" if state["open"] else "您已经评价过了",
                field="rating",
            )
        await switch_scope(community_scope(row["community"], row["street_id"], None))
        await update_row(
            TrackingCode,
            row["code_id"],
            {"rating": choice, "rating_comment": text, "rated_at": utc_now()},
        )
        return await view(await holder(code))


async def reopen(code: str, reason: Any) -> Row:
    """A dissatisfied holder sends the closed item back once: a new work item of the case."""
    text = check_text(reason, "reason", 500, required=False)
    async with scoped_transaction(SUPERUSER_SCOPE):
        row = await holder(code)
        state = await view(row)
        if not state["can_reopen"]:
            raise Conflict(_why_not_reopen(row, state), field="reopen")
        (old,) = await WorkItem.raw("SELECT * FROM work_item WHERE id = {}", row["work_item"]).run()
        await switch_scope(community_scope(row["community"], row["street_id"], None))
        item = await push_work_item(
            WorkItemCreate(
                access_entry=old["access_entry"],
                community=old["community"],
                grid=old["grid"],
                title=f"重新办理：{old['title']}"[:200],
                description="\n\n".join(
                    part
                    for part in (f"居民不满意，申请重新办理。{text}", old["description"])
                    if part
                ),
                source=WorkSource.resident,
                priority=old["priority"],
            )
        )
        await update_row(
            ResidentCase,
            row["id"],
            {"work_item": item["id"], "first_work_item": old["id"], "reopened_at": utc_now()},
        )
        return await view(await holder(code))


def _why_not_reopen(row: Row, state: Row) -> str:
    if row["work_item"] is None:
        return "监督事项不能重新办理：可以再次提交监督"
    if row["reopened_at"] is not None:
        return "已经重新办理过一次"
    if state["rating"] != Satisfaction.dissatisfied:
        return "评价为“不满意”后才能申请重新办理"
    return f"办结超过 {settings.resident_reopen_days} 天，不能再申请重新办理"


__all__ = ["holder", "rate", "reopen", "track", "view"]
