"""Command line: `python -m app [serve|migrate|demo]`.

`serve` is what `make run` calls: database (embedded unless DATABASE_URL), migrations,
demo data into an empty database, then the web server until Ctrl-C.
"""

from __future__ import annotations

import argparse
import asyncio

from app.database import apply_migrations, resolve_database_url
from app.settings import settings


async def prepare_database(load_demo: bool) -> dict[str, str] | None:
    """Apply migrations; load the demo district when the database is empty and asked to."""
    await apply_migrations()
    if not load_demo:
        return None
    from app.demo import load_demo_if_empty

    return await load_demo_if_empty()


# Idle keep-alive connections are kept longer than clients and load balancers keep theirs
# (httpx 5 s, nginx upstream 60 s): a server closing first races the client's next request,
# which then fails without an answer.
KEEP_ALIVE_SECONDS = 75


def serve() -> None:
    import uvicorn

    logins = asyncio.run(prepare_database(load_demo=True))
    base = f"http://{settings.host}:{settings.port}"
    print(f"\n人民网格 People's Grid is running at {base}/")
    print(f"  admin 管理后台:  {base}/admin/")
    print(f"  API docs 文档:   {base}/schema")
    print(f"  health 健康:     {base}/health")
    if logins:
        print("  demo logins 演示账号 (password 密码: " + settings.demo_password + "):")
        for role, username in logins.items():
            print(f"    {role:<22} {username}")
    print("Press Ctrl-C to stop (the embedded database stops too).\n")
    uvicorn.run(
        "app.asgi:app",
        host=settings.host,
        port=settings.port,
        log_level="info",
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m app", description="People's Grid 人民网格")
    parser.add_argument("command", choices=["serve", "migrate", "demo"], nargs="?", default="serve")
    args = parser.parse_args(argv)
    resolve_database_url()
    if args.command == "serve":
        serve()
    elif args.command == "migrate":
        asyncio.run(prepare_database(load_demo=False))
    else:
        from app.demo import load_demo_command

        asyncio.run(load_demo_command())


if __name__ == "__main__":
    main()
