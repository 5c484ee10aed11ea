"""Party building (党建): the party organisation tree, its grids, and party members."""

from piccolo.columns import Date, ForeignKey, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.readable import Readable
from piccolo.constraints import Check, Unique
from piccolo.table import Table

from tables.areas import Community, ResponsibilityGrid, Street
from tables.choices import PartyMemberKind, PartyOrganisationLevel
from tables.columns import belongs_to
from tables.people import StaffMember
from tables.places import Resident


class PartyOrganisation(
    Table,
    help_text="党组织 Party organisation: street working committee → community committee / "
    "general branch → branch → party group",
):
    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(template="%s", columns=[cls.name])

    name = Varchar(100, help_text="名称 Name")
    level = Varchar(32, choices=PartyOrganisationLevel, index=True, help_text="层级 Level")
    parent: ForeignKey["PartyOrganisation"] = ForeignKey(
        "self",
        null=True,
        default=None,
        index=True,
        on_delete=OnDelete.restrict,
        help_text="上级党组织 Parent organisation (empty only for a street working committee)",
    )
    street = belongs_to(Street, "所属街道 Street")
    community = belongs_to(
        Community, "所属社区 Community (empty for a street working committee)", null=True
    )
    secretary = belongs_to(StaffMember, "书记 Secretary (one staff member)", null=True)
    created_at = Timestamptz()

    # A street working committee is the street's; everything below it lies in one community.
    community_matches_level = Check(
        "(level = 'street_working_committee' AND community IS NULL AND parent IS NULL)"
        " OR (level <> 'street_working_committee' AND community IS NOT NULL AND parent IS NOT NULL)"
    )


class PartyOrganisationGrid(
    Table, help_text="支部建在网格上 A branch or party group attached to a grid of its community"
):
    organisation = belongs_to(PartyOrganisation, "党组织 Branch or party group")
    grid = belongs_to(ResponsibilityGrid, "网格 Grid")
    community = belongs_to(Community, "所属社区 (derived from grid)")

    organisation_once_per_grid = Unique(["organisation", "grid"])


class PartyMember(
    Table, help_text="党员 Party member (personal data: shown to street and party secretaries only)"
):
    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(template="%s", columns=[cls.member_name])

    member_name = Varchar(50, help_text="姓名 Name (from the resident or staff record)")
    resident = belongs_to(Resident, "居民 Resident", null=True)
    staff = belongs_to(StaffMember, "工作人员 Staff member", null=True)
    kind = Varchar(
        16,
        choices=PartyMemberKind,
        default=PartyMemberKind.resident,
        index=True,
        help_text="类别 resident 居民党员 / in_service 在职党员（双报到） / mobile 流动党员",
    )
    organisation = belongs_to(PartyOrganisation, "所在党组织 Organisation", null=True)
    community = belongs_to(Community, "所属社区 Community served")
    grid = belongs_to(ResponsibilityGrid, "服务网格 Grid served", null=True)
    reporting_unit = Varchar(
        200, default="", index=True, help_text="报到单位 In-service member's unit (双报到)"
    )
    reported_on = Date(null=True, default=None, help_text="报到日期 Date of reporting (双报到)")
    joined_on = Date(null=True, default=None, help_text="入党日期 Joined the party")
    created_at = Timestamptz()

    one_person = Check("(resident IS NULL) <> (staff IS NULL)")
    in_service_reported = Check(
        "kind <> 'in_service' OR (reporting_unit <> '' AND reported_on IS NOT NULL)"
    )
    member_once_per_resident = Unique(["resident"])
    member_once_per_staff = Unique(["staff"])
