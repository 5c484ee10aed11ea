"""/m/api/: the phone app's JSON API. Handlers are thin: decode, call one service in the
caller's scope (reads) or through `idempotent` (writes), answer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body, Parameter
from litestar.response import File

from app.clock import local_today
from app.errors import NotFound, ValidationFailed
from app.field import checkins, diary, households, overview, patrols, photos, reports, work
from app.field import statistics as field_statistics
from app.field.auth import FieldCaller, log_in, log_out, session_cookies
from app.field.idempotency import Answer, idempotent
from app.field.schemas import (
    CheckInBody,
    LoginBody,
    PatrolPoints,
    PatrolStart,
    PatrolStop,
    ReportBody,
    ReviewBody,
    TransitionBody,
    VisitBody,
    decode,
    to_plain,
)
from app.residents import hotline
from app.residents.hotline import HotlineBody
from app.scope import scoped_transaction
from app.settings import settings
from app.statistics.schemas import AnswerValues
from tables.field import FieldPhoto

Read = Callable[[], Awaitable[Any]]


async def _read(caller: FieldCaller, read: Read) -> Any:
    async with scoped_transaction(caller.scope):
        return to_plain(await read())


def _created(value: Any) -> Answer:
    return 201, value


def _ok(value: Any) -> Answer:
    return 200, value


# ---------------------------------------------------------------- login


@post("/login", status_code=200)
async def login(request: Request[Any, Any, Any]) -> Response[Any]:
    """Log in with the admin's username and password (and two-factor code once enrolled)."""
    if not request.headers.get("content-type", "").startswith("application/json"):
        # A cross-site form cannot send JSON without the browser asking first: no login CSRF.
        raise ValidationFailed("请用网格通登录页登录", field="content-type")
    body = decode(await request.body(), LoginBody)
    client = request.client.host if request.client else "unknown"
    user_id, token = await log_in(body.username, body.password, body.mfa_code, client)
    response = Response({"user": {"id": user_id, "username": body.username.strip()}})
    for cookie in session_cookies(token, request.cookies.get("csrftoken")):
        response.set_cookie(**cookie)
    return response


@post("/logout", status_code=200)
async def logout(request: Request[Any, Any, Any], caller: FieldCaller) -> Response[Any]:
    await log_out(request)
    response = Response({"logged_out": True})
    response.delete_cookie("id", path="/")
    return response


# ---------------------------------------------------------------- reads


@get("/me")
async def me(caller: FieldCaller) -> Any:
    return await _read(caller, lambda: overview.me(caller))


@get("/today")
async def today(caller: FieldCaller) -> Any:
    return await _read(caller, lambda: overview.today(caller))


@get("/map")
async def grid_map(caller: FieldCaller, grid: int) -> Any:
    return await _read(caller, lambda: overview.grid_map(caller, grid))


@get("/report-categories")
async def report_categories(caller: FieldCaller, grid: int) -> Any:
    return await _read(caller, lambda: reports.report_categories(caller, grid))


@get("/buildings")
async def buildings(caller: FieldCaller, grid: int) -> Any:
    return await _read(caller, lambda: households.buildings(caller, grid))


@get("/households")
async def household_list(
    caller: FieldCaller, grid: int, building: int | None = None, q: str | None = None
) -> Any:
    return await _read(caller, lambda: households.households(caller, grid, building, q))


@get("/patrols")
async def patrol_list(caller: FieldCaller, date: dt.date | None = None) -> Any:
    return await _read(caller, lambda: patrols.my_patrols(caller, date or local_today()))


@get("/patrols/{patrol_id:int}")
async def patrol_detail(caller: FieldCaller, patrol_id: int) -> Any:
    return await _read(caller, lambda: patrols.patrol_detail(caller, patrol_id))


@get("/work-items")
async def work_item_list(
    caller: FieldCaller,
    status: str | None = None,
    include_closed: Annotated[bool, Parameter(query="all")] = False,
) -> Any:
    return await _read(caller, lambda: work.my_work_items(caller, status, include_closed))


@get("/work-items/{item_id:int}")
async def work_item_detail(caller: FieldCaller, item_id: int) -> Any:
    return await _read(caller, lambda: work.work_item_detail(caller, item_id))


@get("/diary")
async def my_diary(caller: FieldCaller, date: dt.date | None = None) -> Any:
    day = date or local_today()
    start = dt.datetime.combine(day, dt.time(), tzinfo=settings.timezone)
    end = start + dt.timedelta(days=1)
    return await _read(caller, lambda: diary.my_diary(caller.staff_id(), start, end))


@get("/photos/{key:str}", media_type="image/jpeg")
async def photo_file(caller: FieldCaller, key: str) -> File:
    """A stored field photo, to logins whose scope sees its record."""
    path = photos.photo_path(key)
    async with scoped_transaction(caller.scope):
        visible = await FieldPhoto.exists().where(FieldPhoto.file == key).run()
    if path is None or not visible:
        raise NotFound("照片不存在或不在您的范围内", field="photo")
    return File(path=path, media_type="image/jpeg", content_disposition_type="inline")


# ---------------------------------------------------------------- writes


@post("/photos")
async def upload_photo(
    request: Request[Any, Any, Any],
    caller: FieldCaller,
    data: Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)],
) -> Response[Any]:
    upload = data.get("file")
    if not isinstance(upload, UploadFile):
        raise ValidationFailed("请选择一张照片（表单字段 file）", field="file")
    content = await upload.read()
    return await idempotent(
        request,
        caller,
        lambda: _stored(caller, content),
        fingerprint=content,
    )


async def _stored(caller: FieldCaller, content: bytes) -> Answer:
    return _created(await photos.store_photo(caller, content))


@post("/check-ins")
async def create_check_in(request: Request[Any, Any, Any], caller: FieldCaller) -> Response[Any]:
    async def write() -> Answer:
        body = decode(await request.body(), CheckInBody)
        return _created(await checkins.field_check_in(caller, body))

    return await idempotent(request, caller, write)


@post("/patrols")
async def start_patrol(request: Request[Any, Any, Any], caller: FieldCaller) -> Response[Any]:
    async def write() -> Answer:
        return _created(
            await patrols.start_patrol(caller, decode(await request.body(), PatrolStart))
        )

    return await idempotent(request, caller, write)


@post("/patrols/{patrol_id:int}/points")
async def add_patrol_points(
    request: Request[Any, Any, Any], caller: FieldCaller, patrol_id: int
) -> Response[Any]:
    async def write() -> Answer:
        body = decode(await request.body(), PatrolPoints)
        return _ok(await patrols.add_points(caller, patrol_id, body))

    return await idempotent(request, caller, write)


@post("/patrols/{patrol_id:int}/stop")
async def stop_patrol(
    request: Request[Any, Any, Any], caller: FieldCaller, patrol_id: int
) -> Response[Any]:
    async def write() -> Answer:
        body = decode(await request.body(), PatrolStop)
        return _ok(await patrols.stop_patrol(caller, patrol_id, body))

    return await idempotent(request, caller, write)


@post("/reports")
async def create_report(request: Request[Any, Any, Any], caller: FieldCaller) -> Response[Any]:
    async def write() -> Answer:
        return _created(
            await reports.create_report(caller, decode(await request.body(), ReportBody))
        )

    return await idempotent(request, caller, write)


@post("/visits")
async def record_visit(request: Request[Any, Any, Any], caller: FieldCaller) -> Response[Any]:
    async def write() -> Answer:
        body = decode(await request.body(), VisitBody)
        return _created(await households.record_visit(caller, body))

    return await idempotent(request, caller, write)


@post("/work-items/{item_id:int}/transitions")
async def move_work_item(
    request: Request[Any, Any, Any], caller: FieldCaller, item_id: int
) -> Response[Any]:
    async def write() -> Answer:
        body = decode(await request.body(), TransitionBody)
        return _ok(await work.move_work_item(caller, item_id, body))

    return await idempotent(request, caller, write)


@post("/diary/{entry_id:int}/reviews")
async def review_diary_entry(
    request: Request[Any, Any, Any], caller: FieldCaller, entry_id: int
) -> Response[Any]:
    async def write() -> Answer:
        body = decode(await request.body(), ReviewBody)
        row = await diary.review_diary_entry(
            entry_id, body.mark, body.comment, caller.scope, caller.user_id
        )
        return _created(diary.review_out(row))

    return await idempotent(request, caller, write)


@post("/hotline-calls")
async def record_hotline_call(
    request: Request[Any, Any, Any], caller: FieldCaller
) -> Response[Any]:
    """1890 热线: a call recorded in one screen; the answer holds the code to read back."""

    async def write() -> Answer:
        received = await hotline.record_call(
            caller.scope, decode(await request.body(), HotlineBody)
        )
        return _created(received.to_json())

    return await idempotent(request, caller, write)


@get("/statistics")
async def statistics_inbox(caller: FieldCaller) -> Any:
    return await _read(caller, lambda: field_statistics.inbox(caller))


@get("/statistics/{answer_id:int}")
async def statistics_answer(caller: FieldCaller, answer_id: int) -> Any:
    return await _read(caller, lambda: field_statistics.answer_detail(caller, answer_id))


@post("/statistics/{answer_id:int}/open")
async def open_statistics(
    request: Request[Any, Any, Any], caller: FieldCaller, answer_id: int
) -> Response[Any]:
    """Open an answer to fill it: its bound fields computed, fields asked before 上期."""

    async def write() -> Answer:
        return _ok(await field_statistics.open_answer(caller, answer_id))

    return await idempotent(request, caller, write)


async def _save_statistics(
    request: Request[Any, Any, Any], caller: FieldCaller, answer_id: int, submit: bool
) -> Response[Any]:
    async def write() -> Answer:
        body = decode(await request.body(), AnswerValues)
        return _ok(await field_statistics.save_answer(caller, answer_id, body.values, submit))

    return await idempotent(request, caller, write)


@post("/statistics/{answer_id:int}/values")
async def save_statistics(
    request: Request[Any, Any, Any], caller: FieldCaller, answer_id: int
) -> Response[Any]:
    return await _save_statistics(request, caller, answer_id, submit=False)


@post("/statistics/{answer_id:int}/submit")
async def submit_statistics(
    request: Request[Any, Any, Any], caller: FieldCaller, answer_id: int
) -> Response[Any]:
    return await _save_statistics(request, caller, answer_id, submit=True)


HANDLERS = [
    login,
    logout,
    me,
    record_hotline_call,
    today,
    grid_map,
    report_categories,
    buildings,
    household_list,
    patrol_list,
    patrol_detail,
    work_item_list,
    work_item_detail,
    my_diary,
    photo_file,
    upload_photo,
    create_check_in,
    start_patrol,
    add_patrol_points,
    stop_patrol,
    create_report,
    record_visit,
    move_work_item,
    review_diary_entry,
    statistics_inbox,
    statistics_answer,
    open_statistics,
    save_statistics,
    submit_statistics,
]
