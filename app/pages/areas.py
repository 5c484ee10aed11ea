"""Which street or community a staff page is about, as the viewer's scope sees it.

Street pages are for street officials (and the district); community pages for anyone whose
scope includes the community. Rows come through row-level security, so an area outside the
scope reads as not found.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.errors import Forbidden, NotFound
from app.scope import Level, Scope
from tables.areas import Community, Street


@dataclass
class Area:
    level: str  # "street" or "community"
    row: dict[str, Any]
    street: dict[str, Any]
    communities: list[dict[str, Any]]

    @property
    def name(self) -> str:
        if self.level == "street":
            return str(self.row["name"])
        return f"{self.street['name']} {self.row['name']}"

    @property
    def community_ids(self) -> list[int]:
        return [c["id"] for c in self.communities]


async def find_area(level: str, code: str, scope: Scope) -> Area:
    """The street or community with `code` (inside a scoped transaction), or NotFound/Forbidden."""
    if level == "street":
        if scope.level not in (Level.district, Level.street):
            raise Forbidden("街道页面仅供街道干部查看 street pages are for street officials")
        street = await Street.select().where(Street.code == code).first().run()
        if street is None:
            raise NotFound(f"没有编码为 {code} 的街道（或不在您的范围内）", field="code")
        communities = (
            await Community.select()
            .where(Community.street == street["id"])
            .order_by(Community.code)
            .run()
        )
        return Area("street", street, street, communities)
    if level != "community":
        raise NotFound(f"no {level} pages", field="level")
    community = await Community.select().where(Community.code == code).first().run()
    if community is None:
        raise NotFound(f"没有编码为 {code} 的社区（或不在您的范围内）", field="code")
    street = (
        await Street.select().where(Street._meta.primary_key == community["street"]).first().run()
    )
    if street is None:  # a community is always in a visible street; guard for odd scopes
        street = {"id": community["street"], "name": "", "code": code[:9]}
    return Area("community", community, street, [community])


async def areas_in_scope() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Streets and communities the current scoped transaction can see."""
    streets = (
        await Street.select(Street._meta.primary_key, Street.code, Street.name)
        .order_by(Street.code)
        .run()
    )
    communities = (
        await Community.select(
            Community._meta.primary_key, Community.code, Community.name, Community.street
        )
        .order_by(Community.code)
        .run()
    )
    return streets, communities
