"""Full-text search: FTS5 on SQLite, tsvector + GIN on PostgreSQL; hostile input;
similar ideas for the proposal form; the search migration."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import delete, event, text, update

from participation.extensions import db
from participation.models import Idea
from participation.services import search

TITLE_RE = re.compile(r'class="idea-card-title"[^>]*><a href="[^"]+"[^>]*>([^<]*)</a>')


def titles(response) -> list[str]:
    return TITLE_RE.findall(response.get_data(as_text=True))


@pytest.fixture
def corpus(make_idea):
    return {
        "wavre": make_idea(
            title="Une piste cyclable séparée sur la chaussée de Wavre",
            body="Les voitures garées sur la bande cyclable mettent les vélos en danger.",
            language="fr",
            challenge="sustainable",
        ),
        "stib": make_idea(
            title="Open data on STIB delays",
            body="Publish real-time delays of trams and buses, with a monthly history per line.",
            language="en",
        ),
        "school": make_idea(
            title="Veilige oversteekplaatsen bij scholen in Schaarbeek",
            body="Kinderen steken over tussen geparkeerde auto's. Verhoogde zebrapaden graag.",
            language="nl",
            challenge="safe",
        ),
        "body_only": make_idea(
            title="Greener quays along the Canal",
            body="Trees, benches and a continuous walk to Tour & Taxis. Also a cycle lane.",
            language="en",
        ),
        "pending": make_idea(
            title="Pending cycle lane idea",
            body="A cycle lane that nobody has reviewed yet.",
            status="pending",
        ),
    }


@pytest.mark.parametrize(
    "query, expected",
    [
        ("Wavre", ["Une piste cyclable séparée sur la chaussée de Wavre"]),
        # Accents are folded both ways, and words match as prefixes.
        ("velo", ["Une piste cyclable séparée sur la chaussée de Wavre"]),
        ("SÉPARÉE", ["Une piste cyclable séparée sur la chaussée de Wavre"]),
        ("chaussee", ["Une piste cyclable séparée sur la chaussée de Wavre"]),
        ("STIB delays", ["Open data on STIB delays"]),
        ("monthly history", ["Open data on STIB delays"]),
        ("zebrapaden", ["Veilige oversteekplaatsen bij scholen in Schaarbeek"]),
        ("Schaarbeek kinderen", ["Veilige oversteekplaatsen bij scholen in Schaarbeek"]),
        ("tour taxis", ["Greener quays along the Canal"]),
        ("nothing-like-this", []),
    ],
)
def test_search_finds_words_of_titles_and_descriptions(client, corpus, query, expected):
    response = client.get("/en/ideas/", query_string={"q": query})
    assert response.status_code == 200
    assert titles(response) == expected


def test_search_ranks_title_matches_first_and_skips_non_public(client, corpus):
    response = client.get("/en/ideas/", query_string={"q": "cycl"})
    found = titles(response)
    assert found == [
        "Une piste cyclable séparée sur la chaussée de Wavre",
        "Greener quays along the Canal",
    ]
    assert "Pending cycle lane idea" not in response.get_data(as_text=True)
    # Relevance is the default order when searching; the other orders still apply.
    html = response.get_data(as_text=True)
    assert '<option value="relevance" selected>' in html
    by_date = titles(client.get("/en/ideas/", query_string={"q": "cycl", "sort": "newest"}))
    assert by_date == list(reversed(found))


def test_search_combines_with_filters(client, corpus):
    response = client.get("/en/ideas/", query_string={"q": "cycl", "challenge": "sustainable"})
    assert titles(response) == ["Une piste cyclable séparée sur la chaussée de Wavre"]


HOSTILE = [
    '"',
    '""',
    '"cycl',
    "*",
    "cycl*",
    "OR",
    "cycl OR wavre",
    "NEAR",
    "NEAR(cycl wavre)",
    "'",
    "l'eau d'Ixelles",
    "\\",
    "\\'; DROP TABLE ideas; --",
    "%",
    "100%",
    "_",
    "AND NOT",
    "-cycl",
    "^wavre",
    "title:wavre",
    "{title}: wavre",
    "(((",
    "&|!:*",
    "<script>alert(1)</script>",
    # A NUL character is refused with a clear 400 before any search
    # (tests/test_big_numbers.py).
    "x" * 2000,
    "cycl " * 400,
    "é" * 2000,
]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_search_strings_never_fail(client, corpus, count_queries, query):
    with count_queries() as counter:
        response = client.get("/en/ideas/", query_string={"q": query})
    assert response.status_code == 200
    # Reference lists, then with words: their expansions, the matches, the
    # page's rows; without any: a bounded count and the page.
    assert counter.count == (5 if search.search_terms(query) else 4)
    html = response.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    # The same strings are safe for the similar-ideas search too.
    with client.application.app_context():
        search.similar_ideas(query)


def test_hostile_strings_are_plain_words(client, corpus):
    # Operators are just words: "OR" does not widen the search.
    assert titles(client.get("/en/ideas/", query_string={"q": "wavre OR stib"})) == []
    assert titles(client.get("/en/ideas/", query_string={"q": '"wavre"'})) == [
        "Une piste cyclable séparée sur la chaussée de Wavre"
    ]


def test_search_terms_are_cleaned_and_capped():
    assert search.search_terms('  Vélo "OR" NEAR l\'eau * % \\ ') == ["velo", "or", "near", "eau"]
    assert search.search_terms("Zone 30") == ["zone", "30"]
    assert len(search.search_terms(" ".join(f"word{n}" for n in range(100)))) == search.MAX_TERMS
    assert search.fts5_query(["velo", "or"]) == '"velo"* AND "or"*'
    assert search.tsquery(["velo", "or"]) == "'velo':* & 'or':*"


def test_index_follows_edits_and_deletions(client, corpus, app):
    idea = corpus["stib"]
    with app.app_context():
        db.session.execute(
            update(Idea).where(Idea.id == idea.id).values(title="Punctual trams for Flagey")
        )
        db.session.commit()
    assert titles(client.get("/en/ideas/?q=flagey")) == ["Punctual trams for Flagey"]
    # The description is still indexed, the old title is not.
    assert titles(client.get("/en/ideas/?q=monthly")) == ["Punctual trams for Flagey"]
    assert titles(client.get("/en/ideas/?q=STIB")) == []
    # Counter updates do not disturb the index.
    with app.app_context():
        db.session.execute(update(Idea).where(Idea.id == idea.id).values(support_count=5))
        db.session.execute(delete(Idea).where(Idea.id == corpus["wavre"].id))
        db.session.commit()
    assert titles(client.get("/en/ideas/?q=flagey")) == ["Punctual trams for Flagey"]
    assert titles(client.get("/en/ideas/?q=wavre")) == []


# --- similar_ideas (used by the proposal form) --------------------------------


def test_similar_ideas_ranks_published_ideas(app, corpus, make_idea):
    withdrawn = make_idea(title="Withdrawn cycle lane on Wavre", status="withdrawn")
    with app.app_context():
        found = search.similar_ideas("Je voudrais une piste cyclable chaussée de Wavre")
        assert [i.id for i in found][:1] == [corpus["wavre"].id]
        ids = {i.id for i in found}
        assert corpus["pending"].id not in ids
        assert withdrawn.id not in ids
        assert all(isinstance(i, Idea) and i.status == "published" for i in found)
        assert search.similar_ideas("cyclable Wavre", exclude_id=corpus["wavre"].id) == []
        assert len(search.similar_ideas("trams buses delays cycle lane Canal quays", limit=1)) == 1
        assert search.similar_ideas("") == []
        assert search.similar_ideas("a b c") == []


def test_similar_ideas_in_one_query(app, corpus, count_queries):
    with count_queries() as counter, app.app_context():
        search.similar_ideas("Open data STIB delays and cycle lanes near Wavre")
    assert counter.count == 1  # the documents found and their ideas, in one statement


# --- The database engines ------------------------------------------------------------


@pytest.mark.postgres_only
def test_postgresql_search_writes_the_lexemes_into_the_statement(app, corpus):
    """A prefix is written as the lexemes it stands for (0017_search_lexemes), as
    literals the planner reads with its statistics (tests/test_plans.py checks
    the plans it then chooses for a common and a rare word)."""
    from participation.vocabulary import IdeaStatus

    with app.app_context():
        statements = []

        def capture(conn, cursor, statement, parameters, context, executemany):
            statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", capture)
        try:
            published = [Idea.status == IdeaStatus.PUBLISHED]
            rows, more = search.recent_matches(["cyclab"], published, [], 10)
        finally:
            event.remove(db.engine, "before_cursor_execute", capture)
        db.session.rollback()
    assert [row.idea_id for row in rows] == [corpus["wavre"].id] and not more
    assert "to_tsquery('simple', '(''cyclable'')')" in statements[-1]


def test_a_prefix_stands_for_its_words_in_either_index(app, corpus):
    """Each search word is expanded into the indexed words it starts (ideas and
    translations), in one statement; a word with no match stays a prefix."""
    with app.app_context():
        words = search.expansions(["wav", "cyclab", "nothingatall"])
    assert words[0] == ["wavre"] and words[1] == ["cyclable"] and words[2] is None


def test_sqlite_fts_table_uses_unicode61_without_diacritics(app, database_url):
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite only")
    with app.app_context():
        sql = db.session.scalar(text("SELECT sql FROM sqlite_master WHERE name = 'ideas_fts'"))
        triggers = set(
            db.session.scalars(
                text("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'ideas'")
            )
        )
    assert "fts5" in sql and "remove_diacritics 2" in sql
    assert {
        "ideas_fts_after_insert",
        "ideas_fts_after_update",
        "ideas_fts_after_delete",
    } <= triggers


def test_search_migration_downgrades_and_upgrades_cleanly(tmp_path):
    """Upgrade an empty database, check autogenerate sees no change, go back
    below the search revision and up again."""
    from flask_migrate import check, downgrade, upgrade

    from participation import create_app

    path = tmp_path / "migrations.sqlite3"
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    with app.app_context():
        upgrade()
        check()
        downgrade(revision="0002_ideas")
        names = set(db.session.scalars(text("SELECT name FROM sqlite_master")))
        assert not any(n.startswith("ideas_fts") for n in names)
        db.session.remove()
        upgrade()
        check()
        db.session.execute(
            text(
                "INSERT INTO users (email, display_name, language, role, created_at, session_token)"
                " VALUES ('a@b.be', 'A', 'en', 'citizen', '2026-01-01', 'x')"
            )
        )
        db.session.execute(
            text(
                "INSERT INTO ideas (author_id, challenge_id, title, body_source, body_html,"
                " language, status, support_count, comment_count, created_at, updated_at)"
                " VALUES (1, 1, 'Flagey fountain', 'Water', '<p>Water</p>', 'en', 'published',"
                " 0, 0, '2026-01-01', '2026-01-01')"
            )
        )
        db.session.commit()
        assert [i.title for i in search.similar_ideas("fountain at Flagey")] == ["Flagey fountain"]
        db.session.remove()
        db.engine.dispose()


@pytest.mark.parametrize(
    ("lang", "heading", "note"),
    [
        ("en", "More than 6 ideas", "drawn from the 6 most recent ideas that match"),
        ("fr", "Plus de 6 idées", "tirés des 6 idées les plus récentes qui correspondent"),
        ("nl", "Meer dan 6 ideeën", "uit de 6 recentste ideeën die erbij passen"),
    ],
)
def test_a_search_reads_the_most_recent_matches_and_says_so(
    app, client, make_idea, monkeypatch, lang, heading, note
):
    """A search reads at most SEARCH_MAX_PAGES pages of the most recent matches,
    ranks those, and says in the visitor's language that more ideas match."""
    from participation.services import browse

    app.config.update(IDEAS_PER_PAGE=2)
    monkeypatch.setattr(browse, "SEARCH_MAX_PAGES", 3)  # 6 ideas read at most
    ideas = [
        make_idea(title=f"Tram {'tram ' * (n % 3)}stop number {n}", body="A tram stop.")
        for n in range(9)
    ]
    make_idea(title="A bench", body="Nothing about transport.")
    html = client.get(f"/{lang}/ideas/?q=tram").get_data(as_text=True)
    shown = []
    for page in (1, 2, 3, 4):
        found = client.get(f"/{lang}/ideas/?q=tram&sort=newest&page={page}")
        shown += TITLE_RE.findall(found.get_data(as_text=True))
    assert heading in html.replace("\u00a0", " ").replace("\u202f", " ")
    assert note in html.replace("\u00a0", " ")
    # Page 4 is past the last page: the last page again. The six read are the
    # six most recent matches.
    recent = [idea.title for idea in sorted(ideas, key=lambda i: i.id, reverse=True)[:6]]
    assert shown[:6] == recent
