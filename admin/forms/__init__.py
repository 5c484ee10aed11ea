"""Forms for the daily actions (FormConfig), one module per domain; FORMS collects them all."""

from __future__ import annotations

from typing import Any

from admin.forms import (
    daily,
    excel,
    extensions,
    jobs,
    people,
    residents,
    statistics,
    supervision,
    work,
)
from admin.forms.tokens import TOKEN_FORMS

# Forms run in the user's scope through the services (admin/forms/base.py).
SCOPED_FORMS = [
    *daily.FORMS,
    *work.FORMS,
    *extensions.FORMS,
    *supervision.FORMS,
    *people.FORMS,
    *jobs.FORMS,
    *statistics.FORMS,
    *residents.FORMS,
]

FORMS: list[Any] = [*TOKEN_FORMS, *(form.config for form in SCOPED_FORMS), *excel.FORMS]
