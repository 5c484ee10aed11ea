"""网格通 goes on the home screen: Chromium judges /m/ installable (manifest, icons, service
worker with a fetch handler), and 我的 → 安装到主屏幕 gives each phone's browser its own steps
(Android's menu, iPhone's Safari share button, WeChat's 在浏览器中打开)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Browser, async_playwright

from tests.browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, browser, live_app  # noqa: F401
from tests.field.phone import PHONE, PhonePage, field_world, phone, phone_context  # noqa: F401

IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)
WECHAT = f"{PHONE['user_agent']} MicroMessenger/8.0.47.2560(0x28002F35) NetType/WIFI"


async def test_chromium_judges_the_app_installable(
    live_app: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    """On a profile of its own (Playwright's usual contexts are off the record, where Chromium
    installs nothing), with the phone's emulation."""
    await field_world()
    async with async_playwright() as playwright:
        context = await playwright.chromium.launch_persistent_context(
            tmp_path / "profile",
            executable_path=str(CHROMIUM),
            args=CHROMIUM_ARGS,
            **{key: value for key, value in PHONE.items()},
        )
        page = await context.new_page()
        await page.goto(f"{live_app}/m/login")
        await page.evaluate("navigator.serviceWorker.ready.then(() => true)")
        cdp = await context.new_cdp_session(page)
        manifest = await cdp.send("Page.getAppManifest")
        assert manifest["url"].endswith("/m/manifest.webmanifest"), manifest["url"]
        assert not manifest["errors"], manifest["errors"]
        errors = await cdp.send("Page.getInstallabilityErrors")
        assert errors["installabilityErrors"] == []
        await page.screenshot(path=ARTIFACTS / "phone-install-login.png")
        # Chromium then offers its own prompt, and the app turns it into one button.
        await page.wait_for_function("WGT.state.installOffer !== null")
        phone_page = PhonePage(context, page, live_app, "install-prompt")
        await phone_page.login()
        await phone_page.open("install", ".install-step")
        assert await page.is_visible("button.big-button:has-text('安装到主屏幕')")
        assert "或者手动安装" in await phone_page.text()
        await page.screenshot(path=ARTIFACTS / "phone-install-prompt.png")
        phone_page.assert_no_errors()
        await context.close()


@pytest.mark.parametrize(
    ("kind", "user_agent", "step"),
    [
        ("android", PHONE["user_agent"], "「⋮」菜单"),
        ("ios", IPHONE, "「分享」按钮"),
        ("wechat", WECHAT, "「在浏览器中打开」"),
    ],
)
async def test_each_browser_is_told_how_to_install(
    browser: Browser,  # noqa: F811
    live_app: str,  # noqa: F811
    kind: str,
    user_agent: str,
    step: str,
) -> None:
    await field_world()
    context = await phone_context(browser, user_agent=user_agent)
    phone_page = PhonePage(context, await context.new_page(), live_app, f"install-{kind}")
    await phone_page.login()
    await phone_page.open("mine", ".install-link")
    await phone_page.page.tap(".install-link")
    await phone_page.page.wait_for_selector(".install-step")
    steps: list[Any] = await phone_page.page.locator(".install-step").all_inner_texts()
    assert len(steps) == 3 and steps[0].startswith("1. ")
    assert any(step in text for text in steps), steps
    others = {"android": "「⋮」菜单", "ios": "「分享」按钮", "wechat": "「在浏览器中打开」"}
    assert not any(
        other in text for name, other in others.items() if name != kind for text in steps
    )
    assert await phone_page.page.is_visible("img[alt=网格通图标]")
    assert "不是 https://" not in await phone_page.text()  # the test serves 127.0.0.1
    await phone_page.page.screenshot(path=ARTIFACTS / f"phone-install-{kind}.png")
    phone_page.assert_no_errors()
    await context.close()
