"""The outbox: every email the platform sends, written in the same transaction
as the change that causes it, and sent afterwards by a worker (see
participation/outbox.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from participation.extensions import db
from participation.models.base import utcnow
from participation.vocabulary import OutboxStatus

# Re-exported: the outbox's statuses live in the vocabulary.
__all__ = ["OutboxMessage", "OutboxStatus"]


class OutboxMessage(db.Model):
    __tablename__ = "outbox_messages"
    __table_args__ = (
        CheckConstraint(
            OutboxStatus.check("status"),
            name="status",
        ),
        # Claiming: the due pending messages, oldest first.
        Index("ix_outbox_messages_status_next_attempt_at", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Template under templates/email/: notification, confirm, reset, already_registered.
    template: Mapped[str] = mapped_column(String(40))
    recipient_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    to_address: Mapped[str] = mapped_column(String(254))
    language: Mapped[str] = mapped_column(String(2))
    # What the template needs besides the recipient; emptied once sent.
    payload: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(12), default=OutboxStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    claimed_by: Mapped[str | None] = mapped_column(String(40))
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<OutboxMessage {self.id} {self.template} {self.status}>"
