"""Official responses: each change of an idea's official status, with its public response."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from participation.extensions import db
from participation.models.accounts import User
from participation.models.base import utcnow
from participation.models.ideas import Idea
from participation.vocabulary import Language, OfficialStatus

# The languages a response is given in, in the order a reader without a version
# in their own language falls back to: French, then Dutch (both required for a
# new response), then English (optional).
RESPONSE_LANGUAGES: tuple[str, ...] = (Language.FR, Language.NL, Language.EN)


def response_version(texts: Mapping[str, str | None], language: str) -> tuple[str, str] | None:
    """(language, text) of a response for a reader of `language`: their own
    version, else the first of RESPONSE_LANGUAGES that has a text; None when
    the response has no text at all."""
    if texts.get(language):
        return language, str(texts[language])
    for code in RESPONSE_LANGUAGES:
        if texts.get(code):
            return code, str(texts[code])
    return None


class OfficialStatusChange(db.Model):
    """One official answer to an idea: the status it set and the public response,
    in French and Dutch (both required when there is a response) and optionally
    English. Never updated: the idea page shows them all, oldest first."""

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
    response_fr: Mapped[str] = mapped_column(Text, default="", server_default="")
    response_nl: Mapped[str] = mapped_column(Text, default="", server_default="")
    response_en: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    idea: Mapped[Idea] = relationship(lazy="raise")
    official: Mapped[User] = relationship(lazy="raise")

    @property
    def responses(self) -> dict[str, str]:
        """Every language's text, "" where there is none: {"fr": ..., "nl": ..., "en": ...}."""
        return {code: getattr(self, f"response_{code}") or "" for code in RESPONSE_LANGUAGES}

    @property
    def has_response(self) -> bool:
        return any(self.responses.values())

    def version(self, language: str) -> tuple[str, str] | None:
        """(language, text) for a reader of `language` (see response_version)."""
        return response_version(self.responses, language)

    def other_versions(self, language: str) -> list[tuple[str, str]]:
        """The versions other than the one a reader of `language` is shown."""
        shown = self.version(language)
        return [
            (code, text)
            for code, text in self.responses.items()
            if text and (shown is None or code != shown[0])
        ]

    def __repr__(self) -> str:
        return f"<OfficialStatusChange idea={self.idea_id} {self.status}>"
