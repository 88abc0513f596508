"""Participatory budgeting: rounds, the projects residents propose, and their ballots."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

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
    BallotRule,
    BudgetEventKind,
    CountState,
    Feasibility,
    Language,
    OutcomeRule,
    RoundPhase,
)


class BudgetRound(db.Model):
    """A budget that residents share out by vote. Its phase follows from its dates:
    submission from `submission_opens_at`, then review, voting, and results from
    `voting_closes_at`."""

    __tablename__ = "budget_rounds"
    __table_args__ = (
        CheckConstraint(BallotRule.check("ballot_rule"), name="ballot_rule"),
        CheckConstraint(OutcomeRule.check("outcome_rule"), name="outcome_rule"),
        CheckConstraint(
            f"count_state IS NULL OR {CountState.check('count_state')}", name="count_state"
        ),
        CheckConstraint("count_progress >= 0 AND count_progress <= 100", name="count_progress"),
        CheckConstraint("total_amount > 0", name="total_amount_positive"),
        CheckConstraint("min_share >= 0 AND min_share <= 100", name="min_share_range"),
        CheckConstraint("max_choices IS NULL OR max_choices >= 1", name="max_choices_positive"),
        CheckConstraint(
            "submission_opens_at <= review_opens_at AND review_opens_at <= voting_opens_at "
            "AND voting_opens_at < voting_closes_at",
            name="phases_in_order",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title_fr: Mapped[str] = mapped_column(String(200))
    title_nl: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(200), default="")
    description_fr: Mapped[str] = mapped_column(Text)
    description_nl: Mapped[str] = mapped_column(Text)
    description_en: Mapped[str] = mapped_column(Text, default="")
    # None: the whole Region.
    municipality_id: Mapped[int | None] = mapped_column(
        ForeignKey("municipalities.id", ondelete="RESTRICT"), index=True
    )
    # Whole euros.
    total_amount: Mapped[int] = mapped_column(Integer)
    submission_opens_at: Mapped[datetime] = mapped_column(DateTime)
    review_opens_at: Mapped[datetime] = mapped_column(DateTime)
    voting_opens_at: Mapped[datetime] = mapped_column(DateTime)
    voting_closes_at: Mapped[datetime] = mapped_column(DateTime)
    ballot_rule: Mapped[str] = mapped_column(String(16))
    # Knapsack: the least share of the budget (percent) a ballot must spend.
    min_share: Mapped[int] = mapped_column(Integer, default=0)
    # Approval: the most projects a ballot may hold (K).
    max_choices: Mapped[int | None] = mapped_column(Integer)
    outcome_rule: Mapped[str] = mapped_column(String(16))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # Set once, when the votes are counted after voting closes.
    counted_at: Mapped[datetime | None] = mapped_column(DateTime)
    ballot_count: Mapped[int] = mapped_column(Integer, default=0)
    eligible_count: Mapped[int] = mapped_column(Integer, default=0)
    # The background count (participation/jobs.py): None until an official asks for it.
    count_state: Mapped[str | None] = mapped_column(String(12))
    count_progress: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Set when those who opted in were told that voting opened (once).
    voting_announced_at: Mapped[datetime | None] = mapped_column(DateTime)

    municipality: Mapped[Municipality | None] = relationship(lazy="joined")

    def title(self, locale: str) -> str:
        return (
            {"fr": self.title_fr, "nl": self.title_nl}.get(locale)
            or self.title_en
            or (self.title_fr)
        )

    def description(self, locale: str) -> str:
        return (
            {"fr": self.description_fr, "nl": self.description_nl}.get(locale)
            or self.description_en
            or self.description_fr
        )

    def phase_at(self, now: datetime) -> RoundPhase:
        if now < self.submission_opens_at:
            return RoundPhase.UPCOMING
        if now < self.review_opens_at:
            return RoundPhase.SUBMISSION
        if now < self.voting_opens_at:
            return RoundPhase.REVIEW
        if now < self.voting_closes_at:
            return RoundPhase.VOTING
        return RoundPhase.RESULTS

    @property
    def phase(self) -> RoundPhase:
        return self.phase_at(utcnow())

    def phase_starts(self) -> list[tuple[RoundPhase, datetime]]:
        """Each of the four phases with the moment it begins."""
        return [
            (RoundPhase.SUBMISSION, self.submission_opens_at),
            (RoundPhase.REVIEW, self.review_opens_at),
            (RoundPhase.VOTING, self.voting_opens_at),
            (RoundPhase.RESULTS, self.voting_closes_at),
        ]

    def next_phase(self, now: datetime) -> tuple[RoundPhase, datetime] | None:
        """The phase that comes after the current one, with its start; None at the end."""
        for phase, starts in self.phase_starts():
            if starts > now:
                return phase, starts
        return None

    @property
    def last_voting_day(self) -> datetime:
        return self.voting_closes_at - timedelta(days=1)

    @property
    def min_spend(self) -> int:
        """Knapsack: the least a ballot must spend, in euros (rounded up)."""
        if self.ballot_rule != BallotRule.KNAPSACK or not self.min_share:
            return 0
        return -(-self.total_amount * self.min_share // 100)

    def __repr__(self) -> str:
        return f"<BudgetRound {self.id}>"


class BudgetProject(db.Model):
    """A project proposed for a round; officials estimate its cost and feasibility."""

    __tablename__ = "budget_projects"
    __table_args__ = (
        CheckConstraint(Feasibility.check("feasibility"), name="feasibility"),
        CheckConstraint(Language.check("language"), name="language"),
        CheckConstraint("cost IS NULL OR cost > 0", name="cost_positive"),
        Index("ix_budget_projects_round_id_feasibility", "round_id", "feasibility"),
        UniqueConstraint("round_id", "idea_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("budget_rounds.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    title: Mapped[str] = mapped_column(String(150))
    description: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(2))
    challenge_id: Mapped[int | None] = mapped_column(ForeignKey("challenges.id"))
    municipality_id: Mapped[int | None] = mapped_column(
        ForeignKey("municipalities.id", ondelete="SET NULL")
    )
    # The published idea an official turned into this project, if any.
    idea_id: Mapped[int | None] = mapped_column(
        ForeignKey("ideas.id", ondelete="SET NULL"), index=True
    )
    # Optional translations of title and description: {"nl": {"title": ..., "description": ...}}.
    translations: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Whole euros, set by the feasibility review.
    cost: Mapped[int | None] = mapped_column(Integer)
    feasibility: Mapped[str] = mapped_column(String(16), default=Feasibility.PENDING)
    feasibility_reason_fr: Mapped[str] = mapped_column(Text, default="")
    feasibility_reason_nl: Mapped[str] = mapped_column(Text, default="")
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # Set by the count.
    vote_count: Mapped[int] = mapped_column(Integer, default=0)
    funded_greedy: Mapped[bool | None] = mapped_column(Boolean)
    funded_equal_shares: Mapped[bool | None] = mapped_column(Boolean)

    round: Mapped[BudgetRound] = relationship(lazy="raise")

    def title_in(self, locale: str) -> str:
        """The title in `locale` when translated, else as written."""
        return (self.translations or {}).get(locale, {}).get("title") or self.title

    def description_in(self, locale: str) -> str:
        return (self.translations or {}).get(locale, {}).get("description") or self.description

    def language_in(self, locale: str) -> str:
        """The language `title_in(locale)` is written in (for the lang attribute)."""
        return locale if (self.translations or {}).get(locale, {}).get("title") else self.language

    def feasibility_reason(self, locale: str) -> str:
        if locale == "nl":
            return self.feasibility_reason_nl or self.feasibility_reason_fr
        return self.feasibility_reason_fr or self.feasibility_reason_nl

    def funded_by(self, rule: str) -> bool | None:
        return self.funded_greedy if rule == OutcomeRule.GREEDY else self.funded_equal_shares

    def __repr__(self) -> str:
        return f"<BudgetProject {self.id} round={self.round_id}>"


class BudgetBallot(db.Model):
    """A voter's one ballot in a round. Changing it rewrites this row and its choices:
    the unique constraint keeps one per voter per round. The receipt code is what the
    published ballot file shows instead of the voter."""

    __tablename__ = "budget_ballots"
    __table_args__ = (
        UniqueConstraint("round_id", "voter_id"),
        CheckConstraint("total_cost >= 0", name="total_cost_positive"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("budget_rounds.id", ondelete="CASCADE"))
    # None: a ballot imported from a past election's Pabulib file (no account).
    voter_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    receipt: Mapped[str] = mapped_column(String(32), unique=True)
    total_cost: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class BudgetBallotChoice(db.Model):
    """One project on a ballot; the primary key forbids a project twice."""

    __tablename__ = "budget_ballot_choices"

    ballot_id: Mapped[int] = mapped_column(
        ForeignKey("budget_ballots.id", ondelete="CASCADE"), primary_key=True
    )
    project_id: Mapped[int] = mapped_column(
        ForeignKey("budget_projects.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class BudgetEvent(db.Model):
    """The log of every official's action on a round or one of its projects. Never updated."""

    __tablename__ = "budget_events"
    __table_args__ = (CheckConstraint(BudgetEventKind.check("kind"), name="kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    round_id: Mapped[int] = mapped_column(
        ForeignKey("budget_rounds.id", ondelete="CASCADE"), index=True
    )
    project_id: Mapped[int | None] = mapped_column(
        ForeignKey("budget_projects.id", ondelete="SET NULL")
    )
    # None: the system (a command-line import).
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<BudgetEvent {self.kind} round={self.round_id}>"
