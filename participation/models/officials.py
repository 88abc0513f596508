"""Official responses: each change of an idea's official status, with its public response."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from participation.extensions import db
from participation.models.accounts import User
from participation.models.base import utcnow
from participation.models.ideas import Idea
from participation.vocabulary import OfficialStatus


class OfficialStatusChange(db.Model):
    """One official answer to an idea: the status it set and the public response.
    Never updated: the idea page shows them all, oldest first."""

    __tablename__ = "official_status_changes"
    __table_args__ = (
        CheckConstraint(OfficialStatus.check("status"), name="status"),
        Index("ix_official_status_changes_idea_id_created_at", "idea_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"))
    official_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    # Plain text, shown escaped with its line breaks ("" when none was needed).
    response: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    idea: Mapped[Idea] = relationship(lazy="raise")
    official: Mapped[User] = relationship(lazy="raise")

    def __repr__(self) -> str:
        return f"<OfficialStatusChange idea={self.idea_id} {self.status}>"
