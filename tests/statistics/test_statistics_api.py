"""/api/v1/statistics with department tokens: create requests, read results, refusals."""

from __future__ import annotations

import datetime as dt
import io

import httpx
import openpyxl
import pytest

from app.api.tokens import ApiTokenCreate, create_token
from app.clock import local_today, utc_now
from app.scope import SUPERUSER_SCOPE, scoped_transaction
from app.statistics import services
from tables.statistics import ReportValue
from tables.tokens import ApiToken, TokenScope
from tables.work import AccessListEntry, Department
from tests.statistics.conftest import BOUND, Demo, template_fields

pytestmark = pytest.mark.shared_data
API = "/api/v1/statistics"


async def department_token(demo: Demo, department: int, community: int | None = None) -> str:
    row = await create_token(
        ApiTokenCreate(
            name=f"dept {department} {community}",
            scope=TokenScope.community if community else TokenScope.street,
            street=demo.street_id,
            community=community,
            can_write=True,
            expires_at=utc_now() + dt.timedelta(days=1),
        ),
        SUPERUSER_SCOPE.__class__(user_id=demo.official.user_id, level=SUPERUSER_SCOPE.level),
    )
    if community is None:
        token = await ApiToken.select().where(ApiToken.prefix == row["prefix"]).first()
        assert token is not None
        await services.bind_department_token(token["id"], department, demo.official.user_id)
    return str(row["token"])


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_department_token_asks_reads_and_is_judged(
    demo: Demo, client: httpx.AsyncClient
) -> None:
    own = await department_token(demo, demo.entry["department"])
    other_department = (
        await Department.select().where(Department.id != demo.entry["department"]).first()
    )
    assert other_department is not None
    other = await department_token(demo, other_department["id"])
    body = {
        "access_entry": demo.entry["id"],
        "family": "api-basic",
        "title": "接口报表",
        "fields": [
            {
                "key": f.key,
                "title": f.title,
                "source": f.source,
                "kind": f.kind,
                "minimum": f.minimum,
                "maximum": f.maximum,
                "choices": f.choices,
                "required": f.required,
                "total_of": f.total_of,
                "unit": f.unit,
            }
            for f in template_fields()
        ],
    }
    refused = await client.post(f"{API}/templates", json=body, headers=bearer(other))
    assert refused.status_code == 403 and refused.json()["field"] == "access_entry"
    created = await client.post(f"{API}/templates", json=body, headers=bearer(own))
    assert created.status_code == 201, created.text
    template = created.json()
    request = await client.post(
        f"{API}/requests",
        json={
            "template": template["id"],
            "period_start": local_today().replace(day=1).isoformat(),
            "deadline": (utc_now() + dt.timedelta(days=5)).isoformat(),
        },
        headers=bearer(own),
    )
    assert request.status_code == 201, request.text
    request_id = request.json()["id"]
    # The community answers through its own token: text in a number field is a 422 naming it.
    community_token = await department_token(demo, 0, community=demo.community["id"])
    inbox = await client.get(f"{API}/inbox", headers=bearer(community_token))
    mine = [row for row in inbox.json() if row["report_request"] == request_id]
    assert len(mine) == 1 and mine[0]["community"] == demo.community["id"]
    opened = await client.post(
        f"{API}/answers/{mine[0]['id']}/open", headers=bearer(community_token)
    )
    values = {row["key"]: row for row in opened.json()}
    assert len(values) == 20
    bad = await client.post(
        f"{API}/answers/{mine[0]['id']}/values",
        json={"values": {"staff.count": "十二"}},
        headers=bearer(community_token),
    )
    assert bad.status_code == 422 and bad.json()["field"] == "values.staff.count"
    given = {k: values[k]["value"] for k, _, _ in BOUND}
    given["elderly.total"] = str(
        int(float(values["res.age60"]["value"])) + int(float(values["res.age80"]["value"]))
    )
    given.update(
        {
            "staff.count": 8,
            "activity.count": 2,
            "budget": 1.25,
            "state": "异常",
            "report.date": "2026-12-02",
            "has.plan": "否",
        }
    )
    done = await client.post(
        f"{API}/answers/{mine[0]['id']}/submit",
        json={"values": given},
        headers=bearer(community_token),
    )
    assert done.status_code == 200 and done.json()["status"] == "submitted", done.text
    results = await client.get(f"{API}/requests/{request_id}/results", headers=bearer(own))
    assert results.status_code == 200
    assert results.json()["submitted"] == 1
    assert float(results.json()["district"]["budget"]) == 1.25
    assert (
        await client.get(f"{API}/requests/{request_id}/results", headers=bearer(other))
    ).status_code == 403
    sheet = await client.get(f"{API}/requests/{request_id}/results.xlsx", headers=bearer(own))
    book = openpyxl.load_workbook(io.BytesIO(sheet.content)).active
    row = next(
        r for r in book.iter_rows(min_row=3, values_only=True) if r[0] == demo.community["code"]
    )
    assert row[5 + 13] == 8
    listed = await client.get(f"{API}/templates", headers=bearer(other))
    assert all(t["department"] == other_department["id"] for t in listed.json())


async def test_a_revoked_entry_refuses_the_next_request(
    demo: Demo, client: httpx.AsyncClient
) -> None:
    entry = (
        await AccessListEntry.select()
        .where(
            (AccessListEntry.street == demo.street_id)
            & (AccessListEntry.status == "approved")
            & (AccessListEntry.id != demo.entry["id"])
        )
        .first()
    )
    assert entry is not None
    token = await department_token(demo, entry["department"])
    body = {
        "access_entry": entry["id"],
        "family": "api-revoked",
        "title": "将撤销",
        "fields": [{"key": "staff.count", "title": "人数"}],
    }
    template = (await client.post(f"{API}/templates", json=body, headers=bearer(token))).json()
    from app.work.services import revoke_access_entry

    async with scoped_transaction(demo.official):
        await revoke_access_entry(entry["id"], "减负", demo.official.user_id)
    asked = await client.post(
        f"{API}/requests",
        json={
            "template": template["id"],
            "period_start": local_today().replace(day=1).isoformat(),
            "deadline": (utc_now() + dt.timedelta(days=5)).isoformat(),
        },
        headers=bearer(token),
    )
    assert asked.status_code == 403 and asked.json()["field"] == "access_entry"
    assert await ReportValue.count() >= 0
