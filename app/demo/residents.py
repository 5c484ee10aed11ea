"""The demo's residents (居民诉求): in the first community of each street, reports made from the
public page and through the 1890 line, carried through the same services a resident and the
staff use — published, answered, closed, rated, one reopened, a duplicate merged, a
supervision request, one report that nothing placed — so the admin, the tracking pages and
the satisfaction figure of the rollups have something to show.

Runs after the demo district is committed (the services open their own transactions).
"""

from __future__ import annotations

from typing import Any

from app.demo.steps import DemoLoader
from app.open311.catalogue import SUPERVISION_PREFIX
from app.residents import staff, tracking
from app.residents.intake import Submission, submit
from app.scope import Level, Scope
from app.work.items import transition_work_item
from tables.choices import CaseChannel, SupervisionKind, WorkStatus
from tables.residents import ResidentCase

Row = dict[str, Any]
FLOW = (
    WorkStatus.accepted,
    WorkStatus.dispatched,
    WorkStatus.handled,
    WorkStatus.verified,
    WorkStatus.closed,
)
ENTRY_SQL = """
SELECT e.id FROM access_list_entry e
WHERE e.street = $1 AND e.status = 'approved' AND e.category = 'urban_management'
  AND (e.valid_to IS NULL OR e.valid_to >= $2::date) AND e.valid_from <= $2::date
ORDER BY e.id LIMIT 1
"""


async def close_item(item_id: int, assignee: int, actor: int) -> None:
    for status in FLOW:
        await transition_work_item(item_id, status, actor, assignee_id=assignee)


async def load_residents(loader: DemoLoader) -> None:
    for street in loader.streets:
        await street_residents(loader, street)


async def street_residents(loader: DemoLoader, street: Any) -> None:
    community = street.communities[0]
    grid = next(g for s, c, g in loader.grids() if c is community)
    entry = await loader.conn.fetchval(ENTRY_SQL, loader.ids[street.code], loader.today)
    if entry is None:
        return
    admin_staff = loader.community_admin[community.code]
    admin = loader.staff_user[admin_staff]
    scope = Scope(
        user_id=admin,
        level=Level.community,
        staff_id=admin_staff,
        street_id=loader.ids[street.code],
        community_id=loader.ids[community.code],
    )
    worker = loader.workers[grid.code]
    west, south, east, north = grid.bounds
    here = {"latitude": (south + north) / 2, "longitude": (west + east) / 2}

    def report(description: str, **extra: Any) -> Submission:
        return Submission(
            community=community.code,
            service_code=f"access-{entry}",
            description=description,
            attributes={"problem": ["street_light"]},
            **{**here, **extra},
        )

    first = await submit(
        report("小区北门路灯坏了一周，晚上看不清路", name="居民", phone="13905620001")
    )
    again = await submit(report("北门的路灯不亮"))
    await submit(report("楼道里堆了很多纸箱", latitude=None, longitude=None))
    await submit(
        Submission(
            community=community.code,
            service_code=f"{SUPERVISION_PREFIX}{SupervisionKind.government_work}",
            subject="社区服务站",
            description="周六上午服务站没有按公示时间开门",
            anonymous=True,
        )
    )
    hotline = await submit(
        report("来电反映：3 号楼前井盖松动", name="来电居民", phone="05623333333"),
        channel=CaseChannel.hotline,
        taker=scope,
    )
    cases = {
        row["id"]: row
        for row in await ResidentCase.select().where(
            ResidentCase._meta.primary_key.is_in([first.case_id, hotline.case_id])
        )
    }
    await staff.moderate(scope, first.case_id, True, "小区北门路灯损坏，夜间照明不足")
    await staff.reply(scope, first.case_id, "已通知路灯维护单位更换灯具，感谢您的反映。")
    for received in (first, hotline):
        await close_item(cases[received.case_id]["work_item"], worker, admin)
    await tracking.rate(hotline.code, "satisfied", "")
    await tracking.rate(first.code, "dissatisfied", "只修好了一盏")
    await tracking.reopen(first.code, "还有一盏路灯不亮")
    await staff.merge(scope, again.case_id, first.case_id)
