"""GET /health: is the web process up, and can it reach its database?"""

from __future__ import annotations

import msgspec
from litestar import Response, get
from litestar.status_codes import HTTP_200_OK, HTTP_503_SERVICE_UNAVAILABLE

from app.db import DB


class Health(msgspec.Struct, kw_only=True):
    status: str
    database: str
    database_version: str | None = None


@get("/health", tags=["system"], summary="Liveness and database status")
async def health() -> Response[Health]:
    """200 with the PostgreSQL version when the database answers, 503 otherwise."""
    try:
        rows = await DB.run_ddl("SELECT current_setting('server_version') AS version")
    except Exception as exc:  # any failure to reach the database is reported, not raised
        body = Health(status="degraded", database=f"unavailable: {type(exc).__name__}")
        return Response(
            body, status_code=HTTP_503_SERVICE_UNAVAILABLE, headers={"Retry-After": "5"}
        )
    return Response(
        Health(status="ok", database="ok", database_version=rows[0]["version"]),
        status_code=HTTP_200_OK,
    )
