"""A real browser on bilingual official answers (issue 10 §3) and the
withdraw confirmation (§1): an official answers in French and Dutch through the
form; each reader sees their version, the others one click away (a <details>,
no script needed), and axe-core finds nothing serious, in the three languages."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from participation.extensions import db
from participation.models import User
from tests.test_browser_ideas import PASSWORD, _seed, _serious_violations

pytestmark = pytest.mark.browser

FR = "La Région étudie une piste séparée avec les communes."
NL = "Het Gewest bestudeert een afgescheiden fietspad met de gemeenten."


def _log_in_as(page, base, email):
    page.goto(f"{base}/en/account/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{base}/en/")


def test_bilingual_answer_and_withdraw_confirmation(live_server, page):
    base, app = live_server
    idea_id = _seed(app)
    with app.app_context():
        db.session.scalar(select(User).where(User.email == "citizen@example.be")).role = "official"
        db.session.commit()
    _log_in_as(page, base, "citizen@example.be")
    page.goto(f"{base}/fr/officials/ideas/{idea_id}/status")
    page.select_option("#status", "accepted")
    page.fill("#response_fr", FR)
    page.locator("main form.panel button[type=submit]").click()
    # Dutch missing: refused, the French text kept.
    expect(page.locator("#response_nl-error")).to_be_visible()
    expect(page.locator("#response_fr")).to_have_value(FR)
    page.fill("#response_nl", NL)
    page.locator("main form.panel button[type=submit]").click()
    page.wait_for_url(f"{base}/fr/ideas/{idea_id}")

    problems: list[str] = []
    for lang, code, own, other, other_name in (
        ("fr", "fr", FR, NL, "Nederlands"),
        ("nl", "nl", NL, FR, "Français"),
        ("en", "fr", FR, NL, "Nederlands"),
    ):
        page.goto(f"{base}/{lang}/ideas/{idea_id}")
        history = page.locator("section.official-history")
        expect(history.locator(f'.official-response[lang="{code}"]').first).to_have_text(own)
        expect(history.get_by_text(other)).to_be_hidden()
        history.get_by_text(other_name, exact=True).click()
        expect(history.get_by_text(other)).to_be_visible()
        problems += _serious_violations(page)
    expect(page.get_by_text("here is the French text")).to_be_visible()

    # The author's withdraw confirmation page.
    page.context.clear_cookies()
    _log_in_as(page, base, "author@example.be")
    page.goto(f"{base}/en/ideas/{idea_id}")
    page.get_by_role("link", name="Withdraw my idea").click()
    expect(page).to_have_url(f"{base}/en/ideas/{idea_id}/withdraw")
    problems += _serious_violations(page)
    page.get_by_role("button", name="Yes, withdraw my idea").click()
    expect(page).to_have_url(f"{base}/en/ideas/{idea_id}")
    expect(page.get_by_text("Your idea is withdrawn.")).to_be_visible()
    assert problems == [], "\n".join(problems)
