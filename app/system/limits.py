"""Request bodies have a size limit everywhere: 413 problem details beyond it.

Litestar enforces `request_max_body_size` for its own routes (/api/v1 sets a small one: JSON
only). The admin is a mounted ASGI app (piccolo-admin, Starlette) that reads bodies itself,
uploads of check-in photos and supervision evidence included, with no limit of its own; the
`BodyLimit` wrapper reads the body first, refuses it with 413 once it passes `max_bytes`
(at once when Content-Length says so), and hands the admin the body it read.
"""

from __future__ import annotations

import json
from typing import Any

from app.errors import PROBLEM_BASE


def too_large_body(max_bytes: int, path: str) -> bytes:
    return json.dumps(
        {
            "type": PROBLEM_BASE + "http",
            "title": "Request Entity Too Large",
            "status": 413,
            "detail": f"the request body is larger than {max_bytes} bytes",
            "instance": path,
            # The admin front end shows `db_error` to the user.
            "db_error": f"文件或内容过大（上限 {max_bytes // 1_000_000} MB） The upload is too large",
        },
        ensure_ascii=False,
    ).encode()


class BodyLimit:
    """ASGI wrapper refusing request bodies over `max_bytes` with 413 problem details."""

    def __init__(self, app: Any, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        announced = dict(scope.get("headers") or []).get(b"content-length")
        if announced is not None and announced.isdigit() and int(announced) > self.max_bytes:
            await self.refuse(scope, send)
            return
        chunks: list[bytes] = []
        total = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            total += len(chunk)
            if total > self.max_bytes:
                await self.refuse(scope, send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        delivered = False

        async def replay() -> dict[str, Any]:
            nonlocal delivered
            if not delivered:
                delivered = True
                return {"type": "http.request", "body": body, "more_body": False}
            return dict(await receive())  # waits for the client to disconnect

        await self.app(scope, replay, send)

    async def refuse(self, scope: Any, send: Any) -> None:
        body = too_large_body(self.max_bytes, scope.get("path", ""))
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/problem+json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
