"""A real browser on the ideas pages: supporting and withdrawing with
JavaScript updates the count in place (no reload), and the similar-ideas list
updates as the citizen types."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from participation.extensions import db
from participation.models import Challenge, Idea, Support, User
from participation.models.base import utcnow
from participation.sanitize import render_markdown
from participation.services.passwords import hash_password

pytestmark = pytest.mark.browser

PASSWORD = "fietsen-langs-het-kanaal"


def _seed(app):
    """A confirmed citizen, and a published idea by someone else."""
    with app.app_context():
        author = User(
            email="author@example.be",
            display_name="Author",
            password_hash=hash_password(PASSWORD),
            language="fr",
            email_confirmed_at=utcnow(),
        )
        citizen = User(
            email="citizen@example.be",
            display_name="Citizen",
            password_hash=hash_password(PASSWORD),
            language="en",
            email_confirmed_at=utcnow(),
        )
        db.session.add_all([author, citizen])
        db.session.flush()
        body = "Une piste cyclable séparée sur la chaussée de Wavre, d'Ixelles à Etterbeek."
        idea = Idea(
            author_id=author.id,
            challenge_id=db.session.scalar(select(Challenge.id).where(Challenge.slug == "safe")),
            title="Piste cyclable séparée chaussée de Wavre",
            body_source=body,
            body_html=render_markdown(body),
            language="fr",
            status="published",
            published_at=utcnow(),
        )
        db.session.add(idea)
        db.session.commit()
        return idea.id


def _log_in(page, base):
    page.goto(f"{base}/en/account/login")
    page.fill("#email", "citizen@example.be")
    page.fill("#password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{base}/en/")


def _counts(app, idea_id):
    with app.app_context():
        stored = db.session.scalar(select(Idea.support_count).where(Idea.id == idea_id))
        rows = db.session.scalar(
            select(func.count()).select_from(Support).where(Support.idea_id == idea_id)
        )
        return stored, rows


def test_support_and_withdraw_in_place_with_javascript(live_server, page):
    base, app = live_server
    idea_id = _seed(app)
    _log_in(page, base)
    page.goto(f"{base}/en/ideas/{idea_id}")
    count = page.locator("#support [data-support-count]")
    button = page.locator("#support [data-support-button]")
    assert count.inner_text() == "0 supports"
    # A marker on the window survives only if the page is not reloaded.
    page.evaluate("window.__noReload = true")

    button.click()
    expect(count).to_have_text("1 support")
    expect(button).to_contain_text("Withdraw my support")
    assert page.locator("#support [data-support-status]").inner_text().strip()
    assert page.evaluate("window.__noReload") is True
    assert _counts(app, idea_id) == (1, 1)

    button.click()
    expect(count).to_have_text("0 supports")
    expect(button).to_contain_text("Support this idea")
    assert page.evaluate("window.__noReload") is True
    assert _counts(app, idea_id) == (0, 0)


def test_similar_ideas_update_as_the_citizen_types(live_server, page):
    base, app = live_server
    _seed(app)
    _log_in(page, base)
    page.goto(f"{base}/en/ideas/new")
    results = page.locator("[data-similar-results]")
    assert "Piste cyclable" not in results.inner_text()
    page.fill("#title", "Une piste cyclable sur la chaussée")
    page.locator("#body").press_sequentially("Séparer les vélos des voitures, chaussée de Wavre.")
    expect(
        results.get_by_role("link", name="Piste cyclable séparée chaussée de Wavre")
    ).to_be_visible()
    # Each similar idea can be supported instead, from the same list, in place.
    support = results.get_by_role("button", name="Support this idea")
    support.click()
    expect(results.locator("[data-support-count]")).to_have_text("1 support")
    expect(page).to_have_url(f"{base}/en/ideas/new")


def _serious_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{page.url}: {v['id']} ({v['impact']}): {v['help']} -> "
        + ", ".join(str(n["target"]) for n in v["nodes"][:3])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_ideas_moderation_and_dashboard_pages_are_accessible(live_server, page):
    """axe-core on the pages of the ideas, moderation and officials areas, as an
    admin (who sees every control), in the three languages."""
    base, app = live_server
    idea_id = _seed(app)
    with app.app_context():
        admin = db.session.scalar(select(User).where(User.email == "citizen@example.be"))
        admin.role = "admin"
        db.session.commit()
    _log_in(page, base)
    problems: list[str] = []
    for path in [
        "/fr/ideas/",
        "/nl/ideas/?q=piste&sort=supported",
        f"/en/ideas/{idea_id}",
        "/fr/ideas/new",
        "/nl/ideas/mine",
        "/en/moderation/",
        "/fr/moderation/log",
        f"/nl/moderation/ideas/{idea_id}",
        "/en/officials/",
        f"/fr/officials/ideas/{idea_id}/status",
        "/nl/notifications/",
        "/en/notifications/preferences",
        "/fr/admin/users",
    ]:
        response = page.goto(base + path)
        assert response.status == 200, path
        problems += _serious_violations(page)
    assert problems == [], "\n".join(problems)
