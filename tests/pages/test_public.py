"""The public openness page: no login, in Chinese, and never any personal data."""

from __future__ import annotations

import datetime as dt
import re

import httpx

from app.clock import local_today
from app.crud import insert_row
from app.demo import load_demo
from app.jobs.rollups import rollup_period
from app.supervision.schemas import SupervisionRecordCreate
from app.supervision.services import answer_supervision, raise_supervision
from tables.areas import Community
from tables.notices import PublicNotice
from tables.people import StaffMember
from tables.places import Organisation, Resident
from tables.supervision import SupervisionRecord
from tests.factories import area_tree, make_access_entry, make_department

ID_NUMBER = re.compile(r"(?<![\d.])\d{17}[\dX](?![\d])")
MOBILE = re.compile(r"(?<![\d.])1[3-9]\d{9}(?![\d])")


async def test_the_page_shows_access_list_public_records_rollups_and_notices(
    client: httpx.AsyncClient,
) -> None:
    tree = await area_tree()
    community = tree.communities["A1"]
    department = await make_department("区民政局")
    await make_access_entry(tree.streets["A"], department, name="高龄津贴申领初审")
    await make_access_entry(tree.streets["A"], department, name="已撤销事项", status="revoked")
    await make_access_entry(tree.streets["B"], department, name="别的街道的事项")
    shown = await raise_supervision(
        SupervisionRecordCreate(
            kind="government_work",
            subject="社区卫生服务站",
            community=community["id"],
            content="服务站周末不开门",
            raised_by_name="张秘密",
            raised_by_contact="13912345678",
        )
    )
    await answer_supervision(shown["id"], "已调整为周末上午开放。", public=True)
    hidden = await raise_supervision(
        SupervisionRecordCreate(
            kind="residents_rights",
            subject="物业",
            community=community["id"],
            content="未公开的内容",
        )
    )
    await answer_supervision(hidden["id"], "已处理", public=False)
    await insert_row(
        PublicNotice,
        {
            "community": community["id"],
            "title": "停水通知",
            "body": "周六上午停水。",
            "published_at": dt.datetime.now(dt.UTC),
        },
    )
    await insert_row(
        PublicNotice,
        {
            "community": community["id"],
            "title": "隐藏的公告",
            "body": "",
            "published_at": dt.datetime.now(dt.UTC),
            "visible": False,
        },
    )
    await rollup_period("month", local_today().replace(day=1))

    response = await client.get(f"/public/communities/{community['code']}")
    assert response.status_code == 200 and 'lang="zh-CN"' in response.text
    page = response.text
    assert (
        "高龄津贴申领初审" in page
        and "《老年人权益保障法》第三十三条" in page
        and "区民政局" in page
    )
    assert "已撤销事项" not in page and "别的街道的事项" not in page
    assert "服务站周末不开门" in page and "已调整为周末上午开放。" in page and "已答复" in page
    assert "未公开的内容" not in page
    assert "张秘密" not in page and "13912345678" not in page
    assert "停水通知" in page and "隐藏的公告" not in page
    assert f"{local_today():%Y年%m月}" in page  # the month's rollup figures


async def test_an_unknown_community_is_a_404_page(client: httpx.AsyncClient) -> None:
    response = await client.get("/public/communities/999999999999")
    assert response.status_code == 404 and "没有编码为" in response.text


async def test_no_public_page_of_the_demo_district_shows_personal_data(
    client: httpx.AsyncClient,
) -> None:
    await load_demo()
    await SupervisionRecord.update({SupervisionRecord.public: True}, force=True)  # worst case
    ids = set(await Resident.select(Resident.id_number).output(as_list=True))
    phones = set(await Resident.select(Resident.phone).output(as_list=True))
    phones |= set(await StaffMember.select(StaffMember.phone).output(as_list=True))
    phones |= set(await Organisation.select(Organisation.contact_phone).output(as_list=True))
    raisers = [
        r
        for r in await SupervisionRecord.select(
            SupervisionRecord.raised_by_name, SupervisionRecord.raised_by_contact
        )
    ]
    names = {r["raised_by_name"] for r in raisers if r["raised_by_name"]}
    contacts = {r["raised_by_contact"] for r in raisers if r["raised_by_contact"]}
    assert names and ids and phones
    index = await client.get("/public/")
    codes = await Community.select(Community.code).output(as_list=True)
    assert all(code in index.text for code in codes)
    for code in codes:
        page = (await client.get(f"/public/communities/{code}")).text
        assert "监督记录公开" in page
        assert not ID_NUMBER.search(page), "an ID number on a public page"
        assert not MOBILE.search(page), "a phone number on a public page"
        assert not [name for name in names if name in page]
        assert not [c for c in contacts if c in page]
        assert not [n for n in ids if n and n in page]
        assert not [p for p in phones if p and p in page]


async def test_notices_refuse_personal_data() -> None:
    import pytest

    from app.errors import ValidationFailed
    from app.notices.schemas import PublicNoticeCreate
    from app.notices.services import create_public_notice

    tree = await area_tree()
    community = tree.communities["A1"]["id"]
    with pytest.raises(ValidationFailed) as refused:
        await create_public_notice(
            PublicNoticeCreate(community=community, title="寻人", body="联系 139 1234 5678")
        )
    assert refused.value.field == "body"
    with pytest.raises(ValidationFailed):
        await create_public_notice(
            PublicNoticeCreate(community=community, title="11010519491231002X 张三", body="")
        )
    notice = await create_public_notice(PublicNoticeCreate(community=community, title="停电通知"))
    assert notice["visible"] and notice["published_at"] <= dt.datetime.now(dt.UTC)
