"""/api/v1/party-organisations, /party-members, /party-coverage: 党建 for integrators.

Members leave through `protect_rows` like every resource: who a member is is masked unless
the caller runs party work (street, party secretaries). No filter names a person.
"""

from __future__ import annotations

from typing import Annotated

from litestar import get
from litestar.params import Parameter

from app.api.auth import Caller
from app.api.pagination import by_code, equals, street_code
from app.api.resources import Resource, action_options
from app.crud import get_by
from app.errors import ValidationFailed
from app.party import schemas, services
from app.party.coverage import coverage, month_bounds
from app.scope import scoped_transaction
from tables.areas import Community, Street
from tables.choices import PartyMemberKind, PartyOrganisationLevel
from tables.party import PartyMember, PartyOrganisation

ORGANISATIONS = Resource(
    path="party-organisations",
    table=PartyOrganisation,
    output=schemas.PartyOrganisation,
    noun="party organisation",
    sort=("name", "level", "created_at", "id"),
    default_sort="id",
    filters=[
        equals("level", PartyOrganisationLevel, "level 层级"),
        equals("parent", int, "parent organisation id"),
        by_code("community", "community"),
        by_code("street", "street"),
    ],
    create=(schemas.PartyOrganisationCreate, services.create_organisation),
    update=(schemas.PartyOrganisationUpdate, services.update_organisation),
    delete=services.delete_organisation,
    enrich=services.with_grids,
    description=(
        "党组织 The party tree: street working committee → community committee / general"
        " branch → branch → party group; branches and groups list the grids they are built on"
        " (all in their community); one secretary each."
    ),
)

MEMBERS = Resource(
    path="party-members",
    table=PartyMember,
    output=schemas.PartyMember,
    noun="party member",
    sort=("kind", "created_at", "reported_on", "id"),
    default_sort="id",
    filters=[
        equals("kind", PartyMemberKind, "resident / in_service (双报到) / mobile"),
        equals("organisation", int, "organisation id"),
        by_code("grid", "responsibility_grid"),
        by_code("community", "community"),
        street_code(),
        equals("reporting_unit", str, "双报到 unit"),
    ],
    create=(schemas.PartyMemberCreate, services.create_member),
    update=(schemas.PartyMemberUpdate, services.update_member),
    delete=services.delete_member,
    description=(
        "党员 Party members (personal data): name, resident and staff links and joining date"
        " are masked unless the caller is the district, a street official or a party secretary."
    ),
)


@get(
    "/party-coverage",
    **action_options(MEMBERS, "Party building coverage this month", "coverage", method="GET"),
)
async def party_coverage(
    caller: Caller,
    community: Annotated[str | None, Parameter(description="community code")] = None,
    street: Annotated[str | None, Parameter(description="street code")] = None,
) -> schemas.Coverage:
    """党建覆盖 of a community or a street this month (figures only, no names)."""
    async with scoped_transaction(caller.scope):
        if community:
            ids = [int((await get_by(Community, "code", community, field="community"))["id"])]
        elif street:
            row = await get_by(Street, "code", street, field="street")
            ids = list(
                await Community.select(Community._meta.primary_key)
                .where(Community.street == row["id"])
                .output(as_list=True)
                .run()
            )
        else:
            raise ValidationFailed(
                "请给出社区或街道编码 give community or street", field="community"
            )
        start, end = month_bounds()
        return await coverage(ids, start, end)


MEMBERS.extra = [party_coverage]

RESOURCES = [ORGANISATIONS, MEMBERS]
