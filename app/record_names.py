"""The words a user knows a table or column by, in Chinese and English, for error messages.

Taken from the tables' own `help_text` ("住户 Household: a dwelling in a building" → 住户,
Household), the same text the admin falls back on: no second dictionary of names. A table or
column without help text is named by its SQL name in words.
"""

from __future__ import annotations

import re
from functools import cache
from typing import NamedTuple

from piccolo.table import Table

# Chinese words (as the admin finds them in help texts), and the end of a help text's name.
CHINESE = re.compile(r"[\u3400-\u9fff][\u3400-\u9fff/（）()、]*")
_NAME_ENDS = re.compile(r"[:,(（]")


class Words(NamedTuple):
    zh: str
    en: str

    def __str__(self) -> str:
        return f"{self.zh} {self.en}" if self.zh != self.en else self.en


@cache
def _tables() -> dict[str, type[Table]]:
    # Imported late: tables/piccolo_app imports every domain module.
    from tables.piccolo_app import ALL_TABLES

    return {table._meta.tablename: table for table in ALL_TABLES}


def _words(help_text: str | None, sql_name: str) -> Words:
    """The first Chinese words of the help text, and its English up to the first ':' or ','
    ("楼栋 Building: residential or commercial" → 楼栋, Building)."""
    words = sql_name.replace("_", " ").capitalize()
    chinese = CHINESE.search(help_text or "")
    if chinese is None:  # an explanation, not a name ("9 digits: district code + …")
        return Words(words, words)
    english = _NAME_ENDS.split(CHINESE.sub("", help_text or ""), maxsplit=1)[0].strip()
    return Words(chinese.group(0), english or words)


def table_words(tablename: str) -> Words:
    """(Chinese, English) name of a table, e.g. household → (住户, Household)."""
    table = _tables().get(tablename)
    return _words(table._meta.help_text if table else None, tablename)


def column_words(tablename: str, column: str) -> Words:
    """(Chinese, English) name of a column, e.g. household.building → (楼栋, Building)."""
    table = _tables().get(tablename)
    found = (
        next((c for c in table._meta.columns if c._meta.name == column), None) if table else None
    )
    return _words(found._meta.help_text if found is not None else None, column)


def column_of_constraint(tablename: str, constraint: str) -> str | None:
    """The column a constraint named `<table>_<column>_<suffix>` is about, if it has one."""
    table = _tables().get(tablename)
    if table is None or not constraint.startswith(f"{tablename}_"):
        return None
    rest = constraint[len(tablename) + 1 :]
    names = sorted((c._meta.name for c in table._meta.columns), key=len, reverse=True)
    return next((name for name in names if rest.startswith(f"{name}_") or rest == name), None)


def column_pointing_at(dependent_table: str, referenced_table: str) -> str | None:
    """The foreign key column of `dependent_table` that refers to `referenced_table`, when
    there is exactly one."""
    table = _tables().get(dependent_table)
    names = [
        fk._meta.name
        for fk in (table._meta.foreign_key_columns if table else [])
        if fk._foreign_key_meta.resolved_references._meta.tablename == referenced_table
    ]
    return names[0] if len(names) == 1 else None
