"""Query plans (issue 9): no page query reads all of ideas, supports or comments.

A few thousand ideas, supports and comments are bulk loaded with the bench
generator (bench/generate.py) and the planners' statistics refreshed
(ANALYZE), so that SQLite and PostgreSQL plan as they do at 100,000 ideas.
Then every SQL statement the list, home and idea pages run is captured from a
real request and EXPLAINed on the same database: no plan may scan the ideas,
supports or comments table from end to end.
"""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import event, text
from sqlalchemy.engine import make_url

from bench import generate
from participation.extensions import db

PAGES = [
    "/en/ideas/",
    "/en/ideas/?sort=supported",
    "/en/ideas/?sort=trending",
    "/en/ideas/?sort=discussed",
    "/en/ideas/?page=50",
    "/en/ideas/?sort=supported&page=50",
    "/en/ideas/challenge/safe",
    "/en/ideas/challenge/open?sort=trending&page=3",
    "/en/ideas/?challenge=safe&municipality=ixelles&sort=supported",
    "/en/ideas/?municipality=region",
    "/en/ideas/?status=accepted",
    "/en/",
    "/en/ideas/1",
    "/en/ideas/1?comments=2",
    "/en/ideas/feed.atom",
    # Search and similar ideas, through translations too (0013_translations).
    "/en/ideas/?q=bike",
    "/en/ideas/?q=compost+noise",
    "/en/ideas/similar?q=Secure+bike+parking+near+the+train+station",
    "/fr/ideas/similar?q=Plus+de+bancs+publics+et+de+toilettes+dans+les+parcs",
]
WATCHED = ("ideas", "supports", "comments", "idea_translations")


def _load(database_url: str) -> None:
    users, ideas, supports, comments, _bench = generate.make_rows(5_000, 30_000, 5_000, seed=3)
    if database_url.startswith("sqlite"):
        generate.load_sqlite(make_url(database_url).database, users, ideas, supports, comments)
    else:
        generate.load_postgres(database_url, users, ideas, supports, comments)
    _translate(database_url)


def _translate(database_url: str) -> None:
    """Translations into Dutch and French of the ideas written in other languages
    (the search and similar ideas read them too), in words of their own and as
    long as a real description (a planner rightly reads a small table from end
    to end), then fresh statistics."""
    from sqlalchemy import create_engine

    from participation.vocabulary import TranslationStatus

    engine = create_engine(database_url)
    with engine.begin() as conn:
        for language, word in (("nl", "Vertaling"), ("fr", "Traduction")):
            conn.execute(
                text(
                    "INSERT INTO idea_translations (idea_id, language, title, body_source,"
                    " body_html, translator_id, by_author, status, created_at, updated_at)"
                    f" SELECT id, '{language}', :word || ' ' || id, :body || id, :body,"
                    " author_id, :yes, :status, created_at, created_at FROM ideas"
                    f" WHERE language <> '{language}'"
                ),
                {
                    "word": word,
                    "yes": True,
                    "status": str(TranslationStatus.PUBLISHED),
                    "body": f"{word}: tekst, texte, quartier, buurt, stad, ville. " * 30,
                },
            )
        conn.execute(text("ANALYZE"))
    engine.dispose()


def _capture(app, client, path: str) -> list[tuple[str, object]]:
    statements: list[tuple[str, object]] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append((statement, parameters))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", before)
    try:
        response = client.get(path)
    finally:
        event.remove(engine, "before_cursor_execute", before)
    assert response.status_code == 200, (path, response.status_code)
    return statements


def _full_scans(connection, statement: str, parameters) -> list[str]:
    """The full scans of growing tables in `statement`'s plan, on either database."""
    if connection.dialect.name == "postgresql":
        return _postgres_full_scans(connection, statement, parameters)
    return _sqlite_full_scans(connection, statement, parameters)


def _sqlite_full_scans(connection, statement: str, parameters) -> list[str]:
    rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters).all()
    scans = []
    for row in rows:
        detail = row[-1]
        match = re.match(r"SCAN (\w+)", detail)
        if (
            match
            and match.group(1).rstrip("_0123456789") in WATCHED
            and "INDEX" not in detail
            and "VIRTUAL TABLE" not in detail
        ):
            scans.append(detail)
    return scans


def _postgres_full_scans(connection, statement: str, parameters) -> list[str]:
    plan = connection.exec_driver_sql(f"EXPLAIN (FORMAT JSON) {statement}", parameters).scalar()
    if isinstance(plan, str):
        plan = json.loads(plan)
    scans = []

    def walk(node):
        if node.get("Node Type") == "Seq Scan" and node.get("Relation Name") in WATCHED:
            scans.append(f"Seq Scan on {node['Relation Name']}")
        for child in node.get("Plans", []):
            walk(child)

    walk(plan[0]["Plan"])
    return scans


def test_pages_never_scan_a_growing_table(app, client, make_client, make_user, login, database_url):
    """Every page of PAGES, for a visitor and for a signed-in resident (whose
    pages read their own supports: the list's cards, the idea with its support
    in one query)."""
    _load(database_url)
    resident = make_client()
    login(resident, make_user())
    failures = []
    for who, visitor in (("visitor", client), ("resident", resident)):
        for path in PAGES:
            statements = _capture(app, visitor, path)
            assert statements, path
            with app.app_context():
                connection = db.session.connection()
                for statement, parameters in statements:
                    for scan in _full_scans(connection, statement, parameters):
                        failures.append(f"{who} {path}: {scan}\n    {statement[:300]}")
                db.session.rollback()
    assert not failures, "\n".join(failures)


def test_the_loaded_counters_match_the_rows(app, database_url):
    """The bulk loader (and the triggers on SQLite) leave every stored counter right."""
    _load(database_url)
    generate.check(database_url)
    with app.app_context():
        totals = db.session.execute(
            text("SELECT sum(idea_count), sum(support_count) FROM challenges")
        ).one()
    assert totals[0] > 4000 and totals[1] > 20000


@pytest.mark.parametrize("kind", ["support", "withdraw", "hide", "move"])
def test_challenge_totals_and_trending_follow_every_change(app, make_idea, make_user, kind):
    """The stored totals are kept by the database in the same transaction as the
    change, whatever writes it."""
    from datetime import timedelta

    from participation.models import Challenge, Idea, Support
    from participation.models.base import utcnow
    from participation.services.supports import support_idea, withdraw_support

    idea = make_idea(challenge="open")
    citizen = make_user()

    def totals():
        db.session.expire_all()
        return {
            c.slug: (c.idea_count, c.support_count)
            for c in db.session.scalars(db.select(Challenge))
        }

    with app.app_context():
        row = db.session.get(Idea, idea.id)
        assert totals()["open"] == (1, 0)
        support_idea(citizen, row)
        db.session.commit()
        assert totals()["open"] == (1, 1)
        score = db.session.get(Idea, idea.id).trending_score
        assert score > 0
        row = db.session.get(Idea, idea.id)
        if kind == "withdraw":
            withdraw_support(citizen, row)
            db.session.commit()
            assert totals()["open"] == (1, 0)
            assert abs(db.session.get(Idea, idea.id).trending_score) < score * 1e-9
        elif kind == "hide":
            row.status = "hidden"
            db.session.commit()
            assert totals()["open"] == (0, 0)
        elif kind == "move":
            row.challenge_id = db.session.scalar(
                db.select(Challenge.id).where(Challenge.slug == "safe")
            )
            db.session.commit()
            assert totals()["open"] == (0, 0) and totals()["safe"] == (1, 1)
        else:
            # An older support weighs less: a week older, half as much.
            other = make_user()
            db.session.add(
                Support(idea_id=idea.id, user_id=other.id, created_at=utcnow() - timedelta(days=7))
            )
            db.session.commit()
            row = db.session.get(Idea, idea.id)
            added = row.trending_score - score
            assert added == pytest.approx(score / 2, rel=1e-3)
            # The count, and the challenge's total, follow the row too.
            assert row.support_count == 2
            assert totals()["open"] == (1, 2)
            db.session.delete(
                db.session.scalars(db.select(Support).filter_by(user_id=other.id)).one()
            )
            db.session.commit()
            row = db.session.get(Idea, idea.id)
            assert (row.support_count, totals()["open"]) == (1, (1, 1))
            assert row.trending_score == pytest.approx(score, rel=1e-9)


API_LISTS = [
    "/api/v1/ideas?limit=100",
    "/api/v1/ideas?sort=supported&limit=100",
    "/api/v1/ideas?sort=trending&limit=100",
    "/api/v1/ideas?sort=discussed&limit=100",
    "/api/v1/ideas?challenge=safe&municipality=ixelles&sort=supported&limit=100",
]


def test_api_cursor_pages_seek_without_offset_or_scan(app, client, database_url):
    """The API's deep pages (issue 13): a page five cursors deep starts at the
    cursor's key in the sort's index, never skips rows with OFFSET, and scans
    no growing table."""
    _load(database_url)
    failures = []
    for path in API_LISTS:
        url = path
        for _ in range(5):
            page = client.get(url).get_json()
            url = page["links"]["next"] or url
        statements = _capture(app, client, url)
        with app.app_context():
            connection = db.session.connection()
            for statement, parameters in statements:
                if re.search(r"OFFSET (%\(|\?)", statement) and (
                    connection.dialect.name == "postgresql" or parameters[-1] != 0
                ):
                    failures.append(f"{url}: OFFSET\n    {statement[:300]}")
                for scan in _full_scans(connection, statement, parameters):
                    failures.append(f"{url}: {scan}\n    {statement[:300]}")
            db.session.rollback()
    assert not failures, "\n".join(failures)


@pytest.mark.postgres_only
def test_postgresql_reads_a_common_word_newest_first_and_a_rare_one_from_gin(app, database_url):
    """Search words reach PostgreSQL's planner as lexemes (0017_search_lexemes),
    which it estimates from its statistics: a word in most ideas is read by
    walking the primary key newest first until the page's matches are found,
    never sorted in full; a rare one (an idea's own number) from the GIN index."""
    from participation.models import Idea
    from participation.services import search
    from participation.vocabulary import IdeaStatus

    _load(database_url)
    plans = {}
    with app.app_context():
        for word in ("park", "1234"):
            statements = []

            def capture(conn, cursor, statement, parameters, context, executemany):
                statements.append((statement, parameters))  # noqa: B023

            event.listen(db.engine, "before_cursor_execute", capture)
            try:
                listed = [Idea.status == IdeaStatus.PUBLISHED]
                search.recent_matches([word], listed, [], 1000)
            finally:
                event.remove(db.engine, "before_cursor_execute", capture)
            statement, parameters = statements[-1]
            connection = db.session.connection()
            rows = connection.exec_driver_sql(f"EXPLAIN {statement}", parameters)
            plans[word] = "\n".join(row[0] for row in rows)
            db.session.rollback()
    own = plans["park"].split("Subquery Scan on through")[0]
    assert "Index Scan Backward using pk_ideas on ideas" in own, plans["park"]
    assert "ix_ideas_search_vector" in plans["1234"], plans["1234"]
