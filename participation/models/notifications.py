"""In-app notifications, per-user email preferences."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    false,
    func,
    select,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from participation.extensions import db
from participation.models.accounts import User
from participation.models.base import utcnow
from participation.models.ideas import Idea
from participation.vocabulary import EmailGroup


def unread_count_of_user() -> Any:
    """The header's unread count as a correlated subquery, loaded with the signed-in
    user in the same SELECT (`User.unread_notification_count`): no extra query."""
    return (
        select(func.count(Notification.id))
        .where(Notification.recipient_id == User.id, Notification.read_at.is_(None))
        .correlate_except(Notification)
        .scalar_subquery()
    )


class Notification(db.Model):
    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_recipient_id_created_at", "recipient_id", "created_at"),
        Index("ix_notifications_recipient_id_read_at", "recipient_id", "read_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    idea_id: Mapped[int | None] = mapped_column(
        ForeignKey("ideas.id", ondelete="CASCADE"), index=True
    )
    comment_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id", ondelete="SET NULL"))
    # Details of the event: reason_code, reason_text, status, original_id...
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(DateTime)

    idea: Mapped[Idea | None] = relationship(lazy="raise")

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    def __repr__(self) -> str:
        return f"<Notification {self.kind} to={self.recipient_id}>"


class EmailPreference(db.Model):
    """Which notification emails a user receives (one column per vocabulary.EmailGroup).
    No row: all of them."""

    __tablename__ = "email_preferences"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    # My ideas' moderation decisions (approved, rejected, hidden, restored, duplicate).
    moderation: Mapped[bool] = mapped_column(Boolean, default=True)
    # Official responses to my ideas.
    responses: Mapped[bool] = mapped_column(Boolean, default=True)
    # Comments on my ideas.
    comments: Mapped[bool] = mapped_column(Boolean, default=True)
    # Official responses to, and duplicates of, ideas I support.
    supported: Mapped[bool] = mapped_column(Boolean, default=True)
    # Results of budget rounds I voted in; my ideas that became budget projects.
    budgets: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    # Opt-in: voting opens in a budget round (no row: not told).
    budget_voting: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # New consultations I can answer: opt-in (vocabulary.OPT_IN_GROUPS), also in the app.
    new_consultations: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Results of consultations I answered.
    consultation_results: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    def allows(self, group: str) -> bool:
        value = getattr(self, group, None)
        if value is None:
            return EmailGroup(group).default
        return bool(value)
