"""Supervision: answer what residents and party members raised (社区监督)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from admin.forms.base import OFFICE_LEVELS, Choices, Context, ScopedForm, text_area
from app.scope import Scope
from app.supervision import services as supervision
from tables.choices import SupervisionStatus
from tables.supervision import SupervisionRecord

GROUP = "监督 Supervision"


async def unanswered(scope: Scope) -> Choices:
    """Records still waiting for an answer, the oldest due first."""
    rows = (
        await SupervisionRecord.select(
            SupervisionRecord._meta.primary_key,
            SupervisionRecord.subject,
            SupervisionRecord.content,
        )
        .where(
            SupervisionRecord.status.is_in([SupervisionStatus.received, SupervisionStatus.handling])
        )
        .order_by(SupervisionRecord.due_at)
        .run()
    )
    return [(row["id"], f"#{row['id']} {row['subject']}：{row['content'][:30]}") for row in rows]


class AnswerSupervision(BaseModel):
    record: int = Field(title="监督记录")
    answer: str = Field(title="答复", json_schema_extra=text_area())
    public: bool = Field(default=False, title="公开")


async def answer_supervision(context: Context, data: AnswerSupervision) -> str:
    row = await supervision.answer_supervision(
        data.record, data.answer, context.user_id, public=data.public
    )
    published = "，已公开" if row["public"] else ""
    return f"监督记录 #{row['id']} 已答复{published}。"


FORMS = [
    ScopedForm(
        name="答复监督记录 Answer a supervision record",
        model=AnswerSupervision,
        action=answer_supervision,
        description="答复群众反映的问题；选择公开后在社区公开页展示（不显示反映人）。",
        levels=OFFICE_LEVELS,
        group=GROUP,
        choices={"record": unanswered},
    ),
]
