"""The pages a public service owes (issue 10, §4), through the real stack: the
privacy notice, the participation rules, "how your idea gets an answer" and
the accessibility statement, in the three languages, with their figures and
contacts read from the configuration; the footer and the page head that link
them; the list's active filters as removable chips."""

from __future__ import annotations

import re

import pytest

from participation.vocabulary import Reason
from tests.pages import html

PAGES = ["privacy", "rules", "how-ideas-are-answered", "accessibility"]


@pytest.mark.parametrize("lang", ["fr", "nl", "en"])
def test_every_page_links_the_four_pages_and_the_feed_from_its_footer(client, lang):
    body = html(client.get(f"/{lang}/"))
    footer = body.split('class="site-footer"')[1]
    for page in PAGES:
        assert f'href="/{lang}/{page}"' in footer
        assert client.get(f"/{lang}/{page}").status_code == 200
    assert f'href="/{lang}/ideas/feed.atom"' in footer
    # The feed is announced in the head; the home page's main column no longer shows it.
    assert re.search(r'<link rel="alternate" type="application/atom\+xml"[^>]*feed.atom', body)
    main = body.split('id="main"')[1].split('class="site-footer"')[0]
    assert "feed.atom" not in main
    # A clear call to propose an idea.
    assert re.search(rf'<a class="button button-cta" href="/{lang}/ideas/new">', main)


def test_privacy_notice_reads_its_contacts_and_periods_from_the_configuration(app, client):
    body = html(client.get("/en/privacy"))
    assert "dpo@participation.brussels" in body
    assert "examples until the operator" in body and "PRIVACY_DPO_EMAIL" in body
    assert "30 days after registration" in body
    for link in ("/en/account/profile", "/en/account/data", "/en/account/delete"):
        assert f'href="{link}"' in body
    assert "Gegevensbeschermingsautoriteit" in body
    assert "stored anonymously" in body and "receipt code" in body

    app.config.update(
        PRIVACY_DPO_EMAIL="privacy@region.example",
        PRIVACY_CONTROLLER="Example controller",
        PRIVACY_CONTROLLER_ADDRESS="Rue Exemple 1, 1000 Bruxelles",
        RETENTION_UNCONFIRMED_ACCOUNT_DAYS=12,
        RETENTION_RATE_LIMIT_HOURS=6,
    )
    body = html(client.get("/en/privacy"))
    assert "privacy@region.example" in body and "Example controller" in body
    assert "examples until the operator" not in body
    assert "12 days after registration" in body and "never more than 6 hours" in body
    french = html(client.get("/fr/privacy"))
    assert "12\u00a0jours après l'inscription" in french or "12 jours après l'inscription" in french
    assert "Autorité de protection des données" in french


def test_rules_list_the_vocabulary_reasons_and_the_configured_threshold(app, client):
    app.config["REPORTS_HIDE_THRESHOLD"] = 5
    body = html(client.get("/en/rules"))
    for reason in Reason:
        label = str(reason.label).replace("'", "&#39;")
        if reason == Reason.REPORTED:
            assert label not in body
        else:
            assert f"<li>{label}</li>" in body
    assert "When 5 participants report" in body
    assert "moderation@participation.brussels" in body


def test_answer_path_shows_the_figures_of_the_configuration(app, client):
    app.config.update(REPORTS_HIDE_THRESHOLD=4, IDEAS_PER_PAGE=25, IDEAS_PREMODERATION=False)
    body = html(client.get("/en/how-ideas-are-answered"))
    assert "after 4 reports from different participants" in body
    assert re.search(r"Ideas per page in the list</th><td>25<", body)
    assert "published at once" in body
    assert "Implemented" in body and "Not retained" in body  # the official statuses
    dutch = html(client.get("/nl/how-ideas-are-answered"))
    assert "na 4 meldingen" in dutch


def test_accessibility_statement_follows_the_model(client):
    body = html(client.get("/nl/accessibility"))
    for heading in (
        "Nalevingsstatus",
        "Niet-toegankelijke inhoud",
        "Opstelling van deze verklaring",
        "Feedback en contact",
        "Handhavingsprocedure",
    ):
        assert heading in body
    assert "22 november 2026" in body
    assert "accessibility@participation.brussels" in body


def test_active_filters_show_as_chips_that_each_remove_one(client):
    body = html(client.get("/en/ideas/?status=published&language=fr&q=bike"))
    chips = re.findall(r'<a class="chip" href="([^"]+)">(.*?)</a>', body, re.S)
    assert len(chips) == 3
    by_label = {re.sub(r"<[^>]+>", "", label).strip(): href for href, label in chips}
    removes_language = next(href for label, href in by_label.items() if "Français" in label)
    assert "language" not in removes_language and "status=published" in removes_language
    assert "q=bike" in removes_language
    removes_search = next(href for label, href in by_label.items() if "bike" in label)
    assert "q=" not in removes_search and "language=fr" in removes_search
    assert '<span lang="fr">Français</span>' in body
    assert "3 active" in body  # on the folded "Filter" control
    assert "chip" not in html(client.get("/en/ideas/")).split('id="results-heading"')[1]
