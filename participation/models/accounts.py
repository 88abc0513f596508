"""Citizen accounts and roles."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, query_expression, relationship

from participation.extensions import db
from participation.models.base import utcnow
from participation.models.places import Municipality
from participation.vocabulary import Language, Role


def new_session_token() -> str:
    return secrets.token_hex(16)


class User(db.Model):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(Role.check("role"), name="role"),
        CheckConstraint(Language.check("language"), name="language"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Email and display name are erased (NULL) when the account is deleted.
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    # A new address asked for on the profile page, until its link is followed.
    pending_email: Mapped[str | None] = mapped_column(String(254))
    display_name: Mapped[str | None] = mapped_column(String(60))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    language: Mapped[str] = mapped_column(String(2), default=Language.FR)
    municipality_id: Mapped[int | None] = mapped_column(
        ForeignKey("municipalities.id", ondelete="SET NULL")
    )
    role: Mapped[str] = mapped_column(String(16), default=Role.CITIZEN)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    email_confirmed_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime)
    # When the participation rules were accepted, on the register form
    # (NULL: accounts made before the rules were asked for, or by the CLI).
    rules_accepted_at: Mapped[datetime | None] = mapped_column(DateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime)
    suspended_until: Mapped[datetime | None] = mapped_column(DateTime)
    # Banned by a moderator: no end date, lifted only by another action.
    banned_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Rotated on password change and deletion: it signs the user out everywhere.
    session_token: Mapped[str] = mapped_column(String(32), default=new_session_token)

    municipality: Mapped[Municipality | None] = relationship(lazy="joined")
    # Unread notifications, loaded with the signed-in user by the user loader
    # (models.notifications.unread_count_of_user); None when not loaded.
    unread_notification_count: Mapped[int | None] = query_expression()

    # --- Flask-Login -----------------------------------------------------
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.deleted_at is None

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    # --- State -----------------------------------------------------------
    @property
    def is_confirmed(self) -> bool:
        return self.email_confirmed_at is not None

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_suspended(self) -> bool:
        """Suspended for a while or banned: either way, no logging in or participating."""
        if self.banned_at is not None:
            return True
        return self.suspended_until is not None and self.suspended_until > utcnow()

    @property
    def is_banned(self) -> bool:
        return self.banned_at is not None

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"
