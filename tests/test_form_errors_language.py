"""A form sent back with errors speaks the page's language from top to bottom:
the error summary, its "field: error" lines and the errors under each field."""

from __future__ import annotations

import re
from html import unescape

import pytest

# Words from our own English messages and from WTForms' built-in ones.
ENGLISH = (
    "Please",
    "correct",
    "This field",
    "required",
    "Field must",
    "Not a valid",
    "Invalid",
    "must",
    "characters",
    "Error:",
    "expired",
)

SUMMARY_RE = re.compile(r'<div class="error-summary"[^>]*>(.*?)</div>', re.S)
FIELD_ERROR_RE = re.compile(r'<p class="field-error"[^>]*>(.*?)</p>', re.S)


def _text(fragment: str) -> str:
    # Not str.split(): it would turn the no-break spaces into plain ones.
    return re.sub(r"[ \t\r\n]+", " ", unescape(re.sub(r"<[^>]+>", " ", fragment))).strip()


def error_texts(html: str) -> tuple[str, list[str]]:
    summaries = SUMMARY_RE.findall(html)
    assert len(summaries) == 1, "expected one error summary"
    fields = [_text(f) for f in FIELD_ERROR_RE.findall(html)]
    assert fields, "expected errors under the fields"
    return _text(summaries[0]), fields


def assert_no_english(lang: str, summary: str, fields: list[str]) -> None:
    for text in (summary, *fields):
        found = [word for word in ENGLISH if word in text]
        assert not found, f"{lang}: English {found} in {text!r}"


HEADINGS = {"fr": "Veuillez corriger les points suivants\u00a0:", "nl": "Gelieve het volgende"}


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_registration_errors_are_fully_translated(client, lang):
    url = f"/{lang}/account/register"
    response = client.submit(
        url,
        {
            "email": "not-an-address",
            "display_name": "x",
            "password": "short",
            "confirm": "different",
            "language": "xx",  # not one of the choices: WTForms' own message
            "municipality": "",
        },
    )
    assert response.status_code == 400
    summary, fields = error_texts(response.get_data(as_text=True))
    assert HEADINGS[lang] in summary
    assert len(fields) >= 4
    assert_no_english(lang, summary, fields)
    if lang == "fr":
        # "Adresse e-mail : ..." keeps its no-break space before the colon.
        assert re.search(r"\w\u00a0: \w", summary), summary


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_idea_form_errors_are_fully_translated(client, make_user, login, lang):
    login(client, make_user(language=lang))
    url = f"/{lang}/ideas/new"
    response = client.submit(
        url,
        {"title": "Short", "body": "", "challenge": "", "municipality": "", "language": "xx"},
    )
    assert response.status_code == 400
    summary, fields = error_texts(response.get_data(as_text=True))
    assert HEADINGS[lang] in summary
    assert len(fields) >= 3
    assert_no_english(lang, summary, fields)
