"""党建覆盖 as measured indicators of the assessment: the nightly rollup scores a community
and a grid on the share of its grids with a branch, computed with the coverage's own SQL."""

from __future__ import annotations

from app.clock import local_today
from app.jobs.rollups import rollup_period
from app.party.schemas import PartyOrganisationCreate
from app.party.services import create_organisation
from tables.assessment import EvaluationRollup
from tests.factories import area_tree, make_indicator


async def composite(kind: str, target: int) -> float | None:
    row = (
        await EvaluationRollup.select(EvaluationRollup.composite_score)
        .where(EvaluationRollup.target_kind == kind, EvaluationRollup.target_id == target)
        .first()
        .run()
    )
    return None if row is None else row["composite_score"]


async def test_branch_coverage_is_a_measured_indicator() -> None:
    tree = await area_tree()
    await make_indicator("网格党组织覆盖率", kind="measured", metric="party_branch_coverage")
    committee = await create_organisation(
        PartyOrganisationCreate(
            name="党工委", level="street_working_committee", street=tree.streets["A"]["id"]
        )
    )
    top = await create_organisation(
        PartyOrganisationCreate(
            name="A1社区党委",
            level="community_committee",
            parent=committee["id"],
            community=tree.communities["A1"]["id"],
        )
    )
    await create_organisation(
        PartyOrganisationCreate(
            name="第一支部", level="branch", parent=top["id"], grids=[tree.grids["A1-1"]["id"]]
        )
    )
    await rollup_period("month", local_today().replace(day=1))
    assert await composite("community", tree.communities["A1"]["id"]) == 50.0
    assert await composite("community", tree.communities["A2"]["id"]) == 0.0
    assert await composite("grid", tree.grids["A1-1"]["id"]) == 100.0
    assert await composite("grid", tree.grids["A1-2"]["id"]) == 0.0
    # street A: one of its four grids
    assert await composite("street", tree.streets["A"]["id"]) == 25.0
