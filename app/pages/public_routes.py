"""The public pages, no login: /public/ and /public/communities/{code}, from the templates
under app/pages/templates/public/."""

from __future__ import annotations

from typing import Any

from litestar import Response, get
from litestar.response import Template

from app.errors import DomainError
from app.labels import label
from app.pages.html import number, percent
from app.pages.maps import atlas, outline_bounds
from app.pages.public import OpennessPage, load_openness, local_time
from app.pages.responses import error_page
from app.replica import reading_from_replica
from tables.choices import (
    SupervisionKind,
    SupervisionStatus,
    WorkCategory,
    WorkStage,
    WorkStatus,
)


@get("/public/communities/{code:str}", include_in_schema=False)
async def openness_page(code: str) -> Response[Any] | Template:
    """The community's public openness page (社区公开), in Chinese, without login."""
    try:
        async with reading_from_replica():
            data = await load_openness(code)
    except DomainError as exc:
        return error_page(exc, back=("社区列表", "/public/"), title="社区公开")
    return Template(template_name="public/openness.html", context=openness_context(data))


def openness_context(data: OpennessPage) -> dict[str, Any]:
    """The page's sections as rows of text: the template escapes every one of them."""
    code = data.community["code"]
    return {
        "title": f"{data.street['name']} {data.community['name']} 社区公开",
        "nav": [("社区列表", "/public/")],
        "street_name": data.street["name"],
        "map": atlas(
            f"/maps/api/public/communities/{code}/layers",
            outline_bounds([data.community.get("boundary")]),
            coloured=False,
        ),
        "notices": [
            {"title": n["title"], "published": local_time(n["published_at"]), "body": n["body"]}
            for n in data.notices
        ],
        "access_list": [
            [
                e["name"],
                e["department"],
                label(WorkCategory, e["category"]),
                e["legal_basis"],
                f"{e['valid_from']} 至 {e['valid_to'] or '长期'}",
            ]
            for e in data.access_list
        ],
        "records": [
            [
                label(SupervisionKind, r["kind"]),
                r["subject"],
                r["content"],
                label(SupervisionStatus, r["status"]),
                r["answer"] or "—",
                local_time(r["created_at"]),
                local_time(r["answered_at"]),
            ]
            for r in data.records
        ],
        "rollups": [
            [
                f"{r['period_start']:%Y年%m月}",
                percent(r["check_in_rate"]),
                percent(r["on_time_rate"]),
                percent(r["supervision_response_rate"]),
                percent(r["satisfaction_rate"]),
                number(r["avg_response_hours"]),
                number(r["composite_score"]),
                r["rank"] or "—",
            ]
            for r in data.rollups
        ],
        "stage_deadlines": stage_deadline_rows(data),
        "resident_cases": [
            [local_time(r["created_at"]), r["service_name"], r["content"], r["status"], r["reply"]]
            for r in data.resident_cases
        ],
        "report_url": f"/r/{code}",
        "volunteering": [
            [f"{r['month']:%Y年%m月}", r["activities"], number(r["hours"])]
            for r in data.volunteering
        ],
    }


def stage_deadline_rows(data: OpennessPage) -> list[list[str]]:
    """时限公开: each stage's deadline (working time) and whether it was met, never who."""

    def shown(stage: dict[str, Any] | None) -> str:
        if stage is None:
            return "—"
        verdict = {True: "按时", False: "超时", None: "办理中"}[stage["met"]]
        return f"{local_time(stage['due_at'])}（{verdict}）"

    rows = []
    for item in data.stage_deadlines:
        by_stage = {s["stage"]: s for s in item["stages"]}
        rows.append(
            [
                item["ref"],
                item["service_name"],
                label(WorkStatus, item["status"]),
                local_time(item["created_at"]),
                *(shown(by_stage.get(stage.value)) for stage in WorkStage),
            ]
        )
    return rows


@get("/public/", include_in_schema=False)
async def public_index() -> Template:
    """Every community's public page."""
    from tables.areas import Community, Street

    async with reading_from_replica():
        streets = {
            s["id"]: s["name"]
            for s in await Street.select(Street._meta.primary_key, Street.name).run()
        }
        communities = (
            await Community.select(Community.code, Community.name, Community.street)
            .order_by(Community.code)
            .run()
        )
    rows = [
        [
            streets.get(c["street"], ""),
            {"text": c["name"], "href": f"/public/communities/{c['code']}"},
            c["code"],
        ]
        for c in communities
    ]
    return Template(
        template_name="public/index.html", context={"title": "社区公开", "nav": [], "rows": rows}
    )
