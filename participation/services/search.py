"""Finding ideas by their words.

similar_ideas() is used by the proposal form to show existing ideas like the
one being written.
"""

from __future__ import annotations

import re

from sqlalchemy import or_, select

from participation.extensions import db
from participation.models import Idea

_WORD = re.compile(r"\w{4,}", re.UNICODE)


def significant_words(text: str, limit: int = 12) -> list[str]:
    seen: list[str] = []
    for word in _WORD.findall(text.lower()):
        if word not in seen:
            seen.append(word)
    return sorted(seen, key=len, reverse=True)[:limit]


def similar_ideas(text: str, limit: int = 5, exclude_id: int | None = None) -> list[Idea]:
    """Published ideas sharing the most significant words with `text`."""
    words = significant_words(text)
    if not words:
        return []
    conditions = [Idea.title.ilike(f"%{w}%") for w in words] + [
        Idea.body_source.ilike(f"%{w}%") for w in words
    ]
    query = select(Idea).where(Idea.status == "published", or_(*conditions))
    if exclude_id is not None:
        query = query.where(Idea.id != exclude_id)
    candidates = db.session.scalars(query.order_by(Idea.support_count.desc()).limit(50)).all()

    def score(idea: Idea) -> int:
        haystack = f"{idea.title} {idea.title} {idea.body_source}".lower()
        return sum(haystack.count(w) for w in words)

    return sorted(candidates, key=score, reverse=True)[:limit]
