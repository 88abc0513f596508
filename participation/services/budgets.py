"""Participatory budgeting: rounds, projects, the feasibility review, ballots, the count
(greedy and the Method of Equal Shares, both by `pabutools`) and the Pabulib export
anyone can recount."""

from __future__ import annotations

import random
import secrets
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask_babel import format_currency, get_locale
from flask_babel import gettext as _
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from participation.extensions import db
from participation.models import (
    BudgetBallot,
    BudgetBallotChoice,
    BudgetEvent,
    BudgetProject,
    BudgetRound,
    Challenge,
    Idea,
    Municipality,
    User,
)
from participation.models.base import utcnow
from participation.parsing import MAX_DB_INT, parse_id
from participation.permissions import (
    can_change_phase,
    can_count_budget,
    can_manage_budgets,
    can_review_project,
    can_submit_project,
    can_vote_budget,
    require,
)
from participation.services import DomainError, notifications, outbox
from participation.urls import public_url
from participation.vocabulary import (
    BallotRule,
    BudgetEventKind,
    CountState,
    Feasibility,
    IdeaStatus,
    Language,
    NotificationKind,
    OutcomeRule,
    RoundPhase,
)

TITLE_MAX = 200
DESCRIPTION_MAX = 10_000
PROJECT_TITLE_MIN, PROJECT_TITLE_MAX = 5, 150
PROJECT_DESCRIPTION_MIN, PROJECT_DESCRIPTION_MAX = 20, 5000
REASON_MAX = 2000
# The most projects a ballot form may send (anything longer is tampering).
BALLOT_FIELDS_MAX = 500
LICENCE = "CC BY 4.0"


def euros(amount: int) -> str:
    """An amount in whole euros, in the current locale's pattern (€ 1.500 in Dutch,
    1 500 € in French, with its no-break spaces), without cents."""
    pattern = get_locale().currency_formats["standard"].pattern.replace(".00", "")
    return format_currency(amount, "EUR", format=pattern, currency_digits=False)


def _clean(text: str | None) -> str:
    return (text or "").replace("\r\n", "\n").strip()


# --- Rounds -----------------------------------------------------------------------------


@dataclass
class RoundInput:
    title_fr: str = ""
    title_nl: str = ""
    title_en: str = ""
    description_fr: str = ""
    description_nl: str = ""
    description_en: str = ""
    municipality_id: int | None = None
    total_amount: int | None = None
    submission_opens_at: datetime | None = None
    review_opens_at: datetime | None = None
    voting_opens_at: datetime | None = None
    voting_closes_at: datetime | None = None
    ballot_rule: str = BallotRule.KNAPSACK
    min_share: int | None = 0
    max_choices: int | None = None
    outcome_rule: str = OutcomeRule.GREEDY


def create_round(actor: Any, data: RoundInput) -> BudgetRound:
    """A new round, checked whole: FR and NL texts, a positive amount, phases in order,
    a known ballot rule with its parameter, a known outcome rule."""
    require(can_manage_budgets(actor))
    texts = {
        name: _clean(getattr(data, name))
        for name in (
            "title_fr",
            "title_nl",
            "title_en",
            "description_fr",
            "description_nl",
            "description_en",
        )
    }
    for name in ("title_fr", "title_nl"):
        if not texts[name]:
            raise DomainError(_("Please give the title in French and in Dutch."), field=name)
    for name in ("description_fr", "description_nl"):
        if not texts[name]:
            raise DomainError(_("Please give the description in French and in Dutch."), field=name)
    for name in ("title_fr", "title_nl", "title_en"):
        if len(texts[name]) > TITLE_MAX:
            raise DomainError(
                _("A title can have at most %(max)d characters.", max=TITLE_MAX), field=name
            )
    for name in ("description_fr", "description_nl", "description_en"):
        if len(texts[name]) > DESCRIPTION_MAX:
            raise DomainError(
                _("A description can have at most %(max)d characters.", max=DESCRIPTION_MAX),
                field=name,
            )
    if (
        data.municipality_id is not None
        and db.session.get(Municipality, data.municipality_id) is None
    ):
        raise DomainError(_("Please choose a value from the list."), field="municipality_id")
    if data.total_amount is None or not 0 < data.total_amount <= MAX_DB_INT:
        raise DomainError(
            _("Please give the total amount in whole euros, more than zero."),
            field="total_amount",
        )
    dates = [
        ("submission_opens_at", data.submission_opens_at),
        ("review_opens_at", data.review_opens_at),
        ("voting_opens_at", data.voting_opens_at),
        ("voting_closes_at", data.voting_closes_at),
    ]
    for name, value in dates:
        if value is None:
            raise DomainError(_("Please give the date of each phase."), field=name)
    for (_before, earlier), (name, later) in zip(dates, dates[1:], strict=False):
        assert earlier is not None and later is not None
        if later < earlier or (name == "voting_closes_at" and later <= earlier):
            raise DomainError(
                _("The phases must follow each other: submission, review, voting, results."),
                field=name,
            )
    if data.ballot_rule not in BallotRule.values():
        raise DomainError(_("Please choose a value from the list."), field="ballot_rule")
    if data.outcome_rule not in OutcomeRule.values():
        raise DomainError(_("Please choose a value from the list."), field="outcome_rule")
    min_share, max_choices = 0, None
    if data.ballot_rule == BallotRule.KNAPSACK:
        min_share = data.min_share or 0
        if not 0 <= min_share <= 100:
            raise DomainError(
                _("The minimum share is a percentage, from 0 to 100."), field="min_share"
            )
    else:
        max_choices = data.max_choices
        if max_choices is None or not 1 <= max_choices <= 1000:
            raise DomainError(
                _("Please give how many projects a voter may choose (at least 1)."),
                field="max_choices",
            )
    budget_round = BudgetRound(
        **texts,
        municipality_id=data.municipality_id,
        total_amount=data.total_amount,
        submission_opens_at=data.submission_opens_at,
        review_opens_at=data.review_opens_at,
        voting_opens_at=data.voting_opens_at,
        voting_closes_at=data.voting_closes_at,
        ballot_rule=data.ballot_rule,
        min_share=min_share,
        max_choices=max_choices,
        outcome_rule=data.outcome_rule,
        created_by_id=actor.id,
        created_at=utcnow(),
    )
    db.session.add(budget_round)
    db.session.flush()
    log_event(actor, budget_round, BudgetEventKind.CREATE_ROUND, total_amount=data.total_amount)
    return budget_round


# --- The log -------------------------------------------------------------------------


def log_event(
    actor: Any,
    budget_round: BudgetRound,
    kind: BudgetEventKind,
    project: BudgetProject | None = None,
    **details: Any,
) -> BudgetEvent:
    """One row in the budget log: who did what to which round or project, and when."""
    event = BudgetEvent(
        round_id=budget_round.id,
        project_id=project.id if project is not None else None,
        actor_id=actor.id if actor is not None else None,
        kind=kind,
        details=details,
        created_at=utcnow(),
    )
    db.session.add(event)
    db.session.flush()
    return event


def events_of(budget_round: BudgetRound) -> list[tuple[BudgetEvent, str | None]]:
    """The round's log, newest first, with who acted (None: the system): one query."""
    rows = db.session.execute(
        select(BudgetEvent, User.display_name)
        .outerjoin(User, User.id == BudgetEvent.actor_id)
        .where(BudgetEvent.round_id == budget_round.id)
        .order_by(BudgetEvent.created_at.desc(), BudgetEvent.id.desc())
    ).all()
    return [(event, name) for event, name in rows]


# --- Phases ---------------------------------------------------------------------------


def round_titles(budget_round: BudgetRound) -> dict[str, str]:
    return {lang: budget_round.title(lang) for lang in Language.values()}


def advance_phase(actor: Any, budget_round: BudgetRound) -> RoundPhase:
    """Start the next phase now (an official running the round ahead of its dates).
    Moving into the vote tells those who opted in; moving into results closes voting."""
    require(can_change_phase(actor, budget_round))
    now = utcnow()
    current = budget_round.phase_at(now)
    following = budget_round.next_phase(now)
    assert following is not None  # can_change_phase: never past the results
    phase, _starts = following
    column = {
        RoundPhase.SUBMISSION: "submission_opens_at",
        RoundPhase.REVIEW: "review_opens_at",
        RoundPhase.VOTING: "voting_opens_at",
        RoundPhase.RESULTS: "voting_closes_at",
    }[phase]
    # Every phase up to the new one starts now at the latest, keeping them in order.
    for name in ("submission_opens_at", "review_opens_at", "voting_opens_at", "voting_closes_at"):
        if getattr(budget_round, name) > now:
            setattr(budget_round, name, now)
        if name == column:
            break
    db.session.flush()
    closing = phase == RoundPhase.RESULTS
    kind = BudgetEventKind.CLOSE_VOTING if closing else BudgetEventKind.CHANGE_PHASE
    log_event(actor, budget_round, kind, before=str(current), after=str(phase))
    if phase == RoundPhase.VOTING:
        announce_voting(budget_round)
    return phase


def announce_voting(budget_round: BudgetRound) -> int:
    """Tell those who opted in (and may vote in this round) that voting is open: once."""
    if budget_round.voting_announced_at is not None:
        return 0
    budget_round.voting_announced_at = utcnow()
    voters = select(User.id).where(User.email_confirmed_at.is_not(None))
    if budget_round.municipality_id is not None:
        voters = voters.where(User.municipality_id == budget_round.municipality_id)
    db.session.flush()
    return notifications.notify_users(
        voters,
        NotificationKind.BUDGET_VOTING_OPEN,
        round_id=budget_round.id,
        round_titles=round_titles(budget_round),
        endpoint="budgets.ballot",
    )


def announce_due_rounds() -> int:
    """Rounds whose vote opened by its dates and was not announced yet (run by
    `flask budgets announce` from cron, and by the worker's poll)."""
    now = utcnow()
    due = db.session.scalars(
        select(BudgetRound).where(
            BudgetRound.voting_announced_at.is_(None),
            BudgetRound.voting_opens_at <= now,
            BudgetRound.voting_closes_at > now,
        )
    ).all()
    return sum(announce_voting(r) for r in due)


def load_round(round_id: int) -> BudgetRound | None:
    return db.session.get(BudgetRound, round_id)


def rounds() -> list[BudgetRound]:
    """Every round, the latest voting first: one query."""
    return list(
        db.session.scalars(
            select(BudgetRound).order_by(BudgetRound.voting_opens_at.desc(), BudgetRound.id.desc())
        ).unique()
    )


# --- Projects -----------------------------------------------------------------------


def submit_project(
    actor: Any,
    budget_round: BudgetRound,
    title: str,
    description: str,
    language: str,
    challenge_id: int | None = None,
    municipality_id: int | None = None,
    translations: dict[str, tuple[str, str]] | None = None,
) -> BudgetProject:
    """A citizen's project, in their language, with optional translations
    (`{"nl": (title, description)}`)."""
    require(can_submit_project(actor, budget_round))
    title, description = _clean(title), _clean(description)
    if not PROJECT_TITLE_MIN <= len(title) <= PROJECT_TITLE_MAX:
        raise DomainError(
            _(
                "The title must have between %(min)d and %(max)d characters.",
                min=PROJECT_TITLE_MIN,
                max=PROJECT_TITLE_MAX,
            ),
            field="title",
        )
    if not PROJECT_DESCRIPTION_MIN <= len(description) <= PROJECT_DESCRIPTION_MAX:
        raise DomainError(
            _(
                "The description must have between %(min)d and %(max)d characters.",
                min=PROJECT_DESCRIPTION_MIN,
                max=PROJECT_DESCRIPTION_MAX,
            ),
            field="description",
        )
    if language not in Language.values():
        raise DomainError(_("Please choose a value from the list."), field="language")
    if challenge_id is not None and db.session.get(Challenge, challenge_id) is None:
        raise DomainError(_("Please choose a value from the list."), field="challenge")
    if municipality_id is not None and db.session.get(Municipality, municipality_id) is None:
        raise DomainError(_("Please choose a value from the list."), field="municipality")
    project = BudgetProject(
        round_id=budget_round.id,
        author_id=actor.id,
        title=title,
        description=description,
        language=language,
        challenge_id=challenge_id,
        municipality_id=municipality_id,
        translations=_check_translations(language, translations or {}),
        feasibility=Feasibility.PENDING,
        created_at=utcnow(),
    )
    db.session.add(project)
    db.session.flush()
    project.round = budget_round
    return project


def _check_translations(
    language: str, translations: dict[str, tuple[str, str]]
) -> dict[str, dict[str, str]]:
    """Optional translations, each checked like the original; empty ones are dropped,
    as is one in the project's own language."""
    kept: dict[str, dict[str, str]] = {}
    for lang, (raw_title, raw_description) in translations.items():
        if lang not in Language.values() or lang == language:
            continue
        title, description = _clean(raw_title), _clean(raw_description)
        if not title and not description:
            continue
        if not PROJECT_TITLE_MIN <= len(title) <= PROJECT_TITLE_MAX:
            raise DomainError(
                _(
                    "The title must have between %(min)d and %(max)d characters.",
                    min=PROJECT_TITLE_MIN,
                    max=PROJECT_TITLE_MAX,
                ),
                field=f"title_{lang}",
            )
        if description and len(description) > PROJECT_DESCRIPTION_MAX:
            raise DomainError(
                _(
                    "The description must have between %(min)d and %(max)d characters.",
                    min=PROJECT_DESCRIPTION_MIN,
                    max=PROJECT_DESCRIPTION_MAX,
                ),
                field=f"description_{lang}",
            )
        kept[lang] = {"title": title, "description": description}
    return kept


def project_from_idea(actor: Any, budget_round: BudgetRound, idea_id: int | None) -> BudgetProject:
    """An official turns a published idea into a project of a round still taking
    projects (submission or review). The two link to each other; the idea's author
    and supporters are told."""
    require(can_manage_budgets(actor))
    if budget_round.phase not in (RoundPhase.UPCOMING, RoundPhase.SUBMISSION, RoundPhase.REVIEW):
        raise DomainError(
            _("This round no longer takes projects: voting has opened."), field="idea_id"
        )
    idea = db.session.get(Idea, idea_id) if idea_id is not None else None
    if idea is None:
        raise DomainError(_("There is no idea with this number."), field="idea_id")
    if idea.status != IdeaStatus.PUBLISHED:
        raise DomainError(_("Only a published idea can become a project."), field="idea_id")
    existing = db.session.scalar(
        select(BudgetProject.id).where(
            BudgetProject.round_id == budget_round.id, BudgetProject.idea_id == idea.id
        )
    )
    if existing is not None:
        raise DomainError(_("This idea is already a project of this round."), field="idea_id")
    project = BudgetProject(
        round_id=budget_round.id,
        author_id=idea.author_id,
        title=idea.title[:PROJECT_TITLE_MAX],
        description=idea.body_source[:PROJECT_DESCRIPTION_MAX],
        language=idea.language,
        challenge_id=idea.challenge_id,
        municipality_id=idea.municipality_id,
        idea_id=idea.id,
        translations={},
        feasibility=Feasibility.PENDING,
        created_at=utcnow(),
    )
    db.session.add(project)
    db.session.flush()
    project.round = budget_round
    log_event(actor, budget_round, BudgetEventKind.PROJECT_FROM_IDEA, project, idea_id=idea.id)
    data: dict[str, Any] = {
        "round_id": budget_round.id,
        "project_id": project.id,
        "round_titles": round_titles(budget_round),
    }
    notifications.notify_author(idea, NotificationKind.IDEA_BECAME_PROJECT, actor, **data)
    notifications.notify_supporters(
        idea,
        NotificationKind.SUPPORTED_IDEA_BECAME_PROJECT,
        exclude_ids=[idea.author_id, actor.id],
        **data,
    )
    return project


def idea_of(project: BudgetProject) -> Idea | None:
    """The published idea the project came from (None once it is no longer public)."""
    if project.idea_id is None:
        return None
    idea = db.session.get(Idea, project.idea_id)
    return idea if idea is not None and idea.status == IdeaStatus.PUBLISHED else None


def projects_of_idea(idea_id: int) -> list[tuple[BudgetProject, BudgetRound]]:
    """The budget projects an idea became, with their rounds: one query."""
    rows = db.session.execute(
        select(BudgetProject, BudgetRound)
        .join(BudgetRound, BudgetRound.id == BudgetProject.round_id)
        .where(BudgetProject.idea_id == idea_id)
        .order_by(BudgetProject.id)
    ).all()
    return [(p, r) for p, r in rows]


def load_project(budget_round: BudgetRound, project_id: int) -> BudgetProject | None:
    project = db.session.get(BudgetProject, project_id)
    if project is None or project.round_id != budget_round.id:
        return None
    # The relationship is lazy="raise": set it from the round we already hold.
    project.round = budget_round
    return project


def review_project(
    actor: Any,
    project: BudgetProject,
    cost: int | None,
    feasibility: str,
    reason_fr: str = "",
    reason_nl: str = "",
) -> BudgetProject:
    """The official verdict: a cost estimate, feasible or not, with a public reason in
    French and Dutch (required when not feasible). Only feasible projects go to the vote."""
    require(can_review_project(actor, project))
    if feasibility not in (Feasibility.FEASIBLE, Feasibility.NOT_FEASIBLE):
        raise DomainError(_("Please choose a value from the list."), field="feasibility")
    reason_fr, reason_nl = _clean(reason_fr), _clean(reason_nl)
    if feasibility == Feasibility.FEASIBLE:
        if cost is None or cost <= 0:
            raise DomainError(
                _("A feasible project needs a cost estimate in whole euros."), field="cost"
            )
        if cost > project.round.total_amount:
            raise DomainError(
                _(
                    "This cost is more than the whole budget of the round (%(budget)s): "
                    "the project could never be funded.",
                    budget=euros(project.round.total_amount),
                ),
                field="cost",
            )
    elif cost is not None and cost <= 0:
        raise DomainError(_("A cost estimate is a positive amount in euros."), field="cost")
    if feasibility == Feasibility.NOT_FEASIBLE:
        for name, value in (("reason_fr", reason_fr), ("reason_nl", reason_nl)):
            if not value:
                raise DomainError(
                    _("Please explain in French and in Dutch why the project is not feasible."),
                    field=name,
                )
    for name, value in (("reason_fr", reason_fr), ("reason_nl", reason_nl)):
        if len(value) > REASON_MAX:
            raise DomainError(
                _("The reason can have at most %(max)d characters.", max=REASON_MAX), field=name
            )
    before = {"cost": project.cost, "feasibility": project.feasibility}
    project.cost = cost
    project.feasibility = feasibility
    log_event(
        actor,
        project.round,
        BudgetEventKind.REVIEW_PROJECT,
        project,
        before=before,
        after={"cost": cost, "feasibility": str(feasibility)},
    )
    project.feasibility_reason_fr = reason_fr
    project.feasibility_reason_nl = reason_nl
    project.reviewed_by_id = actor.id
    project.reviewed_at = utcnow()
    db.session.flush()
    return project


def projects_of(
    budget_round: BudgetRound,
    feasible_only: bool = False,
    challenge_id: int | None = None,
    municipality_id: int | None = None,
) -> list[BudgetProject]:
    """The round's projects (only those on the ballot if `feasible_only`; of one
    challenge or one municipality if given): one query."""
    query = select(BudgetProject).where(BudgetProject.round_id == budget_round.id)
    if feasible_only:
        query = query.where(BudgetProject.feasibility == Feasibility.FEASIBLE)
    if challenge_id is not None:
        query = query.where(BudgetProject.challenge_id == challenge_id)
    if municipality_id is not None:
        query = query.where(BudgetProject.municipality_id == municipality_id)
    rows = list(db.session.scalars(query.order_by(BudgetProject.id)))
    for row in rows:
        row.round = budget_round
    return rows


def shuffled(projects: Sequence[BudgetProject], seed: int) -> list[BudgetProject]:
    """The visitor's own fixed random order: the list favours no project."""
    order = list(projects)
    random.Random(seed).shuffle(order)
    return order


# --- Ballots ------------------------------------------------------------------------


@dataclass
class BallotCheck:
    """What the server makes of a ballot: the valid choices, their total, and every
    reason it would be refused."""

    budget_round: BudgetRound
    chosen: list[BudgetProject] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    # Under the minimum spend: the set is possible, but cannot be submitted yet.
    below_minimum: str = ""

    @property
    def total(self) -> int:
        return sum(p.cost or 0 for p in self.chosen)

    @property
    def remaining(self) -> int:
        return self.budget_round.total_amount - self.total

    @property
    def chosen_ids(self) -> set[int]:
        return {p.id for p in self.chosen}

    @property
    def ok(self) -> bool:
        return not self.errors and not self.below_minimum

    @property
    def messages(self) -> list[str]:
        return [*self.errors, *([self.below_minimum] if self.below_minimum else [])]


def check_ballot(
    budget_round: BudgetRound, raw_values: Iterable[Any], ballot_projects: Sequence[BudgetProject]
) -> BallotCheck:
    """Check a ballot exactly as the page explains it. `ballot_projects` are the round's
    feasible projects; `raw_values` what the form sent (strings, possibly tampered)."""
    check = BallotCheck(budget_round)
    on_ballot = {p.id: p for p in ballot_projects}
    values = list(raw_values)
    if len(values) > BALLOT_FIELDS_MAX:
        check.errors.append(_("The ballot holds more projects than this round has."))
        return check
    seen: set[int] = set()
    unknown: list[int] = []
    for value in values:
        project_id = parse_id(value)
        if project_id is None:
            check.errors.append(
                _(
                    "The ballot contains a project reference that is not valid. "
                    "Please choose from the list."
                )
            )
            continue
        if project_id in seen:
            check.errors.append(
                _("A project appears twice on the ballot: each project can be chosen once.")
            )
            continue
        seen.add(project_id)
        if project_id in on_ballot:
            check.chosen.append(on_ballot[project_id])
        else:
            unknown.append(project_id)
    if unknown:
        known = {
            p.id: p
            for p in db.session.scalars(select(BudgetProject).where(BudgetProject.id.in_(unknown)))
        }
        for project_id in unknown:
            other = known.get(project_id)
            if other is None:
                message = _("Project %(id)d does not exist.", id=project_id)
            elif other.round_id != budget_round.id:
                message = _("Project %(id)d belongs to another budget round.", id=project_id)
            else:
                message = _(
                    "“%(title)s” is not on the ballot: it was not found feasible.",
                    title=other.title,
                )
            check.errors.append(message)
    if not values:
        check.errors.append(_("Please choose at least one project."))
    if budget_round.ballot_rule == BallotRule.KNAPSACK:
        if check.total > budget_round.total_amount:
            check.errors.append(
                _(
                    "These projects cost %(total)s in all, but the budget is %(budget)s: "
                    "remove projects worth at least %(over)s.",
                    total=euros(check.total),
                    budget=euros(budget_round.total_amount),
                    over=euros(check.total - budget_round.total_amount),
                )
            )
        elif check.chosen and check.total < budget_round.min_spend:
            check.below_minimum = _(
                "A ballot must spend at least %(min)s (%(share)d%% of the budget); "
                "yours spends %(total)s. Add projects for %(missing)s or more.",
                min=euros(budget_round.min_spend),
                share=budget_round.min_share,
                total=euros(check.total),
                missing=euros(budget_round.min_spend - check.total),
            )
    elif budget_round.max_choices is not None and len(check.chosen) > budget_round.max_choices:
        check.errors.append(
            _(
                "You can choose at most %(max)d projects; you chose %(n)d.",
                max=budget_round.max_choices,
                n=len(check.chosen),
            )
        )
    return check


def fits(check: BallotCheck, project: BudgetProject) -> str:
    """Why `project` cannot be added to this ballot ("" when it can)."""
    budget_round = check.budget_round
    if project.id in check.chosen_ids:
        return ""
    if budget_round.ballot_rule == BallotRule.KNAPSACK:
        if (project.cost or 0) > check.remaining:
            return _(
                "This project costs %(cost)s, you have %(left)s left.",
                cost=euros(project.cost or 0),
                left=euros(max(check.remaining, 0)),
            )
    elif budget_round.max_choices is not None and len(check.chosen) >= budget_round.max_choices:
        return _(
            "You have already chosen %(max)d projects, the most this round allows.",
            max=budget_round.max_choices,
        )
    return ""


class BallotRefused(DomainError):
    """The server refuses the ballot; `check` says why, and keeps what was chosen."""

    def __init__(self, check: BallotCheck):
        super().__init__(" ".join(check.messages), field="projects", code="ballot_refused")
        self.check = check


def new_receipt() -> str:
    """A random code the voter keeps: it names their ballot in the published file."""
    raw = secrets.token_hex(6)
    return f"{raw[0:4]}-{raw[4:8]}-{raw[8:12]}"


def ballot_of(budget_round: BudgetRound, voter: Any) -> BudgetBallot | None:
    if voter is None or not getattr(voter, "is_authenticated", False):
        return None
    return db.session.scalar(
        select(BudgetBallot).where(
            BudgetBallot.round_id == budget_round.id, BudgetBallot.voter_id == voter.id
        )
    )


def choices_of(ballot: BudgetBallot | None) -> set[int]:
    if ballot is None:
        return set()
    return set(
        db.session.scalars(
            select(BudgetBallotChoice.project_id).where(BudgetBallotChoice.ballot_id == ballot.id)
        )
    )


def cast_ballot(actor: Any, budget_round: BudgetRound, raw_values: Iterable[Any]) -> BudgetBallot:
    """Submit (or replace) the actor's one ballot, in one step. The old choices go,
    the new ones come, with a new receipt code: only the last ballot counts."""
    require(can_vote_budget(actor, budget_round))
    check = check_ballot(budget_round, raw_values, projects_of(budget_round, feasible_only=True))
    if not check.ok:
        raise BallotRefused(check)
    now = utcnow()
    query = select(BudgetBallot).where(
        BudgetBallot.round_id == budget_round.id, BudgetBallot.voter_id == actor.id
    )
    ballot = db.session.scalar(query.with_for_update())
    if ballot is None:
        try:
            with db.session.begin_nested():
                ballot = BudgetBallot(
                    round_id=budget_round.id,
                    voter_id=actor.id,
                    receipt=new_receipt(),
                    total_cost=check.total,
                    created_at=now,
                    updated_at=now,
                )
                db.session.add(ballot)
        except IntegrityError:
            # Another request of the same voter created it meanwhile: replace that one.
            ballot = db.session.scalars(query.with_for_update()).one()
    db.session.execute(delete(BudgetBallotChoice).where(BudgetBallotChoice.ballot_id == ballot.id))
    db.session.add_all(
        BudgetBallotChoice(ballot_id=ballot.id, project_id=p.id) for p in check.chosen
    )
    ballot.receipt = new_receipt()
    ballot.total_cost = check.total
    ballot.updated_at = now
    db.session.flush()
    if actor.email and not notifications.emails_suppressed():
        outbox.queue_email(
            actor.email,
            "budget_receipt",
            actor.language,
            recipient_id=actor.id,
            receipt=ballot.receipt,
            round_id=budget_round.id,
            link=public_url("budgets.ballot", round_id=budget_round.id, lang_code=actor.language),
            round_titles=round_titles(budget_round),
            projects=[{"title": p.title, "cost": p.cost or 0} for p in check.chosen],
            total=check.total,
        )
    return ballot


def receipts_of(voter: Any) -> list[tuple[BudgetBallot, BudgetRound]]:
    """The voter's ballots with their receipt codes, newest first (their account page)."""
    rows = db.session.execute(
        select(BudgetBallot, BudgetRound)
        .join(BudgetRound, BudgetRound.id == BudgetBallot.round_id)
        .where(BudgetBallot.voter_id == voter.id)
        .order_by(BudgetBallot.updated_at.desc())
    ).all()
    return [(b, r) for b, r in rows]


# --- The count ------------------------------------------------------------------------


@dataclass
class Outcome:
    """Votes per project and the projects each rule funds (ids)."""

    votes: dict[int, int]
    greedy: set[int]
    equal_shares: set[int]

    def funded(self, rule: str) -> set[int]:
        return self.greedy if rule == OutcomeRule.GREEDY else self.equal_shares


def tie_breaking():
    """Ties go to the cheaper project, then the one with more votes, then the lower id:
    the order pabulib-checker applies, so that its check and any recount agree."""
    from pabutools.tiebreaking import TieBreakingRule

    return TieBreakingRule(
        lambda instance, profile, project: (
            project.cost,
            -profile.approval_score(project),
            int(project.name),
        )
    )


def compute_outcome(
    total_amount: int,
    costs: dict[int, int],
    ballots: Iterable[Iterable[int]],
    rules: Collection[str] = (OutcomeRule.GREEDY, OutcomeRule.EQUAL_SHARES),
) -> Outcome:
    """Greedy (most votes first, skipping what does not fit, never a project without a
    vote) and the Method of Equal Shares (cost utilities, as equalshares.net), both
    computed by `pabutools` (only the `rules` asked for: the bench times each). Project
    names are their ids, so a recount from the exported file (with `tie_breaking()`)
    finds the same winners."""
    from pabutools.election import (
        ApprovalMultiProfile,
        Cost_Sat,
        FrozenApprovalBallot,
        Instance,
        Project,
    )
    from pabutools.rules import greedy_utilitarian_welfare, method_of_equal_shares

    instance = Instance(budget_limit=total_amount)
    by_id = {}
    for project_id, cost in costs.items():
        project = Project(str(project_id), cost)
        instance.add(project)
        by_id[project_id] = project
    votes = dict.fromkeys(costs, 0)
    # Identical ballots counted once, with their number (pabutools' multiprofile).
    distinct: Counter[frozenset[int]] = Counter()
    for choices in ballots:
        chosen = frozenset(i for i in choices if i in by_id)
        distinct[chosen] += 1
        for i in chosen:
            votes[i] += 1
    if not distinct or not costs:
        return Outcome(votes, set(), set())
    ties = tie_breaking()
    greedy: set[int] = set()
    mes: set[int] = set()
    if OutcomeRule.GREEDY in rules:
        # Greedy never funds a project nobody voted for (Pabulib's "greedy-threshold"
        # with a threshold of one vote): they are left out of its instance. Greedy with
        # cost satisfaction is additive: it depends on each project's total (cost x
        # votes) only. One ballot {p} counted votes(p) times has the same totals and
        # approval scores (for the ties) as the whole profile, and is counted in an
        # instant instead of minutes at 100,000 ballots; the tests recount the whole
        # profile and find the same winners.
        voted = Instance(budget_limit=total_amount)
        voted.update(p for i, p in by_id.items() if votes[i] > 0)
        singles = ApprovalMultiProfile(instance=voted)
        for project_id, project in by_id.items():
            if votes[project_id] > 0:
                singles[FrozenApprovalBallot([project])] = votes[project_id]
        greedy = {
            int(p.name)
            for p in greedy_utilitarian_welfare(
                voted, singles, sat_class=Cost_Sat, tie_breaking=ties
            )
        }
    if OutcomeRule.EQUAL_SHARES in rules:
        multi = ApprovalMultiProfile(instance=instance)
        for chosen, number in distinct.items():
            multi[FrozenApprovalBallot([by_id[i] for i in sorted(chosen)])] = number
        mes = {
            int(p.name)
            for p in method_of_equal_shares(instance, multi, sat_class=Cost_Sat, tie_breaking=ties)
        }
    return Outcome(votes, greedy, mes)


def ballots_of(budget_round: BudgetRound) -> list[tuple[str, list[int]]]:
    """(receipt, project ids) of every ballot of the round, by receipt: one query."""
    rows = db.session.execute(
        select(BudgetBallot.receipt, BudgetBallotChoice.project_id)
        .join(BudgetBallotChoice, BudgetBallotChoice.ballot_id == BudgetBallot.id)
        .where(BudgetBallot.round_id == budget_round.id)
        .order_by(BudgetBallot.receipt, BudgetBallotChoice.project_id)
    )
    grouped: dict[str, list[int]] = {}
    for receipt, project_id in rows:
        grouped.setdefault(receipt, []).append(project_id)
    return list(grouped.items())


def eligible_accounts(budget_round: BudgetRound) -> int:
    """Confirmed, not deleted accounts who may vote (for a municipal round, those who
    declared that municipality)."""
    query = select(func.count(User.id)).where(
        User.email_confirmed_at.is_not(None), User.deleted_at.is_(None)
    )
    if budget_round.municipality_id is not None:
        query = query.where(User.municipality_id == budget_round.municipality_id)
    return int(db.session.scalar(query) or 0)


def count_round(
    actor: Any, budget_round: BudgetRound, progress: Callable[[int], None] | None = None
) -> Outcome:
    """Count the votes once, after voting closes, under both rules; store votes and
    what each rule funds on every project of the ballot; tell the voters. `progress`
    hears the share done (the background job shows it on the round page)."""
    require(can_count_budget(actor, budget_round))
    return tally(actor, budget_round, progress)


def tally(
    actor: Any, budget_round: BudgetRound, progress: Callable[[int], None] | None = None
) -> Outcome:
    """The count itself, permission already checked (or a command-line import)."""
    projects = projects_of(budget_round, feasible_only=True)
    ballots = ballots_of(budget_round)
    if progress:
        progress(30)
    outcome = compute_outcome(
        budget_round.total_amount,
        {p.id: p.cost or 0 for p in projects},
        (choices for _receipt, choices in ballots),
    )
    if progress:
        progress(90)
    for project in projects:
        project.vote_count = outcome.votes.get(project.id, 0)
        project.funded_greedy = project.id in outcome.greedy
        project.funded_equal_shares = project.id in outcome.equal_shares
    budget_round.ballot_count = len(ballots)
    budget_round.eligible_count = eligible_accounts(budget_round)
    budget_round.counted_at = utcnow()
    budget_round.count_state = CountState.DONE
    budget_round.count_progress = 100
    db.session.flush()
    log_event(
        actor,
        budget_round,
        BudgetEventKind.PUBLISH_RESULTS,
        ballots=len(ballots),
        greedy=sorted(outcome.greedy),
        equal_shares=sorted(outcome.equal_shares),
    )
    notifications.notify_users(
        select(BudgetBallot.voter_id).where(BudgetBallot.round_id == budget_round.id),
        NotificationKind.BUDGET_RESULTS,
        round_id=budget_round.id,
        round_titles=round_titles(budget_round),
        endpoint="budgets.results",
    )
    return outcome


def request_count(actor: Any, budget_round: BudgetRound) -> None:
    """Ask for the count: the background job (participation/jobs.py) does it, once
    this transaction commits. A failed count may be asked for again."""
    require(can_count_budget(actor, budget_round))
    if budget_round.count_state in (CountState.QUEUED, CountState.RUNNING):
        raise DomainError(_("The votes are already being counted."), code="count_running")
    budget_round.count_state = CountState.QUEUED
    budget_round.count_progress = 0
    db.session.flush()
    log_event(actor, budget_round, BudgetEventKind.REQUEST_COUNT)


@dataclass
class Results:
    budget_round: BudgetRound
    projects: list[BudgetProject]

    @property
    def official_rule(self) -> OutcomeRule:
        return OutcomeRule(self.budget_round.outcome_rule)

    @property
    def other_rule(self) -> OutcomeRule:
        return next(r for r in OutcomeRule if r != self.official_rule)

    def spent(self, rule: str) -> int:
        return sum(p.cost or 0 for p in self.projects if p.funded_by(rule))

    def funded_count(self, rule: str) -> int:
        return sum(1 for p in self.projects if p.funded_by(rule))

    @property
    def turnout(self) -> float | None:
        eligible = self.budget_round.eligible_count
        return self.budget_round.ballot_count / eligible if eligible else None


def results(budget_round: BudgetRound) -> Results:
    """The counted projects, most votes first: one query."""
    projects = projects_of(budget_round, feasible_only=True)
    projects.sort(key=lambda p: (-p.vote_count, p.cost or 0, p.id))
    return Results(budget_round, projects)


# --- Pabulib ------------------------------------------------------------------------


def _pb_text(value: str) -> str:
    """A value safe in a ';'-separated Pabulib line: no separator, no line break."""
    return " ".join(value.replace(";", ",").split())


def export_pabulib(budget_round: BudgetRound) -> str:
    """The counted round as a Pabulib (.pb) file: projects with cost, votes and
    `selected` by the round's own rule, ballots under their receipt codes."""
    if budget_round.counted_at is None:
        raise DomainError(_("The results are not published yet."))
    projects = projects_of(budget_round, feasible_only=True)
    ballots = ballots_of(budget_round)
    rule = budget_round.outcome_rule
    place = (
        budget_round.municipality.name_fr
        if budget_round.municipality is not None
        else "Région de Bruxelles-Capitale"
    )
    meta: list[tuple[str, Any]] = [
        ("description", _pb_text(budget_round.title_fr)),
        ("country", "Belgium"),
        ("unit", _pb_text(place)),
        ("instance", str(budget_round.voting_closes_at.year)),
        ("num_projects", len(projects)),
        ("num_votes", len(ballots)),
        ("budget", budget_round.total_amount),
        # Pabulib's vote type: every ballot, knapsack or not, is a set of approved projects.
        ("vote_type", BallotRule.APPROVAL.value),
        ("rule", "greedy-threshold" if rule == OutcomeRule.GREEDY else "equalshares"),
        ("date_begin", budget_round.voting_opens_at.strftime("%d.%m.%Y")),
        ("date_end", budget_round.voting_closes_at.strftime("%d.%m.%Y")),
    ]
    if budget_round.ballot_rule == BallotRule.KNAPSACK:
        if budget_round.min_spend:
            meta.append(("min_sum_cost", budget_round.min_spend))
        meta.append(("max_sum_cost", budget_round.total_amount))
    elif budget_round.max_choices is not None:
        meta.append(("max_length", budget_round.max_choices))
    if rule == OutcomeRule.GREEDY:
        meta.append(("min_project_score_threshold", 1))
    meta += [("language", "fr"), ("currency", "EUR"), ("acknowledgments", f"Licence: {LICENCE}")]
    lines = ["META", "key;value", *(f"{k};{v}" for k, v in meta)]
    lines += ["PROJECTS", "project_id;cost;votes;name;selected"]
    # Most votes first, ties in the order of `tie_breaking()`: checkers that read the
    # greedy order from the file (pabulib-checker) then agree with the count.
    ordered = sorted(projects, key=lambda p: (-p.vote_count, p.cost or 0, p.id))
    for p in ordered:
        selected = 1 if p.funded_by(rule) else 0
        lines.append(f"{p.id};{p.cost};{p.vote_count};{_pb_text(p.title)};{selected}")
    lines += ["VOTES", "voter_id;vote"]
    lines += [f"{receipt};{','.join(str(i) for i in choices)}" for receipt, choices in ballots]
    return "\n".join(lines) + "\n"


# --- Personal data export --------------------------------------------------------------


def export_section(user: Any) -> tuple[str, dict[str, Any]]:
    """The user's ballots with their receipt codes and choices, for "download my data"."""
    ballots = receipts_of(user)
    chosen: dict[int, list[int]] = {}
    if ballots:
        for ballot_id, project_id in db.session.execute(
            select(BudgetBallotChoice.ballot_id, BudgetBallotChoice.project_id)
            .where(BudgetBallotChoice.ballot_id.in_([b.id for b, _r in ballots]))
            .order_by(BudgetBallotChoice.project_id)
        ):
            chosen.setdefault(ballot_id, []).append(project_id)
    return "budget_ballots", {
        "items": [
            {
                "round_id": budget_round.id,
                "round_title": budget_round.title_fr,
                "receipt": ballot.receipt,
                "project_ids": chosen.get(ballot.id, []),
                "updated_at": ballot.updated_at.isoformat() + "Z",
            }
            for ballot, budget_round in ballots
        ]
    }


def _register_export() -> None:
    from participation.services.accounts import EXPORT_SECTIONS

    if export_section not in EXPORT_SECTIONS:
        EXPORT_SECTIONS.append(export_section)


_register_export()
