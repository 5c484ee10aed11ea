"""Imports from .xlsx: every row through the domain services, all or nothing, with a report."""

from __future__ import annotations

import time

import pytest

from app.crud import insert_row
from app.errors import ValidationFailed
from app.excel.importer import import_workbook
from app.scope import scope_for_user
from tables.areas import ResponsibilityGrid
from tables.people import GridAssignment, StaffMember
from tables.places import Building, Household, Resident
from tests.excel.support import run_import, xlsx
from tests.factories import area_tree, make_community, make_household, make_staff

HOUSEHOLD_HEADERS = ["楼栋编码", "房号", "人口数", "关爱标签"]
VALID_ID = "11010519491231002X"


async def buildings_in(grid: dict, count: int) -> list[str]:
    codes = []
    for n in range(count):
        row = await insert_row(
            Building,
            {
                "code": f"{grid['code']}{n + 1:03d}",
                "address": f"{n + 1}栋",
                "longitude": grid["min_lon"] + 0.001,
                "latitude": grid["min_lat"] + 0.001,
                "grid": grid["id"],
                "community": grid["community"],
            },
        )
        codes.append(row["code"])
    return codes


async def test_a_good_household_file_is_written_with_grid_and_community_from_the_building() -> None:
    tree = await area_tree()
    grid = tree.grids["A1-2"]
    [code] = await buildings_in(grid, 1)
    report = await run_import(
        "households",
        HOUSEHOLD_HEADERS,
        [(code, "1-101", 3, "独居老人、低保"), (code, "1-102", None, None)],
    )
    assert report.ok and report.committed and report.valid == 2
    rows = await Household.select().order_by(Household.room).run()
    assert [(r["room"], r["member_count"], r["care_tags"]) for r in rows] == [
        ("1-101", 3, ["elderly_alone", "low_income"]),
        ("1-102", 1, []),  # blank cells take the service's defaults
    ]
    assert {(r["grid"], r["community"]) for r in rows} == {(grid["id"], grid["community"])}


async def test_errors_in_several_rows_write_nothing_and_each_is_reported() -> None:
    tree = await area_tree()
    [code] = await buildings_in(tree.grids["A1-1"], 1)
    await make_household(tree.grids["A1-1"], "9-999")
    rows = [
        (code, "1-101", 2, ""),  # row 2: fine
        ("340705001001001999", "1-102", 2, ""),  # row 3: no such building
        (code, "", 2, ""),  # row 4: room missing
        (code, "1-104", "三口", ""),  # row 5: not a number
        (code, "1-101", 1, ""),  # row 6: same room as row 2
        (code, "1-106", 1, "富裕户"),  # row 7: not a care tag
        (code, "1-107", -1, ""),  # row 8: negative members
    ]
    report = await run_import("households", HOUSEHOLD_HEADERS, rows)
    assert not report.committed
    assert [(e.row, e.column) for e in report.errors] == [
        (3, "楼栋编码"),
        (4, "房号"),
        (5, "人口数"),
        (6, "房号"),
        (7, "关爱标签"),
        (8, "人口数"),
    ]
    assert "row 2" in report.errors[3].reason
    assert "富裕户" in report.errors[4].reason
    assert await Household.count() == 1  # only the household made before the import


async def test_a_dry_run_validates_everything_and_writes_nothing() -> None:
    tree = await area_tree()
    [code] = await buildings_in(tree.grids["A1-1"], 1)
    report = await run_import(
        "households", HOUSEHOLD_HEADERS, [(code, f"1-{n}", 2, "") for n in range(30)], dry_run=True
    )
    assert report.ok and report.dry_run and not report.committed
    assert report.valid == 30 and len(report.preview) == 20
    assert report.preview[0]["room"] == "1-0" and report.preview[0]["row"] == 2
    assert await Household.count() == 0


async def test_a_missing_required_column_is_reported_on_the_header_row() -> None:
    report = await run_import("households", ["楼栋编码", "人口数"], [("x", 1)])
    assert [(e.row, e.column) for e in report.errors] == [(1, "房号")]


async def test_a_file_that_is_not_a_workbook_is_refused() -> None:
    from app.scope import SUPERUSER_SCOPE

    with pytest.raises(ValidationFailed) as refused:
        await import_workbook("households", b"name,room\n", SUPERUSER_SCOPE)
    assert refused.value.field == "file"


async def test_a_community_admin_cannot_import_into_another_community() -> None:
    tree = await area_tree()
    [own] = await buildings_in(tree.grids["A1-1"], 1)
    [other] = await buildings_in(tree.grids["B1-1"], 1)
    admin = await make_staff("sq", role="community_admin", community=tree.communities["A1"])
    scope = await scope_for_user(admin["user"])
    report = await run_import(
        "households", HOUSEHOLD_HEADERS, [(own, "1-1", 1, ""), (other, "1-1", 1, "")], scope=scope
    )
    assert [(e.row, e.column) for e in report.errors] == [(3, "楼栋编码")]
    assert "不在您的管辖范围内" in report.errors[0].reason
    assert await Household.count() == 0
    report = await run_import("households", HOUSEHOLD_HEADERS, [(own, "1-1", 1, "")], scope=scope)
    assert report.committed and await Household.count() == 1


async def test_grids_are_numbered_by_the_service_and_flagged_by_size() -> None:
    tree = await area_tree()
    community = await make_community(tree.streets["A"], "003", 117.85, 30.90, name="新社区")
    code = community["code"]
    headers = ["社区编码", "网格编码", "网格名称", "类型", "户数", "责任单位", "边界"]
    report = await run_import(
        "grids",
        headers,
        [
            (
                code,
                None,
                "东片",
                "居民区网格",
                120,
                None,
                "117.855,30.90;117.86,30.90;117.86,30.91;117.855,30.91",
            ),
            (
                code,
                f"{code}001",
                "西片",
                "residential",
                300,
                None,
                "117.85,30.90;117.855,30.90;117.855,30.91;117.85,30.91",
            ),
        ],
    )
    assert report.ok, report.errors
    grids = {
        g["name"]: g
        for g in await ResponsibilityGrid.select().where(
            ResponsibilityGrid.community == community["id"]
        )
    }
    assert grids["西片"]["code"] == f"{code}001"
    assert grids["东片"]["code"] == f"{code}002"  # numbered by create_grids after the claimed 001
    assert grids["东片"]["size_warning"] and not grids["西片"]["size_warning"]


async def test_overlapping_grids_and_unit_grids_without_organisation_are_refused() -> None:
    tree = await area_tree()
    community = await make_community(tree.streets["A"], "003", 117.85, 30.90)
    code = community["code"]
    headers = ["社区编码", "网格名称", "类型", "户数", "责任单位", "边界"]
    west = "117.85,30.90;117.856,30.90;117.856,30.91;117.85,30.91"
    overlapping = "117.855,30.90;117.86,30.90;117.86,30.91;117.855,30.91"
    report = await run_import(
        "grids",
        headers,
        [
            (code, "西片", "居民区网格", 300, None, west),
            (code, "东片", "居民区网格", 300, None, overlapping),
            (code, "学校", "单位网格", 0, None, None),
            ("999999999999", "外", "居民区网格", 300, None, None),
        ],
    )
    assert [(e.row, e.column) for e in report.errors] == [
        (3, "边界"),
        (4, "责任单位"),
        (5, "社区编码"),
    ]
    assert "overlaps" in report.errors[0].reason
    assert await ResponsibilityGrid.count() == 6


async def test_buildings_outside_their_grid_are_refused_at_the_longitude() -> None:
    tree = await area_tree()
    grid = tree.grids["A1-1"]
    headers = ["网格编码", "楼栋编码", "地址", "类型", "经度", "纬度", "层数"]
    inside = (grid["min_lon"] + 0.001, grid["min_lat"] + 0.001)
    report = await run_import(
        "buildings",
        headers,
        [
            (grid["code"], None, "1栋", "住宅", *inside, 6),
            (grid["code"], None, "2栋", "商业", *inside, 18),
            (grid["code"], None, "3栋", "住宅", 117.9, 30.95, 6),
        ],
    )
    assert [(e.row, e.column) for e in report.errors] == [(4, "经度")]
    assert await Building.count() == 0
    report = await run_import(
        "buildings",
        headers,
        [
            (grid["code"], None, "1栋", "住宅", *inside, 6),
            (grid["code"], None, "2栋", "商业", *inside, 18),
        ],
    )
    assert report.committed
    codes = sorted(b["code"] for b in await Building.select(Building.code))
    assert codes == [grid["code"] + "001", grid["code"] + "002"]


async def test_residents_are_checked_by_the_resident_service() -> None:
    tree = await area_tree()
    household = await make_household(tree.grids["A1-1"], "1-101")
    building = (await Building.select(Building.code).first())["code"]
    headers = ["楼栋编码", "房号", "姓名", "身份证号", "电话"]
    report = await run_import(
        "residents",
        headers,
        [
            (building, "1-101", "张三", VALID_ID, "13800138000"),
            (building, "1-101", "李四", "110105194912310021", ""),  # wrong check digit
            (building, "1-101", "王五", VALID_ID, ""),  # same ID number as row 2
            (building, "9-999", "赵六", None, ""),  # no such household
            (building, "1-101", "钱七", None, "12345"),  # not a phone
        ],
    )
    assert [(e.row, e.column) for e in report.errors] == [
        (3, "身份证号"),
        (4, "身份证号"),
        (5, "房号"),
        (6, "电话"),
    ]
    assert await Resident.count() == 0
    report = await run_import("residents", headers, [(building, "1-101", "张三", VALID_ID, "")])
    assert report.committed
    resident = await Resident.select().first()
    assert resident["household"] == household["id"] and str(resident["birth_date"]) == "1949-12-31"
    assert report.preview[0]["id_number"] != VALID_ID  # previews never show personal data


async def test_staff_accounts_are_created_by_the_account_service() -> None:
    tree = await area_tree()
    headers = [
        "用户名",
        "初始密码",
        "姓名",
        "角色",
        "电话",
        "邮箱",
        "街道编码",
        "社区编码",
        "网格编码",
        "分配类型",
    ]
    a1 = tree.communities["A1"]["code"]
    rows = [
        (
            "wg101",
            "secret-pass-1",
            "李四",
            "网格员",
            None,
            None,
            None,
            a1,
            tree.grids["A1-1"]["code"],
            "主责",
        ),
        (
            "jd101",
            "secret-pass-2",
            "周八",
            "街道干部",
            None,
            None,
            tree.streets["A"]["code"],
            None,
            None,
            None,
        ),
        ("wg102", "short", "王五", "网格员", None, None, None, a1, None, None),
        (
            "wg103",
            "secret-pass-3",
            "吴九",
            "网格员",
            None,
            None,
            None,
            a1,
            tree.grids["B1-1"]["code"],
            None,
        ),
    ]
    report = await run_import("staff", headers, rows)
    assert [(e.row, e.column) for e in report.errors] == [(4, "初始密码"), (5, "网格编码")]
    assert await StaffMember.count() == 0
    report = await run_import("staff", headers, rows[:2])
    assert report.committed
    staff = {s["name"]: s for s in await StaffMember.select()}
    assert staff["周八"]["role"] == "street_official" and staff["周八"]["community"] is None
    assignment = await GridAssignment.select().first()
    assert (
        assignment["grid"] == tree.grids["A1-1"]["id"]
        and assignment["staff"] == staff["李四"]["id"]
    )
    assert all("password" not in row for row in report.preview)


async def test_fifty_thousand_households_import_in_well_under_a_minute() -> None:
    tree = await area_tree()
    codes = await buildings_in(tree.grids["A1-1"], 500)
    rows = [
        (
            codes[n % 500],
            f"{n // 500 // 10 + 1}-{n // 500 % 10 + 1}{n % 7:02d}{n // 3500}",
            1 + n % 5,
            "独居老人" if n % 20 == 0 else None,
        )
        for n in range(50_000)
    ]
    assert len({(r[0], r[1]) for r in rows}) == 50_000
    data = xlsx(HOUSEHOLD_HEADERS, rows)
    from app.scope import SUPERUSER_SCOPE

    started = time.perf_counter()
    report = await import_workbook("households", data, SUPERUSER_SCOPE, dry_run=False)
    seconds = time.perf_counter() - started
    print(f"\n50,000 households imported in {seconds:.1f} s")
    assert report.ok and report.committed, report.errors[:5]
    assert await Household.count() == 50_000
    assert seconds < 45


async def test_grids_without_codes_are_numbered_west_to_east_north_to_south() -> None:
    tree = await area_tree()
    community = await make_community(tree.streets["A"], "003", 117.85, 30.90)
    code = community["code"]

    def cell(west: float, south: float) -> str:
        east, north = west + 0.005, south + 0.005
        return f"{west},{south};{east},{south};{east},{north};{west},{north}"

    # Written south-east first; numbered as a reader would: the north row west→east, then south.
    layout = [
        ("东南", 117.855, 30.90),
        ("西南", 117.85, 30.90),
        ("东北", 117.855, 30.905),
        ("西北", 117.85, 30.905),
    ]
    report = await run_import(
        "grids",
        ["社区编码", "网格名称", "户数", "边界"],
        [(code, name, 300, cell(west, south)) for name, west, south in layout],
    )
    assert report.committed, report.errors
    codes = {
        g["name"]: g["code"][-3:]
        for g in await ResponsibilityGrid.select().where(
            ResponsibilityGrid.community == community["id"]
        )
    }
    assert codes == {"西北": "001", "东北": "002", "西南": "003", "东南": "004"}
