"""The importable kinds: their Chinese columns, how a row becomes service input, which service
saves it.

Codes in the sheet (community, grid, building codes) are looked up once per file inside the
importing user's scope, so a code outside it reads as unknown. Every row is then saved by the
domain service: `create_*` row by row (grids and buildings number themselves from earlier
rows; staff accounts are one service call each), or, for the large kinds (households,
residents), `clean_*` row by row and one batched insert of the cleaned rows.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import msgspec

from app import coordinates
from app.areas import services as areas
from app.areas.schemas import GridCreate
from app.errors import DomainError, NotFound, ValidationFailed
from app.excel import bulk, cells
from app.labels import value_of
from app.people import services as people
from app.people.schemas import StaffAccountCreate
from app.places import services as places
from app.places.schemas import BuildingCreate, HouseholdCreate, ResidentCreate
from app.worktime import standards as worktime
from app.worktime.schemas import WorkCalendarDayCreate
from tables.areas import Community, ResponsibilityGrid, Street
from tables.choices import (
    AssignmentKind,
    BuildingKind,
    CalendarDayKind,
    CareTag,
    GridKind,
    PartyMemberKind,
    StaffRole,
)
from tables.places import Building, Household, Resident

Row = dict[str, Any]
Lookups = dict[str, dict[Any, int]]


@dataclass(frozen=True)
class Column:
    """One column of a template: its Chinese header and the service field it feeds."""

    header: str
    field: str
    # text | int | float | choice | choices | polygon | ref | secret | coordinate_system
    kind: str = "text"
    required: bool = False
    example: Any = ""
    note: str = ""
    choices: type[StrEnum] | None = None
    ref: str = ""  # lookup name for kind "ref": the cell holds a code


@dataclass(frozen=True)
class ImportSpec:
    kind: str
    title: str
    columns: list[Column]
    # Service fields that are not a column of their own, and the header to blame for them.
    blame: dict[str, str] = field(default_factory=dict)
    # "create": one create_* service call per row; "batch": clean_* per row, one insert.
    mode: str = "create"
    table: Any = None
    save: Callable[[Row, int | None], Awaitable[Row]] | None = None
    # A service saving the whole file at once after every row passed `save` (grids).
    save_all: Callable[[list[Row], int | None], Awaitable[list[Row]]] | None = None
    clean: Callable[[Row, Row | None], Awaitable[Row]] | None = None
    # batch mode: the Create schema (defaults for blank cells) and, for large files, a
    # set-based cleaner with the same rules (app.excel.bulk).
    schema: type[msgspec.Struct] | None = None
    bulk_clean: Callable[[list[Row]], Awaitable[list[Row | DomainError]]] | None = None
    # Rows of one file that must differ (the database would refuse the second one).
    key: Callable[[Row], Any] | None = None
    key_field: str = ""
    key_message: str = ""

    def header_of(self, service_field: str | None) -> str:
        """The Chinese header of the column a service field came from ("" for the whole row)."""
        if not service_field:
            return ""
        if service_field in self.blame:
            return self.blame[service_field]
        for column in self.columns:
            if column.field == service_field:
                return column.header
        return ""


# ---------------------------------------------------------------- lookups


async def _codes(table: Any) -> dict[Any, int]:
    rows = await table.select(table._meta.primary_key, table.code).run()
    return {row["code"]: row["id"] for row in rows}


async def _households() -> dict[Any, int]:
    rows = await Household.raw(
        "SELECT h.id, b.code, h.room FROM household h JOIN building b ON b.id = h.building"
    ).run()
    return {(row["code"], row["room"]): row["id"] for row in rows}


async def _residents_by_id_number() -> dict[Any, int]:
    rows = await Resident.raw(
        "SELECT id, id_number FROM resident WHERE id_number IS NOT NULL"
    ).run()
    return {row["id_number"]: row["id"] for row in rows}


async def _staff_by_username() -> dict[Any, int]:
    rows = await Resident.raw(
        'SELECT s.id, u.username FROM staff_member s JOIN piccolo_user u ON u.id = s."user"'
    ).run()
    return {row["username"]: row["id"] for row in rows}


async def _logins_of_staff() -> dict[Any, int]:
    rows = await Resident.raw(
        'SELECT u.id, u.username FROM staff_member s JOIN piccolo_user u ON u.id = s."user"'
    ).run()
    return {row["username"]: row["id"] for row in rows}


LOOKUPS: dict[str, Callable[[], Awaitable[dict[Any, int]]]] = {
    "resident": _residents_by_id_number,
    "staff": _staff_by_username,
    "login": _logins_of_staff,
    "street": lambda: _codes(Street),
    "community": lambda: _codes(Community),
    "grid": lambda: _codes(ResponsibilityGrid),
    "building": lambda: _codes(Building),
    "household": _households,
}
REF_NAMES = {
    "resident": "居民身份证号",
    "staff": "工作人员用户名",
    "login": "登录用户名",
    "street": "街道",
    "community": "社区",
    "grid": "网格",
    "building": "楼栋",
    "household": "住户",
}


def lookups_needed(spec: ImportSpec) -> set[str]:
    names = {column.ref for column in spec.columns if column.kind == "ref"}
    if spec.kind == "residents":
        names.add("household")
    if spec.kind == "staff":
        names.add("grid")
    return names


async def load_lookups(spec: ImportSpec) -> Lookups:
    """Every code the sheet may refer to, read once (inside the caller's scope)."""
    return {name: await LOOKUPS[name]() for name in sorted(lookups_needed(spec))}


def resolve(lookups: Lookups, name: str, code: Any, field_name: str) -> int:
    found = lookups[name].get(code)
    if found is None:
        raise NotFound(
            f"{REF_NAMES[name]}编码 {code} 不存在或不在您的管辖范围内 "
            f"(no {name} with code {code} in your scope)",
            field=field_name,
        )
    return found


# ---------------------------------------------------------------- cells → service input


def read_cell(column: Column, value: Any, lookups: Lookups) -> Any:
    """The service value of one cell (None when blank), or a DomainError naming its field."""
    if column.kind == "int":
        return cells.whole_number(value, column.field)
    if column.kind == "float":
        return cells.number(value, column.field)
    if column.kind == "polygon":
        return cells.polygon(value, column.field)
    if column.kind == "coordinate_system":
        return coordinates.system_of(cells.text(value), column.field)
    if column.kind == "choices":
        enum = column.choices
        return [value_of(enum, item) if enum else item for item in cells.items(value)]
    if column.kind == "secret":
        return None if cells.is_blank(value) else str(value)
    text = cells.text(value)
    if text is None:
        return None
    if column.kind == "choice":
        assert column.choices is not None
        return value_of(column.choices, text)
    if column.kind == "ref":
        return resolve(lookups, column.ref, text, column.field)
    return text


def row_values(spec: ImportSpec, cells_by_header: dict[str, Any], lookups: Lookups) -> Row:
    """The service input of one sheet row: blank cells left out, so services apply defaults."""
    values: Row = {}
    for column in spec.columns:
        raw = cells_by_header.get(column.header)
        if column.required and cells.is_blank(raw):
            raise ValidationFailed("必填 is required", field=column.field)
        value = read_cell(column, raw, lookups)
        if value is not None and value != []:
            values[column.field] = value
    if spec.kind == "residents":
        building_code, room = values.pop("building_code"), values.pop("room")
        values["household"] = resolve(lookups, "household", (building_code, room), "household")
    if spec.kind == "staff":
        values["grids"] = [
            resolve(lookups, "grid", code, "grids") for code in values.get("grids", [])
        ]
    return values


def with_defaults(schema: type[msgspec.Struct], values: Row) -> Row:
    """Service input with the Create schema's defaults for what the sheet left blank."""
    from app.crud import changes_of

    return changes_of(_struct(schema, values))


def _struct(schema: type[msgspec.Struct], values: Row) -> Any:
    """Service input as its Create schema; a wrongly typed value names its field."""
    try:
        return msgspec.convert(values, schema, strict=False)
    except msgspec.ValidationError as exc:
        message = str(exc)
        field_name = (
            message.rsplit("$.", 1)[-1].rstrip("`").split("[")[0] if "$." in message else None
        )
        raise ValidationFailed(message, field=field_name) from None


# ---------------------------------------------------------------- the kinds


async def _save_grid(values: Row, actor_id: int | None) -> Row:
    return await areas.create_grid(_struct(GridCreate, values), actor_id)


async def _save_all_grids(rows: list[Row], actor_id: int | None) -> list[Row]:
    """Each community's grids in one create_grids call (numbered west→east, north→south),
    returned in the order of `rows`."""
    by_community: dict[int, list[int]] = {}
    for index, values in enumerate(rows):
        by_community.setdefault(values["community"], []).append(index)
    saved: dict[int, Row] = {}
    for community_id, indexes in by_community.items():
        grids = [_struct(GridCreate, rows[i]) for i in indexes]
        for index, row in zip(
            indexes, await areas.create_grids(community_id, grids, actor_id), strict=True
        ):
            saved[index] = row
    return [saved[index] for index in range(len(rows))]


async def _save_building(values: Row, actor_id: int | None) -> Row:
    return await places.create_building(_struct(BuildingCreate, values), actor_id)


async def _save_staff(values: Row, actor_id: int | None) -> Row:
    return await people.create_staff_account(_struct(StaffAccountCreate, values), actor_id)


# The system a row's point and polygons are given in; they are stored converted to WGS84.
COORDINATE_SYSTEM = Column(
    "坐标系",
    "coordinate_system",
    "coordinate_system",
    example="WGS84",
    note="WGS84（GPS、天地图，默认）、GCJ-02（高德、腾讯）或 BD-09（百度）；"
    "本行的经纬度和边界/轮廓按此换算，存为 WGS84",
)
# How a polygon cell is written (app.excel.cells.polygon reads both forms).
POLYGON_NOTE = (
    "各顶点“经度,纬度”按顺序以分号分隔（首尾可不重复），或 GeoJSON Polygon 文本；按“坐标系”列换算"
)

GRIDS = ImportSpec(
    kind="grids",
    title="网格 Grids",
    columns=[
        Column(
            "社区编码", "community", "ref", True, "340705001001", "12 位社区编码", ref="community"
        ),
        Column(
            "网格编码",
            "code",
            example="340705001001001",
            note="15 位；留空则按西→东、北→南自动编号",
        ),
        Column("网格名称", "name", example="五松第1网格", note="留空则为“第N网格”"),
        Column("类型", "kind", "choice", example="居民区网格", choices=GridKind),
        Column("户数", "household_count", "int", example=350, note="居民区网格标准 250–500 户"),
        Column("责任单位", "responsible_organisation", note="单位网格必填"),
        Column(
            "边界",
            "boundary",
            "polygon",
            example="117.79,30.95;117.80,30.95;117.80,30.96;117.79,30.96",
            note=POLYGON_NOTE + "；须在社区边界内，不与其他网格重叠",
        ),
        COORDINATE_SYSTEM,
    ],
    save=_save_grid,
    save_all=_save_all_grids,
)

BUILDINGS = ImportSpec(
    kind="buildings",
    title="楼栋 Buildings",
    columns=[
        Column("网格编码", "grid", "ref", True, "340705001001001", ref="grid"),
        Column("楼栋编码", "code", example="340705001001001001", note="留空则按网格自动编号"),
        Column("地址", "address", required=True, example="五松小区1栋"),
        Column("类型", "kind", "choice", example="住宅", choices=BuildingKind),
        Column("经度", "longitude", "float", True, 117.7915, "按“坐标系”列，须在网格内"),
        Column("纬度", "latitude", "float", True, 30.9550, "按“坐标系”列，须在网格内"),
        Column("层数", "floors", "int", example=6),
        Column(
            "轮廓",
            "footprint",
            "polygon",
            example="117.7913,30.9548;117.7917,30.9548;117.7917,30.9552;117.7913,30.9552",
            note=POLYGON_NOTE + "；须包住楼栋的点（经度、纬度）并在网格内；可留空",
        ),
        COORDINATE_SYSTEM,
    ],
    save=_save_building,
)

HOUSEHOLDS = ImportSpec(
    kind="households",
    title="住户 Households",
    columns=[
        Column("楼栋编码", "building", "ref", True, "340705001001001001", ref="building"),
        Column("房号", "room", required=True, example="1-101"),
        Column("人口数", "member_count", "int", example=3),
        Column(
            "关爱标签",
            "care_tags",
            "choices",
            example="独居老人、低保",
            note="可多个，以顿号或逗号分隔",
            choices=CareTag,
        ),
    ],
    mode="batch",
    table=Household,
    clean=places.clean_household,
    schema=HouseholdCreate,
    bulk_clean=bulk.clean_households,
    key=lambda values: (values["building"], values["room"]),
    key_field="room",
    key_message="房号在本文件中重复 this room of this building appears earlier in the file (row {row})",
)

RESIDENTS = ImportSpec(
    kind="residents",
    title="居民 Residents",
    columns=[
        Column("楼栋编码", "building_code", required=True, example="340705001001001001"),
        Column("房号", "room", required=True, example="1-101"),
        Column("姓名", "name", required=True, example="张三"),
        Column("身份证号", "id_number", example="", note="18 位，校验位须正确；请将单元格设为文本"),
        Column("电话", "phone", example="", note="手机或座机"),
    ],
    blame={"household": "房号"},
    mode="batch",
    table=Resident,
    clean=places.clean_resident,
    schema=ResidentCreate,
    key=lambda values: values.get("id_number") or None,
    key_field="id_number",
    key_message="身份证号在本文件中重复 this ID number appears earlier in the file (row {row})",
)

STAFF = ImportSpec(
    kind="staff",
    title="工作人员 Staff",
    columns=[
        Column("用户名", "username", required=True, example="wg101"),
        Column("初始密码", "password", "secret", True, "", "至少 8 位；首次登录后请修改"),
        Column("姓名", "name", required=True, example="李四"),
        Column("角色", "role", "choice", True, "网格员", choices=StaffRole),
        Column("电话", "phone"),
        Column("邮箱", "email"),
        Column("街道编码", "street", "ref", example="", note="仅街道干部填写", ref="street"),
        Column("社区编码", "community", "ref", example="340705001001", ref="community"),
        Column(
            "网格编码", "grids", "choices", example="340705001001001", note="可多个，以逗号分隔"
        ),
        Column("分配类型", "assignment_kind", "choice", example="主责", choices=AssignmentKind),
    ],
    save=_save_staff,
)


async def _save_calendar_day(values: Row, actor_id: int | None) -> Row:
    return await worktime.create_work_calendar_day(_struct(WorkCalendarDayCreate, values), actor_id)


# The year's statutory holidays and make-up working days (调休), loaded by a superuser from
# the State Council's notice; working-time deadlines skip the holidays and count the make-up
# days (app/worktime/calendar.py).
CALENDAR_DAYS = ImportSpec(
    kind="calendar_days",
    title="节假日与调休 Holidays and make-up working days",
    columns=[
        Column("日期", "day", required=True, example="2026-10-01", note="年-月-日"),
        Column(
            "类型",
            "kind",
            "choice",
            True,
            "法定节假日",
            "法定节假日，或调休上班（仅周六、周日）",
            choices=CalendarDayKind,
        ),
        Column("名称", "name", example="国庆节"),
    ],
    save=_save_calendar_day,
)


async def _save_party_member(values: Row, actor_id: int | None) -> Row:
    from app.party import services as party
    from app.party.schemas import PartyMemberCreate

    return await party.create_member(_struct(PartyMemberCreate, values), actor_id)


# 党员: a resident (by ID number) or a staff member (by username); in-service members (双报到)
# name their unit and the day they reported. Membership is personal data: importing needs
# the same scope as registering one by one.
PARTY_MEMBERS = ImportSpec(
    kind="party_members",
    title="党员 Party members",
    columns=[
        Column("居民身份证号", "resident", "ref", example="", note="居民党员填写", ref="resident"),
        Column(
            "工作人员用户名", "staff", "ref", example="wg001", note="工作人员党员填写", ref="staff"
        ),
        Column("党员类别", "kind", "choice", True, "在职党员（双报到）", choices=PartyMemberKind),
        Column("服务网格编码", "grid", "ref", example="340705001001001", ref="grid"),
        Column("报到单位", "reporting_unit", example="区人民医院", note="在职党员必填"),
        Column("报到日期", "reported_on", example="2026-03-01", note="年-月-日，在职党员必填"),
        Column("入党日期", "joined_on", example="2001-07-01", note="年-月-日"),
    ],
    save=_save_party_member,
)


async def _save_volunteer(values: Row, actor_id: int | None) -> Row:
    from app.volunteers import services as volunteers
    from app.volunteers.schemas import VolunteerCreate

    return await volunteers.create_volunteer(_struct(VolunteerCreate, values), actor_id)


VOLUNTEERS = ImportSpec(
    kind="volunteers",
    title="志愿者 Volunteers",
    columns=[
        Column("姓名", "name", example="王芳", note="关联居民时可不填"),
        Column(
            "居民身份证号",
            "resident",
            "ref",
            example="",
            note="居民或登录用户名二选一",
            ref="resident",
        ),
        Column("登录用户名", "user", "ref", example="zy01", ref="login"),
        Column("社区编码", "community", "ref", example="340705001001", ref="community"),
        Column("电话", "phone"),
        Column("技能", "skills", "choices", example="理发,义诊", note="可多个，以逗号分隔"),
        Column("可服务时间", "availability", example="周末上午"),
    ],
    save=_save_volunteer,
)

SPECS: dict[str, ImportSpec] = {
    spec.kind: spec
    for spec in (
        GRIDS,
        BUILDINGS,
        HOUSEHOLDS,
        RESIDENTS,
        STAFF,
        CALENDAR_DAYS,
        PARTY_MEMBERS,
        VOLUNTEERS,
    )
}


def spec_of(kind: str) -> ImportSpec:
    """The import spec of `kind`, or NotFound naming the kinds there are."""
    if kind not in SPECS:
        raise NotFound(f"no import of {kind!r}; there are: {', '.join(SPECS)}", field="kind")
    return SPECS[kind]
