"""一表通 on the demo district: computed values, corrections, submit, aggregation, export,
the access list, bad input and scoping."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import openpyxl
import pytest

from app.clock import local_today, utc_now
from app.errors import AccessRefused, Forbidden, InvalidTransition, NotFound, ValidationFailed
from app.scope import scoped_transaction
from app.statistics import services
from app.statistics.exports import request_workbook
from app.statistics.schemas import FieldSpec, ReportRequestCreate, ReportTemplateCreate
from app.work.schemas import AccessListEntryCreate
from app.work.services import propose_access_entry
from tables.places import Building, Facility, Household, Organisation, Resident
from tables.statistics import ReportAnswer, ReportValue
from tables.work import AccessRefusal, WorkItem
from tests.statistics.conftest import BOUND, Demo, template_fields

pytestmark = pytest.mark.shared_data

HAND = {
    "staff.count": 12,
    "activity.count": "4",
    "budget": "3.5",
    "note": "",
    "state": "正常",
    "report.date": "2026-12-01",
    "has.plan": True,
}


async def ask(demo: Demo, family: str, deadline: dt.datetime | None = None) -> dict[str, Any]:
    """A template of the 20 fields and its request for this month, by the street official."""
    async with scoped_transaction(demo.official):
        template = await services.create_template(
            ReportTemplateCreate(
                access_entry=demo.entry["id"],
                family=family,
                title=f"社区基本情况 {family}",
                fields=template_fields(),
            ),
            demo.official.user_id,
        )
        return await services.create_request(
            ReportRequestCreate(
                template=template["id"],
                period_start=local_today().replace(day=1),
                deadline=deadline or utc_now() + dt.timedelta(days=7),
            ),
            demo.official.user_id,
        )


async def my_answer(demo: Demo, request: dict[str, Any]) -> dict[str, Any]:
    async with scoped_transaction(demo.admin):
        rows = [row for row in await services.inbox() if row["report_request"] == request["id"]]
        assert len(rows) == 1
        return await services.open_answer(rows[0]["id"], demo.admin.user_id)


async def values_by_key(demo: Demo, answer_id: int) -> dict[str, dict[str, Any]]:
    async with scoped_transaction(demo.admin):
        return {row["key"]: row for row in await services.answer_values(answer_id)}


async def independent_counts(community_id: int, start: dt.date, end: dt.date) -> dict[str, int]:
    """The same figures counted another way: Piccolo counts and ages computed in Python."""
    households = (
        await Household.select(Household.care_tags).where(Household.community == community_id).run()
    )
    births = (
        await Resident.select(Resident.birth_date).where(Resident.community == community_id).run()
    )

    def age(born: dt.date) -> int:
        return end.year - born.year - ((end.month, end.day) < (born.month, born.day))

    ages = [age(r["birth_date"]) for r in births if r["birth_date"] is not None]
    first = dt.datetime.combine(start, dt.time(), dt.UTC) - dt.timedelta(hours=8)
    last = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), dt.UTC) - dt.timedelta(
        hours=8
    )
    return {
        "hh.total": len(households),
        "hh.elderly_alone": sum("elderly_alone" in h["care_tags"] for h in households),
        "hh.low_income": sum("low_income" in h["care_tags"] for h in households),
        "hh.disability": sum("disability" in h["care_tags"] for h in households),
        "res.total": len(births),
        "res.age60": sum(60 <= a <= 79 for a in ages),
        "res.age80": sum(a >= 80 for a in ages),
        "bld.total": await Building.count().where(Building.community == community_id),
        "bld.residential": await Building.count().where(
            (Building.community == community_id) & (Building.kind == "residential")
        ),
        "fac.total": await Facility.count().where(Facility.community == community_id),
        "org.total": await Organisation.count().where(Organisation.community == community_id),
        "work.total": await WorkItem.count().where(
            (WorkItem.community == community_id)
            & (WorkItem.created_at >= first)
            & (WorkItem.created_at < last)
        ),
    }


async def test_fill_correct_submit_aggregate_and_export(demo: Demo) -> None:
    request = await ask(demo, "basic")
    answer = await my_answer(demo, request)
    values = await values_by_key(demo, answer["id"])
    expected = await independent_counts(
        demo.community["id"], request["period_start"], request["period_end"]
    )
    assert {k: int(values[k]["computed"]) for k, _, _ in BOUND} == expected
    assert expected["hh.total"] > 0 and expected["res.age60"] > 0
    assert all(values[k]["origin"] == "data" for k, _, _ in BOUND)
    assert values["staff.count"]["origin"] == "hand"
    # Confirm every computed value, correct one, fill the rest and submit.
    given: dict[str, Any] = {k: values[k]["value"] for k, _, _ in BOUND}
    given["hh.total"] = expected["hh.total"] + 3
    given["elderly.total"] = expected["res.age60"] + expected["res.age80"]
    async with scoped_transaction(demo.admin):
        submitted = await services.save_answer(
            answer["id"], {**given, **HAND}, demo.admin.user_id, submit=True
        )
    assert submitted["status"] == "submitted" and not submitted["late"]
    values = await values_by_key(demo, answer["id"])
    assert (
        values["hh.total"]["corrected"] and values["hh.total"]["number"] == expected["hh.total"] + 3
    )
    assert values["hh.total"]["computed"] == expected["hh.total"]  # kept beside it for review
    assert not values["hh.elderly_alone"]["corrected"] and values["hh.elderly_alone"]["confirmed"]
    # The street sees who submitted, aggregates and downloads.
    async with scoped_transaction(demo.official):
        result = await services.aggregate(request["id"])
        workbook = await request_workbook(request["id"])
        burden = await services.burden(local_today())
    assert result["submitted"] == 1 and len(result["units"]) >= 2
    fields = {f["key"]: f["id"] for f in result["fields"]}
    street_totals = next(iter(result["streets"].values()))
    assert street_totals[fields["hh.total"]] == expected["hh.total"] + 3
    assert result["district"][fields["budget"]] == Decimal("3.5")
    sheet = openpyxl.load_workbook(io.BytesIO(workbook)).active
    header = [cell.value for cell in sheet[2]]
    assert header[5:] == [
        f"{f['title']}（{f['unit']}）" if f["unit"] else f["title"] for f in result["fields"]
    ]
    row = next(
        r for r in sheet.iter_rows(min_row=3, values_only=True) if r[0] == demo.community["code"]
    )
    assert row[5] == expected["hh.total"] + 3 and row[5 + 12] == given["elderly.total"]
    assert row[3] == "已提交"
    district = next(r for r in sheet.iter_rows(min_row=3, values_only=True) if r[1] == "全区合计")
    assert district[5] == expected["hh.total"] + 3 and district[5 + 15] == 3.5
    mine = next(b for b in burden if b["community"] == demo.community["id"])
    assert mine["fields_asked"] >= 20 and mine["by_hand"] >= 9 and mine["from_data"] >= 11
    # 上期: the next request pre-fills the typed fields with this answer.
    async with scoped_transaction(demo.official):
        again = await services.create_request(
            ReportRequestCreate(
                template=request["template"],
                period_start=request["period_start"],
                deadline=utc_now() + dt.timedelta(days=3),
            ),
            demo.official.user_id,
        )
    second = await values_by_key(demo, (await my_answer(demo, again))["id"])
    assert second["staff.count"]["origin"] == "previous" and second["staff.count"]["value"] == "12"
    assert second["budget"]["previous"] == "3.5"


async def test_a_template_without_an_approved_entry_is_refused_and_recorded(demo: Demo) -> None:
    async with scoped_transaction(demo.official):
        proposed = await propose_access_entry(
            AccessListEntryCreate(
                street=demo.street_id,
                name="临时统计",
                department=demo.entry["department"],
                category="civil_affairs",
                legal_basis="无",
                valid_from=local_today(),
            ),
            demo.official.user_id,
        )
    before = await AccessRefusal.count()
    with pytest.raises(AccessRefused) as refused:
        async with scoped_transaction(demo.official):
            await services.create_template(
                ReportTemplateCreate(
                    access_entry=proposed["id"],
                    family="refused",
                    title="未准入报表",
                    fields=template_fields(),
                ),
                demo.official.user_id,
            )
    assert refused.value.field == "access_entry"
    assert await AccessRefusal.count() == before + 1
    refusal = await AccessRefusal.select().order_by(AccessRefusal.id, ascending=False).first()
    assert refusal is not None and refusal["pushed_title"] == "统计报表 未准入报表"
    assert refusal["department"] == demo.entry["department"]


@pytest.mark.parametrize(
    ("key", "value", "reason"),
    [
        ("staff.count", 500, "above the maximum"),
        ("staff.count", "twelve", "not a number"),
        ("staff.count", "1.5", "not a whole number"),
        ("budget", -1, "below the minimum"),
        ("state", "很好", "not one of"),
        ("report.date", "2026-13-01", "not a date"),
        ("has.plan", "maybe", "not yes or no"),
        ("no.such", 1, "not a field"),
    ],
)
async def test_bad_values_name_the_field_and_save_nothing(
    demo: Demo, key: str, value: Any, reason: str
) -> None:
    request = await ask(demo, f"bad-{key}-{reason}".replace(" ", "-"))
    answer = await my_answer(demo, request)
    with pytest.raises(ValidationFailed) as failed:
        async with scoped_transaction(demo.admin):
            await services.save_answer(
                answer["id"], {"activity.count": 9, key: value}, demo.admin.user_id
            )
    assert failed.value.field == f"values.{key}" and reason in failed.value.detail
    values = await values_by_key(demo, answer["id"])
    # The valid value beside it was not saved either (it keeps its 上期 pre-fill, unconfirmed).
    assert values["activity.count"]["value"] != "9" and not values["activity.count"]["confirmed"]


async def test_broken_sub_total_and_unconfirmed_values_refuse_the_submit(demo: Demo) -> None:
    request = await ask(demo, "rules")
    answer = await my_answer(demo, request)
    values = await values_by_key(demo, answer["id"])
    given: dict[str, Any] = {k: values[k]["value"] for k, _, _ in BOUND}
    total = int(values["res.age60"]["computed"]) + int(values["res.age80"]["computed"])
    with pytest.raises(ValidationFailed) as failed:
        async with scoped_transaction(demo.admin):
            await services.save_answer(
                answer["id"],
                {**given, **HAND, "elderly.total": total + 1},
                demo.admin.user_id,
                submit=True,
            )
    assert failed.value.field == "values.elderly.total" and "not the sum" in failed.value.detail
    with pytest.raises(ValidationFailed) as unconfirmed:
        async with scoped_transaction(demo.admin):
            await services.save_answer(
                answer["id"], {**HAND, "elderly.total": total}, demo.admin.user_id, submit=True
            )
    assert unconfirmed.value.field == "values.hh.total"
    assert (await ReportAnswer.select().where(ReportAnswer.id == answer["id"]).first())[
        "status"
    ] == "open"
    assert not (await values_by_key(demo, answer["id"]))["staff.count"]["confirmed"]


async def test_late_submission_is_allowed_and_marked_then_returned(demo: Demo) -> None:
    request = await ask(demo, "late", deadline=utc_now() + dt.timedelta(seconds=1))
    answer = await my_answer(demo, request)
    values = await values_by_key(demo, answer["id"])
    given: dict[str, Any] = {k: values[k]["value"] for k, _, _ in BOUND}
    given["elderly.total"] = int(values["res.age60"]["computed"]) + int(
        values["res.age80"]["computed"]
    )
    import asyncio

    await asyncio.sleep(1.1)
    async with scoped_transaction(demo.admin):
        done = await services.save_answer(
            answer["id"], {**given, **HAND}, demo.admin.user_id, submit=True
        )
        with pytest.raises(InvalidTransition):
            await services.save_answer(answer["id"], {"budget": 1}, demo.admin.user_id)
        with pytest.raises(Forbidden):
            await services.return_answer(answer["id"], "请核实", demo.admin.user_id, "community")
    assert done["late"] and done["status"] == "submitted"
    async with scoped_transaction(demo.official):
        returned = await services.return_answer(
            answer["id"], "经费请核实", demo.official.user_id, "street"
        )
    assert returned["status"] == "returned" and returned["return_comment"] == "经费请核实"
    async with scoped_transaction(demo.admin):
        again = await services.save_answer(
            answer["id"], {"budget": 4}, demo.admin.user_id, submit=True
        )
    assert again["status"] == "submitted"


async def test_editing_an_answered_template_makes_a_new_version(demo: Demo) -> None:
    request = await ask(demo, "versioned")
    answer = await my_answer(demo, request)
    async with scoped_transaction(demo.official):
        revised = await services.revise_template(
            request["template"],
            "新版",
            [FieldSpec(key="staff.count", title="工作者", maximum=50)],
            demo.official.user_id,
        )
        old_fields = await services.template_fields(request["template"])
    assert revised["id"] != request["template"] and revised["version"] == 2
    assert len(old_fields) == 20
    assert len(await values_by_key(demo, answer["id"])) == 20
    assert await ReportValue.count().where(ReportValue.answer == answer["id"]) == 20


async def test_a_community_sees_only_its_own_inbox(demo: Demo) -> None:
    request = await ask(demo, "scoping")
    async with scoped_transaction(demo.admin):
        mine = [r for r in await services.inbox() if r["report_request"] == request["id"]]
    async with scoped_transaction(demo.other_admin):
        theirs = [r for r in await services.inbox() if r["report_request"] == request["id"]]
        with pytest.raises((NotFound, Forbidden)):
            await services.open_answer(mine[0]["id"], demo.other_admin.user_id)
    async with scoped_transaction(demo.official):
        everyone = [r for r in await services.inbox() if r["report_request"] == request["id"]]
    assert {r["community"] for r in mine} == {demo.community["id"]}
    assert len(theirs) == 1 and theirs[0]["community"] == demo.other_admin.community_id
    assert len(everyone) > 2


async def test_reminders_reach_communities_that_have_not_submitted_once_a_day(demo: Demo) -> None:
    from app.statistics.reminders import send_report_reminders
    from tables.system import Reminder

    request = await ask(demo, "remind", deadline=utc_now() + dt.timedelta(hours=20))
    first = await send_report_reminders(local_today())
    again = await send_report_reminders(local_today())
    slot = f"report@{request['id']}"
    rows = await Reminder.select().where(Reminder.slot == slot).run()
    assert first >= len(rows) > 0 and again == 0
    assert all("尚未提交" in row["message"] for row in rows)


async def test_the_street_dashboard_ranks_departments_by_hand_typed_fields(demo: Demo) -> None:
    from app.pages.dashboard_routes import statistics_section
    from app.pages.dashboards import Dashboard

    async with scoped_transaction(demo.official):
        rows = await services.burden(local_today())
    assert (rows and rows == sorted(rows, key=lambda r: -r["by_hand"])) or rows
    mine = [r for r in rows if r["community"] == demo.community["id"]]
    assert sum(r["requests"] for r in mine) >= 2
    page = statistics_section(
        Dashboard([], {}, None, {}, {}, [], [], local_today(), statistics_burden=rows)
    )
    assert mine[0]["department_name"] in page and "手工填写" in page


async def test_the_bench_computes_every_bound_field_of_every_community(demo: Demo) -> None:
    import os

    from bench.statistics import bound_fields
    from tables.areas import Community

    result = await bound_fields(os.environ["DATABASE_URL"], repeats=1)
    communities = await Community.count()
    assert result["communities"] == communities
    # Every (community, source) with at least one row; work items of the month may be none.
    assert communities * 11 <= result["values"] <= communities * 12
    assert result["ratio_to_bound"] is not None


async def test_the_yearly_access_review_shows_each_departments_requests(demo: Demo) -> None:
    async with scoped_transaction(demo.official):
        review = await services.access_review(local_today().year)
    row = next(r for r in review if r["access_entry"] == demo.entry["id"])
    asked = await ReportAnswer.count().where(
        ReportAnswer.report_request.template.access_entry == demo.entry["id"]
    )
    assert row["requests"] >= 2 and row["answers"] == asked and row["templates"] >= 2
    assert row["by_hand"] > 0 and row["department_name"]
