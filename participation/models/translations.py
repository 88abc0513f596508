"""Translations of ideas: an idea's title and description in another language."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from participation.extensions import db
from participation.models.accounts import User
from participation.models.base import utcnow
from participation.models.ideas import Idea
from participation.vocabulary import Language, TranslationStatus


class IdeaTranslation(db.Model):
    """One idea in one other language: by its author (published at once) or offered
    by a participant (pending until a moderator approves it). One per idea and
    language: a rejected offer makes room for a new one."""

    __tablename__ = "idea_translations"
    __table_args__ = (
        CheckConstraint(TranslationStatus.check("status"), name="status"),
        CheckConstraint(Language.check("language"), name="language"),
        Index("ix_idea_translations_idea_id_language", "idea_id", "language", unique=True),
        Index("ix_idea_translations_status_created_at", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(String(2))
    title: Mapped[str] = mapped_column(String(120))
    # Markdown as written, and the sanitized HTML rendered from it on write.
    body_source: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    translator_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    by_author: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(16), default=TranslationStatus.PENDING)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime)
    rejection_reason_code: Mapped[str | None] = mapped_column(String(20))
    rejection_reason_text: Mapped[str | None] = mapped_column(Text)

    idea: Mapped[Idea] = relationship(lazy="raise")
    translator: Mapped[User] = relationship(lazy="raise")

    @property
    def author_id(self) -> int:
        """Who wrote this text (permissions: nobody moderates their own words)."""
        return self.translator_id

    def __repr__(self) -> str:
        return f"<IdeaTranslation {self.idea_id} {self.language} {self.status}>"
