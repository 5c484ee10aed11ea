"""What staff do with residents' cases: publish (moderate), reply, place, merge duplicates.

Each runs in the staff member's own scope (row-level security decides which cases they
reach: their community's, or their street's) and is audited as theirs. Nothing a resident
wrote is public until a staff member publishes it, and what is published is checked for ID
and phone numbers (the raiser's identity is never in it: it stays in open311_request and
the supervision record, masked).
"""

from __future__ import annotations

from typing import Any

from app.clock import utc_now
from app.crud import get_row_for_update, update_row
from app.db import write_transaction
from app.errors import Conflict, Forbidden, NotFound, ValidationFailed
from app.notices.services import check_no_personal_data
from app.scope import Level, Scope
from app.validation import check_text
from app.work.items import TERMINAL_STATUSES, transition_work_item, update_work_item
from app.work.schemas import WorkItemUpdate
from tables.areas import ResponsibilityGrid
from tables.choices import WorkStatus
from tables.open311 import ServiceRequest
from tables.residents import ResidentCase, TrackingCode
from tables.work import WorkItem

Row = dict[str, Any]
STAFF_LEVELS = frozenset({Level.district, Level.street, Level.community})


def check_staff(scope: Scope) -> None:
    if scope.level not in STAFF_LEVELS or scope.read_only:
        raise Forbidden("只有社区或街道工作人员可以处理居民诉求", field="case")


async def _case(case_id: Any) -> Row:
    if not isinstance(case_id, int):
        raise ValidationFailed("请选择一件居民诉求", field="case")
    try:
        return await get_row_for_update(ResidentCase, case_id)
    except NotFound as exc:
        raise NotFound(f"没有第 {case_id} 号居民诉求（或不在您的范围内）", field="case") from exc


async def moderate(scope: Scope, case_id: Any, publish: bool, public_text: Any) -> Row:
    """Publish the case with the text staff approved (default: the resident's words), or
    take it off the public pages."""
    check_staff(scope)
    async with write_transaction(scope.user_id):
        case = await _case(case_id)
        text = check_text(public_text, "public_text", 2000, required=False)
        if publish and not text:
            text = await _resident_words(case)
        if publish:
            check_no_personal_data(text, "public_text")
        return await update_row(
            ResidentCase,
            case["id"],
            {
                "published": publish,
                "public_text": text,
                "moderated_by": scope.user_id,
                "moderated_at": utc_now(),
            },
        )


async def _resident_words(case: Row) -> str:
    if case["work_item"] is not None:
        item = (
            await WorkItem.select(WorkItem.description)
            .where(WorkItem._meta.primary_key == case["work_item"])
            .first()
        )
        return str(item["description"] if item else "").strip()
    rows = await ResidentCase.raw(
        "SELECT content FROM supervision_record WHERE id = {}", case["supervision_record"]
    ).run()
    return str(rows[0]["content"]).strip() if rows else ""


async def reply(scope: Scope, case_id: Any, text: Any) -> Row:
    """The public reply the resident reads on the tracking page (no names, no numbers)."""
    check_staff(scope)
    answer = check_no_personal_data(check_text(text, "reply", 2000), "reply")
    async with write_transaction(scope.user_id):
        case = await _case(case_id)
        return await update_row(ResidentCase, case["id"], {"reply": answer})


async def place(scope: Scope, case_id: Any, grid_id: Any) -> Row:
    """Put a case that nothing placed into one of its community's grids."""
    check_staff(scope)
    if not isinstance(grid_id, int):
        raise ValidationFailed("请选择网格", field="grid")
    async with write_transaction(scope.user_id):
        case = await _case(case_id)
        grid = (
            await ResponsibilityGrid.select()
            .where(ResponsibilityGrid._meta.primary_key == grid_id)
            .first()
        )
        if grid is None or grid["community"] != case["community"]:
            raise ValidationFailed("这个网格不在诉求所在的社区", field="grid")
        if case["work_item"] is not None:
            await update_work_item(case["work_item"], WorkItemUpdate(grid=grid_id), scope.user_id)
        await update_row(ServiceRequest, case["service_request"], {"grid": grid_id})
        return await update_row(
            ResidentCase, case["id"], {"grid": grid_id, "needs_placement": False}
        )


async def merge(scope: Scope, duplicate_id: Any, into_id: Any) -> Row:
    """Merge a duplicate into the case that goes on: its reporters follow that case (their
    codes move), its work item is closed as a duplicate (退回, with a note), it is marked."""
    check_staff(scope)
    if duplicate_id == into_id:
        raise ValidationFailed("不能把诉求合并到它自己", field="into")
    async with write_transaction(scope.user_id):
        duplicate = await _case(duplicate_id)
        into = await _case(into_id)
        if duplicate["community"] != into["community"]:
            raise ValidationFailed("只能合并同一社区的诉求", field="into")
        if duplicate["merged_into"] is not None:
            raise Conflict(f"第 {duplicate['id']} 号已经合并过了", field="case")
        if into["merged_into"] is not None:
            raise ValidationFailed(
                f"第 {into['id']} 号本身已合并到第 {into['merged_into']} 号：请合并到那一件",
                field="into",
            )
        if (duplicate["work_item"] is None) != (into["work_item"] is None):
            raise ValidationFailed("反映的问题只能和问题合并，监督只能和监督合并", field="into")
        if duplicate["work_item"] is not None:
            item = (
                await WorkItem.select(WorkItem.status)
                .where(WorkItem._meta.primary_key == duplicate["work_item"])
                .first()
            )
            if item is not None and item["status"] not in TERMINAL_STATUSES:
                await transition_work_item(
                    duplicate["work_item"],
                    WorkStatus.rejected,
                    scope.user_id,
                    note=f"重复诉求，已并入第 {into['id']} 号居民诉求",
                )
        await TrackingCode.update({TrackingCode.resident_case: into["id"]}).where(
            TrackingCode.resident_case == duplicate["id"]
        )
        return await update_row(ResidentCase, duplicate["id"], {"merged_into": into["id"]})


__all__ = ["merge", "moderate", "place", "reply"]
