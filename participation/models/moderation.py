"""Reports from citizens and the moderation log."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    DateTime,
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
from participation.models.ideas import Comment, Idea
from participation.vocabulary import REPORT_REASONS, ModerationActionKind, Reason, TargetType


class Report(db.Model):
    """One citizen's report on one idea or one comment: the database refuses a second."""

    __tablename__ = "reports"
    __table_args__ = (
        UniqueConstraint("reporter_id", "idea_id"),
        UniqueConstraint("reporter_id", "comment_id"),
        CheckConstraint("(idea_id IS NULL) <> (comment_id IS NULL)", name="exactly_one_target"),
        CheckConstraint(Reason.check("reason", REPORT_REASONS), name="reason"),
        Index("ix_reports_resolved_at_idea_id", "resolved_at", "idea_id"),
        Index("ix_reports_resolved_at_comment_id", "resolved_at", "comment_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reporter_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    idea_id: Mapped[int | None] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"))
    comment_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(String(20))
    details: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # Set when a moderator decides about the item: it leaves the queue.
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime)

    reporter: Mapped[User] = relationship(lazy="raise")
    idea: Mapped[Idea | None] = relationship(lazy="raise")
    comment: Mapped[Comment | None] = relationship(lazy="raise")


class ModerationAction(db.Model):
    """One row per moderation decision: who, what, when, why. Never updated."""

    __tablename__ = "moderation_actions"
    __table_args__ = (
        CheckConstraint(ModerationActionKind.check("action"), name="action"),
        CheckConstraint(TargetType.check("target_type"), name="target_type"),
        Index("ix_moderation_actions_target", "target_type", "target_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # None: the system (automatic hiding after reports).
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(String(20), index=True)
    target_type: Mapped[str] = mapped_column(String(10))
    target_id: Mapped[int] = mapped_column(Integer)
    # The person the action concerns (the content's author, or the user acted on).
    target_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    reason_code: Mapped[str | None] = mapped_column(String(20))
    reason_text: Mapped[str | None] = mapped_column(Text)
    # Small JSON document: days, previous role, original idea, hidden items...
    details: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)

    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id], lazy="raise")
    target_user: Mapped[User | None] = relationship(foreign_keys=[target_user_id], lazy="raise")

    def __repr__(self) -> str:
        return f"<ModerationAction {self.action} {self.target_type}:{self.target_id}>"
