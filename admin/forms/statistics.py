"""一表通 forms: ask a template for a period, fill in and submit an answer, return one.

The fill form shows the answer's values (pre-filled from data or 上期) as `key = value` lines:
the community confirms a line by leaving it, corrects it by changing it, and types the rest.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from admin.forms.base import Choices, Context, FormRefused, ScopedForm, text_area
from app.scope import Level, Scope
from app.statistics import services
from app.statistics.schemas import ReportRequestCreate
from tables.statistics import ReportTemplate

GROUP = "一表通 Statistics"
STATUS = {"open": "待填报", "returned": "已退回", "submitted": "已提交"}


async def current_templates(scope: Scope) -> Choices:
    rows = (
        await ReportTemplate.select(
            ReportTemplate._meta.primary_key, ReportTemplate.title, ReportTemplate.version
        )
        .where(ReportTemplate.current.eq(True))
        .order_by(ReportTemplate.title)
        .run()
    )
    return [(row["id"], f"{row['title']} v{row['version']}") for row in rows]


async def inbox_answers(scope: Scope) -> Choices:
    """The scope's inbox: open and returned answers first, each with its deadline."""
    return [
        (
            row["id"],
            f"{row['title']}（{row['department_name']}，截止 {row['deadline']:%Y-%m-%d %H:%M}，"
            f"{STATUS[row['status']]}{'，已逾期' if row['overdue'] else ''}）",
        )
        for row in await services.inbox()
    ]


async def submitted_answers(scope: Scope) -> Choices:
    return [
        (row["id"], f"{row['title']} #{row['id']}")
        for row in await services.inbox()
        if row["status"] == "submitted"
    ]


class AskReport(BaseModel):
    template: int = Field(title="统计报表模板")
    period_start: dt.date = Field(title="统计期开始")
    deadline: dt.datetime = Field(title="截止时间")
    note: str = Field(default="", title="说明", json_schema_extra=text_area())


async def ask_report(context: Context, data: AskReport) -> str:
    row = await services.create_request(ReportRequestCreate(**data.model_dump()), context.user_id)
    return (
        f"统计任务 {row['id']} 已发到各社区收件箱（{row['period_start']} — {row['period_end']}）。"
    )


class FillReport(BaseModel):
    answer: int = Field(title="收件箱")
    values: str = Field(
        default="",
        title="填报值（每行 编码 = 值；留空则显示预填值）",
        json_schema_extra=text_area(),
    )
    submit: bool = Field(default=False, title="确认并提交")


def parse_lines(text: str) -> dict[str, str]:
    values: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        key, sep, value = line.partition("=")
        if not sep:
            raise FormRefused(f"填写有误（第 {number} 行）：应为「编码 = 值」")
        values[key.strip()] = value.strip()
    return values


async def fill_report(context: Context, data: FillReport) -> str:
    if not data.values.strip():
        await services.open_answer(data.answer, context.user_id)
        lines = [
            f"{row['key']} = {row['value']}    # {row['title']}"
            f"{'（' + row['unit'] + '）' if row['unit'] else ''}"
            f" [{ {'data': '系统计算', 'previous': '上期', 'hand': '待填'}[row['origin']] }]"
            for row in await services.answer_values(data.answer)
        ]
        return "请将以下内容复制到「填报值」，核对或更正后提交：\n" + "\n".join(lines)
    row = await services.save_answer(
        data.answer, parse_lines(data.values), context.user_id, submit=data.submit
    )
    if row["status"] == "submitted":
        return f"已提交{'（逾期提交，已标记）' if row['late'] else ''}。"
    return "已保存，尚未提交。"


class ReturnReport(BaseModel):
    answer: int = Field(title="已提交的填报")
    comment: str = Field(title="退回意见", json_schema_extra=text_area())


async def return_report(context: Context, data: ReturnReport) -> str:
    await services.return_answer(
        data.answer, data.comment, context.user_id, context.scope.level.value
    )
    return "已退回社区，并附退回意见。"


FORMS = [
    ScopedForm(
        name="发布统计任务 Ask a statistics report",
        model=AskReport,
        action=ask_report,
        description="一表通：按准入清单中已准入的报表模板，向本街道各社区（或网格）发布一期统计任务。",
        levels=frozenset({Level.street, Level.district}),
        group=GROUP,
        choices={"template": current_templates},
    ),
    ScopedForm(
        name="填报统计报表 Fill in a statistics report",
        model=FillReport,
        action=fill_report,
        description="先只选收件箱中的任务并提交一次，查看系统计算和上期预填的值；"
        "再逐行核对或更正、补填其余字段后勾选「确认并提交」。",
        levels=frozenset({Level.community, Level.street, Level.district}),
        group=GROUP,
        choices={"answer": inbox_answers},
    ),
    ScopedForm(
        name="退回统计报表 Return a statistics report",
        model=ReturnReport,
        action=return_report,
        description="街道将已提交的填报退回社区，并写明退回意见。",
        levels=frozenset({Level.street, Level.district}),
        group=GROUP,
        choices={"answer": submitted_answers},
    ),
]
