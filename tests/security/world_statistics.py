"""The permission world's rows of 一表通 statistics: tests/security/world.py builds the world;
this adds seeders, bodies and places for the tables of tables/statistics.py."""

from __future__ import annotations

import datetime as dt
from typing import Any

from app.crud import insert_row
from tables.statistics import (
    DepartmentToken,
    ReportAnswer,
    ReportField,
    ReportRequest,
    ReportTemplate,
    ReportValue,
)

Row = dict[str, Any]
DEADLINE = dt.datetime(2031, 6, 30, 10, 0, tzinfo=dt.UTC)


def _w() -> Any:
    from tests.security import world

    return world


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def street_key(place: Any) -> str:
    return str(place.street)


async def template_at(w: Any, place: Any) -> Row:
    """A fresh template of the department, admitted by the street's approved entry."""
    street = street_key(place)
    return await insert_row(
        ReportTemplate,
        {
            "street": w.street(street)["id"],
            "department": w.department["id"],
            "access_entry": w.entries[street]["id"],
            "family": f"family{_w().n()}",
            "title": "低保户统计",
            "created_at": now(),
        },
    )


async def seed_report_template(w: Any, place: Any) -> int:
    return int((await template_at(w, place))["id"])


async def field_of(w: Any, template: Row) -> Row:
    return await insert_row(
        ReportField,
        {
            "template": template["id"],
            "street": template["street"],
            "position": 1,
            "key": f"key{_w().n()}",
            "title": "户数",
        },
    )


async def seed_report_field(w: Any, place: Any) -> int:
    return int((await field_of(w, await template_at(w, place)))["id"])


async def request_of(w: Any, template: Row) -> Row:
    start = dt.date(2030, 1, 1)
    return await insert_row(
        ReportRequest,
        {
            "template": template["id"],
            "street": template["street"],
            "department": template["department"],
            "period_start": start,
            "period_end": dt.date(2030, 1, 31),
            "deadline": DEADLINE,
            "note": "",
            "created_at": now(),
        },
    )


async def seed_report_request(w: Any, place: Any) -> int:
    return int((await request_of(w, await template_at(w, place)))["id"])


async def answer_at(w: Any, place: Any) -> tuple[Row, Row]:
    """A fresh answer of the place's community, and the template it answers."""
    template = await template_at(w, place)
    request = await request_of(w, template)
    answer = await insert_row(
        ReportAnswer,
        {
            "report_request": request["id"],
            "community": w.community(str(place.community))["id"],
            "created_at": now(),
        },
    )
    return answer, template


async def seed_report_answer(w: Any, place: Any) -> int:
    return int((await answer_at(w, place))[0]["id"])


async def seed_report_value(w: Any, place: Any) -> int:
    answer, template = await answer_at(w, place)
    field = await field_of(w, template)
    row = await insert_row(
        ReportValue,
        {"answer": answer["id"], "field": field["id"], "community": answer["community"]},
    )
    return int(row["id"])


async def street_token(w: Any, place: Any) -> int:
    """A fresh street token of the place's street."""
    return int(await _w().seed_token(w, _w().Place(place.street)))


async def seed_department_token(w: Any, place: Any) -> int:
    row = await insert_row(
        DepartmentToken,
        {
            "token": await street_token(w, place),
            "department": w.department["id"],
            "street": w.street(street_key(place))["id"],
        },
    )
    return int(row["id"])


SEEDERS = {
    "report_template": seed_report_template,
    "report_field": seed_report_field,
    "report_request": seed_report_request,
    "report_answer": seed_report_answer,
    "report_value": seed_report_value,
    "department_token": seed_department_token,
}


def seed_places() -> dict[str, list[Any]]:
    w = _w()
    return {
        "report_template": w.AT_STREETS,
        "report_field": w.AT_STREETS,
        "report_request": w.AT_STREETS,
        "report_answer": w.COMMUNITY_OF_STREET,
        "report_value": w.COMMUNITY_OF_STREET,
        "department_token": w.AT_STREETS,
    }


# Every statistics table names its street or community itself.
JOINS: dict[str, str] = {}


# ---------------------------------------------------------------- bodies for creating


async def body_report_template(w: Any, place: Any, p: Any, mark: int) -> Row:
    street = street_key(place)
    return {
        "street": w.street(street)["id"],
        "department": w.department["id"],
        "access_entry": w.entries[street]["id"],
        "family": f"new{mark}",
        "version": 1,
        "current": True,
        "title": f"新报表{mark}",
        "level": "community",
        "period": "monthly",
        "created_at": now().isoformat(),
    }


async def body_report_field(w: Any, place: Any, p: Any, mark: int) -> Row:
    template = await template_at(w, place)
    return {
        "template": template["id"],
        "street": template["street"],
        "position": 1,
        "key": f"new{mark}",
        "title": f"新字段{mark}",
        "kind": "integer",
        "unit": "",
        "choices": [],
        "required": True,
        "total_of": [],
    }


async def body_report_request(w: Any, place: Any, p: Any, mark: int) -> Row:
    template = await template_at(w, place)
    return {
        "template": template["id"],
        "street": template["street"],
        "department": template["department"],
        "period_start": "2030-02-01",
        "period_end": "2030-02-28",
        "deadline": DEADLINE.isoformat(),
        "note": f"新任务{mark}",
        "created_at": now().isoformat(),
    }


async def body_report_answer(w: Any, place: Any, p: Any, mark: int) -> Row:
    template = await template_at(w, place)
    request = await request_of(w, template)
    return {
        "report_request": request["id"],
        "community": w.community(str(place.community))["id"],
        "status": "open",
        "late": False,
        "return_comment": f"新填报{mark}",
        "created_at": now().isoformat(),
    }


async def body_report_value(w: Any, place: Any, p: Any, mark: int) -> Row:
    answer, template = await answer_at(w, place)
    field = await field_of(w, template)
    return {
        "answer": answer["id"],
        "field": field["id"],
        "community": answer["community"],
        "value": f"新值{mark}",
        "origin": "hand",
        "confirmed": True,
        "corrected": False,
    }


async def body_department_token(w: Any, place: Any, p: Any, mark: int) -> Row:
    return {
        "token": await street_token(w, place),
        "department": w.department["id"],
        "street": w.street(street_key(place))["id"],
    }
