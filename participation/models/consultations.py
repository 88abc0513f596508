"""Consultations: an official asks residents questions and publishes the answers in
percentages.

Who took part and what was answered live in separate tables with nothing that
links them:

- `consultation_participations` says that a citizen answered (one row per
  citizen per consultation, a unique constraint), and nothing about what;
- `consultation_responses`, `consultation_answers` and
  `consultation_text_answers` say what was answered, and nothing about who: no
  user id, no participation id, no timestamp at all. Their ids are random
  (`secrets.token_hex`), so their order says nothing about the order of the
  participations, and on SQLite they are WITHOUT ROWID tables (no hidden
  insertion counter). The only thing kept about the respondent is the
  municipality they declared, for the breakdown.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
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
from participation.models.base import utcnow
from participation.models.places import Municipality
from participation.vocabulary import (
    ConsultationEventKind,
    ConsultationState,
    OptionKind,
    QuestionKind,
    ResultsVisibility,
    TextAnswerStatus,
)


def random_id() -> str:
    """An id that carries no order: 32 random hex characters."""
    return secrets.token_hex(16)


def _localized(row, prefix: str, language: str | None) -> str:
    """`row.<prefix>_<language>`, falling back to French then Dutch (EN is optional)."""
    if language is None:
        from participation.i18n import current_language

        language = current_language()
    for code in (language, "fr", "nl"):
        value = getattr(row, f"{prefix}_{code}", None)
        if value:
            return value
    return ""


class Consultation(db.Model):
    __tablename__ = "consultations"
    __table_args__ = (
        CheckConstraint(ResultsVisibility.check("results_visibility"), name="results_visibility"),
        CheckConstraint("closes_at > opens_at", name="closes_after_opening"),
        CheckConstraint("respondent_count >= 0", name="respondent_count"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title_fr: Mapped[str] = mapped_column(String(200))
    title_nl: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str | None] = mapped_column(String(200))
    intro_fr: Mapped[str] = mapped_column(Text)
    intro_nl: Mapped[str] = mapped_column(Text)
    intro_en: Mapped[str | None] = mapped_column(Text)
    opens_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    closes_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    # None: the whole Region; otherwise only that municipality's residents answer.
    municipality_id: Mapped[int | None] = mapped_column(
        ForeignKey("municipalities.id", ondelete="RESTRICT")
    )
    results_visibility: Mapped[str] = mapped_column(
        String(20), default=ResultsVisibility.AFTER_CLOSING
    )
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # Moved with UPDATE ... SET respondent_count = respondent_count + 1. Above zero,
    # the questions are locked: only the closing date can move.
    respondent_count: Mapped[int] = mapped_column(Integer, default=0)
    # Set once by services.consultations.announce_due(): residents who opted in were
    # told it opened; participants were told its results are published.
    announced_at: Mapped[datetime | None] = mapped_column(DateTime)
    results_announced_at: Mapped[datetime | None] = mapped_column(DateTime)
    # PostgreSQL: the anonymous rows were last rewritten in random order then, when
    # there were this many respondents (services/anonymity.py).
    shuffled_at: Mapped[datetime | None] = mapped_column(DateTime)
    shuffled_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    municipality: Mapped[Municipality | None] = relationship(lazy="joined")
    questions: Mapped[list[ConsultationQuestion]] = relationship(
        back_populates="consultation",
        order_by="ConsultationQuestion.position",
        lazy="raise",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )

    def title(self, language: str | None = None) -> str:
        return _localized(self, "title", language)

    def intro(self, language: str | None = None) -> str:
        return _localized(self, "intro", language)

    def state(self, now: datetime | None = None) -> ConsultationState:
        now = now or utcnow()
        if now < self.opens_at:
            return ConsultationState.UPCOMING
        if now >= self.closes_at:
            return ConsultationState.CLOSED
        return ConsultationState.OPEN

    @property
    def is_locked(self) -> bool:
        return (self.respondent_count or 0) > 0

    def __repr__(self) -> str:
        return f"<Consultation {self.id}>"


class ConsultationQuestion(db.Model):
    __tablename__ = "consultation_questions"
    __table_args__ = (
        CheckConstraint(QuestionKind.check("kind"), name="kind"),
        CheckConstraint("max_choices IS NULL OR max_choices >= 1", name="max_choices"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultations.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))
    required: Mapped[bool] = mapped_column(Boolean, default=True)
    text_fr: Mapped[str] = mapped_column(String(500))
    text_nl: Mapped[str] = mapped_column(String(500))
    text_en: Mapped[str | None] = mapped_column(String(500))
    # Multiple choice: at most this many options; ranking: order up to this many.
    max_choices: Mapped[int | None] = mapped_column(Integer)
    # Scale: the labels of 1 and of 5.
    low_label_fr: Mapped[str | None] = mapped_column(String(80))
    low_label_nl: Mapped[str | None] = mapped_column(String(80))
    low_label_en: Mapped[str | None] = mapped_column(String(80))
    high_label_fr: Mapped[str | None] = mapped_column(String(80))
    high_label_nl: Mapped[str | None] = mapped_column(String(80))
    high_label_en: Mapped[str | None] = mapped_column(String(80))

    consultation: Mapped[Consultation] = relationship(back_populates="questions", lazy="raise")
    options: Mapped[list[ConsultationOption]] = relationship(
        back_populates="question",
        order_by="ConsultationOption.position",
        lazy="raise",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )

    def text(self, language: str | None = None) -> str:
        return _localized(self, "text", language)

    def low_label(self, language: str | None = None) -> str:
        return _localized(self, "low_label", language)

    def high_label(self, language: str | None = None) -> str:
        return _localized(self, "high_label", language)

    @property
    def field_name(self) -> str:
        return f"q{self.id}"


class ConsultationOption(db.Model):
    __tablename__ = "consultation_options"
    __table_args__ = (CheckConstraint(OptionKind.check("kind"), name="kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    question_id: Mapped[int] = mapped_column(
        ForeignKey("consultation_questions.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20), default=OptionKind.REGULAR)
    # Empty for "I do not know" and "None of these": their label is the vocabulary's.
    label_fr: Mapped[str | None] = mapped_column(String(300))
    label_nl: Mapped[str | None] = mapped_column(String(300))
    label_en: Mapped[str | None] = mapped_column(String(300))

    question: Mapped[ConsultationQuestion] = relationship(back_populates="options", lazy="raise")

    def label(self, language: str | None = None) -> str:
        text = _localized(self, "label", language)
        if text:
            return text
        if language is None:
            return OptionKind.label_of(self.kind)
        from flask_babel import force_locale

        with force_locale(language):
            return OptionKind.label_of(self.kind)


class ConsultationParticipation(db.Model):
    """Who took part: nothing about what they answered, and no time."""

    __tablename__ = "consultation_participations"
    __table_args__ = (UniqueConstraint("consultation_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)


# The anonymous side. SQLite: WITHOUT ROWID, so no hidden insertion counter either.
_ANONYMOUS = {"sqlite_with_rowid": False}


class ConsultationResponse(db.Model):
    """One respondent's anonymous answers: no user, no participation, no time."""

    __tablename__ = "consultation_responses"
    __table_args__ = (
        # Respondents per municipality (the breakdown's sizes) from the index alone.
        Index(
            "ix_consultation_responses_consultation_id_municipality_id",
            "consultation_id",
            "municipality_id",
        ),  # fmt: skip
        _ANONYMOUS,
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=random_id)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultations.id", ondelete="CASCADE"), index=True
    )
    # The municipality the respondent declared, for the breakdown (None: not given).
    municipality_id: Mapped[int | None] = mapped_column(
        ForeignKey("municipalities.id", ondelete="SET NULL")
    )


class ConsultationAnswer(db.Model):
    """One chosen option (with its rank for a ranking), or one scale value."""

    __tablename__ = "consultation_answers"
    __table_args__ = (
        CheckConstraint("value IS NULL OR (value >= 1 AND value <= 5)", name="value"),
        CheckConstraint("(option_id IS NULL) <> (value IS NULL)", name="option_or_value"),
        _ANONYMOUS,
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=random_id)
    response_id: Mapped[str] = mapped_column(
        ForeignKey("consultation_responses.id", ondelete="CASCADE"), index=True
    )
    question_id: Mapped[int] = mapped_column(
        ForeignKey("consultation_questions.id", ondelete="CASCADE"), index=True
    )
    option_id: Mapped[int | None] = mapped_column(
        ForeignKey("consultation_options.id", ondelete="CASCADE")
    )
    rank: Mapped[int | None] = mapped_column(Integer)
    value: Mapped[int | None] = mapped_column(Integer)


class ConsultationTextAnswer(db.Model):
    """A free-text answer: shown only once a moderator approved it."""

    __tablename__ = "consultation_text_answers"
    __table_args__ = (CheckConstraint(TextAnswerStatus.check("status"), name="status"), _ANONYMOUS)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=random_id)
    response_id: Mapped[str] = mapped_column(
        ForeignKey("consultation_responses.id", ondelete="CASCADE"), index=True
    )
    question_id: Mapped[int] = mapped_column(
        ForeignKey("consultation_questions.id", ondelete="CASCADE"), index=True
    )
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default=TextAnswerStatus.PENDING, index=True)


class ConsultationTally(db.Model):
    """Counters the results page reads instead of counting every answer: how many
    respondents from a municipality chose an option (with a rank) or a scale value,
    and, on the row whose option, value and rank are 0, how many answered the
    question. Moved by answer_consultation() in the same transaction with
    INSERT ... ON CONFLICT DO UPDATE SET count = count + n. 0 means none (municipality,
    option, value, rank), so that the unique key has no NULL."""

    __tablename__ = "consultation_tallies"
    __table_args__ = (
        UniqueConstraint(
            "consultation_id",
            "question_id",
            "municipality_id",
            "option_id",
            "value",
            "rank",
            name="uq_consultation_tallies_key",
        ),
        CheckConstraint("count >= 0", name="count"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(
        ForeignKey("consultation_questions.id", ondelete="CASCADE"), index=True
    )
    municipality_id: Mapped[int] = mapped_column(Integer, default=0)
    option_id: Mapped[int] = mapped_column(Integer, default=0)
    value: Mapped[int] = mapped_column(Integer, default=0)
    rank: Mapped[int] = mapped_column(Integer, default=0)
    count: Mapped[int] = mapped_column(Integer, default=0)


class ConsultationEvent(db.Model):
    """The log of every official's and moderator's action on a consultation."""

    __tablename__ = "consultation_events"
    __table_args__ = (CheckConstraint(ConsultationEventKind.check("kind"), name="kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultations.id", ondelete="CASCADE"), index=True
    )
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
