"""The demo district's 一表通: the civil-affairs bureau's monthly report template in the
first street (admitted by its approved access-list entry), last month's request of it, the
communities' answers — two submitted, one opened and still being filled — with values
computed from the data where a field is bound to it, and the bureau's department token.

Runs after the rest of the demo data (bound values count it), on the loader's connection.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from app.demo.hotline import api_token
from app.demo.rows import copy, insert
from app.demo.steps import DemoLoader
from app.statistics.schemas import FieldSpec
from app.statistics.services import clean_fields, period_end
from app.statistics.sources import compute_sql, period_bounds

Row = dict[str, Any]
ELDERLY_ENTRY = "高龄津贴申领初审"  # of 区民政局
FAMILY = "mz-elderly-monthly"
TITLE = "高龄老人及困难群众情况月报"
FIELDS = [
    FieldSpec(
        key="care.elderly_alone",
        title="独居老人户",
        unit="户",
        source="households.care.elderly_alone",
    ),
    FieldSpec(
        key="care.low_income", title="低保户", unit="户", source="households.care.low_income"
    ),
    FieldSpec(key="aged.80_plus", title="80岁以上老人", unit="人", source="residents.age.80_plus"),
    FieldSpec(key="allowance.applied", title="高龄津贴新申请", unit="人", minimum=0),
    FieldSpec(key="allowance.passed", title="初审通过", unit="人", minimum=0),
    FieldSpec(key="visits.done", title="本月探访", unit="次", minimum=0),
    FieldSpec(key="remark", title="情况说明", kind="text", required=False),
]
DISPUTES = (
    "矛盾纠纷排查化解",  # the access-list entry of 区委政法委员会 that admits it
    "zf-disputes-survey",
    "矛盾纠纷和安全隐患专项排查表",
    "grid",
    [
        FieldSpec(key="disputes.found", title="排查矛盾纠纷", unit="件", minimum=0),
        FieldSpec(key="disputes.settled", title="已化解", unit="件", minimum=0),
        FieldSpec(key="hazards.found", title="发现安全隐患", unit="处", minimum=0),
        FieldSpec(key="hazards.note", title="隐患说明", kind="text", required=False),
    ],
)
SUBMITTED = 2  # of the street's communities, in order; the next one is still filling in


def number_text(value: Decimal) -> str:
    return str(int(value)) if value == value.to_integral() else str(value)


async def load_statistics(loader: DemoLoader) -> None:
    rng = random.Random(2260)
    street = loader.streets[0]
    monthly, fields = await template(loader, ELDERLY_ENTRY, FAMILY, TITLE, "community", FIELDS)
    asked_on = loader.today - dt.timedelta(days=7)
    start = (asked_on.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    request = await ask(loader, monthly, asked_on, start, "monthly")
    community_ids = [loader.ids[c.code] for c in street.communities]
    computed = await bound_values(
        loader, fields, community_ids, start, period_end(start, "monthly")
    )
    values: list[Row] = []
    for n, community_id in enumerate(community_ids):
        submitted = n < SUBMITTED
        day = asked_on + dt.timedelta(days=1 + n)
        answer = await insert(
            loader.conn,
            "report_answer",
            {
                "report_request": request["id"],
                "community": community_id,
                "grid": None,
                "status": "submitted" if submitted else "open",
                "opened_at": loader.at(day, 9),
                "submitted_at": loader.at(day, 15.5) if submitted else None,
                "late": False,
                "return_comment": "",
                "created_at": request["created_at"],
            },
        )
        applied = rng.randint(2, 8)
        typed: dict[str, int] = {
            "allowance.applied": applied,
            "allowance.passed": applied - rng.randint(0, 2),
            "visits.done": rng.randint(20, 60),
        }
        for field in fields:
            value = computed.get((community_id, field["source"])) if field["source"] else None
            hand = Decimal(typed[field["key"]]) if field["key"] in typed else None
            number = value if value is not None else hand if submitted else None
            values.append(
                {
                    "answer": answer,
                    "field": field["id"],
                    "community": community_id,
                    "value": number_text(number) if number is not None else "",
                    "number": number,
                    "computed": value,
                    "previous": None,
                    "origin": "data" if value is not None else "hand",
                    "confirmed": submitted,
                    "corrected": False,
                }
            )
    await copy(loader.conn, "report_value", values)
    # A grid-level one-off survey asked two days ago: in every grid's inbox, not yet opened.
    survey, _fields = await template(loader, *DISPUTES)
    asked_on = loader.today - dt.timedelta(days=2)
    request = await ask(loader, survey, asked_on, asked_on, "one_off")
    await copy(
        loader.conn,
        "report_answer",
        [
            {
                "report_request": request["id"],
                "community": loader.ids[community.code],
                "grid": loader.ids[grid.code],
                "status": "open",
                "opened_at": None,
                "submitted_at": None,
                "late": False,
                "return_comment": "",
                "created_at": request["created_at"],
            }
            for community in street.communities
            for grid in community.grids
        ],
    )
    await department_token(loader, rng)


def approved_entry(loader: DemoLoader, name: str) -> tuple[int, int]:
    """(entry id, department id) of the first street's approved entry called `name`."""
    approved = loader.approved[loader.streets[0].code]
    return next((entry, department) for entry, named, department in approved if named == name)


async def template(
    loader: DemoLoader, entry_name: str, family: str, title: str, level: str, specs: list[FieldSpec]
) -> tuple[int, list[Row]]:
    """A template of the first street admitted by its approved entry `entry_name`, with its
    fields (checked as the service checks them); its id and the fields with their ids."""
    street = loader.streets[0]
    street_id = loader.ids[street.code]
    entry, department = approved_entry(loader, entry_name)
    template_id = await insert(
        loader.conn,
        "report_template",
        {
            "street": street_id,
            "department": department,
            "access_entry": entry,
            "family": family,
            "version": 1,
            "current": True,
            "title": title,
            "level": level,
            "period": "monthly" if level == "community" else "one_off",
            "created_by": loader.staff_user[loader.street_official[street.code]],
            "created_at": loader.at(loader.today - dt.timedelta(days=45), 10),
        },
    )
    fields = []
    for field in clean_fields(specs):
        row = field | {"template": template_id, "street": street_id}
        fields.append(field | {"id": await insert(loader.conn, "report_field", row)})
    return template_id, fields


async def ask(
    loader: DemoLoader, template_id: int, asked_on: dt.date, start: dt.date, period: str
) -> Row:
    """A request of the template for the period starting on `start`, due in ten days."""
    row = await loader.conn.fetchrow(
        "SELECT street, department, created_by FROM report_template WHERE id = $1", template_id
    )
    assert row is not None
    values = {
        "template": template_id,
        **dict(row),
        "period_start": start,
        "period_end": period_end(start, period),
        "deadline": loader.at(asked_on + dt.timedelta(days=10), 17.5),
        "note": "请据实填报，系统已按台账预填的数据请核对确认。",
        "created_at": loader.at(asked_on, 9),
    }
    return values | {"id": await insert(loader.conn, "report_request", values)}


async def department_token(loader: DemoLoader, rng: random.Random) -> None:
    """The civil-affairs bureau's own token: it sees and asks only its templates' requests."""
    street = loader.streets[0]
    street_id = loader.ids[street.code]
    _entry, department = approved_entry(loader, ELDERLY_ENTRY)
    token = await api_token(
        loader,
        rng,
        {
            "name": "区民政局统计报表接口",
            "scope": "street",
            "street": street_id,
            "can_write": True,
            "created_by": loader.staff_user[loader.street_official[street.code]],
        },
    )
    await insert(
        loader.conn,
        "department_token",
        {"token": token, "department": department, "street": street_id},
    )


async def bound_values(
    loader: DemoLoader, fields: list[Row], units: list[int], start: dt.date, end: dt.date
) -> dict[tuple[int, str], Decimal]:
    """(community, source) → value, computed by the app's own statement (a unit with no rows
    counts 0, as app.statistics.sources.compute has it)."""
    keys = [f["source"] for f in fields if f["source"]]
    begin, finish = period_bounds(start, end)
    rows = await loader.conn.fetch(
        compute_sql(keys, "community"), units, begin, finish, start, end, "community"
    )
    found = {(row["unit"], row["key"]): row["value"] for row in rows}
    return {(unit, key): found.get((unit, key), Decimal(0)) for unit in units for key in keys}
