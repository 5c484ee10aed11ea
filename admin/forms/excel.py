"""Excel in the admin: download import templates, export any list, the monthly report.

piccolo-admin forms post JSON, so they cannot carry an uploaded file: uploading is done on the
page /excel/ (sidebar link "Excel 导入导出"), which checks a file first and imports it on
confirmation. Downloads run in the user's scope like every other admin request.
"""

from __future__ import annotations

import datetime as dt
import io
from enum import Enum

from piccolo_admin.endpoints import FileResponse, FormConfig
from pydantic import BaseModel, Field
from starlette.requests import Request

from app.errors import DomainError
from app.excel.exports import export_table, exportable_tables, monthly_report
from app.excel.specs import SPECS
from app.excel.workbook import XLSX_MEDIA_TYPE, template
from app.scope import scope_for_user

GROUP = "Excel 导入导出"

ImportKind = Enum(  # type: ignore[misc]
    "ImportKind", {spec.title: kind for kind, spec in SPECS.items()}, type=str
)
TableName = Enum(  # type: ignore[misc]
    "TableName", {name: name for name in sorted(exportable_tables())}, type=str
)


def _file(name: str, data: bytes) -> FileResponse:
    return FileResponse(contents=io.BytesIO(data), file_name=name, media_type=XLSX_MEDIA_TYPE)


class TemplateDownload(BaseModel):
    kind: ImportKind = Field(title="导入类型")


async def download_template(request: Request, data: TemplateDownload) -> FileResponse:
    spec = SPECS[data.kind.value]
    return _file(f"{spec.kind}-template.xlsx", template(spec))


class ListExport(BaseModel):
    table: TableName = Field(title="表")
    filters: str = Field(
        default="",
        title="筛选条件",
        description="与列表页相同的筛选参数，如 status=closed&community=3（可留空）",
    )


async def export_list(request: Request, data: ListExport) -> FileResponse:
    scope = await scope_for_user(request.user.user_id)
    try:
        name, content = await export_table(data.table.value, data.filters, scope)
    except DomainError as exc:
        raise ValueError(f"导出失败：{exc.detail}") from exc
    return _file(name, content)


class MonthlyReport(BaseModel):
    street: str = Field(title="街道编码", description="9 位街道编码")
    month: str = Field(title="月份", description="如 2026-10")


async def download_report(request: Request, data: MonthlyReport) -> FileResponse:
    scope = await scope_for_user(request.user.user_id)
    try:
        first = dt.date.fromisoformat(f"{data.month.strip()}-01")
    except ValueError:
        raise ValueError("月份格式应为 2026-10") from None
    try:
        name, content = await monthly_report(scope, data.street.strip(), first)
    except DomainError as exc:
        raise ValueError(f"生成失败：{exc.detail}") from exc
    return _file(name, content)


FORMS = [
    FormConfig(
        name="下载导入模板 Excel template",
        pydantic_model=TemplateDownload,
        endpoint=download_template,
        description="下载带中文表头的导入模板。填好后在侧栏“Excel 导入导出”页面上传：先预检，再确认导入。",
        form_group=GROUP,
    ),
    FormConfig(
        name="导出列表 Export a list to Excel",
        pydantic_model=ListExport,
        endpoint=export_list,
        description="按筛选条件导出任意列表（仅限您的管辖范围，个人信息按权限脱敏）。",
        form_group=GROUP,
    ),
    FormConfig(
        name="月度考核报告 Monthly assessment report",
        pydantic_model=MonthlyReport,
        endpoint=download_report,
        description="街道月度考核报告：社区与网格排名、网格员考核与补贴档次、准入拒绝统计。",
        form_group=GROUP,
    ),
]
