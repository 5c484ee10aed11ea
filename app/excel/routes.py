"""Excel over HTTP: the upload page (preview, then import), template and export downloads,
and the integrator endpoint POST /api/v1/imports/{kind}.

The admin's forms cannot carry files, so the admin links here (sidebar "Excel 导入导出"). An
upload is first checked as a dry run; the file waits under DATA_DIR/imports/ for the same
login to confirm it, and is deleted once imported.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import secrets
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from litestar import Request, Response, Router, get, post
from litestar.datastructures import UploadFile
from litestar.di import Provide
from litestar.enums import RequestEncodingType
from litestar.params import Body, Parameter

from app.api.auth import Caller, provide_caller
from app.errors import DomainError, Forbidden, ValidationFailed
from app.excel.exports import export_rollup, export_table, monthly_report
from app.excel.importer import ImportReport, import_workbook
from app.excel.specs import SPECS, spec_of
from app.excel.workbook import XLSX_MEDIA_TYPE, content_disposition, template
from app.pages.access import staff_scope
from app.pages.html import esc, page, table
from app.replica import reading_from_replica
from app.scope import Scope
from app.settings import settings
from tables.choices import PeriodKind, TargetKind

MAX_UPLOAD_BYTES = 30 * 1024 * 1024
CSRF_COOKIE = "csrftoken"


def xlsx_response(filename: str, data: bytes) -> Response[bytes]:
    return Response(
        data,
        media_type=XLSX_MEDIA_TYPE,
        headers={"Content-Disposition": content_disposition(filename)},
    )


def _html(body: str, status: int = 200) -> Response[str]:
    return Response(body, status_code=status, media_type="text/html")


def _nav() -> list[tuple[str, str]]:
    return [("Excel 导入导出", "/excel/"), ("地图与看板", "/maps/"), ("管理后台 Admin", "/admin/")]


def _error(exc: DomainError) -> Response[str]:
    body = (
        f"<section><p class='warn'>{esc(exc.field or '')} {esc(exc.detail)}</p>"
        "<p><a href='/excel/'>返回</a></p></section>"
    )
    return _html(page("Excel 导入导出", body, _nav()), exc.status)


# ---------------------------------------------------------------- waiting uploads


def _upload_dir() -> Any:
    folder = settings.data_dir / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


async def keep_upload(user_id: int, kind: str, data: bytes) -> str:
    """Keep an uploaded file for its uploader to confirm; returns the token naming it."""
    token = f"{user_id}-{kind}-{secrets.token_urlsafe(16)}"
    await asyncio.to_thread((_upload_dir() / f"{token}.xlsx").write_bytes, data)
    return token


async def take_upload(user_id: int, kind: str, token: str) -> bytes:
    """The waiting upload `token` of this user and kind (deleted once taken)."""
    if not token.startswith(f"{user_id}-{kind}-") or "/" in token or ".." in token:
        raise Forbidden("this upload is not yours", field="token")
    path = _upload_dir() / f"{token}.xlsx"
    if not path.exists():
        raise ValidationFailed("上传已过期，请重新上传 the upload has expired", field="token")
    data = await asyncio.to_thread(path.read_bytes)
    await asyncio.to_thread(path.unlink)
    return data


# ---------------------------------------------------------------- pages


def _check_csrf(request: Request[Any, Any, Any], sent: str | None) -> None:
    import hmac

    cookie = request.cookies.get(CSRF_COOKIE, "")
    if not cookie or not hmac.compare_digest(cookie, sent or ""):
        raise Forbidden("表单已过期，请刷新页面 the form is stale: reload the page", field="csrf")


def upload_page(request: Request[Any, Any, Any], message: str = "") -> str:
    csrf = esc(request.cookies.get(CSRF_COOKIE, ""))
    kinds = "".join(f'<option value="{k}">{esc(s.title)}</option>' for k, s in SPECS.items())
    templates = " · ".join(
        f'<a href="/excel/templates/{k}.xlsx">{esc(s.title)}</a>' for k, s in SPECS.items()
    )
    return page(
        "Excel 导入导出",
        f"{message}<section><h2>1. 下载模板 Templates</h2><p>{templates}</p></section>"
        "<section><h2>2. 上传并预检 Upload and check</h2>"
        '<form method="post" action="/excel/import" enctype="multipart/form-data">'
        f'<input type="hidden" name="csrf" value="{csrf}">'
        f'<p><label>类型 Kind <select name="kind">{kinds}</select></label></p>'
        '<p><input type="file" name="file" accept=".xlsx" required></p>'
        '<p><button type="submit">预检 Check (nothing is written)</button></p></form>'
        '<p class="muted">任何一行有误，整份文件都不会写入；预检通过后再确认导入。</p></section>'
        "<section><h2>3. 导出 Export</h2><p>任意列表：<code>/excel/export/&lt;表名&gt;.xlsx?筛选条件</code>"
        "（与管理后台列表的筛选参数相同，如 <code>/excel/export/household.xlsx?grid=3</code>）；"
        "考核汇总与月度报告见各看板页面。</p></section>",
        _nav(),
    )


def _cell(value: Any) -> Any:
    return "、".join(str(v) for v in value) if isinstance(value, list) else value


def report_html(report: ImportReport, token: str | None, csrf: str) -> str:
    spec = spec_of(report.kind)
    if report.errors:
        summary = (
            f"<p class='warn'>共 {report.rows} 行，{len(report.errors) + report.more_errors} 处错误："
            "整份文件未写入。请改正后重新上传。</p>"
        )
    elif report.committed:
        summary = f"<p class='ok'>已导入 {report.valid} 行 Imported {report.valid} rows.</p>"
    else:
        summary = f"<p class='ok'>预检通过：{report.valid} 行均有效，尚未写入。</p>"
    errors = table(
        ["行 Row", "列 Column", "原因 Reason"],
        [[e.row or "整个文件", e.column or "整行", e.reason] for e in report.errors],
        empty="无错误 no errors",
    )
    columns = sorted({key for row in report.preview for key in row if key != "row"})
    preview = table(
        ["行", *(spec.header_of(c) or c for c in columns)],
        [[row.get("row"), *(_cell(row.get(c, "")) for c in columns)] for row in report.preview],
    )
    confirm = ""
    if token and report.ok and not report.committed:
        confirm = (
            '<form method="post" action="/excel/import/confirm">'
            f'<input type="hidden" name="csrf" value="{esc(csrf)}">'
            f'<input type="hidden" name="kind" value="{esc(report.kind)}">'
            f'<input type="hidden" name="token" value="{esc(token)}">'
            f'<button type="submit">确认导入 {report.valid} 行 Import now</button></form>'
        )
    return page(
        f"{spec.title} 导入{'结果' if report.committed else '预检'}",
        f"<section>{summary}{confirm}<p class='muted'>用时 {report.seconds:.1f} 秒</p></section>"
        f"<section><h2>错误 Errors</h2>{errors}</section>"
        f"<section><h2>预览（前 {len(report.preview)} 行）Preview</h2>{preview}</section>",
        _nav(),
    )


async def _as_staff(
    request: Request[Any, Any, Any], respond: Callable[[Scope], Awaitable[Response[Any]]]
) -> Response[Any]:
    """`respond` for a logged-in staff member (others get the login redirect); a refused
    input becomes the error page with its status."""
    scope = await staff_scope(request)
    if isinstance(scope, Response):
        return scope
    try:
        return await respond(scope)
    except DomainError as exc:
        return _error(exc)


def _form_kind(request: Request[Any, Any, Any], data: dict[str, Any]) -> str:
    """The import kind a posted form names, once its CSRF token is checked."""
    _check_csrf(request, data.get("csrf"))
    return spec_of(str(data.get("kind", ""))).kind


@get("/excel/", include_in_schema=False)
async def excel_page(request: Request[Any, Any, Any]) -> Response[Any]:
    async def respond(scope: Scope) -> Response[Any]:
        return _html(upload_page(request))

    return await _as_staff(request, respond)


@post("/excel/import", include_in_schema=False, request_max_body_size=MAX_UPLOAD_BYTES)
async def excel_upload(
    request: Request[Any, Any, Any],
    data: Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)],
) -> Response[Any]:
    """Check an uploaded file (dry run) and offer to import it."""

    async def respond(scope: Scope) -> Response[Any]:
        kind = _form_kind(request, data)
        upload = data.get("file")
        if not isinstance(upload, UploadFile):
            raise ValidationFailed("请选择文件 choose a file", field="file")
        content = await upload.read()
        report = await import_workbook(kind, content, scope, dry_run=True)
        token = await keep_upload(scope.user_id or 0, kind, content) if report.ok else None
        return _html(report_html(report, token, request.cookies.get(CSRF_COOKIE, "")))

    return await _as_staff(request, respond)


@post("/excel/import/confirm", include_in_schema=False)
async def excel_confirm(
    request: Request[Any, Any, Any],
    data: Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)],
) -> Response[Any]:
    """Import a checked upload for real (validated again in the same single transaction)."""

    async def respond(scope: Scope) -> Response[Any]:
        kind = _form_kind(request, data)
        content = await take_upload(scope.user_id or 0, kind, str(data.get("token", "")))
        report = await import_workbook(kind, content, scope, dry_run=False)
        return _html(report_html(report, None, ""))

    return await _as_staff(request, respond)


# ---------------------------------------------------------------- downloads


def _stem(name: str) -> str:
    """`households.xlsx` → `households` (path parameters cannot end in a fixed suffix)."""
    return name.removesuffix(".xlsx")


async def _download(
    request: Request[Any, Any, Any], make: Callable[[Scope], Awaitable[tuple[str, bytes]]]
) -> Response[Any]:
    async def respond(scope: Scope) -> Response[Any]:
        return xlsx_response(*await make(scope))

    return await _as_staff(request, respond)


@get("/excel/templates/{name:str}", include_in_schema=False)
async def template_download(request: Request[Any, Any, Any], name: str) -> Response[Any]:
    """The import template `/excel/templates/<kind>.xlsx`."""

    async def make(scope: Scope) -> tuple[str, bytes]:
        spec = spec_of(_stem(name))
        return f"{spec.kind}-template.xlsx", template(spec)

    return await _download(request, make)


@get("/excel/export/{name:str}", include_in_schema=False)
async def list_export(request: Request[Any, Any, Any], name: str) -> Response[Any]:
    """A table list with the admin list's filters (`?community=3&status=closed&__order=-id`)."""
    query = request.url.query or ""

    async def make(scope: Scope) -> tuple[str, bytes]:
        return await export_table(_stem(name), query, scope)

    return await _download(request, make)


@get("/excel/rollups.xlsx", include_in_schema=False)
async def rollup_export(
    request: Request[Any, Any, Any],
    period_start: dt.date,
    period_kind: str = PeriodKind.month.value,
    target_kind: str = TargetKind.community.value,
    street: int | None = None,
) -> Response[Any]:
    async def make(scope: Scope) -> tuple[str, bytes]:
        async with reading_from_replica():  # monthly figures: a moment's lag changes nothing
            return await export_rollup(scope, period_kind, period_start, target_kind, street)

    return await _download(request, make)


@get("/excel/reports/{street_code:str}/{name:str}", include_in_schema=False)
async def report_download(
    request: Request[Any, Any, Any], street_code: str, name: str
) -> Response[Any]:
    """The monthly assessment report `/excel/reports/<street code>/<YYYY-MM>.xlsx`."""

    async def make(scope: Scope) -> tuple[str, bytes]:
        try:
            first = dt.date.fromisoformat(f"{_stem(name)}-01")
        except ValueError:
            raise ValidationFailed("month must look like 2026-10", field="month") from None
        async with reading_from_replica():
            return await monthly_report(scope, street_code, first)

    return await _download(request, make)


# ---------------------------------------------------------------- API


@post(
    "/api/v1/imports/{kind:str}",
    tags=["imports"],
    summary="Import an .xlsx file (templates: /excel/templates/{kind}.xlsx)",
    request_max_body_size=MAX_UPLOAD_BYTES,
    status_code=200,
)
async def api_import(
    caller: Caller,
    kind: str,
    data: Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)],
    dry_run: Annotated[bool, Parameter(description="check only, write nothing")] = True,
) -> Response[ImportReport]:
    """Validate every row through the domain services; write all rows or none.

    Send the workbook as multipart field `file`. 200 with the report when every row is
    valid (written unless `dry_run`), 422 with the same report listing each refused row
    (row, Chinese column header, reason) otherwise. Kinds: grids, buildings, households,
    residents, staff.
    """
    upload = data.get("file")
    if not isinstance(upload, UploadFile):
        raise ValidationFailed("send the workbook as multipart field `file`", field="file")
    report = await import_workbook(spec_of(kind).kind, await upload.read(), caller.scope, dry_run)
    return Response(report, status_code=200 if report.ok else 422)


excel_router = Router(
    path="/",
    route_handlers=[
        excel_page,
        excel_upload,
        excel_confirm,
        template_download,
        list_export,
        rollup_export,
        report_download,
        api_import,
    ],
    dependencies={"caller": Provide(provide_caller)},
)
