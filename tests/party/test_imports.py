"""Excel import of party members and volunteers: a good file is written through the
services; a file with a bad row writes nothing and names the row, column and reason."""

from __future__ import annotations

from app.crud import insert_row
from tables.party import PartyMember
from tables.places import Resident
from tables.volunteers import Volunteer
from tests.excel.support import run_import
from tests.factories import area_tree, make_household, make_staff

MEMBER_HEADERS = [
    "居民身份证号",
    "工作人员用户名",
    "党员类别",
    "服务网格编码",
    "报到单位",
    "报到日期",
    "入党日期",
]
VOLUNTEER_HEADERS = ["姓名", "居民身份证号", "登录用户名", "社区编码", "电话", "技能", "可服务时间"]
ID_NUMBER = "11010519491231002X"


async def resident_in_a1(tree: dict) -> dict:
    household = await make_household(tree.grids["A1-1"])
    return await insert_row(
        Resident,
        {
            "household": household["id"],
            "name": "李红",
            "id_number": ID_NUMBER,
            "community": household["community"],
        },
    )


async def test_party_members_are_imported_in_service_ones_with_their_unit() -> None:
    tree = await area_tree()
    resident = await resident_in_a1(tree)
    worker = await make_staff("wg_imp", community=tree.communities["A1"])
    grid = tree.grids["A1-1"]["code"]
    report = await run_import(
        "party_members",
        MEMBER_HEADERS,
        [
            (ID_NUMBER, None, "在职党员（双报到）", grid, "区人民医院", "2026-03-01", "2001-07-01"),
            (None, "wg_imp", "居民党员", grid, None, None, None),
        ],
    )
    assert report.ok and report.committed, report.errors
    rows = await PartyMember.select().order_by(PartyMember._meta.primary_key).run()
    assert [(r["resident"], r["staff"], r["kind"], r["reporting_unit"]) for r in rows] == [
        (resident["id"], None, "in_service", "区人民医院"),
        (None, worker["id"], "resident", ""),
    ]


async def test_a_bad_member_row_writes_nothing_and_names_the_column() -> None:
    tree = await area_tree()
    await resident_in_a1(tree)
    await make_staff("wg_imp", community=tree.communities["A1"])
    report = await run_import(
        "party_members",
        MEMBER_HEADERS,
        [
            (None, "wg_imp", "居民党员", None, None, None, None),
            (ID_NUMBER, None, "在职党员（双报到）", None, None, "2026-03-01", None),  # no unit
            ("110105194912310037", None, "居民党员", None, None, None, None),  # unknown
        ],
    )
    assert not report.committed
    assert [(e.row, e.column) for e in report.errors] == [(3, "报到单位"), (4, "居民身份证号")]
    assert await PartyMember.count().run() == 0


async def test_volunteers_are_imported_from_residents_and_logins() -> None:
    tree = await area_tree()
    resident = await resident_in_a1(tree)
    zy = await make_staff("zy_imp", role="volunteer", community=tree.communities["A1"])
    report = await run_import(
        "volunteers",
        VOLUNTEER_HEADERS,
        [
            (None, ID_NUMBER, None, None, None, "理发,义诊", "周末"),
            ("赵志愿", None, "zy_imp", None, "13812345678", None, None),
        ],
    )
    assert report.ok and report.committed, report.errors
    rows = await Volunteer.select().order_by(Volunteer._meta.primary_key).run()
    assert [(r["name"], r["resident"], r["user"], r["skills"], r["community"]) for r in rows] == [
        ("李红", resident["id"], None, ["理发", "义诊"], tree.communities["A1"]["id"]),
        ("赵志愿", None, zy["user"], [], tree.communities["A1"]["id"]),
    ]
