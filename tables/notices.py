"""What a community publishes for its residents (社区公开): notices on the openness page."""

from piccolo.columns import Boolean, ForeignKey, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.readable import Readable
from piccolo.table import Table

from tables.areas import Community


class PublicNotice(
    Table, help_text="公开公告 Public notice shown on the community's openness page (no login)"
):
    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(template="%s", columns=[cls.title])

    community = ForeignKey(
        Community, null=False, index=True, help_text="社区 Community", on_delete=OnDelete.restrict
    )
    title = Varchar(200, help_text="标题 Title")
    body = Text(default="", help_text="正文 Body (plain text; never personal data)")
    published_at = Timestamptz(index=True, help_text="发布时间 Published at (future = scheduled)")
    visible = Boolean(default=True, index=True, help_text="公开 Shown on the public page")


__all__ = ["PublicNotice"]
