"""Idempotency-Key: a write sent twice (a lost answer, the outbox's retry, two tabs) is done
once and answered the same both times.

One rule for every write of /m/api/ (`idempotent`): inside the request's scoped transaction
the key is locked (an advisory lock on user and key, so concurrent duplicates wait for the
first), looked up, and

- found with the same request: its stored answer (status and body) is sent again, nothing
  runs;
- found with another request under the same key: 422 naming the header;
- not found: the write runs in a savepoint and its answer — success or a refusal in 4xx — is
  stored with the key in the same transaction, so a key exists exactly when its write does.
  A refusal is stored too: replaying a refused report answers the same refusal and records
  no second AccessRefusal. Anything else (a bug, the database going away) stores nothing and
  rolls back, so the retry runs afresh.

Keys are per login and expire after KEY_TTL; the expired keys of a login are deleted when it
stores a new one (one indexed DELETE, idempotent). A write sent without a key just runs.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Awaitable, Callable
from typing import Any

import msgspec
from litestar import Request, Response

from app.clock import utc_now
from app.crud import insert_row, serialize_on
from app.errors import DomainError, ValidationFailed
from app.field.auth import FieldCaller
from app.field.messages import in_chinese
from app.scope import scoped_transaction, switch_scope
from tables.field import IdempotencyKey

HEADER = "Idempotency-Key"
KEY_TTL = dt.timedelta(hours=48)
KEY_FORMAT = re.compile(r"[A-Za-z0-9._:-]{8,100}")
PROBLEM_JSON = "application/problem+json"

Answer = tuple[int, Any]

_FIND = (
    "SELECT request_hash, status, body FROM idempotency_key"
    " WHERE user_id = {} AND key = {} AND created_at > {}"
)
_EXPIRE = "DELETE FROM idempotency_key WHERE user_id = {} AND created_at <= {}"


def request_hash(request: Request[Any, Any, Any], body: bytes) -> str:
    """What makes two requests "the same": method, path, query and body (or file content)."""
    digest = hashlib.sha256()
    for part in (request.method, request.url.path, request.url.query or ""):
        digest.update(part.encode() + b"\0")
    digest.update(body)
    return digest.hexdigest()


def _key_of(request: Request[Any, Any, Any]) -> str | None:
    key = request.headers.get(HEADER)
    if key is None:
        return None
    if not KEY_FORMAT.fullmatch(key):
        raise ValidationFailed(
            "幂等键格式不对：应为 8–100 个字母、数字或 -_.: （通常是 UUID）", field=HEADER
        )
    return key


async def idempotent(
    request: Request[Any, Any, Any],
    caller: FieldCaller,
    write: Callable[[], Awaitable[Answer]],
    fingerprint: bytes | None = None,
) -> Response[Any]:
    """Run `write` (→ status, body) once per Idempotency-Key of this login; see the module.

    `fingerprint` stands for the body when its bytes differ between two sends of the same
    write (a multipart upload's boundary): the uploaded file's content.
    """
    key = _key_of(request)
    digest = request_hash(request, fingerprint if fingerprint is not None else await request.body())
    async with scoped_transaction(caller.scope) as transaction:
        if key is not None:
            await serialize_on(IdempotencyKey, caller.user_id, key)
            rows = await IdempotencyKey.raw(_FIND, caller.user_id, key, utc_now() - KEY_TTL).run()
            if rows:
                if rows[0]["request_hash"] != digest:
                    raise ValidationFailed("这个幂等键已用于另一项不同的提交", field=HEADER)
                return _response(rows[0]["status"], msgspec.json.decode(rows[0]["body"]))
        status, body = await _run_in_savepoint(transaction, write)
        # Whatever scope the write went on in, the key is the caller's own row.
        await switch_scope(caller.scope)
        if key is not None:
            now = utc_now()
            await IdempotencyKey.raw(_EXPIRE, caller.user_id, now - KEY_TTL).run()
            await insert_row(
                IdempotencyKey,
                {
                    "user_id": caller.user_id,
                    "key": key,
                    "request_hash": digest,
                    "status": status,
                    "body": msgspec.json.encode(body).decode(),
                    "created_at": now,
                },
            )
    return _response(status, body)


async def _run_in_savepoint(transaction: Any, write: Callable[[], Awaitable[Answer]]) -> Answer:
    """The write's answer; a refusal (DomainError) rolls back to the savepoint and becomes a
    problem-details answer, so it can be stored with the key like a success."""
    savepoint = await transaction.savepoint()
    try:
        status, body = await write()
    except DomainError as error:
        await savepoint.rollback_to()
        problem = in_chinese(error).to_problem()
        return problem["status"], problem
    await savepoint.release()
    return status, msgspec.to_builtins(body)


def _response(status: int, body: Any) -> Response[Any]:
    media_type = PROBLEM_JSON if status >= 400 else "application/json"
    return Response(body, status_code=status, media_type=media_type)
