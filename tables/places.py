"""Places and people in a grid: the "four actuals" (population, houses, units, facilities)."""

from piccolo.columns import JSONB, Array, Date, Float, Integer, Timestamptz, Varchar
from piccolo.columns.readable import Readable
from piccolo.constraints import Check, Unique
from piccolo.table import Table

from tables.areas import Community, ResponsibilityGrid
from tables.choices import BuildingKind, FacilityKind, OrganisationKind
from tables.columns import belongs_to


class Building(Table, help_text="楼栋 Building: residential or commercial, located in one grid"):
    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(template="%s %s", columns=[cls.code, cls.address])

    code = Varchar(32, unique=True, help_text="楼栋编码 Building code (grid code + sequence)")
    address = Varchar(200, help_text="地址 Address")
    kind = Varchar(
        16, choices=BuildingKind, default=BuildingKind.residential, help_text="类型 Kind"
    )
    longitude = Float(help_text="经度 Longitude (WGS84)")
    latitude = Float(help_text="纬度 Latitude (WGS84)")
    floors = Integer(null=True, default=None, help_text="层数 Floors")
    footprint = JSONB(
        null=True,
        default=None,
        help_text="轮廓 Footprint: GeoJSON Polygon (WGS84) around the point, where the data has one",
    )
    grid = belongs_to(ResponsibilityGrid, "所属网格 Grid")
    community = belongs_to(Community, "所属社区 (derived from grid)")


class Facility(Table, help_text="设施 Facility: roads, stations, venues … in one grid"):
    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(template="%s", columns=[cls.name])

    name = Varchar(100, help_text="名称 Name")
    kind = Varchar(32, choices=FacilityKind, default=FacilityKind.other, help_text="类型 Kind")
    longitude = Float(help_text="经度 Longitude (WGS84)")
    latitude = Float(help_text="纬度 Latitude (WGS84)")
    path = JSONB(
        null=True,
        default=None,
        help_text="走向 Path: GeoJSON LineString (WGS84) of a road or other linear facility,"
        " through its grid and inside its community, where the data has one",
    )
    grid = belongs_to(ResponsibilityGrid, "所属网格 Grid")
    community = belongs_to(Community, "所属社区 (derived from grid)")


class Organisation(Table, help_text="单位 Resident unit: market, school, hospital, enterprise …"):
    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(template="%s", columns=[cls.name])

    name = Varchar(200, help_text="名称 Name")
    kind = Varchar(
        32, choices=OrganisationKind, default=OrganisationKind.enterprise, help_text="类型 Kind"
    )
    credit_code = Varchar(
        18,
        unique=True,
        null=True,
        default=None,
        help_text="统一社会信用代码 18-character unified social credit code (GB 32100, check digit)",
    )
    address = Varchar(200, default="", help_text="地址 Address")
    contact_phone = Varchar(
        20, default="", help_text="联系电话 Contact phone (masked for most roles)"
    )
    grid = belongs_to(ResponsibilityGrid, "所属网格 Grid", null=True)
    community = belongs_to(Community, "所属社区 Community")


class Household(Table, help_text="住户 Household: a dwelling in a building"):
    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(template="%s", columns=[cls.room])

    building = belongs_to(Building, "楼栋 Building")
    room = Varchar(32, help_text="房号 Room, e.g. 3-502")
    member_count = Integer(default=1, help_text="人口数 Members")
    care_tags = Array(
        Varchar(32), default=list, help_text="关爱标签 elderly alone, low income, disability …"
    )
    grid = belongs_to(ResponsibilityGrid, "所属网格 (derived from building)")
    community = belongs_to(Community, "所属社区 (derived from building)")

    room_once_per_building = Unique(["building", "room"])
    members_positive = Check("member_count >= 0")


class Resident(Table, help_text="居民 Resident: personal data, masked unless the role needs it"):
    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(template="%s", columns=[cls.name])

    household = belongs_to(Household, "住户 Household")
    name = Varchar(50, help_text="姓名 Name")
    id_number = Varchar(
        18,
        null=True,
        default=None,
        unique=True,
        help_text="身份证号 ID number (GB 11643, masked on output)",
    )
    phone = Varchar(20, default="", help_text="电话 Phone (masked on output)")
    birth_date = Date(null=True, default=None, help_text="出生日期 (derived from the ID number)")
    community = belongs_to(Community, "所属社区 (derived from household)")
    created_at = Timestamptz()

    id_number_format = Check("id_number IS NULL OR id_number ~ '^[0-9]{17}[0-9X]$'")


__all__ = ["Building", "Facility", "Household", "Organisation", "Resident"]
