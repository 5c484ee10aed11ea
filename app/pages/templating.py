"""The pages' template engine: Jinja2 under app/pages/templates, autoescape on, strict undefined.

A value is HTML only when a template marks it `|safe` or the code hands it over as `Markup`;
everything else is escaped, so no page can forget it. Templates never hold a script: the CSP
allows scripts from this origin only (app/system/security.py), so page code lives in
static files.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.template.config import TemplateConfig

from app.field.pages import asset_url
from app.pages.html import FONT_STACK, STYLE

TEMPLATES = Path(__file__).parent / "templates"

ENVIRONMENT = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(default=True, default_for_string=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
ENVIRONMENT.globals.update(STYLE=STYLE, FONT_STACK=FONT_STACK, asset_url=asset_url)

TEMPLATE_CONFIG = TemplateConfig(instance=JinjaTemplateEngine.from_environment(ENVIRONMENT))


def render(template_name: str, **context: Any) -> str:
    """The template filled in: for pages rendered inside a scoped transaction (staff_page),
    where a Template response would render only after the transaction has ended."""
    return ENVIRONMENT.get_template(template_name).render(**context)
