"""A district with two streets, their access lists, and api_keys of each reach.

Street A (340705001) lists: an approved urban-management entry (with a required attribute),
an approved civil-affairs entry, an approved party-building entry (not resident-reportable),
a proposed, a revoked and an expired entry. Street B (340705002) has one approved entry.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from app.api.auth import RATE_LIMITS
from app.api.tokens import ApiTokenCreate, create_token
from app.clock import local_today
from app.scope import Level, Scope
from tables.tokens import TokenScope
from tests.factories import Tree, area_tree, make_access_entry, make_department, make_user

BASE = "/open311/v2"


@dataclass
class City:
    tree: Tree
    entries: dict[str, dict[str, Any]] = field(default_factory=dict)
    departments: dict[str, dict[str, Any]] = field(default_factory=dict)
    keys: dict[str, str] = field(default_factory=dict)

    @property
    def street_a(self) -> str:
        return str(self.tree.streets["A"]["code"])

    @property
    def street_b(self) -> str:
        return str(self.tree.streets["B"]["code"])

    def code(self, entry: str) -> str:
        return f"access-{self.entries[entry]['id']}"


@pytest.fixture(autouse=True)
def fresh_rate_limits() -> None:
    RATE_LIMITS.reset()


async def make_key(
    creator: dict[str, Any],
    street: dict[str, Any] | None = None,
    community: dict[str, Any] | None = None,
    can_write: bool = True,
) -> str:
    """An API token (the Open311 api_key) created by a superuser."""
    scope = Scope(user_id=creator["id"], level=Level.district)
    data = ApiTokenCreate(
        name="12345 热线",
        scope=TokenScope.community if community else TokenScope.street,
        street=street["id"] if street else None,
        community=community["id"] if community else None,
        can_write=can_write,
    )
    return str((await create_token(data, scope))["token"])


@pytest.fixture
async def city() -> City:
    tree = await area_tree()
    city = City(tree)
    street_a, street_b = tree.streets["A"], tree.streets["B"]
    urban = await make_department("区城市管理局", "城管")
    civil = await make_department("区民政局", "民政")
    party = await make_department("区委组织部", "党建")
    city.departments = {"urban": urban, "civil": civil, "party": party}
    today = local_today()
    for key, street, department, status, name, valid_to in (
        ("urban", street_a, urban, "approved", "违章搭建巡查上报", None),
        ("civil", street_a, civil, "approved", "高龄津贴申领初审", None),
        ("party", street_a, party, "approved", "党员组织关系接转", None),
        ("proposed", street_a, civil, "proposed", "老年人助餐服务需求摸排", None),
        ("revoked", street_a, urban, "revoked", "社区创建达标评比材料", None),
        ("expired", street_a, urban, "approved", "文明城市迎检", today - dt.timedelta(days=1)),
        ("b_urban", street_b, urban, "approved", "违章搭建巡查上报", None),
    ):
        entry = await make_access_entry(
            street, department, status=status, name=name, valid_to=valid_to
        )
        city.entries[key] = entry
    categories = {
        "urban": "urban_management",
        "party": "party_building",
        "revoked": "urban_management",
        "expired": "urban_management",
        "b_urban": "urban_management",
    }
    from tables.work import AccessListEntry

    for key, category in categories.items():
        await AccessListEntry.update({AccessListEntry.category: category}).where(
            AccessListEntry.id == city.entries[key]["id"]
        )
        city.entries[key]["category"] = category
    root = await make_user("root", superuser=True)
    city.keys = {
        "a": await make_key(root, street=street_a),
        "a_read": await make_key(root, street=street_a, can_write=False),
        "b": await make_key(root, street=street_b),
        "a1": await make_key(root, community=tree.communities["A1"]),
    }
    return city


# --- Reading responses in both formats ---------------------------------------------------


def xml_root(response: httpx.Response) -> ET.Element:
    assert response.headers["content-type"].startswith("text/xml")
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    return ET.fromstring(response.content)


def errors_of(response: httpx.Response) -> list[tuple[int, str]]:
    """(code, description) of a spec error list, JSON or XML; the code equals the status."""
    if response.headers["content-type"].startswith("text/xml"):
        root = xml_root(response)
        assert root.tag == "errors"
        found = [(int(e.findtext("code", "")), e.findtext("description", "")) for e in root]
    else:
        body = response.json()
        assert isinstance(body, list)
        assert all(set(item) == {"code", "description"} for item in body)
        found = [(item["code"], item["description"]) for item in body]
    assert found
    assert all(code == response.status_code for code, _ in found)
    return found


def form(**fields: Any) -> dict[str, Any]:
    """Form fields; `attribute={"problem": "rubbish"}` becomes attribute[problem]=rubbish."""
    attributes = fields.pop("attribute", {})
    data = {k: v for k, v in fields.items() if v is not None}
    for code, value in attributes.items():
        if isinstance(value, list):
            data[f"attribute[{code}][]"] = value
        else:
            data[f"attribute[{code}]"] = value
    return data


async def post_request(
    client: httpx.AsyncClient, fmt: str = "json", **fields: Any
) -> httpx.Response:
    return await client.post(f"{BASE}/requests.{fmt}", data=form(**fields))
