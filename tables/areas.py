"""The administrative grid: district → street → community → responsibility grid."""

from piccolo.columns import (
    JSONB,
    Boolean,
    Float,
    ForeignKey,
    Integer,
    Timestamptz,
    Varchar,
)
from piccolo.columns.base import OnDelete
from piccolo.columns.readable import Readable
from piccolo.constraints import Check
from piccolo.table import Table

from tables.choices import GridKind

BOUNDARY_HELP = "边界 Boundary: GeoJSON Polygon in WGS84 (lon, lat), closed ring"


class District(Table, help_text="区 District: top of one deployment"):
    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(template="%s %s", columns=[cls.code, cls.name])

    code = Varchar(6, unique=True, help_text="6-digit GB/T 2260 division code 行政区划代码")
    name = Varchar(100, help_text="名称 Name")
    boundary = JSONB(null=True, default=None, help_text=BOUNDARY_HELP)

    code_format = Check("code ~ '^[0-9]{6}$'")


class Street(Table, help_text="街道 Street: primary grid, steered by street officials"):
    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(template="%s %s", columns=[cls.code, cls.name])

    code = Varchar(
        9, unique=True, help_text="9 digits: district code + 3-digit GB/T 10114 street code"
    )
    name = Varchar(100, help_text="名称 Name")
    district = ForeignKey(
        District, null=False, index=True, help_text="所属区 District", on_delete=OnDelete.restrict
    )
    boundary = JSONB(null=True, default=None, help_text=BOUNDARY_HELP)

    code_format = Check("code ~ '^[0-9]{9}$'")


class Community(Table, help_text="社区 Community: secondary grid, neighbourhood committee"):
    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(template="%s %s", columns=[cls.code, cls.name])

    code = Varchar(12, unique=True, help_text="12 digits: street code + 3-digit community code")
    name = Varchar(100, help_text="名称 Name")
    street = ForeignKey(
        Street, null=False, index=True, help_text="所属街道 Street", on_delete=OnDelete.restrict
    )
    boundary = JSONB(null=True, default=None, help_text=BOUNDARY_HELP)

    code_format = Check("code ~ '^[0-9]{12}$'")


class ResponsibilityGrid(
    Table, help_text="责任网格 Responsibility grid: 250–500 households or one large organisation"
):
    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(template="%s %s", columns=[cls.code, cls.name])

    code = Varchar(
        15, unique=True, help_text="15 digits: community code + 3-digit sequence 网格编码"
    )
    name = Varchar(100, help_text="名称 Name")
    community = ForeignKey(
        Community,
        null=False,
        index=True,
        help_text="所属社区 Community",
        on_delete=OnDelete.restrict,
    )
    kind = Varchar(
        16,
        choices=GridKind,
        default=GridKind.residential,
        help_text="类型 residential 居民区 / unit 单位",
    )
    household_count = Integer(default=0, help_text="户数 Registered households")
    size_warning = Boolean(
        default=False,
        index=True,
        help_text="规模预警 Residential grid outside 250–500 households (saved but flagged)",
    )
    responsible_organisation = Varchar(
        200,
        default="",
        help_text="责任单位 The large organisation a unit grid is built around (required for unit grids)",
    )
    boundary = JSONB(null=True, default=None, help_text=BOUNDARY_HELP)
    min_lon = Float(null=True, default=None, help_text="Bounding box (derived from boundary)")
    min_lat = Float(null=True, default=None, help_text="Bounding box (derived from boundary)")
    max_lon = Float(null=True, default=None, help_text="Bounding box (derived from boundary)")
    max_lat = Float(null=True, default=None, help_text="Bounding box (derived from boundary)")
    created_at = Timestamptz()

    code_format = Check("code ~ '^[0-9]{15}$'")
    households_non_negative = Check("household_count >= 0")
