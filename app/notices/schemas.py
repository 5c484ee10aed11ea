"""Public notices as they enter and leave the services."""

from __future__ import annotations

import datetime as dt

import msgspec


class PublicNotice(msgspec.Struct, kw_only=True):
    id: int
    community: int
    title: str
    body: str
    published_at: dt.datetime
    visible: bool


class PublicNoticeCreate(msgspec.Struct, kw_only=True):
    community: int
    title: str
    body: str = ""
    published_at: dt.datetime | None = None
    visible: bool = True


class PublicNoticeUpdate(msgspec.Struct, kw_only=True):
    community: int | msgspec.UnsetType = msgspec.UNSET
    title: str | msgspec.UnsetType = msgspec.UNSET
    body: str | msgspec.UnsetType = msgspec.UNSET
    published_at: dt.datetime | msgspec.UnsetType | None = msgspec.UNSET
    visible: bool | msgspec.UnsetType = msgspec.UNSET
