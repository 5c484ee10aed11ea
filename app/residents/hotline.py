"""A 1890 call recorded on the phone app (/m/) by community staff or a grid worker: the
caller's community is the taker's own; the intake is the residents' (app.residents.intake)."""

from __future__ import annotations

import msgspec

from app.errors import Forbidden
from app.residents.intake import Received, Submission, submit
from app.scope import Scope
from tables.areas import Community
from tables.choices import CaseChannel


class HotlineBody(msgspec.Struct, kw_only=True):
    service_code: str = ""
    description: str = ""
    subject: str = ""
    address: str = ""
    grid: str = ""
    caller_name: str = ""
    caller_phone: str = ""
    anonymous: bool = False
    attributes: dict[str, list[str]] = msgspec.field(default_factory=dict)


async def record_call(taker: Scope, body: HotlineBody) -> Received:
    if taker.community_id is None:
        raise Forbidden("只有社区工作人员可以在网格通登记热线来电", field="community")
    community = (
        await Community.select(Community.code)
        .where(Community._meta.primary_key == taker.community_id)
        .first()
    )
    if community is None:
        raise Forbidden("找不到您所在的社区", field="community")
    return await submit(
        Submission(
            community=community["code"],
            service_code=body.service_code,
            description=body.description,
            subject=body.subject,
            address=body.address,
            grid=body.grid,
            name=body.caller_name,
            phone=body.caller_phone,
            anonymous=body.anonymous,
            attributes=body.attributes,
        ),
        channel=CaseChannel.hotline,
        taker=taker,
    )
