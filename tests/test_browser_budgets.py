"""A real browser on the budget pages, in Dutch on a phone: build a ballot without
JavaScript, go over budget and read why, submit, get the receipt; axe-core on the
ballot, round and results pages."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from participation.extensions import db
from participation.models import BudgetProject, User
from participation.models.base import utcnow
from participation.services import budgets
from participation.services.passwords import hash_password
from tests.factories import count_budget_round, set_round_phase

pytestmark = pytest.mark.browser

PASSWORD = "fietsen-langs-het-kanaal"
SCREENSHOTS = os.environ.get("BUDGET_SCREENSHOTS")


def _seed(app):
    """A Dutch-speaking citizen, an admin, a voting round and a counted round."""
    with app.test_request_context("/nl/"):
        now = utcnow()
        citizen = User(
            email="jan@example.be",
            display_name="Jan",
            password_hash=hash_password(PASSWORD),
            language="nl",
            email_confirmed_at=now,
        )
        admin = User(
            email="admin@example.be",
            display_name="Admin",
            password_hash=hash_password(PASSWORD),
            language="fr",
            role="admin",
            email_confirmed_at=now,
        )
        db.session.add_all([citizen, admin])
        db.session.flush()
        ids = {}
        for key in ("open", "closed"):
            budget_round = budgets.create_round(
                admin,
                budgets.RoundInput(
                    title_fr="Budget participatif régional",
                    title_nl="Gewestelijke burgerbegroting",
                    title_en="Regional participatory budget",
                    description_fr="Décidez comment dépenser 100 000 euros.",
                    description_nl="Beslis hoe 100.000 euro wordt besteed.",
                    total_amount=100_000,
                    submission_opens_at=now - timedelta(days=3),
                    review_opens_at=now - timedelta(days=2),
                    voting_opens_at=now - timedelta(days=1),
                    voting_closes_at=now + timedelta(days=5),
                    min_share=20,
                    outcome_rule="equal_shares" if key == "closed" else "greedy",
                ),
            )
            for title, cost in (
                ("Bomen in de Hoogstraat", 60_000),
                ("Fietsenstalling aan het station", 45_000),
                ("Banken in het park", 15_000),
                ("Speeltuin voor kleuters", 30_000),
            ):
                db.session.add(
                    BudgetProject(
                        round_id=budget_round.id,
                        author_id=citizen.id,
                        title=title,
                        description="Een project voor de buurt, voor iedereen.",
                        language="nl",
                        cost=cost,
                        feasibility="feasible",
                    )
                )
            ids[key] = budget_round.id
        db.session.commit()
        closed_projects = [
            p.id for p in budgets.projects_of(budgets.load_round(ids["closed"]), True)
        ]
        budgets.cast_ballot(citizen, budgets.load_round(ids["closed"]), closed_projects[:1])
        db.session.commit()
        admin_id = admin.id
    set_round_phase(app, ids["closed"], "results")
    count_budget_round(app, ids["closed"], admin_id)
    return ids


def _log_in(page, base, email):
    page.goto(f"{base}/nl/account/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


def _serious_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{page.url}: {v['id']} ({v['impact']}): {v['help']} -> "
        + ", ".join(str(n["target"]) for n in v["nodes"][:3])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def _shot(page, name):
    if SCREENSHOTS:
        page.screenshot(path=os.path.join(SCREENSHOTS, f"{name}.png"), full_page=True)


def test_vote_in_dutch_on_a_phone_and_pages_pass_axe(live_server, browser):
    base, app = live_server
    ids = _seed(app)
    ballot_url = f"{base}/nl/budgets/{ids['open']}/ballot"
    # The ballot, built with JavaScript switched off.
    context = browser.new_context(viewport={"width": 360, "height": 780}, java_script_enabled=False)
    page = context.new_page()
    try:
        _log_in(page, base, "jan@example.be")
        page.goto(ballot_url)
        page.get_by_label("Bomen in de Hoogstraat").check()
        page.get_by_label("Fietsenstalling aan het station").check()
        page.get_by_role("button", name="Mijn stembiljet nakijken").click()
        expect(page.get_by_role("alert")).to_contain_text("maar het budget bedraagt")
        # Nothing lost: both boxes are still ticked.
        expect(page.get_by_label("Bomen in de Hoogstraat")).to_be_checked()
        expect(page.get_by_label("Fietsenstalling aan het station")).to_be_checked()
        _shot(page, "ballot-over-budget")
        page.get_by_label("Fietsenstalling aan het station").uncheck()
        page.get_by_label("Banken in het park").check()
        page.get_by_role("button", name="Mijn stembiljet indienen").click()
        expect(page.locator(".receipt")).to_have_count(1)
        expect(page.locator(".flash-success")).to_contain_text("ontvangstcode")
        _shot(page, "ballot-saved")
    finally:
        context.close()

    # axe-core needs JavaScript to run its checks.
    context = browser.new_context(viewport={"width": 360, "height": 780})
    page = context.new_page()
    try:
        _log_in(page, base, "jan@example.be")
        problems: list[str] = []
        for path, name in (
            (f"/nl/budgets/{ids['open']}/ballot", "ballot"),
            (f"/nl/budgets/{ids['open']}", "round"),
            (f"/nl/budgets/{ids['closed']}/results", "results"),
            ("/nl/budgets/", "index"),
        ):
            response = page.goto(base + path)
            assert response.status == 200, path
            _shot(page, name)
            problems += _serious_violations(page)
        assert problems == [], "\n".join(problems)
    finally:
        context.close()


def test_live_budget_bar_never_lets_you_go_over(live_server, browser):
    """With JavaScript: the bar follows every tick, a project that does not fit cannot
    be ticked and the page says why, in Dutch; the ballot is then accepted."""
    base, app = live_server
    ids = _seed(app)
    context = browser.new_context(viewport={"width": 360, "height": 780})
    page = context.new_page()
    try:
        _log_in(page, base, "jan@example.be")
        page.goto(f"{base}/nl/budgets/{ids['open']}/ballot")
        bar = page.locator("[data-bar-text]")
        expect(bar).to_contain_text("nog")
        page.get_by_label("Bomen in de Hoogstraat").check()
        # In the server's own words and number format.
        # Amounts in the server's Dutch format (a no-break space after the euro sign).
        expect(bar).to_have_text(
            "€\u00a060.000 gebruikt van €\u00a0100.000: nog €\u00a040.000 over."
        )
        # 45,000 does not fit in the 40,000 left: the box stays unticked, and the page says why.
        bikes = page.get_by_label("Fietsenstalling aan het station")
        bikes.click()
        expect(bikes).not_to_be_checked()
        refusal = page.locator("[data-bar-refusal]")
        expect(refusal).to_be_visible()
        expect(refusal).to_have_text(
            "Dit project kost €\u00a045.000, u hebt nog €\u00a040.000 over."
        )
        expect(page.locator(".fit-hint:visible")).to_have_count(1)
        _shot(page, "ballot-live-bar")
        # Make room, and it fits.
        page.get_by_label("Bomen in de Hoogstraat").uncheck()
        expect(refusal).to_be_hidden()
        bikes.check()
        expect(bikes).to_be_checked()
        page.get_by_label("Banken in het park").check()
        expect(bar).to_contain_text("60.000")
        page.get_by_role("button", name="Mijn stembiljet indienen").click()
        expect(page.locator(".flash-success")).to_contain_text("ontvangstcode")
    finally:
        context.close()
