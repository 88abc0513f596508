"""A real browser (Debian's Chromium via Playwright) against a real server
(issue 2, §7 and "Done when"): register in Dutch, confirm through the link in
the email, log in, switch to French on the same page, download my data,
delete my account. Plus an axe-core scan of the main pages."""

from __future__ import annotations

import json
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PASSWORD = "fietsen-langs-het-kanaal"


@pytest.fixture
def csp_errors(page):
    """Console errors a Content-Security-Policy violation would cause."""
    errors: list[str] = []
    page.on(
        "console",
        lambda msg: (
            errors.append(msg.text)
            if msg.type == "error" and "Content Security Policy" in msg.text
            else None
        ),
    )
    return errors


def test_register_confirm_login_switch_download_delete(live_server, page, mailbox, csp_errors):
    base, _app = live_server
    page.set_default_timeout(10_000)

    # Register, in Dutch.
    page.goto(f"{base}/nl/account/register")
    assert page.locator("html").get_attribute("lang") == "nl"
    page.get_by_label("E-mailadres").fill("noor@example.be")
    page.locator("#display_name").fill("Noor")
    page.locator("#password").fill(PASSWORD)
    page.locator("#confirm").fill(PASSWORD)
    assert page.locator("#language").input_value() == "nl"
    page.locator("#municipality").select_option(label="Sint-Gillis")
    page.locator("#accept_rules").check()
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert "noor@example.be" in page.locator("main").inner_text()

    # The confirmation link from the captured mail.
    link = mailbox.link("noor@example.be")
    assert link.startswith("/nl/account/confirm/")
    page.goto(base + link)
    assert page.url == f"{base}/nl/account/login"
    assert page.locator(".flash-success").is_visible()

    # Log in.
    page.locator("#email").fill("noor@example.be")
    page.locator("#password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{base}/nl/")
    page.locator(".nav-account a[href='/nl/account/profile']").click()
    page.wait_for_url(f"{base}/nl/account/profile")
    assert page.locator("#display_name").input_value() == "Noor"

    # Switch to French on the same page.
    page.locator(".language-switcher a[hreflang=fr]").click()
    page.wait_for_url(f"{base}/fr/account/profile")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.locator("#display_name").input_value() == "Noor"
    assert page.locator("#municipality option:checked").inner_text() == "Saint-Gilles"

    # Download my data.
    with page.expect_download() as download_info:
        page.locator("a[href='/fr/account/data']").click()
    download = download_info.value
    data = json.loads(open(download.path(), encoding="utf-8").read())
    assert data["account"]["email"] == "noor@example.be"
    assert data["account"]["language"] == "nl"

    # Delete my account.
    page.locator("a[href='/fr/account/delete']").click()
    page.wait_for_url(f"{base}/fr/account/delete")
    page.locator("#password").fill(PASSWORD)
    page.locator("#confirm").check()
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{base}/fr/")
    assert page.locator(".flash-success").is_visible()
    assert page.locator(".nav-account a[href='/fr/account/login']").is_visible()
    assert csp_errors == []


def test_keyboard_user_reaches_the_skip_link_first(live_server, page):
    base, _app = live_server
    page.goto(f"{base}/en/account/login")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert focused == "skip-link"
    box = page.locator(".skip-link").bounding_box()
    assert box and box["y"] >= 0  # visible once focused
    page.keyboard.press("Enter")
    # The jump to the fragment lands a moment after the key press: wait for it.
    expect(page).to_have_url(re.compile(r"#main$"))


def test_forms_work_without_javascript(live_server, browser, mailbox):
    base, _app = live_server
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{base}/en/account/register")
    page.locator("#email").fill("nojs@example.be")
    page.locator("#display_name").fill("No Script")
    page.locator("#password").fill("short")
    page.locator("#confirm").fill("short")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("#password-error").is_visible()
    assert page.locator("#email").input_value() == "nojs@example.be"
    context.close()


@pytest.mark.parametrize(
    "path",
    [
        "/fr/",
        "/nl/account/register",
        "/en/account/login",
        "/fr/nowhere",
        "/fr/privacy",
        "/nl/rules",
        "/en/how-ideas-are-answered",
        "/fr/accessibility",
    ],
)
def test_no_serious_accessibility_violations(live_server, page, path):
    base, _app = live_server
    page.goto(base + path)
    results = Axe().run(page)
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']} -> "
        + ", ".join(str(n["target"]) for n in v["nodes"][:3])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == [], "\n".join(serious)


def test_register_errors_are_accessible(live_server, page):
    base, _app = live_server
    page.goto(f"{base}/nl/account/register")
    page.locator("#email").fill("not-an-email")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    described = page.locator("#email").get_attribute("aria-describedby")
    assert "email-error" in re.split(r"\s+", described)
    results = Axe().run(page)
    assert [
        v["id"] for v in results.response["violations"] if v["impact"] in ("serious", "critical")
    ] == []


def test_pages_reflow_on_a_320px_screen(live_server, browser):
    """WCAG 1.4.10: no horizontal scrolling at 320 CSS pixels."""
    base, _app = live_server
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    for path in (
        "/fr/",
        "/nl/account/register",
        "/en/account/login",
        "/fr/nowhere",
        "/fr/privacy",
        "/nl/rules",
        "/en/how-ideas-are-answered",
        "/fr/accessibility",
    ):
        page.goto(base + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 320, f"{path} is {width}px wide"
    context.close()
