"""Command line: long imports and exports with a progress bar.

  python -m app.excel template households [out.xlsx]
  python -m app.excel import households file.xlsx [--dry-run] [--user USERNAME]
  python -m app.excel export household out.xlsx [--filters "community=3&__order=room"] [--user U]
  python -m app.excel report STREET_CODE YYYY-MM out.xlsx [--user U]

Without --user the command acts as the district (superuser scope); with it, in that login's
scope, exactly as the web pages do.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import sys
from pathlib import Path
from typing import Any

from app.database import resolve_database_url


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="python -m app.excel", description=__doc__.split("\n")[0])
    commands = root.add_subparsers(dest="command", required=True)
    template = commands.add_parser("template", help="write an empty import template")
    template.add_argument("kind")
    template.add_argument("out", nargs="?")
    imp = commands.add_parser("import", help="import a filled-in template (all or nothing)")
    imp.add_argument("kind")
    imp.add_argument("file", type=Path)
    imp.add_argument("--dry-run", action="store_true", help="validate only, write nothing")
    imp.add_argument("--user", help="import in this login's scope")
    export = commands.add_parser("export", help="export a table list to .xlsx")
    export.add_argument("table")
    export.add_argument("out", type=Path)
    export.add_argument("--filters", default="", help="admin list filters, e.g. status=closed")
    export.add_argument("--user")
    report = commands.add_parser("report", help="monthly assessment report of a street")
    report.add_argument("street")
    report.add_argument("month", help="YYYY-MM")
    report.add_argument("out", type=Path)
    report.add_argument("--user")
    return root


async def _scope(username: str | None) -> Any:
    from piccolo.apps.user.tables import BaseUser

    from app.scope import SUPERUSER_SCOPE, scope_for_user

    if not username:
        return SUPERUSER_SCOPE
    user = await BaseUser.select(BaseUser.id).where(BaseUser.username == username).first().run()
    if user is None:
        raise SystemExit(f"no login {username!r}")
    return await scope_for_user(user["id"])


async def _run(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from app.db import DB
    from app.errors import DomainError

    console = Console(stderr=True)
    await DB.start_connection_pool(min_size=1, max_size=4)
    try:
        if args.command == "template":
            from app.excel.specs import spec_of
            from app.excel.workbook import template

            out = Path(args.out or f"{args.kind}-template.xlsx")
            await asyncio.to_thread(out.write_bytes, template(spec_of(args.kind)))
            console.print(f"template written to {out}")
            return 0
        scope = await _scope(args.user)
        columns = (BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        with Progress("[progress.description]{task.description}", *columns, console=console) as bar:
            if args.command == "import":
                from app.excel.importer import import_workbook

                task = bar.add_task(f"{'预检' if args.dry_run else '导入'} {args.kind}", total=None)
                report = await import_workbook(
                    args.kind,
                    args.file,
                    scope,
                    dry_run=args.dry_run,
                    progress=lambda done, total: bar.update(task, completed=done, total=total),
                )
                bar.stop()
                for error in report.errors:
                    console.print(f"第 {error.row} 行 [{error.column or '整行'}] {error.reason}")
                if report.more_errors:
                    console.print(f"… 另有 {report.more_errors} 处错误 more errors")
                verdict = "已写入 written" if report.committed else "未写入 nothing written"
                console.print(
                    f"{report.rows} 行, {report.valid} 行有效, {len(report.errors)} 处错误; "
                    f"{verdict} ({report.seconds:.1f} s)"
                )
                return 0 if report.ok else 1
            if args.command == "export":
                from app.excel.exports import export_table

                task = bar.add_task(f"导出 {args.table}", total=None)
                _, data = await export_table(
                    args.table, args.filters, scope, lambda done: bar.update(task, completed=done)
                )
            else:
                from app.excel.exports import monthly_report

                month = dt.date.fromisoformat(args.month + "-01")
                task = bar.add_task(f"报告 {args.street} {args.month}", total=1)
                _, data = await monthly_report(scope, args.street, month)
                bar.update(task, completed=1)
        await asyncio.to_thread(args.out.write_bytes, data)
        console.print(f"written {args.out} ({len(data):,} bytes)")
        return 0
    except DomainError as exc:
        console.print(f"[red]{exc.field or ''}: {exc.detail}")
        return 2
    finally:
        await DB.close_connection_pool()


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    resolve_database_url()
    return asyncio.run(_run(args))


if __name__ == "__main__":
    sys.exit(main())
