"""/r/api/: the residents' JSON API, without an account. Handlers are thin: read the request,
count it against the abuse limits, check the proof of work, call one service, answer.

Every refusal is RFC 9457 problem details with a Chinese `detail` naming the field (the
phone app's handlers, app.field.problems); a flood is answered 429 with Retry-After.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import msgspec
from litestar import Request, Router, get, post
from litestar.datastructures import UploadFile
from litestar.response import File

from app.errors import NotFound, ValidationFailed
from app.field.problems import EXCEPTION_HANDLERS
from app.field.schemas import decode
from app.residents import challenge, community, duplicates, limits, tracking
from app.residents.intake import MAX_PHOTOS, Submission, submit
from app.residents.photos import photo_path
from app.scope import SUPERUSER_SCOPE, scoped_transaction
from app.settings import settings
from tables.residents import ResidentCase

TEXT_FIELDS = (
    "service_code",
    "description",
    "subject",
    "latitude",
    "longitude",
    "address",
    "grid",
    "name",
    "phone",
)
BODY_ALLOWANCE = 200_000


class Proof(msgspec.Struct, kw_only=True):
    challenge: str = ""
    nonce: str = ""


class RatingBody(msgspec.Struct, kw_only=True):
    rating: str = ""
    comment: str = ""


class ReopenBody(msgspec.Struct, kw_only=True):
    reason: str = ""


def client_of(request: Request[Any, Any, Any]) -> str:
    return request.client.host if request.client else "unknown"


@get("/challenge")
async def new_challenge() -> dict[str, object]:
    """A proof-of-work challenge for the next submission."""
    return challenge.issue()


@get("/communities/{code:str}")
async def community_info(code: str) -> dict[str, Any]:
    return await community.community_page(code)


@get("/communities/{code:str}/nearby")
async def nearby(
    code: str,
    service_code: str = "",
    latitude: str | None = None,
    longitude: str | None = None,
) -> list[dict[str, Any]]:
    """Open cases of the same service near the point (the "already reported" suggestion)."""
    return await duplicates.nearby(code, service_code, latitude, longitude)


def _text(data: dict[str, Any], name: str) -> str:
    value = data.get(name, "")
    if isinstance(value, list):
        raise ValidationFailed(f"{name} 只能填一项", field=name)
    if isinstance(value, UploadFile):
        raise ValidationFailed(f"{name} 应为文字", field=name)
    return str(value)


async def _photos(data: dict[str, Any]) -> list[bytes]:
    given = data.get("photos", [])
    uploads = given if isinstance(given, list) else [given]
    if len(uploads) > MAX_PHOTOS:
        raise ValidationFailed(f"最多上传 {MAX_PHOTOS} 张照片", field="photos")
    photos = []
    for upload in uploads:
        if not isinstance(upload, UploadFile):
            raise ValidationFailed("照片应以文件上传", field="photos")
        photos.append(await upload.read())
    return photos


def _attributes(data: dict[str, Any]) -> dict[str, list[str]]:
    """attribute[<code>] fields, as Open311 names them (a list for several choices)."""
    found: dict[str, list[str]] = {}
    for key, value in data.items():
        if key.startswith("attribute[") and key.endswith("]"):
            values = value if isinstance(value, list) else [value]
            found[key[len("attribute[") : -1]] = [str(v) for v in values]
    return found


async def read_form(request: Request[Any, Any, Any]) -> dict[str, Any]:
    """The form (multipart with photos, or urlencoded without): repeated names as lists."""
    try:
        form = await request.form()
    except Exception as exc:
        raise ValidationFailed("提交的表单无法读取", field="body") from exc
    return {key: values[0] if len(values) == 1 else values for key, values in form.dict().items()}


@post("/communities/{code:str}/submissions", status_code=201)
async def new_submission(request: Request[Any, Any, Any], code: str) -> dict[str, Any]:
    """我要反映 / 我要监督: a report or a supervision request, with up to three photos."""
    await limits.check_client(client_of(request))
    data = await read_form(request)
    spent = challenge.verify(_text(data, "challenge"), _text(data, "nonce"))
    fields = {name: _text(data, name) for name in TEXT_FIELDS}
    await limits.check_phone(fields["phone"])
    submission = Submission(
        community=code,
        anonymous=_text(data, "anonymous") in ("1", "true", "on"),
        attributes=_attributes(data),
        photos=await _photos(data),
        **fields,
    )
    received = await submit(submission, challenge=spent)
    return received.to_json()


@post("/cases/{case_id:int}/me-too", status_code=201)
async def me_too(request: Request[Any, Any, Any], case_id: int) -> dict[str, Any]:
    """我也遇到了: follow an open case with a tracking code of one's own."""
    await limits.check_client(client_of(request))
    proof = decode(await request.body(), Proof)
    spent = challenge.verify(proof.challenge, proof.nonce)
    return await duplicates.me_too(case_id, spent)


async def by_code(
    request: Request[Any, Any, Any], look_up: Callable[[], Awaitable[dict[str, Any]]]
) -> dict[str, Any]:
    """A tracking-code request, refused once the address guessed wrong too often; a wrong
    code counts against it."""
    client = client_of(request)
    await limits.check_lookups(client)
    try:
        return await look_up()
    except NotFound:
        await limits.count_miss(client)
        raise


@get("/track/{code:str}")
async def track(request: Request[Any, Any, Any], code: str) -> dict[str, Any]:
    return await by_code(request, lambda: tracking.track(code))


@post("/track/{code:str}/rating", status_code=200)
async def rate(request: Request[Any, Any, Any], code: str) -> dict[str, Any]:
    body = decode(await request.body(), RatingBody)
    return await by_code(request, lambda: tracking.rate(code, body.rating, body.comment))


@post("/track/{code:str}/reopen", status_code=200)
async def reopen(request: Request[Any, Any, Any], code: str) -> dict[str, Any]:
    body = decode(await request.body(), ReopenBody)
    return await by_code(request, lambda: tracking.reopen(code, body.reason))


@get("/photos/{key:str}")
async def photo(key: str) -> File:
    """A photo of a published case (nothing else is served)."""
    path = photo_path(key)
    if path is not None:
        async with scoped_transaction(SUPERUSER_SCOPE):
            published = await ResidentCase.exists().where(
                ResidentCase.published.eq(True) & ResidentCase.photos.any(key)
            )
    if path is None or not published:
        raise NotFound("没有这张照片", field="key")
    return File(
        path=path, media_type="image/jpeg", headers={"cache-control": "private, max-age=3600"}
    )


resident_api_router = Router(
    path="/r/api",
    route_handlers=[
        new_challenge,
        community_info,
        nearby,
        new_submission,
        me_too,
        track,
        rate,
        reopen,
        photo,
    ],
    exception_handlers=EXCEPTION_HANDLERS,
    request_max_body_size=MAX_PHOTOS * settings.photo_max_bytes + BODY_ALLOWANCE,
)
