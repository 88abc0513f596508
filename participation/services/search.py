"""Finding ideas by their words, with the database's own full-text engine.

SQLite: the FTS5 table `ideas_fts` (external content over ideas.title and
ideas.body_source, accents folded, kept in sync by triggers); ranked by bm25.
PostgreSQL: the stored generated column ideas.search_vector
(to_tsvector('simple', ...)) with the GIN index ix_ideas_search_vector; ranked
by ts_rank on the stored vector. Created by migrations 0003_search and 0006_scale.

User input never reaches the query syntax as such: it is cut into words
(letters and digits only), each word is quoted, and every word is matched as a
prefix ("vélo" also finds "vélos"). Quotes, stars, OR, NEAR, backslashes and
percent signs are therefore plain text, and long input is capped.

Both also search the published translations of ideas (idea_translations: a
`search_vector` on PostgreSQL, the FTS5 table `idea_translations_fts` on SQLite;
migration 0013_translations): an idea matches through its own words or any of
its translations, with its best score.

recent_matches() bounds the work whatever the data: each prefix is first
written as the indexed words it stands for (expansions(): FTS5's vocabulary
on SQLite, `search_lexemes` on PostgreSQL, migration 0017_search_lexemes),
then the indexes are read newest first and stop after a given number of
matches, which services/browse.py orders.

similar_ideas() is used by the proposal form to show existing ideas like the
one being written: ranked per language with stems and stop words (French,
Dutch, English), above a threshold; see participation/stemming.py.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnClause,
    Integer,
    Select,
    String,
    column,
    false,
    func,
    literal,
    literal_column,
    select,
    table,
    text,
    true,
    union_all,
)

from participation import stemming
from participation.extensions import db
from participation.models import Idea, IdeaTranslation
from participation.vocabulary import IdeaStatus, Language, TranslationStatus

# Longest search string we read; the rest is ignored.
MAX_QUERY_LENGTH = 200
MAX_TERMS = 12
# Longest text compared for similar ideas.
SIMILAR_TEXT_MAX = 5000
# The expression of the stored column ideas.search_vector (0003_search, 0006_scale):
# accents folded with translate() (immutable, no extension needed).
PG_ACCENTS = "àáâãäåçèéêëìíîïñòóôõöùúûüýÿÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÑÒÓÔÕÖÙÚÛÜÝ"
PG_PLAIN = "aaaaaaceeeeiiiinooooouuuuyyAAAAAACEEEEIIIINOOOOOUUUUY"
PG_DOCUMENT = (
    "to_tsvector('simple', translate(coalesce(title, '') || ' ' || coalesce(body_source, ''), "
    f"'{PG_ACCENTS}', '{PG_PLAIN}'))"
)

_WORD = re.compile(r"\w+", re.UNICODE)


def fold(text_: str) -> str:
    """Lowercase, without accents: "Vélo" -> "velo"."""
    decomposed = unicodedata.normalize("NFKD", text_.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def search_terms(query: str | None, limit: int = MAX_TERMS) -> list[str]:
    """The distinct words of a search string, lowercased, without accents, in order.

    Single letters (the l of l'eau) are dropped; numbers are kept ("Zone 30").
    """
    words: list[str] = []
    for word in _WORD.findall(fold((query or "")[:MAX_QUERY_LENGTH])):
        word = word.strip("_")
        if not word or (len(word) < 2 and not word.isdigit()):
            continue
        if word not in words:
            words.append(word)
    return words[:limit]


def fts5_query(terms: list[str]) -> str:
    """An FTS5 MATCH expression where every term is a quoted prefix, all required."""
    return " AND ".join('"' + term.replace('"', "") + '"*' for term in terms)


def tsquery(terms: list[str]) -> str:
    """A to_tsquery('simple', ...) expression where every term is a quoted prefix,
    all required."""
    return " & ".join("'" + term.replace("'", "").replace("\\", "") + "':*" for term in terms)


# Most words a search word stands for (its longer forms: "velo" stands for
# "velo" and "velos"); past that, the prefix itself is searched.
MAX_EXPANSION = 200


def _after(term: str) -> str:
    """The smallest text after every text that starts with `term`."""
    last = ord(term[-1]) + 1
    if 0xD800 <= last <= 0xDFFF or last > 0x10FFFF:
        last = 0x10FFFF  # no word of the indexes sorts there
    return term[:-1] + chr(last)


def expansions(terms: list[str]) -> list[list[str] | None]:
    """For each term, the words of the search indexes that start with it (None:
    more than MAX_EXPANSION, or none), read in one statement from each
    database's own list: FTS5's vocabulary on SQLite (temp.<index>_vocab,
    created on each connection), `search_lexemes` on PostgreSQL
    (0017_search_lexemes)."""
    postgres = db.session.get_bind().dialect.name == "postgresql"
    sources = (
        [table("search_lexemes", column("lexeme"))]
        if postgres
        else [
            table("ideas_fts_vocab", column("term"), schema="temp"),
            table("idea_translations_fts_vocab", column("term"), schema="temp"),
        ]
    )
    parts = []
    for n, term in enumerate(terms):
        for source in sources:
            word = next(iter(source.c))
            parts.append(
                select(literal(n).label("n"), word.label("word"))
                .where(word >= term, word < _after(term))
                .limit(MAX_EXPANSION + 1)
                .subquery()
            )
    found: list[set[str]] = [set() for _ in terms]
    for n, word in db.session.execute(union_all(*(select(part) for part in parts))):
        found[n].add(word)
    return [sorted(words) if 0 < len(words) <= MAX_EXPANSION else None for words in found]


def _fts5_expanded(terms: list[str], words: list[list[str] | None]) -> str:
    """An FTS5 MATCH expression: each term as the OR of its words (FTS5 then
    reads their lists newest first and stops at the LIMIT, where a prefix
    query would first merge every list of every word it covers), or as a
    quoted prefix."""
    parts = []
    for term, forms in zip(terms, words, strict=True):
        if forms is None:
            parts.append(fts5_query([term]))
        else:
            parts.append("(" + " OR ".join('"' + w.replace('"', "") + '"' for w in forms) + ")")
    return " AND ".join(parts)


def _tsquery_expanded(terms: list[str], words: list[list[str] | None]) -> Any:
    """to_tsquery('simple', ...) with each term as the OR of its lexemes, or as a
    prefix, written into the statement itself: the planner estimates each
    lexeme from its statistics (a prefix gets a fixed guess) and chooses
    between the GIN index and the primary key read newest first."""
    parts = []
    for term, forms in zip(terms, words, strict=True):
        if forms is None:
            parts.append(tsquery([term]))
        else:
            quoted = ("'" + w.replace("\\", "\\\\").replace("'", "''") + "'" for w in forms)
            parts.append("(" + " | ".join(quoted) + ")")
    text_ = " & ".join(parts)
    return func.to_tsquery(
        literal_column("'simple'"), literal_column("'" + text_.replace("'", "''") + "'")
    )


def recent_matches(
    terms: list[str], conditions: list, columns: list, limit: int
) -> tuple[list[Any], bool]:
    """The most recent ideas matching `terms` (all of them) in their own words or a
    published translation, among those `conditions` (on Idea) select: at most
    `limit` rows of (idea_id, score, own, *columns), newest match first, each
    idea once with its best score (lower is better); and whether more ideas
    match.

    The work is bounded whatever the data: each index is read newest first and
    stops after `limit` + 1 matches (SQLite walks the FTS5 lists in rowid
    order; PostgreSQL walks the primary key backwards for a common word, or
    reads a rare one from its GIN index), so a word found in every idea costs
    about what a rare one costs. Two statements: expansions(), then this.
    """
    own: Select
    through: Select
    words = expansions(terms)
    published = IdeaTranslation.status == TranslationStatus.PUBLISHED
    if db.session.get_bind().dialect.name == "postgresql":
        query = _tsquery_expanded(terms, words)
        document: ColumnClause[Any] = literal_column("ideas.search_vector")
        translated: ColumnClause[Any] = literal_column("idea_translations.search_vector")
        own = (
            select(Idea.id.label("idea_id"), (-func.ts_rank(document, query)).label("score"))
            .add_columns(true().label("own"), *columns)
            .where(document.op("@@")(query), *conditions)
            .order_by(Idea.id.desc())
        )
        through = (
            select(
                IdeaTranslation.idea_id.label("idea_id"),
                (-func.ts_rank(translated, query)).label("score"),
            )
            .add_columns(false().label("own"), *columns)
            .join(Idea, Idea.id == IdeaTranslation.idea_id)
            .where(translated.op("@@")(query), published, *conditions)
            .order_by(IdeaTranslation.id.desc())
        )
    else:
        expression = _fts5_expanded(terms, words)
        fts = table("ideas_fts", column("rowid"))
        own = (
            select(
                Idea.id.label("idea_id"),
                # Title words weigh more than description words.
                literal_column("bm25(ideas_fts, 4.0, 1.0)").label("score"),
            )
            .add_columns(true().label("own"), *columns)
            .select_from(fts)
            .join(Idea, Idea.id == fts.c.rowid)
            .where(literal_column("ideas_fts").op("MATCH")(expression), *conditions)
            .order_by(fts.c.rowid.desc())
        )
        tfts = table("idea_translations_fts", column("rowid"))
        through = (
            select(
                IdeaTranslation.idea_id.label("idea_id"),
                literal_column("bm25(idea_translations_fts, 4.0, 1.0)").label("score"),
            )
            .add_columns(false().label("own"), *columns)
            .select_from(tfts)
            .join(IdeaTranslation, IdeaTranslation.id == tfts.c.rowid)
            .join(Idea, Idea.id == IdeaTranslation.idea_id)
            .where(
                literal_column("idea_translations_fts").op("MATCH")(expression),
                published,
                *conditions,
            )
            .order_by(tfts.c.rowid.desc())
        )
    both = union_all(
        select(own.limit(limit + 1).subquery("own")),
        select(through.limit(limit + 1).subquery("through")),
    )
    rows = db.session.execute(both).all()
    best: dict[int, Any] = {}
    read = {True: 0, False: 0}
    for row in rows:
        read[bool(row.own)] += 1
        known = best.get(row.idea_id)
        if known is None or row.score < known.score:
            best[row.idea_id] = row
    newest = sorted(best.values(), key=lambda row: row.idea_id, reverse=True)
    # Either part read to its end (limit + 1 rows) means more ideas match
    # than were read.
    more = len(newest) > limit or max(read.values()) > limit
    return newest[:limit], more


# --- Similar ideas ---------------------------------------------------------------------

# Documents (an idea's own text, or one of its translations) read per query.
SIMILAR_CANDIDATES = 60
# A document is similar when it shares at least MIN_SHARED stems with the
# query and its similarity reaches SIMILAR_THRESHOLD (tests/test_similar_eval.py
# holds the precision and recall these give on a fixed evaluation set).
MIN_SHARED = 2
SIMILAR_THRESHOLD = 0.34
# Query stems read per language.
MAX_QUERY_STEMS = 40


@dataclass(frozen=True)
class Document:
    """One document found for a query: an idea's own text or one translation."""

    idea_id: int
    language: str
    shared: int  # query stems (read in the document's language) found in it
    in_title: int  # ... of those, found in its title
    query_size: int  # query stems read in the document's language
    size: int  # distinct stems of the document


def similarity(doc: Document) -> float:
    """The share of the shorter of query and document that they have in common,
    title stems counting twice; 0 below MIN_SHARED shared stems."""
    if doc.shared < MIN_SHARED or not doc.query_size:
        return 0.0
    return (doc.shared + doc.in_title) / (2 * min(doc.query_size, max(doc.size, 1)))


def query_stems(text_: str) -> dict[str, list[str]]:
    """The text's stems read in each language, stop words left out."""
    return {str(lang): stemming.stems(text_, lang)[:MAX_QUERY_STEMS] for lang in Language}


def _pg_documents(text_: str, exclude_id: int | None) -> list[tuple[Idea, Document]]:
    """PostgreSQL: the query's stems come from the `french`, `dutch` and `english`
    configurations themselves, as the stored vectors do, less EXTRA_STOP_WORDS.
    One statement: each language's lexemes, one OR query over all of them (the
    GIN indexes), the best documents, and what each shares with the query."""
    params: dict[str, Any] = {
        "text": text_,
        "exclude": exclude_id or 0,
        "limit": SIMILAR_CANDIDATES,
        "idea_published": str(IdeaStatus.PUBLISHED),
        "translation_published": str(TranslationStatus.PUBLISHED),
    }
    values = []
    for lang, config in stemming.CONFIGS.items():
        params[f"extra_{lang}"] = stemming.EXTRA_STOP_WORDS[lang]
        values.append(
            f"('{lang}', ts_delete(to_tsvector('{config}', :text),"
            f" tsvector_to_array(to_tsvector('{config}', :extra_{lang}))))"
        )
    sql = f"""
    WITH q(language, lexemes) AS (VALUES {", ".join(values)}),
    words AS (SELECT string_agg(l, ' ') AS w FROM q, unnest(tsvector_to_array(q.lexemes)) AS l),
    query AS (
        SELECT replace(replace(plainto_tsquery('simple', words.w)::text, ' & ', ' | '),
                       ' <-> ', ' | ')::tsquery AS tsq
        FROM words WHERE words.w IS NOT NULL
    ),
    docs AS (
        (SELECT i.id AS idea_id, i.language, i.similar_vector AS v
         FROM ideas i, query
         WHERE i.similar_vector @@ query.tsq AND i.status = :idea_published AND i.id <> :exclude
         ORDER BY ts_rank(i.similar_vector, query.tsq) DESC LIMIT :limit)
        UNION ALL
        (SELECT t.idea_id, t.language, t.similar_vector AS v
         FROM idea_translations t JOIN ideas i ON i.id = t.idea_id, query
         WHERE t.similar_vector @@ query.tsq AND t.status = :translation_published
           AND i.status = :idea_published AND i.id <> :exclude
         ORDER BY ts_rank(t.similar_vector, query.tsq) DESC LIMIT :limit)
    )
    SELECT docs.idea_id, docs.language,
        length(docs.v) - length(ts_delete(docs.v, tsvector_to_array(q.lexemes))) AS shared,
        length(ts_filter(docs.v, '{{a}}'))
          - length(ts_delete(ts_filter(docs.v, '{{a}}'), tsvector_to_array(q.lexemes)))
          AS in_title,
        length(q.lexemes) AS query_size, length(docs.v) AS size
    FROM docs JOIN q ON q.language = docs.language
    """
    docs = (
        text(sql)
        .bindparams(**params)
        .columns(
            column("idea_id", Integer),
            column("language", String),
            column("shared", Integer),
            column("in_title", Integer),
            column("query_size", Integer),
            column("size", Integer),
        )
        .subquery("docs")
    )
    rows = db.session.execute(
        select(
            Idea, docs.c.language, docs.c.shared, docs.c.in_title, docs.c.query_size, docs.c.size
        ).join(docs, docs.c.idea_id == Idea.id)
    ).all()
    return [(idea, Document(idea.id, *values)) for idea, *values in rows]


def _sqlite_documents(text_: str, exclude_id: int | None) -> list[tuple[Idea, Document]]:
    """SQLite: the FTS5 tables of the stems stem_text() stored (the same Snowball
    algorithms and stop words), read with an OR of the query's stems; the stems
    shared are counted here. One statement."""
    by_language = query_stems(text_)
    every = sorted({stem for stems in by_language.values() for stem in stems})
    expression = " OR ".join('"' + stem.replace('"', "") + '"' for stem in every)
    sql = """
    SELECT i.id AS idea_id, i.language, s.title, s.body FROM (
        SELECT rowid AS id, title, body FROM ideas_similar
        WHERE ideas_similar MATCH :match ORDER BY bm25(ideas_similar, 2.0, 1.0) LIMIT :limit
    ) AS s JOIN ideas i ON i.id = s.id
    WHERE i.status = :idea_published AND i.id <> :exclude
    UNION ALL
    SELECT t.idea_id, t.language, s.title, s.body FROM (
        SELECT rowid AS id, title, body FROM idea_translations_similar
        WHERE idea_translations_similar MATCH :match
        ORDER BY bm25(idea_translations_similar, 2.0, 1.0) LIMIT :limit
    ) AS s JOIN idea_translations t ON t.id = s.id JOIN ideas i ON i.id = t.idea_id
    WHERE t.status = :translation_published AND i.status = :idea_published AND i.id <> :exclude
    """
    docs = (
        text(sql)
        .bindparams(
            match=expression,
            limit=SIMILAR_CANDIDATES,
            idea_published=str(IdeaStatus.PUBLISHED),
            translation_published=str(TranslationStatus.PUBLISHED),
            exclude=exclude_id or 0,
        )
        .columns(
            column("idea_id", Integer),
            column("language", String),
            column("title", String),
            column("body", String),
        )
        .subquery("docs")
    )
    rows = db.session.execute(
        select(Idea, docs.c.language, docs.c.title, docs.c.body).join(
            docs, docs.c.idea_id == Idea.id
        )
    ).all()
    documents = []
    for idea, language, title_stems, body_stems in rows:
        query = {stemming.fold(s) for s in by_language.get(language, [])}
        title = set(stemming.fold(title_stems or "").split())
        words = title | set(stemming.fold(body_stems or "").split())
        documents.append(
            (
                idea,
                Document(
                    idea.id,
                    language,
                    len(query & words),
                    len(query & title),
                    len(query),
                    len(words),
                ),
            )
        )
    return documents


def similar_documents(text_: str, exclude_id: int | None = None) -> list[tuple[Idea, Document]]:
    """The documents found for `text_`, each with its idea: one statement."""
    text_ = (text_ or "")[:SIMILAR_TEXT_MAX]
    if not any(query_stems(text_).values()):
        return []
    if db.session.get_bind().dialect.name == "postgresql":
        return _pg_documents(text_, exclude_id)
    return _sqlite_documents(text_, exclude_id)


def similar_scores(text_: str, exclude_id: int | None = None) -> list[tuple[Idea, float]]:
    """Published ideas similar to `text_`, each with its best score at or above
    the threshold (found through their own text or a translation), best first."""
    best: dict[int, tuple[Idea, float]] = {}
    for idea, doc in similar_documents(text_, exclude_id):
        score = similarity(doc)
        if score >= SIMILAR_THRESHOLD and score > best.get(idea.id, (idea, 0.0))[1]:
            best[idea.id] = (idea, score)
    return sorted(best.values(), key=lambda pair: (-pair[1], -pair[0].support_count, -pair[0].id))


def similar_ideas(text: str, limit: int = 5, exclude_id: int | None = None) -> list[Idea]:
    """Published ideas like `text`, most similar first: one query, none when the
    text has no significant word."""
    return [idea for idea, _score in similar_scores(text, exclude_id)[:limit]]
