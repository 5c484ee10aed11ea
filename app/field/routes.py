"""/m/: 网格通. The JSON API (/m/api/, app/field/api.py) behind one `caller`; the pages of
the phone app join this router."""

from __future__ import annotations

from litestar import Router
from litestar.di import Provide

from app.field.api import HANDLERS
from app.field.auth import provide_field_caller
from app.field.problems import EXCEPTION_HANDLERS
from app.settings import settings

# A photo plus the multipart envelope; JSON writes are far smaller.
BODY_ALLOWANCE = 200_000

field_api_router = Router(
    path="/api",
    route_handlers=HANDLERS,
    dependencies={"caller": Provide(provide_field_caller)},
    exception_handlers=EXCEPTION_HANDLERS,
    request_max_body_size=settings.photo_max_bytes + BODY_ALLOWANCE,
)

field_router = Router(path="/m", route_handlers=[field_api_router])
