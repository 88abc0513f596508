"""The reference lists every page chooses from: the four challenges and the 19
municipalities (rows created by migrations). The one place they are loaded."""

from __future__ import annotations

from sqlalchemy import select

from participation.extensions import db
from participation.models import Challenge, Municipality


def challenges() -> list[Challenge]:
    """The challenges in their order: one query."""
    return list(db.session.scalars(select(Challenge).order_by(Challenge.position)).all())


def municipalities(language: str | None = None) -> list[Municipality]:
    """The municipalities by name in `language` (French when None): one query."""
    rows = db.session.scalars(select(Municipality).order_by(Municipality.name_fr)).all()
    if language is None:
        return list(rows)
    return sorted(rows, key=lambda m: m.name(language))


def challenge_by_slug(slug: str) -> Challenge | None:
    return db.session.scalar(select(Challenge).where(Challenge.slug == slug))


def municipality_by_slug(slug: str) -> Municipality | None:
    return db.session.scalar(select(Municipality).where(Municipality.slug == slug))
