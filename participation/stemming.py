"""Stems and stop words for French, Dutch and English, for "similar ideas".

The Snowball stemmers (snowballstemmer, the algorithms PostgreSQL's `french`,
`dutch` and `english` text search configurations use) and PostgreSQL's own
Snowball stop word lists (data/stopwords/, BSD licence, Snowball project).

On PostgreSQL the documents are stemmed by the database (generated columns
`similar_vector`, migration 0013_translations); on SQLite `stem_text()` is
registered as an SQL function on every connection (participation/__init__.py)
and triggers fill the FTS5 tables `ideas_similar` and `idea_translations_similar`
with its output. Query text is stemmed here, the same way, for both engines.

EXTRA_STOP_WORDS are words too common on this site to say two ideas are alike
("Brussels", "region", "every", "more"...); they are dropped from queries.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache
from pathlib import Path

import snowballstemmer

from participation.vocabulary import Language

# PostgreSQL's configuration per language, and the same Snowball algorithm in
# snowballstemmer (Snowball 3 renamed the Dutch algorithm PostgreSQL uses).
CONFIGS = {Language.FR: "french", Language.NL: "dutch", Language.EN: "english"}
ALGORITHMS = {Language.FR: "french", Language.NL: "dutch_porter", Language.EN: "english"}
_DATA = Path(__file__).parent / "data" / "stopwords"
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
# Longest text stemmed (a description is at most 5,000 characters).
MAX_TEXT = 6000

EXTRA_STOP_WORDS = {
    Language.FR: """les plus tous tout toute toutes chaque très bien faire être avoir aussi
        comme sans sous entre vers chez dont cette cet celui ceux quand nouveau nouvelle
        nouveaux meilleur meilleure mieux bruxelles région régional régionale commune
        communes idée idées habitants citoyens ville quartier quartiers propose proposer
        proposition pourrait faut""",
    Language.NL: """elke elk alle meer beter nieuwe nieuw goed zeer graag via brussel
        brusselse gewest gewestelijke gemeente gemeenten idee ideeën inwoners burgers stad
        wijk wijken voorstel stel voorstellen zouden kunnen moeten""",
    Language.EN: """every each all more better new good very also brussels region regional
        municipality municipalities idea ideas residents citizens city neighbourhood
        neighbourhoods neighborhood propose proposal would could should""",
}


def fold(text: str) -> str:
    """Lowercase, without accents."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@cache
def _stemmer(language: str):
    return snowballstemmer.stemmer(ALGORITHMS.get(language, "english"))  # type: ignore[arg-type]


@cache
def stop_words(language: str) -> frozenset[str]:
    """The Snowball stop words of `language` (as PostgreSQL's configuration drops them)."""
    path = _DATA / f"{language if language in CONFIGS else Language.EN}.txt"
    return frozenset(w.strip() for w in path.read_text(encoding="utf-8").split() if w.strip())


@cache
def extra_stems(language: str) -> frozenset[str]:
    """EXTRA_STOP_WORDS of `language` as stems."""
    words = EXTRA_STOP_WORDS.get(Language(language) if language in CONFIGS else Language.EN, "")
    return frozenset(stems(words, language, extra=False))


@lru_cache(maxsize=100_000)
def _stem(language: str, word: str) -> str:
    """One word's stem (the Snowball algorithms are pure Python: a text repeats
    its words, and a language has far fewer words than texts)."""
    return _stemmer(language).stemWord(word)


def stems(text: str | None, language: str, extra: bool = True) -> list[str]:
    """The distinct stems of `text` read in `language`, lowercase, stop words left
    out, in order of appearance. Accents stay, as in PostgreSQL's lexemes (SQLite's
    FTS5 tokenizer folds them on both sides)."""
    stops = stop_words(language)
    dropped = extra_stems(language) if extra else frozenset()
    seen: dict[str, None] = {}
    for word in _WORD.findall((text or "")[:MAX_TEXT].lower()):
        if word in stops or (len(word) < 2 and not word.isdigit()):
            continue
        stem = _stem(language, word)
        if stem and stem not in dropped:
            seen.setdefault(stem, None)
    return list(seen)


def stem_text(text: str | None, language: str | None) -> str:
    """The SQL function SQLite's triggers call: the stems of `text`, space separated
    (every stem, also those in EXTRA_STOP_WORDS: queries leave those out)."""
    return " ".join(stems(text, language or Language.EN, extra=False))
