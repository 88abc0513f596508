"""Migration 0012 (issue 10): an existing response becomes the text of its
official's language (French otherwise); an existing comment gets its author's
language."""

from __future__ import annotations

from datetime import datetime

from flask_migrate import downgrade, upgrade
from sqlalchemy import Boolean, DateTime, Integer, MetaData, String, Text, insert, text

from participation import create_app
from participation.extensions import db


def _filler(column):
    if isinstance(column.type, Boolean):
        return False
    if isinstance(column.type, Integer):
        return 0
    if isinstance(column.type, DateTime):
        return datetime(2026, 10, 1)
    if isinstance(column.type, String | Text):
        return "x"
    return None


def _insert(conn, table, **values) -> int:
    """A row with `values`, and a plain value in every other required column."""
    row = {
        c.name: _filler(c)
        for c in table.columns
        if not c.nullable and c.server_default is None and not c.primary_key
    }
    row.update(values)
    return conn.execute(insert(table).values(**row)).inserted_primary_key[0]


def test_0012_moves_each_response_to_its_language_and_gives_comments_theirs(tmp_path):
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'm.db'}"})
    try:
        with app.app_context():
            upgrade(revision="0007_outbox")
            meta = MetaData()
            meta.reflect(db.engine)
            users, ideas = meta.tables["users"], meta.tables["ideas"]
            changes, comments = meta.tables["official_status_changes"], meta.tables["comments"]
            with db.engine.begin() as conn:
                people = {
                    lang: _insert(
                        conn, users, email=f"{lang}@example.be", role="official", language=lang
                    )
                    for lang in ("fr", "nl", "en")
                }
                challenge = conn.execute(text("SELECT min(id) FROM challenges")).scalar()
                idea = _insert(
                    conn,
                    ideas,
                    author_id=people["nl"],
                    challenge_id=challenge,
                    status="published",
                    language="nl",
                    title="Een idee",
                )
                for lang, words in (("fr", "Réponse"), ("nl", "Antwoord"), ("en", "Answer")):
                    _insert(
                        conn,
                        changes,
                        idea_id=idea,
                        official_id=people[lang],
                        status="under_review",
                        response=words,
                    )
                _insert(
                    conn,
                    changes,
                    idea_id=idea,
                    official_id=people["fr"],
                    status="accepted",
                    response="",
                )
                for lang in ("nl", "en"):
                    _insert(
                        conn,
                        comments,
                        idea_id=idea,
                        author_id=people[lang],
                        status="visible",
                        body_source=lang,
                        body_html=lang,
                    )
            upgrade()
            with db.engine.connect() as conn:
                moved = conn.execute(
                    text(
                        "SELECT response_fr, response_nl, response_en "
                        "FROM official_status_changes ORDER BY id"
                    )
                ).all()
                assert [tuple(r) for r in moved] == [
                    ("Réponse", "", ""),
                    ("", "Antwoord", ""),
                    ("", "", "Answer"),
                    ("", "", ""),
                ]
                languages = (
                    conn.execute(text("SELECT language FROM comments ORDER BY id")).scalars().all()
                )
                assert languages == ["nl", "en"]
            downgrade(revision="0007_outbox")
            with db.engine.connect() as conn:
                back = (
                    conn.execute(text("SELECT response FROM official_status_changes ORDER BY id"))
                    .scalars()
                    .all()
                )
            assert back == ["Réponse", "Antwoord", "Answer", ""]
            db.session.remove()
    finally:
        with app.app_context():
            db.engine.dispose()
