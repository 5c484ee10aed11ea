"""Column builders that several tables share (no tables here)."""

from typing import TypeVar

from piccolo.columns import ForeignKey
from piccolo.columns.base import OnDelete
from piccolo.table import Table

T = TypeVar("T", bound=Table)


def belongs_to(table: type[T], help_text: str, *, null: bool = False) -> ForeignKey[T]:
    """The grid, community, building … a row lies in or the staff member it is about: indexed
    for the scope's lookups, and that row cannot be deleted while this one names it."""
    return ForeignKey(
        table, null=null, index=True, help_text=help_text, on_delete=OnDelete.restrict
    )
