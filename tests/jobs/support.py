"""Data for the jobs tests: check-ins, leave, work and supervision written straight to the
database, and a real HTTP endpoint that records webhook deliveries."""

from __future__ import annotations

import datetime as dt
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from zoneinfo import ZoneInfo

from app.crud import insert_row
from tables.daily import CheckIn, DiaryEntry
from tables.people import Leave
from tables.supervision import SupervisionRecord
from tables.system import Reminder
from tables.work import WorkItem
from tests.factories import Tree, area_tree, make_access_entry, make_department, make_staff

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local(day: dt.date, hour: int = 9, minute: int = 0) -> dt.datetime:
    """A moment on `day` at local wall-clock time (Asia/Shanghai, the test TIMEZONE)."""
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=SHANGHAI)


@dataclass
class World:
    tree: Tree
    staff: dict[str, dict[str, Any]] = field(default_factory=dict)
    entry: dict[str, Any] = field(default_factory=dict)


async def world() -> World:
    """Street A: communities A1 (workers wang, li; admin zhao) and A2 (worker chen, admin
    sun); street B: community B1 (worker zhou). A volunteer without a grid in A1."""
    tree = await area_tree()
    w = World(tree=tree)
    a1, a2, b1 = (tree.communities[k] for k in ("A1", "A2", "B1"))
    w.staff["wang"] = await make_staff("wang", community=a1, grids=[tree.grids["A1-1"]])
    w.staff["li"] = await make_staff("li", community=a1, grids=[tree.grids["A1-2"]])
    w.staff["chen"] = await make_staff("chen", community=a2, grids=[tree.grids["A2-1"]])
    w.staff["zhou"] = await make_staff("zhou", community=b1, grids=[tree.grids["B1-1"]])
    w.staff["zhao"] = await make_staff("zhao", role="community_admin", community=a1)
    w.staff["sun"] = await make_staff("sun", role="community_admin", community=a2)
    w.staff["volunteer"] = await make_staff("vol", role="volunteer", community=a1)
    department = await make_department()
    w.entry = await make_access_entry(tree.streets["A"], department)
    return w


async def make_check_in(
    w: World, staff: str, grid: str, at: dt.datetime, counted: bool = True
) -> dict[str, Any]:
    """A check-in as the check-in service stores it (inside and counted, or outside)."""
    g = w.tree.grids[grid]
    return await insert_row(
        CheckIn,
        {
            "staff": w.staff[staff]["id"],
            "grid": g["id"],
            "community": g["community"],
            "at": at,
            "local_date": at.astimezone(SHANGHAI).date(),
            "latitude": g["min_lat"] + 0.001 if counted else g["max_lat"] + 0.01,
            "longitude": g["min_lon"] + 0.001,
            "inside_grid": counted,
            "counted": counted,
        },
    )


async def make_leave(w: World, staff: str, starts_on: dt.date, ends_on: dt.date) -> None:
    await insert_row(
        Leave, {"staff": w.staff[staff]["id"], "starts_on": starts_on, "ends_on": ends_on}
    )


async def make_work(
    w: World,
    community: str = "A1",
    grid: str | None = "A1-1",
    assignee: str | None = "wang",
    due_at: dt.datetime | None = None,
    status: str = "dispatched",
    closed_at: dt.datetime | None = None,
    title: str = "高龄津贴申领初审",
) -> dict[str, Any]:
    return await insert_row(
        WorkItem,
        {
            "access_entry": w.entry["id"],
            "community": w.tree.communities[community]["id"],
            "grid": w.tree.grids[grid]["id"] if grid else None,
            "title": title,
            "status": status,
            "assignee": w.staff[assignee]["id"] if assignee else None,
            "due_at": due_at,
            "closed_at": closed_at,
        },
    )


async def make_supervision(
    w: World,
    community: str = "A1",
    grid: str | None = "A1-1",
    created_at: dt.datetime | None = None,
    due_at: dt.datetime | None = None,
    answered_at: dt.datetime | None = None,
    status: str = "received",
) -> dict[str, Any]:
    return await insert_row(
        SupervisionRecord,
        {
            "kind": "government_work",
            "subject": "社区服务站",
            "community": w.tree.communities[community]["id"],
            "grid": w.tree.grids[grid]["id"] if grid else None,
            "content": "办事窗口午休无人",
            "status": status,
            "due_at": due_at,
            "answered_at": answered_at,
            "created_at": created_at or dt.datetime.now(dt.UTC),
        },
    )


async def make_diary(
    w: World,
    staff: str = "wang",
    grid: str = "A1-1",
    follow_up_due: dt.date | None = None,
    work_item: dict[str, Any] | None = None,
) -> dict[str, Any]:
    g = w.tree.grids[grid]
    return await insert_row(
        DiaryEntry,
        {
            "staff": w.staff[staff]["id"],
            "grid": g["id"],
            "community": g["community"],
            "content": "3号楼独居老人反映楼道灯坏了",
            "follow_up_due": follow_up_due,
            "work_item": work_item["id"] if work_item else None,
        },
    )


async def reminders(slot: str | None = None) -> list[dict[str, Any]]:
    query = Reminder.select().order_by(Reminder.staff).order_by(Reminder.slot)
    if slot is not None:
        query = query.where(Reminder.slot == slot)
    return await query.run()


def staff_names(w: World, rows: list[dict[str, Any]]) -> list[str]:
    by_id = {staff["id"]: name for name, staff in w.staff.items()}
    return sorted(by_id[row["staff"]] for row in rows)


class WebhookReceiver:
    """A real HTTP server on a free loopback port; answers with `statuses` in turn (then 200)."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.statuses: list[int] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with receiver.lock:
                    receiver.requests.append(
                        {"headers": dict(self.headers), "body": body, "json": json.loads(body)}
                    )
                    status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> WebhookReceiver:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


async def clear_of_midnight(margin: dt.timedelta = dt.timedelta(minutes=1)) -> None:
    """Wait out the last minute before local midnight, so "today" cannot change mid-test."""
    import asyncio

    now = dt.datetime.now(SHANGHAI)
    midnight = dt.datetime.combine(now.date() + dt.timedelta(days=1), dt.time(), SHANGHAI)
    if midnight - now < margin:
        await asyncio.sleep((midnight - now).total_seconds() + 1)
