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

similar_ideas() is used by the proposal form to show existing ideas like the
one being written.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnClause, Select, Subquery, func, literal_column, select, table
from sqlalchemy.orm import Session, scoped_session

from participation.extensions import db
from participation.models import Idea
from participation.vocabulary import IdeaStatus

# Longest search string we read; the rest is ignored.
MAX_QUERY_LENGTH = 200
MAX_TERMS = 12
# The expression of the stored column ideas.search_vector (0003_search, 0006_scale):
# accents folded with translate() (immutable, no extension needed).
PG_ACCENTS = "àáâãäåçèéêëìíîïñòóôõöùúûüýÿÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÑÒÓÔÕÖÙÚÛÜÝ"
PG_PLAIN = "aaaaaaceeeeiiiinooooouuuuyyAAAAAACEEEEIIIINOOOOOUUUUY"
PG_DOCUMENT = (
    "to_tsvector('simple', translate(coalesce(title, '') || ' ' || coalesce(body_source, ''), "
    f"'{PG_ACCENTS}', '{PG_PLAIN}'))"
)

_WORD = re.compile(r"\w+", re.UNICODE)
_SIGNIFICANT = re.compile(r"\w{4,}", re.UNICODE)


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


def significant_words(text_: str, limit: int = 12) -> list[str]:
    seen: list[str] = []
    for word in _SIGNIFICANT.findall(fold(text_[:5000])):
        if word not in seen:
            seen.append(word)
    return sorted(seen, key=len, reverse=True)[:limit]


def fts5_query(terms: list[str], any_term: bool = False) -> str:
    """An FTS5 MATCH expression where every term is a quoted prefix."""
    quoted = ['"' + term.replace('"', "") + '"*' for term in terms]
    return (" OR " if any_term else " AND ").join(quoted)


def tsquery(terms: list[str], any_term: bool = False) -> str:
    """A to_tsquery('simple', ...) expression where every term is a quoted prefix."""
    quoted = ["'" + term.replace("'", "").replace("\\", "") + "':*" for term in terms]
    return (" | " if any_term else " & ").join(quoted)


@dataclass(frozen=True)
class Match:
    """A subquery of (idea_id, score) for the ideas matching some terms; a
    lower score is a better match."""

    subquery: Subquery

    @property
    def idea_id(self):
        return self.subquery.c.idea_id

    @property
    def score(self):
        return self.subquery.c.score


def match(
    terms: list[str], any_term: bool = False, session: Session | scoped_session | None = None
) -> Match:
    """Ideas matching `terms` (all of them, or any with any_term=True), as a
    subquery to join on Idea.id and order by its score."""
    session = session or db.session
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        document: ColumnClause[Any] = literal_column("ideas.search_vector")
        query = func.to_tsquery("simple", tsquery(terms, any_term))
        subquery = (
            select(
                Idea.id.label("idea_id"),
                (-func.ts_rank(document, query)).label("score"),
            )
            .where(document.op("@@")(query))
            .subquery("search")
        )
    else:
        fts = table("ideas_fts", literal_column("rowid"))
        subquery = (
            select(
                literal_column("ideas_fts.rowid").label("idea_id"),
                # Title words weigh more than description words.
                literal_column("bm25(ideas_fts, 4.0, 1.0)").label("score"),
            )
            .select_from(fts)
            .where(literal_column("ideas_fts").op("MATCH")(fts5_query(terms, any_term)))
            .subquery("search")
        )
    return Match(subquery)


def apply_search(query: Select, terms: list[str], any_term: bool = False) -> tuple[Select, Match]:
    """Restrict an Idea query to the ideas matching `terms`; returns the query
    and the match (order by match.score for relevance)."""
    found = match(terms, any_term)
    return query.join(found.subquery, found.idea_id == Idea.id), found


def similar_ideas(text: str, limit: int = 5, exclude_id: int | None = None) -> list[Idea]:
    """Published ideas sharing the most significant words with `text`, best first."""
    words = significant_words(text)
    if not words:
        return []
    query = select(Idea).where(Idea.status == IdeaStatus.PUBLISHED)
    if exclude_id is not None:
        query = query.where(Idea.id != exclude_id)
    query, found = apply_search(query, words, any_term=True)
    query = query.order_by(found.score, Idea.support_count.desc(), Idea.id.desc()).limit(limit)
    return list(db.session.scalars(query).all())
