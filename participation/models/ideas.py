"""Challenges, ideas, their revisions, supports and comments."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from participation.extensions import db
from participation.models.accounts import User
from participation.models.base import utcnow
from participation.models.places import Municipality
from participation.vocabulary import (
    CLOSED_OFFICIAL_STATUSES,
    PUBLIC_IDEA_STATUSES,
    CommentStatus,
    IdeaStatus,
    Language,
    OfficialStatus,
)

# pending -> published | rejected; published -> hidden (moderation) -> published;
# any -> withdrawn (by the author). The official status is None until an official answers.


class Challenge(db.Model):
    """One of the Region's four smart-city challenges (rows created by a migration)."""

    __tablename__ = "challenges"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    name_fr: Mapped[str] = mapped_column(String(80))
    name_nl: Mapped[str] = mapped_column(String(80))
    name_en: Mapped[str] = mapped_column(String(80))
    description_fr: Mapped[str] = mapped_column(Text)
    description_nl: Mapped[str] = mapped_column(Text)
    description_en: Mapped[str] = mapped_column(Text)
    # Listed (published or withdrawn) ideas of this challenge and the sum of
    # their supports: kept by database triggers (migration 0006_scale) in the
    # same transaction as the ideas they count, whoever writes them.
    idea_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    support_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    def name(self, locale: str | None = None) -> str:
        return getattr(self, f"name_{_locale(locale)}")

    def description(self, locale: str | None = None) -> str:
        return getattr(self, f"description_{_locale(locale)}")

    def __repr__(self) -> str:
        return f"<Challenge {self.slug}>"


def _locale(locale: str | None) -> str:
    if locale is None:
        from participation.i18n import current_language

        locale = current_language()
    return locale if locale in Language.values() else Language.EN


def closed_to_supports(duplicate_of_id: int | None, official_status: str | None) -> bool:
    """A duplicate, or an idea whose official status ends it, takes no more supports."""
    return duplicate_of_id is not None or official_status in CLOSED_OFFICIAL_STATUSES


@dataclass(slots=True)
class IdeaState:
    """What the support views read of an idea: what the permission verbs ask
    (status, author, closure) and the counter, loaded in one Core SELECT
    without building an ORM `Idea` (services.ideas.load_idea_state). The
    support services set `support_count` to the new count, as they do on an
    `Idea`."""

    id: int
    status: str
    author_id: int
    duplicate_of_id: int | None
    official_status: str | None
    support_count: int

    @property
    def is_closed(self) -> bool:
        return closed_to_supports(self.duplicate_of_id, self.official_status)


class Idea(db.Model):
    __tablename__ = "ideas"
    __table_args__ = (
        CheckConstraint(IdeaStatus.check("status"), name="status"),
        CheckConstraint(
            "official_status IS NULL OR " + OfficialStatus.check("official_status"),
            name="official_status",
        ),
        CheckConstraint(Language.check("language"), name="language"),
        CheckConstraint("support_count >= 0", name="support_count_positive"),
        CheckConstraint("comment_count >= 0", name="comment_count_positive"),
        Index("ix_ideas_status_support_count", "status", "support_count"),
        Index("ix_ideas_status_created_at", "status", "created_at"),
        Index("ix_ideas_status_comment_count", "status", "comment_count"),
        Index("ix_ideas_challenge_id_status", "challenge_id", "status"),
        # One index per list order, `status` last so the listed filter is read
        # from the index (services/browse.py picks ids from these first).
        Index("ix_ideas_newest", "published_at", "id", "status"),
        Index("ix_ideas_supported", "support_count", "published_at", "id", "status"),
        Index("ix_ideas_discussed", "comment_count", "published_at", "id", "status"),
        Index("ix_ideas_trending", "trending_score", "id", "status"),
        Index("ix_ideas_challenge_newest", "challenge_id", "published_at", "id", "status"),
        Index("ix_ideas_official_status", "official_status"),
        # Municipality filter: covered, sorted without reading the table.
        Index(
            "ix_ideas_place_sorts",
            "municipality_id",
            "challenge_id",
            "status",
            "published_at",
            "support_count",
            "comment_count",
            "trending_score",
            "id",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id"))
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipalities.id"), index=True)
    title: Mapped[str] = mapped_column(String(120))
    # The author's Markdown, and the sanitized HTML rendered from it on write.
    body_source: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(2))
    status: Mapped[str] = mapped_column(String(16), default=IdeaStatus.PENDING)
    official_status: Mapped[str | None] = mapped_column(String(20))
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("ideas.id"))
    support_count: Mapped[int] = mapped_column(Integer, default=0)
    comment_count: Mapped[int] = mapped_column(Integer, default=0)
    # Supports weighted by age (one-week half-life), kept by database triggers
    # on `supports` (migration 0006_scale): the "trending" order.
    trending_score: Mapped[float] = mapped_column(Float, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(DateTime)
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Set at the first support from someone else or the first official
    # response: from then on the author can no longer edit.
    locked_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Moderation: why it was rejected (told to the author), why it is hidden.
    rejection_reason_code: Mapped[str | None] = mapped_column(String(20))
    rejection_reason_text: Mapped[str | None] = mapped_column(Text)
    hidden_reason: Mapped[str | None] = mapped_column(String(20))
    hidden_at: Mapped[datetime | None] = mapped_column(DateTime)
    # The title of the published translation in each language, for cards in
    # lists (no extra query); kept by services/translations.py.
    title_fr: Mapped[str | None] = mapped_column(String(120))
    title_nl: Mapped[str | None] = mapped_column(String(120))
    title_en: Mapped[str | None] = mapped_column(String(120))

    author: Mapped[User] = relationship(lazy="raise")
    challenge: Mapped[Challenge] = relationship(lazy="raise")
    municipality: Mapped[Municipality | None] = relationship(lazy="raise")
    duplicate_of: Mapped[Idea | None] = relationship(remote_side=[id], lazy="raise")

    @property
    def is_public(self) -> bool:
        """Visible to everyone (hidden ideas show a placeholder instead)."""
        return self.status in PUBLIC_IDEA_STATUSES

    @property
    def is_closed(self) -> bool:
        return closed_to_supports(self.duplicate_of_id, self.official_status)

    def translated_title(self, language: str | None) -> str | None:
        """The published translation's title in `language`, if any (never the
        original's own language)."""
        if language == self.language or language not in Language.values():
            return None
        return getattr(self, f"title_{language}")

    def card_title(self, language: str | None) -> tuple[str, str]:
        """(title, its language) for a card read in `language`."""
        translated = self.translated_title(language)
        if translated:
            return translated, str(language)
        return self.title, self.language

    def __repr__(self) -> str:
        return f"<Idea {self.id} {self.status}>"


class IdeaRevision(db.Model):
    """A previous version of an idea, kept at each edit for moderators."""

    __tablename__ = "idea_revisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"), index=True)
    editor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    title: Mapped[str] = mapped_column(String(120))
    body_source: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id"))
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipalities.id"))
    language: Mapped[str] = mapped_column(String(2))
    # When this version was replaced.
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Support(db.Model):
    """One citizen's support for one idea: the database refuses a second."""

    __tablename__ = "supports"
    __table_args__ = (
        UniqueConstraint("idea_id", "user_id"),
        Index("ix_supports_idea_id_created_at", "idea_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)


class Comment(db.Model):
    __tablename__ = "comments"
    __table_args__ = (
        CheckConstraint(CommentStatus.check("status"), name="status"),
        CheckConstraint(Language.check("language"), name="language"),
        Index("ix_comments_idea_id_created_at", "idea_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    # One level of replies: a reply's parent is never itself a reply.
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("comments.id", ondelete="CASCADE"), index=True
    )
    body_source: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    # The language it is written in (the writer's choice, by default the page's):
    # the page marks it with `lang`.
    language: Mapped[str] = mapped_column(String(2), default=Language.FR, server_default="fr")
    status: Mapped[str] = mapped_column(String(16), default=CommentStatus.VISIBLE)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(DateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Moderation: why it is hidden (a category shown in the placeholder).
    hidden_reason: Mapped[str | None] = mapped_column(String(20))
    hidden_at: Mapped[datetime | None] = mapped_column(DateTime)

    author: Mapped[User] = relationship(lazy="raise")
