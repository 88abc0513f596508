"""Three languages from the first page (issue 2, §3): prefixes, the redirect
from /, the language switcher, <html lang>, hreflang, locale formatting."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest
from flask import render_template_string
from flask_babel import force_locale

from tests.pages import html, translated

# --- / redirects to a language --------------------------------------------------


def test_root_falls_back_to_french(client):
    response = client.get("/", headers={"Accept-Language": "de-DE,de;q=0.9"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/fr/"
    assert "Accept-Language" in response.headers["Vary"]
    assert "Cookie" in response.headers["Vary"]


@pytest.mark.parametrize(
    ("accept", "expected"),
    [("nl-BE,nl;q=0.9,en;q=0.5", "nl"), ("en-GB,en;q=0.8", "en"), ("fr-BE", "fr"), ("", "fr")],
)
def test_root_follows_accept_language(client, accept, expected):
    response = client.get("/", headers={"Accept-Language": accept})
    assert response.headers["Location"] == f"/{expected}/"


def test_root_prefers_the_cookie_over_accept_language(client):
    client.set_cookie("lang", "en")
    response = client.get("/", headers={"Accept-Language": "nl"})
    assert response.headers["Location"] == "/en/"


def test_an_invalid_cookie_is_ignored(client):
    client.set_cookie("lang", "de")
    response = client.get("/", headers={"Accept-Language": "nl"})
    assert response.headers["Location"] == "/nl/"


def test_root_prefers_the_signed_in_users_language(client, make_user, login):
    login(client, make_user(language="nl"))
    client.set_cookie("lang", "en")
    response = client.get("/", headers={"Accept-Language": "fr"})
    assert response.headers["Location"] == "/nl/"


def test_visiting_a_language_remembers_it_in_a_cookie(client):
    client.get("/nl/")
    assert client.get_cookie("lang").value == "nl"
    assert client.get("/", headers={"Accept-Language": "fr"}).headers["Location"] == "/nl/"


# --- Prefixes ----------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/de/", "/de/account/login", "/xx/about", "/FR/"])
def test_unknown_prefix_is_a_translated_404(client, app, url):
    response = client.get(url, headers={"Accept-Language": "nl"})
    assert response.status_code == 404
    body = html(response)
    assert '<html lang="nl">' in body
    assert translated(app, "nl", "Page not found") in body
    assert translated(app, "nl", "Page not found") != "Page not found"
    assert 'href="/nl/"' in body


def test_unknown_page_under_a_language_stays_in_that_language(client, app):
    response = client.get("/nl/nergens", headers={"Accept-Language": "fr"})
    assert response.status_code == 404
    assert '<html lang="nl">' in html(response)


@pytest.mark.parametrize("lang", ["fr", "nl", "en"])
def test_pages_speak_their_prefix_language(client, app, lang):
    body = html(client.get(f"/{lang}/account/register"))
    assert f'<html lang="{lang}">' in body
    assert f"<h1>{translated(app, lang, 'Create an account')}</h1>" in body
    assert f'action="/{lang}/account/register"' in body
    # Internal links stay in the language (except the switcher's).
    outside_switcher = re.sub(r'<nav class="language-switcher".*?</nav>', "", body, flags=re.S)
    for href in re.findall(r'href="(/[^"]*)"', outside_switcher):
        assert href.startswith((f"/{lang}/", "/static/")), href


# --- Language switcher and alternates ----------------------------------------------


def switcher_links(body: str) -> dict[str, str]:
    nav = re.search(r'<nav class="language-switcher".*?</nav>', body, re.S).group(0)
    return dict(
        (code, href.replace("&amp;", "&"))
        for href, code in re.findall(r'<a href="([^"]+)" hreflang="(\w\w)"', nav)
    )


def test_switcher_keeps_the_page_and_the_query_string(client):
    body = html(client.get("/en/account/login?next=/en/account/profile&x=1"))
    links = switcher_links(body)
    assert set(links) == {"fr", "nl"}  # the current language is not a link
    assert links["nl"] == "/nl/account/login?next=/en/account/profile&x=1"
    assert links["fr"] == "/fr/account/login?next=/en/account/profile&x=1"
    assert re.search(r'aria-current="true" lang="en">EN', body)


def test_switcher_keeps_repeated_query_arguments(client):
    links = switcher_links(html(client.get("/fr/about?tag=a&tag=b")))
    assert links["nl"] == "/nl/about?tag=a&tag=b"


def test_switcher_keeps_url_arguments(client):
    links = switcher_links(html(client.get("/en/account/reset/some-token")))
    assert links["fr"] == "/fr/account/reset/some-token"


def test_switcher_on_an_error_page_goes_home(client):
    links = switcher_links(html(client.get("/de/", headers={"Accept-Language": "en"})))
    assert links == {"fr": "/fr/", "nl": "/nl/"}


def test_switcher_is_on_every_page(client, make_user, login):
    login(client, make_user())
    for url in ("/fr/", "/fr/about", "/fr/account/profile", "/fr/account/delete"):
        links = switcher_links(html(client.get(url)))
        assert links == {"nl": url.replace("/fr/", "/nl/"), "en": url.replace("/fr/", "/en/")}


def test_hreflang_alternates(client):
    body = html(client.get("/nl/account/login?next=/nl/"))
    alternates = dict(
        (code, href.replace("&amp;", "&"))
        for code, href in re.findall(
            r'<link rel="alternate" hreflang="([\w-]+)" href="([^"]+)">', body
        )
    )
    assert alternates == {
        "fr": "http://localhost/fr/account/login?next=/nl/",
        "nl": "http://localhost/nl/account/login?next=/nl/",
        "en": "http://localhost/en/account/login?next=/nl/",
        "x-default": "http://localhost/",
    }


def test_hreflang_alternates_use_public_base_url(app, client):
    app.config["PUBLIC_BASE_URL"] = "https://participation.brussels"
    body = html(client.get("/fr/?q=1"))
    assert (
        '<link rel="alternate" hreflang="nl" href="https://participation.brussels/nl/?q=1">' in body
    )
    assert 'hreflang="x-default" href="https://participation.brussels/"' in body


def test_frame_links_follow_the_language_and_the_application_root(client):
    """The frame's links are built once per language and root (templating.frame_url)."""
    for lang in ("fr", "nl", "en", "fr"):
        body = html(client.get(f"/{lang}/"))
        assert f'href="/{lang}/ideas/"' in body
        assert f'href="/{lang}/about"' in body
    body = html(client.get("/nl/", environ_overrides={"SCRIPT_NAME": "/app"}))
    assert 'href="/app/nl/ideas/"' in body
    assert re.search(r'href="/app/static/css/site\.css\?v=\w+"', body)
    assert 'href="/fr/ideas/"' in html(client.get("/fr/"))


def test_kept_frame_pieces_follow_the_page(client):
    """The footer is kept per language and page (templating.kept_fragment):
    each page marks its own link as the current one."""
    for path, label in [("/en/about", "About"), ("/en/rules", "Participation rules")] * 2:
        body = html(client.get(path))
        current = re.findall(r'<a href="[^"]+" aria-current="page">([^<]+)</a>', body)
        assert label in current
        assert len(current) == 1
    assert ">À propos<" in html(client.get("/fr/about"))


def test_template_translations_follow_a_forced_locale(app):
    """Templates keep the request's translations, and still follow force_locale
    (an email rendered in its recipient's language during a request)."""
    with app.test_request_context("/fr/"):
        assert render_template_string("{{ _('Home') }}") == "Accueil"
        with force_locale("nl"):
            assert render_template_string("{{ _('Home') }}") == "Start"
        assert render_template_string("{{ _('Home') }}") == "Accueil"


# --- Formatting -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "long_date", "number"),
    [
        ("fr", "3 mars 2026", "12\u202f345"),
        ("nl", "3 maart 2026", "12.345"),
        ("en", "3 March 2026", "12,345"),  # en_GB: Europeans read day first
    ],
)
def test_dates_and_numbers_follow_the_locale(app, lang, long_date, number):
    with app.test_request_context(f"/{lang}/"), force_locale(lang):
        assert render_template_string("{{ d|date }}", d=date(2026, 3, 3)) == long_date
        assert render_template_string("{{ n|number }}", n=12345) == number
        # Stored naive UTC, shown in Brussels time: 23:30 UTC is the next day.
        shown = render_template_string("{{ d|date }}", d=datetime(2026, 3, 2, 23, 30))
        assert shown == long_date
        assert render_template_string("{{ none|date }}", none=None) == ""


@pytest.mark.parametrize(
    ("lang", "share", "amount"),
    [
        ("fr", "45,6\u00a0%", "1\u202f500\u202f000\u00a0€"),
        ("nl", "45,6%", "€\u00a01.500.000"),
        ("en", "45.6%", "€1,500,000"),
    ],
)
def test_percentages_and_euros_follow_the_locale(app, lang, share, amount):
    """French puts its no-break space before "%" and "€" (GLOSSARY.md); the
    amount comes after the number in French, before it in Dutch and English."""
    with app.test_request_context(f"/{lang}/"), force_locale(lang):
        assert render_template_string("{{ percent(v) }}", v=0.456) == share
        assert render_template_string("{{ euro(v) }}", v=1_500_000) == amount


def test_datetime_is_shown_in_brussels_time(app):
    with app.test_request_context("/fr/"), force_locale("fr"):
        shown = render_template_string("{{ d|datetime('short') }}", d=datetime(2026, 7, 1, 10, 0))
    assert shown.endswith("12:00")  # CEST = UTC+2
