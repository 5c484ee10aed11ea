"""The real app in a real browser: uvicorn on a free port, headless Chromium driven by Playwright.

The server runs in the tests' own event loop with its lifespan off, so it shares the test
database pool: rows the factories write are what the browser sees. Chromium is Debian's package
(`make test` installs it: make system-packages); without it these tests fail saying how to
install it.
Screenshots go to test-artifacts/ (gitignored).
"""

from __future__ import annotations

import asyncio
import os
import re
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from playwright.async_api import Browser, Page, async_playwright

from app.settings import ROOT
from tests.factories import PASSWORD

ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_INSTALLED = CHROMIUM.exists()
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--lang=zh-CN",  # the browser's own widgets (date inputs, file pickers) in Chinese
]
# English words piccolo-admin shows when a string escaped translation.
ENGLISH_LEFTOVERS = re.compile(
    r"per page|Per Page|\bof \d|Showing|result\(s\)|Add Row|Show Filters|Export CSV|"
    r"Successfully|Are you sure|Type here|\bNULL\b|\bTrue\b|\bFalse\b|Loading"
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
async def live_app() -> AsyncIterator[str]:
    """The app on a local port, served in this event loop until the module's tests are done."""
    from app.asgi import app

    async with serve(app) as url:
        yield url


@asynccontextmanager
async def serve(app: Any) -> AsyncIterator[str]:
    """An ASGI app (e.g. one built with other settings) on a local port, in this event loop."""
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, lifespan="off", log_level="warning")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    for _ in range(200):  # at most 10 s
        if server.started:
            break
        await asyncio.sleep(0.05)
    assert server.started, "the app did not start"
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    await task


@pytest.fixture(scope="module")
async def browser() -> AsyncIterator[Browser]:
    ARTIFACTS.mkdir(exist_ok=True)
    if not CHROMIUM_INSTALLED:
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: the browser tests need Debian's chromium and "
            "fonts-noto-cjk: run `make system-packages` (apt-get install -y chromium "
            "chromium-l10n fonts-noto-cjk redis-server), as `make test` does"
        )
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=CHROMIUM_ARGS,
            env={**os.environ, "LANG": "zh_CN.UTF-8", "LANGUAGE": "zh_CN:zh"},
        )
        yield chromium
        await chromium.close()


class AdminPage:
    """One logged-in browser tab on the admin, failing on any JavaScript error."""

    def __init__(self, page: Page, base_url: str, name: str) -> None:
        self.page = page
        self.base = f"{base_url}/admin/"
        self.name = name
        self.errors: list[str] = []
        page.set_default_timeout(10_000)
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        # Vue logs errors while rendering instead of throwing them.
        page.on(
            "console",
            lambda message: (
                self.errors.append(message.text)
                if message.type == "error"
                and "Error:" in message.text
                and "AxiosError" not in message.text
                else None
            ),
        )

    async def login(self, username: str, password: str = PASSWORD) -> None:
        await self.page.goto(self.base)
        await self.page.fill("input[name=username]", username)
        await self.page.fill("input[name=password]", password)
        await self.page.click("button[data-uitest=login_button]")
        await self.page.wait_for_selector("#sidebar, .welcome")

    async def open(self, fragment: str, ready: str) -> None:
        """Go to `#<fragment>` and wait until `ready` (a selector) is shown."""
        await self.page.goto(f"{self.base}#{fragment}")
        await self.page.wait_for_selector(ready)
        await self.page.wait_for_load_state("networkidle")

    async def shot(self, step: str) -> None:
        await self.page.screenshot(path=ARTIFACTS / f"{self.name}-{step}.png", full_page=True)

    async def text(self) -> str:
        return await self.page.inner_text("body")

    async def submit_form(self, values: dict[str, str]) -> str:
        """Fill the open custom form (inputs, textareas and selects by name), submit it, and
        return the success message or the error list."""
        for name, value in values.items():
            field = self.page.locator(f"form [name={name}]:visible").first
            if await field.evaluate("e => e.tagName") == "SELECT":
                await field.select_option(value)
            else:
                await field.fill(value)
        await self.page.click("button[data-uitest=submit_custom_form_button]")
        outcome = self.page.locator("#success_message:visible, div.errors:visible")
        await outcome.first.wait_for()
        return await outcome.first.inner_text()

    def assert_no_errors(self) -> None:
        assert not self.errors, f"JavaScript errors on the page: {self.errors}"


@pytest.fixture
async def admin_page(
    browser: Browser, live_app: str, request: pytest.FixtureRequest
) -> AsyncIterator[AdminPage]:
    """A fresh browser context on the admin; screenshots are named after the test."""
    context = await browser.new_context(
        viewport={"width": 1366, "height": 900}, locale="zh-CN", timezone_id="Asia/Shanghai"
    )
    page = AdminPage(await context.new_page(), live_app, request.node.name)
    yield page
    page.assert_no_errors()
    await context.close()
