"""The one place that decides who may do what.

Every verb takes the acting user (a `User`, or Flask-Login's anonymous user)
and, where relevant, the object acted on, and returns a `Decision`: allowed, or
denied with a reason code (`vocabulary.Denial`) that has one translated message.
A `Decision` is truthy when allowed, so views and templates simply ask
`if can.support(current_user, idea)`; services call `require(...)` before they
change anything, so that no caller (a view, the CLI, a future API) skips a rule.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeAlias

from typing_extensions import TypeIs

from participation.services import DomainError
from participation.vocabulary import (
    LISTED_IDEA_STATUSES,
    OPEN_IDEA_STATUSES,
    PUBLIC_IDEA_STATUSES,
    RESPONDER_ROLES,
    REVIEW_PHASES,
    STAFF_ROLES,
    CommentStatus,
    ConsultationState,
    Denial,
    IdeaStatus,
    ResultsVisibility,
    Role,
    RoundPhase,
)

if TYPE_CHECKING:
    from flask_login import AnonymousUserMixin

    from participation.models import (
        BudgetProject,
        BudgetRound,
        Comment,
        Consultation,
        Idea,
        Notification,
        User,
    )
    from participation.models.ideas import IdeaState

    Actor: TypeAlias = User | AnonymousUserMixin
else:
    Actor = Any

COMMENT_EDIT_MINUTES = 15


@dataclass(frozen=True, slots=True)
class Decision:
    """Allowed (reason None), or denied with a reason code."""

    reason: Denial | None = None

    def __bool__(self) -> bool:
        return self.reason is None

    @property
    def message(self) -> str:
        return self.reason.label if self.reason is not None else ""


ALLOWED = Decision()


def deny(reason: Denial) -> Decision:
    return Decision(reason)


class PermissionDenied(DomainError):
    """A service was asked to do what its permission verb refuses. Its `code` is
    the reason (a `Denial`), its message the reason's one translated message."""

    def __init__(self, decision: Decision, field: str | None = None):
        super().__init__(decision.message, field=field, code=decision.reason)
        self.decision = decision


def require(decision: Decision, field: str | None = None) -> None:
    """Raise PermissionDenied unless `decision` allows: services call this first."""
    if not decision:
        raise PermissionDenied(decision, field)


# --- Accounts ---------------------------------------------------------------------


def is_signed_in(user: Actor | None) -> TypeIs[User]:
    return bool(user is not None and user.is_authenticated and not user.is_deleted)


def _signed_in(user: Actor) -> Decision:
    return ALLOWED if is_signed_in(user) else deny(Denial.ANONYMOUS)


def _has_role(user: Actor, roles: frozenset[Role], denial: Denial) -> Decision:
    if not is_signed_in(user):
        return deny(Denial.ANONYMOUS)
    return ALLOWED if user.role in roles else deny(denial)


def can_log_in(user: User) -> Decision:
    """A known account with the right password may still be banned or suspended."""
    if user.is_deleted:
        return deny(Denial.DELETED)
    if user.is_banned:
        return deny(Denial.BANNED)
    if user.is_suspended:
        return deny(Denial.SUSPENDED)
    return ALLOWED


def can_delete_account(user: Actor, password: str | None) -> Decision:
    """Deleting an account asks its password again, whoever holds the session."""
    from participation.services.passwords import verify_password

    if not is_signed_in(user):
        return deny(Denial.ANONYMOUS)
    if not verify_password(user.password_hash, password or ""):
        return deny(Denial.WRONG_PASSWORD)
    return ALLOWED


def can_participate(user: Actor) -> Decision:
    """Propose, support, comment, report: signed in, confirmed, not suspended."""
    if not is_signed_in(user):
        return deny(Denial.ANONYMOUS)
    if not user.is_confirmed:
        return deny(Denial.UNCONFIRMED)
    if user.is_suspended:
        return deny(Denial.SUSPENDED)
    return ALLOWED


def can_moderate(user: Actor) -> Decision:
    return _has_role(user, STAFF_ROLES, Denial.NOT_STAFF)


def can_respond_officially(user: Actor) -> Decision:
    return _has_role(user, RESPONDER_ROLES, Denial.NOT_RESPONDER)


def can_view_dashboard(user: Actor) -> Decision:
    return _has_role(user, RESPONDER_ROLES, Denial.NOT_RESPONDER)


def can_manage_roles(user: Actor) -> Decision:
    return _has_role(user, frozenset({Role.ADMIN}), Denial.NOT_ADMIN)


def can_manage_outbox(user: Actor) -> Decision:
    """See the outgoing mail queue and send failed messages again."""
    return _has_role(user, frozenset({Role.ADMIN}), Denial.NOT_ADMIN)


@dataclass(frozen=True, slots=True)
class MenuRights:
    """What the site's main menu (base.html) shows of a visitor's rights:
    signed in or not, and the staff areas they may open. Visitors with equal
    MenuRights see the same menu but for their name, unread count and CSRF
    token, which are put in for each (templating.kept_fragment)."""

    signed_in: bool
    moderate: bool
    manage_roles: bool
    view_dashboard: bool


def menu_rights(user: Actor) -> MenuRights:
    return MenuRights(
        signed_in=bool(user.is_authenticated),
        moderate=bool(can_moderate(user)),
        manage_roles=bool(can_manage_roles(user)),
        view_dashboard=bool(can_view_dashboard(user)),
    )


def can_change_role(actor: Actor, target: User) -> Decision:
    """Admins change others' roles, never their own."""
    decision = can_manage_roles(actor)
    if decision and actor.id == target.id:
        return deny(Denial.OWN_ACCOUNT)
    return decision


def can_read_notification(user: Actor, notification: Notification) -> Decision:
    if not is_signed_in(user):
        return deny(Denial.ANONYMOUS)
    return ALLOWED if notification.recipient_id == user.id else deny(Denial.NOT_VISIBLE)


# --- Ideas ---------------------------------------------------------------------------


def is_author(user: Actor, item: Any) -> bool:
    return is_signed_in(user) and getattr(item, "author_id", None) == user.id


def can_propose(user: Actor) -> Decision:
    return can_participate(user)


def can_view_idea(user: Actor, idea: Idea | IdeaState) -> Decision:
    """Public ideas are visible to all (hidden ones as a placeholder); pending and
    rejected ideas only to their author and to moderators."""
    if idea.status in PUBLIC_IDEA_STATUSES or is_author(user, idea) or can_moderate(user):
        return ALLOWED
    return deny(Denial.NOT_VISIBLE)


def can_view_hidden_content(user: Actor, item: Any = None) -> Decision:
    """Hidden ideas and comments show a placeholder; their author still reads them
    (with the moderation notice), and so do moderators."""
    if can_moderate(user) or (item is not None and is_author(user, item)):
        return ALLOWED
    return deny(Denial.NOT_VISIBLE)


def can_read_text(user: Actor, item: Any) -> Decision:
    """Whether `user` sees an idea's or a comment's own words (title, body), or the
    placeholder of hidden content: on every page, in notifications, emails, feeds
    and exports."""
    if item is None:
        return deny(Denial.NOT_VISIBLE)
    if item.status not in (IdeaStatus.HIDDEN, CommentStatus.HIDDEN):
        return ALLOWED
    return can_view_hidden_content(user, item)


def can_edit_idea(user: Actor, idea: Idea) -> Decision:
    """The author, until the first support from someone else or the first official response."""
    if not is_author(user, idea):
        return deny(Denial.NOT_AUTHOR)
    decision = can_participate(user)
    if not decision:
        return decision
    if idea.status not in OPEN_IDEA_STATUSES:
        return deny(Denial.WRONG_STATE)
    if idea.locked_at is not None:
        return deny(Denial.LOCKED)
    return ALLOWED


def can_withdraw_idea(user: Actor, idea: Idea) -> Decision:
    if not is_author(user, idea):
        return deny(Denial.NOT_AUTHOR)
    if idea.status not in OPEN_IDEA_STATUSES:
        return deny(Denial.WRONG_STATE)
    return ALLOWED


def can_support(user: Actor, idea: Idea | IdeaState) -> Decision:
    decision = can_participate(user)
    if not decision:
        return decision
    if is_author(user, idea):
        return deny(Denial.OWN_IDEA)
    if idea.status != IdeaStatus.PUBLISHED or idea.is_closed:
        return deny(Denial.SUPPORTS_CLOSED)
    return ALLOWED


def can_withdraw_support(user: Actor, idea: Idea | IdeaState) -> Decision:
    """Anyone signed in may take back their own support, even once supports close."""
    return _signed_in(user)


def can_comment(user: Actor, idea: Idea) -> Decision:
    decision = can_participate(user)
    if not decision:
        return decision
    if idea.status != IdeaStatus.PUBLISHED:
        return deny(Denial.COMMENTS_CLOSED)
    return ALLOWED


def can_edit_comment(user: Actor, comment: Comment, now: datetime | None = None) -> Decision:
    from participation.models.base import utcnow

    if not is_author(user, comment):
        return deny(Denial.NOT_AUTHOR)
    decision = can_participate(user)
    if not decision:
        return decision
    if comment.status != CommentStatus.VISIBLE:
        return deny(Denial.WRONG_STATE)
    if (now or utcnow()) - comment.created_at > timedelta(minutes=COMMENT_EDIT_MINUTES):
        return deny(Denial.EDIT_WINDOW_PASSED)
    return ALLOWED


def can_delete_comment(user: Actor, comment: Comment) -> Decision:
    if not is_author(user, comment):
        return deny(Denial.NOT_AUTHOR)
    if comment.status != CommentStatus.VISIBLE:
        return deny(Denial.WRONG_STATE)
    return ALLOWED


def can_translate_idea(user: Actor, idea: Idea) -> Decision:
    """Add the idea's title and description in another language: its author while
    the idea is pending or published (published at once); any other confirmed
    participant once it is published (moderated, and only where no translation
    exists yet: services/translations.py checks the language)."""
    decision = can_participate(user)
    if not decision:
        return decision
    if is_author(user, idea):
        allowed = idea.status in (IdeaStatus.PENDING, IdeaStatus.PUBLISHED)
    else:
        allowed = idea.status == IdeaStatus.PUBLISHED
    return ALLOWED if allowed else deny(Denial.WRONG_STATE)


def can_review_translation(user: Actor, translation: Any) -> Decision:
    """Approve or reject a participant's translation: moderators, never their own."""
    return can_moderate_item(user, translation)


# --- Reports and moderation -------------------------------------------------------------


def can_report(user: Actor, item: Any, idea: Idea | None = None) -> Decision:
    """Confirmed participants report others' public content, never their own.
    `item` is an idea, or a comment with `idea` the idea it belongs to. Pending,
    rejected and deleted content cannot be reported (NOT_VISIBLE: a 404)."""
    from participation.models import Idea as IdeaModel

    if isinstance(item, IdeaModel):
        reportable = item.status in PUBLIC_IDEA_STATUSES
    else:
        reportable = (
            item.status in (CommentStatus.VISIBLE, CommentStatus.HIDDEN)
            and idea is not None
            and idea.status in LISTED_IDEA_STATUSES
        )
    if not reportable:
        return deny(Denial.NOT_VISIBLE)
    decision = can_participate(user)
    if not decision:
        return decision
    if is_author(user, item):
        return deny(Denial.OWN_CONTENT)
    return ALLOWED


def can_offer_report(user: Actor, item: Any) -> Decision:
    """Show the "Report" link: to everyone but the author (visitors are asked to log
    in, unconfirmed members are told why on the form)."""
    return deny(Denial.OWN_CONTENT) if is_author(user, item) else ALLOWED


@dataclass(frozen=True, slots=True)
class IdeaActions:
    """What a visitor may do beside an idea, on its page (ideas/_aside.html reads
    nothing else of them): support it or withdraw their support (`support`: why
    not), read its title, translate it, edit or withdraw it, report or moderate
    it. Visitors with equal IdeaActions see the same aside, which is kept for
    them (ideas/routes_read.py)."""

    supported: bool
    support: Denial | None
    read_title: bool
    author: bool
    translate: bool
    edit: bool
    withdraw: bool
    report: bool
    moderate: bool


def idea_actions(user: Actor, idea: Idea, supported: bool) -> IdeaActions:
    """The IdeaActions of `user` on `idea` (`supported`: whether they support it)."""
    return IdeaActions(
        supported=supported,
        support=can_support(user, idea).reason,
        read_title=bool(can_read_text(user, idea)),
        author=is_author(user, idea),
        translate=bool(can_translate_idea(user, idea)),
        edit=bool(can_edit_idea(user, idea)),
        withdraw=bool(can_withdraw_idea(user, idea)),
        report=bool(can_offer_report(user, idea)),
        moderate=bool(can_moderate(user)),
    )


def sees_comments_as_others(user: Actor, author_ids: Collection[int | None]) -> bool:
    """Whether `user` sees comments by `author_ids` as every other visitor who may
    comment as they may does: yes, unless they moderate (a moderation link, hidden
    words) or wrote one of them (edit and delete buttons, their hidden words, no
    "Report": can_edit_comment, can_delete_comment, can_read_text and
    can_offer_report turn on authorship). A page of comments rendered for one
    such visitor is shown to all the others (ideas/routes_read.py)."""
    if can_moderate(user):
        return False
    return not is_signed_in(user) or user.id not in author_ids


def can_moderate_item(user: Actor, item: Any) -> Decision:
    """Moderators act on others' content, never their own."""
    decision = can_moderate(user)
    if decision and is_author(user, item):
        return deny(Denial.OWN_CONTENT)
    return decision


def can_sanction_user(actor: Actor, target: User) -> Decision:
    """Suspend, ban or lift: never oneself; moderators act on citizens, admins on
    anyone but other admins."""
    decision = can_moderate(actor)
    if not decision:
        return decision
    if actor.id == target.id:
        return deny(Denial.OWN_ACCOUNT)
    allowed = target.role != Role.ADMIN if actor.role == Role.ADMIN else target.role == Role.CITIZEN
    return ALLOWED if allowed else deny(Denial.PROTECTED_ACCOUNT)


def can_view_moderation_log(user: Actor) -> Decision:
    return can_moderate(user)


# --- Participatory budgeting --------------------------------------------------------


def _now(now: datetime | None) -> datetime:
    from participation.models.base import utcnow

    return now or utcnow()


def can_manage_budgets(user: Actor) -> Decision:
    """Create rounds, review projects, count the votes: officials and admins."""
    return _has_role(user, RESPONDER_ROLES, Denial.NOT_RESPONDER)


def can_submit_project(
    user: Actor, budget_round: BudgetRound, now: datetime | None = None
) -> Decision:
    """Confirmed participants propose projects during the submission phase."""
    decision = can_participate(user)
    if not decision:
        return decision
    if budget_round.phase_at(_now(now)) != RoundPhase.SUBMISSION:
        return deny(Denial.SUBMISSION_CLOSED)
    return ALLOWED


def can_review_project(
    user: Actor, project: BudgetProject, now: datetime | None = None
) -> Decision:
    """Officials set cost and feasibility until voting opens (the ballot must not change
    under the voters' feet)."""
    decision = can_manage_budgets(user)
    if not decision:
        return decision
    if project.round.phase_at(_now(now)) not in REVIEW_PHASES:
        return deny(Denial.REVIEW_CLOSED)
    return ALLOWED


def can_change_phase(
    user: Actor, budget_round: BudgetRound, now: datetime | None = None
) -> Decision:
    """Officials start a round's next phase ahead of its dates, up to closing the vote."""
    decision = can_manage_budgets(user)
    if not decision:
        return decision
    if budget_round.phase_at(_now(now)) == RoundPhase.RESULTS:
        return deny(Denial.WRONG_STATE)
    return ALLOWED


def is_resident(user: User, budget_round: BudgetRound) -> bool:
    """Residence as the user DECLARED it on their profile: not verified. This is the one
    place to swap in a real identity check (itsme, eID) later."""
    return budget_round.municipality_id is None or (
        user.municipality_id == budget_round.municipality_id
    )


def can_vote_budget(
    user: Actor, budget_round: BudgetRound, now: datetime | None = None
) -> Decision:
    """Confirmed participants vote during the voting phase; in a municipal round, only
    those who declared that municipality as theirs."""
    decision = can_participate(user)
    if not decision:
        return decision
    if budget_round.phase_at(_now(now)) != RoundPhase.VOTING:
        return deny(Denial.VOTING_CLOSED)
    if not is_resident(user, budget_round):
        return deny(Denial.NOT_RESIDENT)
    return ALLOWED


def can_count_budget(
    user: Actor, budget_round: BudgetRound, now: datetime | None = None
) -> Decision:
    """Officials count a round once, after voting has closed."""
    decision = can_manage_budgets(user)
    if not decision:
        return decision
    if budget_round.phase_at(_now(now)) != RoundPhase.RESULTS or budget_round.counted_at:
        return deny(Denial.NOT_COUNTABLE)
    return ALLOWED


# --- Consultations ------------------------------------------------------------------


def can_create_consultation(user: Actor) -> Decision:
    return _has_role(user, RESPONDER_ROLES, Denial.NOT_RESPONDER)


def can_edit_consultation(
    user: Actor, consultation: Consultation, now: datetime | None = None
) -> Decision:
    """Officials change a consultation's text and questions until its first answer."""
    decision = can_create_consultation(user)
    if not decision:
        return decision
    if consultation.state(now) == ConsultationState.CLOSED:
        return deny(Denial.CONSULTATION_CLOSED)
    if consultation.is_locked:
        return deny(Denial.CONSULTATION_LOCKED)
    return ALLOWED


def can_move_closing_date(
    user: Actor, consultation: Consultation, now: datetime | None = None
) -> Decision:
    """After the first answer only the closing date moves (logged), until it closes."""
    decision = can_create_consultation(user)
    if not decision:
        return decision
    if consultation.state(now) == ConsultationState.CLOSED:
        return deny(Denial.CONSULTATION_CLOSED)
    return ALLOWED


def can_view_consultation(
    user: Actor, consultation: Consultation, now: datetime | None = None
) -> Decision:
    """Public once open; before that, only officials see it (they prepare it)."""
    if consultation.state(now) != ConsultationState.UPCOMING:
        return ALLOWED
    return ALLOWED if can_create_consultation(user) else deny(Denial.NOT_VISIBLE)


def can_answer_consultation(
    user: Actor,
    consultation: Consultation,
    already_answered: bool = False,
    now: datetime | None = None,
) -> Decision:
    """Confirmed residents answer an open consultation once; a municipal one only
    the residents of that municipality (as declared on their account)."""
    decision = can_participate(user)
    if not decision:
        return decision
    state = consultation.state(now)
    if state == ConsultationState.UPCOMING:
        return deny(Denial.CONSULTATION_NOT_OPEN)
    if state == ConsultationState.CLOSED:
        return deny(Denial.CONSULTATION_CLOSED)
    if (
        consultation.municipality_id is not None
        and user.municipality_id != consultation.municipality_id
    ):
        return deny(Denial.OUTSIDE_SCOPE)
    if already_answered:
        return deny(Denial.ALREADY_ANSWERED)
    return ALLOWED


def can_view_consultation_results(
    user: Actor, consultation: Consultation, now: datetime | None = None
) -> Decision:
    """Live results while open if the official chose so, otherwise after closing.
    Nobody, officials and admins included, reads them earlier: watching the counts
    move as participations arrive would tell who answered what."""
    state = consultation.state(now)
    if state == ConsultationState.UPCOMING:
        return deny(Denial.NOT_VISIBLE)
    if state == ConsultationState.CLOSED:
        return ALLOWED
    if consultation.results_visibility == ResultsVisibility.LIVE:
        return ALLOWED
    return deny(Denial.RESULTS_NOT_YET)


def can_moderate_consultation_texts(user: Actor) -> Decision:
    """Free-text answers are read by a moderator before anyone sees them."""
    return can_moderate(user)


class _Can:
    """Templates ask the same verbs: `can.support(current_user, idea)`."""

    def __getattr__(self, name: str):
        verb = globals().get(f"can_{name}")
        if verb is None:
            raise AttributeError(f"no permission verb can_{name}")
        return verb


can = _Can()
