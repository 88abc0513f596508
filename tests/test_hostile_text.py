"""Hostile stored text (issue 8): characters XML 1.0 forbids never reach a
feed (cleaned on write, and filtered on output for older rows), and a CSV cell
never hides a formula behind spaces or invisible characters."""

from __future__ import annotations

import csv
import io
import re
from xml.etree import ElementTree

import pytest
from sqlalchemy import select, text

from participation.extensions import db
from participation.models import Challenge, Comment, Idea, User
from participation.sanitize import clean_text, spreadsheet_safe
from participation.services.officials import neutralize

# Every C0 control but tab/LF/CR, DEL, a C1 control, and the two non-characters.
FORBIDDEN = "".join(chr(c) for c in (*range(1, 9), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F, 0x85))
FORBIDDEN += "\ufffe\uffff"
HOSTILE = f"Bike{FORBIDDEN} lanes <b>&amp;</b> ]]> \u202eevil\u200b"


def _has_forbidden(value: str) -> bool:
    return any(ch in value for ch in FORBIDDEN)


def test_clean_text_keeps_what_xml_allows():
    assert clean_text(HOSTILE) == "Bike lanes <b>&amp;</b> ]]> \u202eevil\u200b"
    assert clean_text("tab\there\nline\r\n") == "tab\there\nline\r\n"
    assert clean_text("Vélo à Ixelles – 12 €") == "Vélo à Ixelles – 12 €"
    assert clean_text(None) is None and clean_text(3) == 3


def _all_feeds(app) -> list[str]:
    with app.app_context():
        slugs = db.session.scalars(select(Challenge.slug)).all()
    urls = []
    for lang in ("fr", "nl", "en"):
        urls.append(f"/{lang}/ideas/feed.atom")
        urls += [f"/{lang}/ideas/challenge/{slug}/feed.atom" for slug in slugs]
    return urls


def _parse_every_feed(app, client) -> str:
    everything = ""
    for url in _all_feeds(app):
        response = client.get(url)
        assert response.status_code == 200, url
        ElementTree.fromstring(response.data)  # raises on ill-formed XML
        everything += response.get_data(as_text=True)
    return everything


def test_hostile_text_written_through_the_site_keeps_every_feed_well_formed(
    app, client, make_user, login, make_idea
):
    app.config["IDEAS_PREMODERATION"] = False
    author = make_user(display_name=f"Name{FORBIDDEN}\u200b")
    login(client, author)
    with app.app_context():
        challenges = db.session.execute(select(Challenge.id, Challenge.slug)).all()
    for challenge_id, challenge in challenges:
        response = client.submit(
            "/en/ideas/new",
            {
                "title": f"{challenge} {HOSTILE}",
                "body": f"{HOSTILE}\n\nA longer description of the idea, {FORBIDDEN} twice.",
                "challenge": str(challenge_id),
                "language": "en",
                "municipality": "",
            },
        )
        assert response.status_code == 302, (
            response.status_code,
            re.findall(r"(?s)<p class=\"field-error.{0,300}", response.get_data(as_text=True)),
        )
    with app.app_context():
        idea_id = db.session.scalar(select(Idea.id).order_by(Idea.id.desc()))
    response = client.submit(f"/en/ideas/{idea_id}/comments", {"body": f"Comment {HOSTILE}"})
    assert response.status_code == 302
    with app.app_context():
        stored = [
            *db.session.scalars(select(Idea.title)),
            *db.session.scalars(select(Idea.body_source)),
            *db.session.scalars(select(Idea.body_html)),
            *db.session.scalars(select(Comment.body_source)),
            *db.session.scalars(select(Comment.body_html)),
            *db.session.scalars(select(User.display_name).where(User.id == author.id)),
        ]
    assert stored and not [value for value in stored if _has_forbidden(value)]
    body = _parse_every_feed(app, client)
    assert "lanes" in body and not _has_forbidden(body)


def test_every_write_path_is_cleaned_on_flush(app, make_user, make_idea):
    """Factories, the CLI and scripts write through the ORM too: the flush cleans."""
    user = make_user(display_name=f"Factory{FORBIDDEN} user")
    idea = make_idea(title=f"Factory {HOSTILE}", body=f"Body {HOSTILE}", author=user)
    with app.app_context():
        assert db.session.get(User, user.id).display_name == "Factory user"
        stored = db.session.get(Idea, idea.id)
        assert not _has_forbidden(stored.title + stored.body_source + stored.body_html)


def test_rows_stored_before_the_cleaning_still_give_well_formed_feeds(app, client, make_idea):
    idea = make_idea(status="published", title="Old title")
    with app.app_context():
        # Bypass the ORM, as a row written by an older version would be.
        db.session.execute(
            text("UPDATE ideas SET title = :t, body_html = :b WHERE id = :i"),
            {"t": f"Old{FORBIDDEN} title", "b": f"<p>Old{FORBIDDEN} body</p>", "i": idea.id},
        )
        db.session.commit()
    body = _parse_every_feed(app, client)
    assert "Old title" in body and not _has_forbidden(body)


# --- CSV: formulas behind invisible characters ---------------------------------------

INVISIBLE_PREFIXES = {
    "byte-order mark": "\ufeff",
    "zero-width space": "\u200b",
    "zero-width joiner": "\u200d",
    "word joiner": "\u2060",
    "left-to-right mark": "\u200e",
    "right-to-left override": "\u202e",
    "tab": "\t",
    "carriage return": "\r",
    "line feed": "\n",
    "spaces": "   ",
    "no-break space": "\u00a0",
    "mixed": " \ufeff\u200b\t ",
}


@pytest.mark.parametrize("sign", ["=", "+", "-", "@"])
@pytest.mark.parametrize("prefix", INVISIBLE_PREFIXES.values(), ids=INVISIBLE_PREFIXES.keys())
def test_formula_behind_invisible_characters_is_neutralized(prefix, sign):
    value = f'{prefix}{sign}HYPERLINK("http://evil.example","x")'
    assert spreadsheet_safe(value) == "'" + value
    assert neutralize(value) == "'" + value


def test_plain_text_and_numbers_are_left_alone():
    for value in ("Plain title", "\u200bPlain", " 12 bikes", "Ixelles – Etterbeek", ""):
        assert spreadsheet_safe(value) == value
    assert spreadsheet_safe(-3) == -3


@pytest.mark.parametrize("prefix", INVISIBLE_PREFIXES.values(), ids=INVISIBLE_PREFIXES.keys())
def test_csv_export_neutralizes_hidden_formulas(client, make_user, make_idea, login, prefix):
    evil = f'{prefix}=HYPERLINK("http://evil.example","x")'
    make_idea(title=evil)
    login(client, make_user(role="official"))
    response = client.get("/en/officials/export.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"), newline="")))
    titles = [row[0] for row in rows[1:]]
    assert titles and all(title.startswith("'") for title in titles), titles
