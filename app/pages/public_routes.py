"""The public pages, no login: /public/ and /public/communities/{code}."""

from __future__ import annotations

from typing import Any

from litestar import Response, get

from app.errors import DomainError
from app.labels import label
from app.pages.html import esc, link, number, page, percent, table
from app.pages.public import (
    OpennessPage,
    load_openness,
    local_time,
    resident_cases_section,
    volunteering_section,
)
from app.pages.responses import html
from app.replica import reading_from_replica
from tables.choices import (
    SupervisionKind,
    SupervisionStatus,
    WorkCategory,
    WorkStage,
    WorkStatus,
)


@get("/public/communities/{code:str}", include_in_schema=False)
async def openness_page(code: str) -> Response[str]:
    """The community's public openness page (社区公开), in Chinese, without login."""
    try:
        async with reading_from_replica():
            data = await load_openness(code)
    except DomainError as exc:
        return html(page("社区公开", f"<section><p>{esc(exc.detail)}</p></section>"), exc.status)
    return html(
        page(
            f"{data.street['name']} {data.community['name']} 社区公开",
            openness_body(data),
            [("社区列表", "/public/")],
        )
    )


def openness_body(data: OpennessPage) -> str:
    notices = (
        "".join(
            f"<article><h3>{esc(n['title'])}</h3><p class='muted'>{esc(local_time(n['published_at']))}</p>"
            f"<p>{esc(n['body'])}</p></article>"
            for n in data.notices
        )
        or "<p class='muted'>暂无公告</p>"
    )
    access = table(
        ["事项名称", "职能部门", "类别", "法律依据", "有效期"],
        [
            [
                e["name"],
                e["department"],
                label(WorkCategory, e["category"]),
                e["legal_basis"],
                f"{e['valid_from']} 至 {e['valid_to'] or '长期'}",
            ]
            for e in data.access_list
        ],
        empty="暂无准入事项",
    )
    records = table(
        ["类型", "监督对象", "反映内容", "办理阶段", "答复", "受理时间", "答复时间"],
        [
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
        empty="暂无公开的监督记录",
    )
    rollups = table(
        [
            "月份",
            "网格员签到率",
            "工作按时办结率",
            "监督回应率",
            "群众满意率",
            "平均回应时长(小时)",
            "综合得分",
            "街道内排名",
        ],
        [
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
        empty="暂无月度汇总",
    )
    return (
        f"<section><h2>社区公告</h2>{notices}</section>"
        f"<section><h2>准入清单：可以进入社区的工作事项</h2><p class='muted'>"
        f"由{esc(data.street['name'])}审定；清单以外的工作事项，社区有权拒绝。</p>{access}</section>"
        f"<section><h2>监督记录公开</h2>{records}<p class='muted'>为保护反映人，公开内容不含反映人信息。</p></section>"
        f"<section><h2>月度考核数据</h2>{rollups}</section>"
        f"{stage_deadlines_section(data)}"
        f"{resident_cases_section(data)}"
        f"{volunteering_section(data)}"
    )


def stage_deadlines_section(data: OpennessPage) -> str:
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
    body = table(
        ["编号", "事项", "状态", "受理时间", "受理期限", "派遣期限", "处置期限", "核查期限"],
        rows,
        empty="暂无有时限的工作事项",
    )
    return (
        f"<section><h2>办理时限公开</h2>{body}<p class='muted'>期限按工作时间计算"
        "（不含休息日、法定节假日）；只公开是否按时，不公开经办人。</p></section>"
    )


@get("/public/", include_in_schema=False)
async def public_index() -> Response[str]:
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
    body = (
        "<section><h2>社区公开 Community openness pages</h2>"
        + table(
            ["街道", "社区", "编码"],
            [
                [
                    streets.get(c["street"], ""),
                    link(c["name"], f"/public/communities/{c['code']}"),
                    c["code"],
                ]
                for c in communities
            ],
        )
        + "</section>"
    )
    return html(page("社区公开", body))
