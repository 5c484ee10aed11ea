"""Forms for the daily actions (FormConfig), one module per domain; FORMS collects them all."""

from __future__ import annotations

from typing import Any

from admin.forms import excel
from admin.forms.tokens import TOKEN_FORMS

FORMS: list[Any] = [*TOKEN_FORMS, *excel.FORMS]
