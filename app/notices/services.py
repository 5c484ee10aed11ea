"""Notices a community publishes on its openness page (社区公开), and what the public sees.

A notice is public text: the cleaner refuses ID numbers and phone numbers in it, so personal
data cannot reach the page that needs no login.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from app.crud import changes_of, create_with, get_row, update_with
from app.errors import ValidationFailed
from app.notices.schemas import PublicNoticeCreate, PublicNoticeUpdate
from app.validation import check_text
from tables.areas import Community
from tables.notices import PublicNotice

# 18-character ID numbers and mainland mobile numbers (with optional separators).
_ID_NUMBER = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")
_MOBILE = re.compile(r"(?<!\d)1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}(?!\d)")


def check_no_personal_data(text: str, field: str) -> str:
    """Public text without ID numbers or mobile phone numbers (PIPL)."""
    if _ID_NUMBER.search(text):
        raise ValidationFailed(
            "公开内容不得包含身份证号 must not contain an ID number", field=field
        )
    if _MOBILE.search(text):
        raise ValidationFailed(
            "公开内容不得包含手机号 must not contain a phone number", field=field
        )
    return text


async def clean_public_notice(
    values: dict[str, Any], current: dict[str, Any] | None
) -> dict[str, Any]:
    """A titled notice of an existing community; published now unless a time is given."""
    community = await get_row(Community, values.get("community"), field="community")
    title = check_no_personal_data(check_text(values.get("title"), "title", 200), "title")
    body = check_no_personal_data(check_text(values.get("body"), "body", required=False), "body")
    published_at = values.get("published_at") or dt.datetime.now(dt.UTC)
    if not isinstance(published_at, dt.datetime) or published_at.tzinfo is None:
        raise ValidationFailed("must be a date and time with a time zone", field="published_at")
    return {
        **values,
        "community": community["id"],
        "title": title,
        "body": body,
        "published_at": published_at,
        "visible": bool(values.get("visible", True)),
    }


async def create_public_notice(
    data: PublicNoticeCreate, actor_id: int | None = None
) -> dict[str, Any]:
    """Publish a notice for a community."""
    return await create_with(PublicNotice, clean_public_notice, changes_of(data), actor_id)


async def update_public_notice(
    notice_id: int, data: PublicNoticeUpdate, actor_id: int | None = None
) -> dict[str, Any]:
    """Change a notice (hide it by setting visible to false)."""
    return await update_with(
        PublicNotice, clean_public_notice, notice_id, changes_of(data), actor_id
    )


async def published_notices(community_id: int, limit: int = 50) -> list[dict[str, Any]]:
    """The community's visible notices already published, newest first (public view)."""
    return await (
        PublicNotice.select(PublicNotice.title, PublicNotice.body, PublicNotice.published_at)
        .where(
            PublicNotice.community == community_id,
            PublicNotice.visible.eq(True),
            PublicNotice.published_at <= dt.datetime.now(dt.UTC),
        )
        .order_by(PublicNotice.published_at, ascending=False)
        .limit(limit)
        .run()
    )
