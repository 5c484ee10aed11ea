"""The Content-Security-Policy lets the real admin and pages work: Chromium reports no violation.

A policy that is too strict breaks the Vue front end silently (a blocked script or style is
only a console message); this walks the admin's list, edit, form and two-factor pages and our
own maps, dashboards, Excel and public pages in headless Chromium and fails on any report.
"""

from __future__ import annotations

from typing import Any

from tests.browser import AdminPage, admin_page, browser, live_app
from tests.factories import area_tree, make_staff, make_user

__all__ = ["admin_page", "browser", "live_app"]  # fixtures used by the tests

# Every violation, as the browser reports it to the page.
REPORT_VIOLATIONS = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', e => window.__csp.push({
    directive: e.violatedDirective, blocked: e.blockedURI, source: e.sourceFile,
    line: e.lineNumber, column: e.columnNumber}));
"""
# core-js looks for the global object with `try { new Function("return this")() } catch {}`
# and falls back to `window`: refusing that eval is intended and changes nothing.
GLOBAL_PROBE = 'new Function("return this")'


async def violations(page: AdminPage) -> list[dict[str, Any]]:
    return list(await page.page.evaluate("window.__csp || []"))


async def harmful(page: AdminPage, found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The violations that break something: all but the global-object probe, and Google
    Fonts on piccolo's two-factor page (refused on purpose: no third-party requests; the
    page falls back to the system font)."""
    left = []
    for violation in found:
        if violation["blocked"] == "eval" and violation["source"].endswith(".js"):
            bundle = await (await page.page.request.get(violation["source"])).text()
            line = bundle.splitlines()[violation["line"] - 1]
            if line[violation["column"] - 1 :].startswith(GLOBAL_PROBE):
                continue
        if violation["blocked"].startswith("https://fonts.googleapis.com/") and violation[
            "source"
        ].endswith("/admin/api/mfa-setup/"):
            continue
        left.append(violation)
    return left


async def test_admin_and_pages_run_under_the_content_security_policy(
    admin_page: AdminPage, live_app: str
) -> None:
    tree = await area_tree()
    await make_user("root", superuser=True)
    await make_staff("wg", community=tree.communities["A1"], grids=[tree.grids["A1-1"]])
    page = admin_page
    console: list[str] = []
    page.page.on(
        "console",
        lambda message: (
            console.append(message.text)
            if "Content Security Policy" in message.text
            and "fonts.googleapis.com" not in message.text
            else None
        ),
    )
    await page.page.add_init_script(REPORT_VIOLATIONS)
    response = await page.page.goto(f"{live_app}/admin/")
    assert response is not None
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-frame-options"] == "DENY"

    await page.login("root")
    seen: list[Any] = []
    grid = tree.grids["A1-1"]
    for fragment, ready in [
        ("/responsibility_grid", f"text={grid['code']}"),
        (f"/responsibility_grid/{grid['id']}", "label:has-text('网格编码')"),
        ("/check_in", "text=签到"),
        ("/forms/签到-check-in-now", "form"),
    ]:
        await page.open(fragment, ready)
        seen += await violations(page)
    await page.page.goto(f"{live_app}/admin/api/mfa-setup/")
    await page.page.wait_for_load_state("networkidle")
    seen += await violations(page)

    for path in [
        "/maps/",
        f"/maps/community/{tree.communities['A1']['code']}",
        f"/dashboards/street/{tree.streets['A']['code']}",
        "/excel/",
        "/public/",
        f"/public/communities/{tree.communities['A1']['code']}",
    ]:
        shown = await page.page.goto(f"{live_app}{path}")
        assert shown is not None and shown.status < 500, path
        await page.page.wait_for_load_state("networkidle")
        seen += await violations(page)

    assert seen, "the probe of core-js is expected to be reported (is the listener working?)"
    assert not await harmful(page, seen), seen
    assert not console, console
