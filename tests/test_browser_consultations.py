"""A Dutch-speaking citizen answers a consultation in a real browser on a phone-sized
screen with JavaScript switched off; a second attempt is refused; after closing,
the results page shows its charts. axe-core on the answer, results and official
pages (issue 12)."""

from __future__ import annotations

import os

import pytest
from axe_playwright_python.sync_playwright import Axe

from participation.extensions import db
from participation.models import User
from tests.factories import PASSWORD
from tests.factories_consultations import close, make_consultation

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("CONSULTATION_SCREENSHOTS")  # a folder, to look at the pages


def _serious(page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{page.url}: {v['id']} ({v['impact']}): {v['help']} -> "
        + ", ".join(str(n["target"]) for n in v["nodes"][:3])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def _user(app, role: str, email: str, language: str) -> User:
    from participation.models.base import utcnow
    from participation.services.passwords import hash_password

    with app.app_context():
        user = User(
            email=email,
            display_name=email.split("@")[0],
            password_hash=hash_password(PASSWORD),
            role=role,
            language=language,
            email_confirmed_at=utcnow(),
        )
        db.session.add(user)
        db.session.commit()
        db.session.refresh(user)
        db.session.expunge(user)
        return user


def _log_in(page, base, email):
    page.goto(f"{base}/en/account/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


def test_answer_on_a_phone_without_javascript_then_results(live_server, browser):
    base, app = live_server
    official = _user(app, "official", "official@example.be", "fr")
    _user(app, "citizen", "jan@example.be", "nl")
    cid = make_consultation(app, official)
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 360, "height": 800}, is_mobile=True
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    _log_in(page, base, "jan@example.be")
    page.goto(f"{base}/nl/consultations/{cid}")
    problems: list[str] = []
    assert page.locator("#anonymity-note").is_visible()
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/answer-360.png", full_page=True)
    # Send with a required question empty: the page says why and keeps the rest.
    page.get_by_label("Nog iets?").fill("Meer bomen")
    page.get_by_role("button", name="Mijn antwoorden versturen").click()
    assert page.locator(".field-error").first.is_visible()
    assert page.get_by_label("Nog iets?").input_value() == "Meer bomen"
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/answer-errors-360.png", full_page=True)
    # Answer everything.
    page.get_by_label("Online diensten").first.check()
    page.get_by_label("Kiosk").check()
    page.locator("fieldset.question").nth(2).locator("input[type=radio]").nth(3).check()
    page.locator("fieldset.question").nth(3).locator("select").first.select_option("1")
    page.get_by_role("button", name="Mijn antwoorden versturen").click()
    assert page.locator(".flash-success").first.is_visible()
    # A second attempt, from a page opened before: refused clearly.
    response = page.request.post(
        f"{base}/nl/consultations/{cid}", form={"q1": "1"}, fail_on_status_code=False
    )
    assert response.status in (400, 409)
    close(app, cid)
    page.goto(f"{base}/nl/consultations/{cid}/results")
    assert page.locator("img.result-chart").first.is_visible()
    assert "100%" in page.locator("main").inner_text()  # Dutch writes no space before "%"
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/results-360.png", full_page=True)
    context.close()

    # axe-core needs JavaScript: the same pages again, in a phone-sized context with it.
    context = browser.new_context(viewport={"width": 360, "height": 800})
    page = context.new_page()
    _log_in(page, base, "jan@example.be")
    third = make_consultation(app, official)
    page.goto(f"{base}/nl/consultations/{third}")
    problems += _serious(page)
    page.get_by_role("button", name="Mijn antwoorden versturen").click()
    assert page.locator(".field-error").first.is_visible()
    problems += _serious(page)
    page.goto(f"{base}/nl/consultations/{cid}/results")
    problems += _serious(page)
    context.close()

    # The official's pages, on a desktop screen.
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    _log_in(page, base, "official@example.be")
    second = make_consultation(app, official)
    for path in ("/fr/consultations/", "/fr/consultations/new", f"/fr/consultations/{second}/edit"):
        assert page.goto(base + path).status == 200
        problems += _serious(page)
    page.goto(f"{base}/fr/consultations/{cid}/results")
    problems += _serious(page)
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/results-desktop.png", full_page=True)
    context.close()
    assert problems == [], "\n".join(problems)
