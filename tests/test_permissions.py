"""Every permission verb x role x state, without HTTP (after adhocracy+'s rules
tests). The route matrix (test_route_matrix.py) checks the views ask; this
checks what the answers are. Plain objects stand in for rows: the verbs only
read attributes, so no database is needed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from flask_login import AnonymousUserMixin

from participation import permissions as p
from participation.models.base import utcnow
from participation.vocabulary import (
    CommentStatus,
    Denial,
    IdeaStatus,
    Role,
    RoundPhase,
    TranslationStatus,
)

NOW = datetime(2026, 11, 22, 12, 0)


@dataclass
class FakeUser:
    id: int
    role: str = Role.CITIZEN
    confirmed: bool = True
    suspended: bool = False
    banned: bool = False
    deleted: bool = False
    is_authenticated: bool = True
    municipality_id: int | None = None

    @property
    def is_confirmed(self):
        return self.confirmed

    @property
    def is_suspended(self):
        return self.suspended or self.banned

    @property
    def is_banned(self):
        return self.banned

    @property
    def is_deleted(self):
        return self.deleted


@dataclass
class FakeIdea:
    author_id: int
    status: str = IdeaStatus.PUBLISHED
    locked_at: datetime | None = None
    closed: bool = False

    @property
    def is_closed(self):
        return self.closed


@dataclass
class FakeComment:
    author_id: int
    status: str = CommentStatus.VISIBLE
    created_at: datetime = NOW


ANONYMOUS = AnonymousUserMixin()
AUTHOR_ID = 1


def actor(kind: str):
    """The actors of the matrix: anonymous, states of a citizen, and each staff role."""
    return {
        "anonymous": ANONYMOUS,
        "citizen": FakeUser(2),
        "author": FakeUser(AUTHOR_ID),
        "unconfirmed": FakeUser(2, confirmed=False),
        "suspended": FakeUser(2, suspended=True),
        "banned": FakeUser(2, banned=True),
        "moderator": FakeUser(3, role=Role.MODERATOR),
        "official": FakeUser(4, role=Role.OFFICIAL),
        "admin": FakeUser(5, role=Role.ADMIN),
    }[kind]


ACTORS = [
    "anonymous",
    "citizen",
    "author",
    "unconfirmed",
    "suspended",
    "banned",
    "moderator",
    "official",
    "admin",
]
A, U, S = Denial.ANONYMOUS, Denial.UNCONFIRMED, Denial.SUSPENDED
OK = None

# verb -> expected reason per actor (None: allowed), in ACTORS order.
ROLE_VERBS = {
    "participate": [A, OK, OK, U, S, S, OK, OK, OK],
    "propose": [A, OK, OK, U, S, S, OK, OK, OK],
    "moderate": [A] + [Denial.NOT_STAFF] * 5 + [OK, Denial.NOT_STAFF, OK],
    "view_moderation_log": [A] + [Denial.NOT_STAFF] * 5 + [OK, Denial.NOT_STAFF, OK],
    "respond_officially": [A] + [Denial.NOT_RESPONDER] * 6 + [OK, OK],
    "view_dashboard": [A] + [Denial.NOT_RESPONDER] * 6 + [OK, OK],
    "manage_roles": [A] + [Denial.NOT_ADMIN] * 7 + [OK],
    "manage_outbox": [A] + [Denial.NOT_ADMIN] * 7 + [OK],
    "manage_budgets": [A] + [Denial.NOT_RESPONDER] * 6 + [OK, OK],
}


@pytest.mark.parametrize("verb", ROLE_VERBS)
@pytest.mark.parametrize("index", range(len(ACTORS)), ids=ACTORS)
def test_role_verbs(verb, index):
    decision = getattr(p, f"can_{verb}")(actor(ACTORS[index]))
    assert decision.reason == ROLE_VERBS[verb][index]
    assert bool(decision) is (ROLE_VERBS[verb][index] is None)
    if not decision:
        assert decision.message  # every refusal has its one message


# (verb, idea state) -> expected reason per actor.
IDEA_CASES = {
    ("support", IdeaStatus.PUBLISHED): [A, OK, Denial.OWN_IDEA, U, S, S, OK, OK, OK],
    ("support", IdeaStatus.WITHDRAWN): [A, Denial.SUPPORTS_CLOSED, Denial.OWN_IDEA, U, S, S]
    + [Denial.SUPPORTS_CLOSED] * 3,
    ("support", "closed"): [A, Denial.SUPPORTS_CLOSED, Denial.OWN_IDEA, U, S, S]
    + [Denial.SUPPORTS_CLOSED] * 3,
    ("comment", IdeaStatus.PUBLISHED): [A, OK, OK, U, S, S, OK, OK, OK],
    ("comment", IdeaStatus.WITHDRAWN): [A, Denial.COMMENTS_CLOSED, Denial.COMMENTS_CLOSED, U, S, S]
    + [Denial.COMMENTS_CLOSED] * 3,
    ("view_idea", IdeaStatus.PUBLISHED): [OK] * 9,
    ("view_idea", IdeaStatus.HIDDEN): [OK] * 9,
    ("view_idea", IdeaStatus.PENDING): [Denial.NOT_VISIBLE, Denial.NOT_VISIBLE, OK]
    + [Denial.NOT_VISIBLE] * 3
    + [OK, Denial.NOT_VISIBLE, OK],
    ("read_text", IdeaStatus.HIDDEN): [Denial.NOT_VISIBLE, Denial.NOT_VISIBLE, OK]
    + [Denial.NOT_VISIBLE] * 3
    + [OK, Denial.NOT_VISIBLE, OK],
    ("read_text", IdeaStatus.PUBLISHED): [OK] * 9,
    ("view_hidden_content", IdeaStatus.HIDDEN): [Denial.NOT_VISIBLE, Denial.NOT_VISIBLE, OK]
    + [Denial.NOT_VISIBLE] * 3
    + [OK, Denial.NOT_VISIBLE, OK],
    ("edit_idea", IdeaStatus.PUBLISHED): [Denial.NOT_AUTHOR] * 2 + [OK] + [Denial.NOT_AUTHOR] * 6,
    ("edit_idea", "locked"): [Denial.NOT_AUTHOR] * 2 + [Denial.LOCKED] + [Denial.NOT_AUTHOR] * 6,
    ("edit_idea", IdeaStatus.HIDDEN): [Denial.NOT_AUTHOR] * 2
    + [Denial.WRONG_STATE]
    + [Denial.NOT_AUTHOR] * 6,
    ("withdraw_idea", IdeaStatus.PENDING): [Denial.NOT_AUTHOR] * 2 + [OK] + [Denial.NOT_AUTHOR] * 6,
    ("withdraw_idea", IdeaStatus.HIDDEN): [Denial.NOT_AUTHOR] * 2
    + [Denial.WRONG_STATE]
    + [Denial.NOT_AUTHOR] * 6,
    ("report", IdeaStatus.PUBLISHED): [A, OK, Denial.OWN_CONTENT, U, S, S, OK, OK, OK],
    ("report", IdeaStatus.PENDING): [Denial.NOT_VISIBLE] * 9,
    ("moderate_item", IdeaStatus.PUBLISHED): [A]
    + [Denial.NOT_STAFF] * 5
    + [OK, Denial.NOT_STAFF, OK],
    ("offer_report", IdeaStatus.PUBLISHED): [OK, OK, Denial.OWN_CONTENT] + [OK] * 6,
    # Translations: the author while pending or published, others once published.
    ("translate_idea", IdeaStatus.PUBLISHED): [A, OK, OK, U, S, S, OK, OK, OK],
    ("translate_idea", IdeaStatus.PENDING): [A, Denial.WRONG_STATE, OK, U, S, S]
    + [Denial.WRONG_STATE] * 3,
    ("translate_idea", IdeaStatus.HIDDEN): [A, Denial.WRONG_STATE, Denial.WRONG_STATE, U, S, S]
    + [Denial.WRONG_STATE] * 3,
    ("translate_idea", IdeaStatus.WITHDRAWN): [A, Denial.WRONG_STATE, Denial.WRONG_STATE, U, S, S]
    + [Denial.WRONG_STATE] * 3,
    ("translate_idea", IdeaStatus.REJECTED): [A, Denial.WRONG_STATE, Denial.WRONG_STATE, U, S, S]
    + [Denial.WRONG_STATE] * 3,
    # A translation is reviewed by moderators, never by its translator (here: "author").
    ("review_translation", TranslationStatus.PENDING): [A]
    + [Denial.NOT_STAFF] * 5
    + [OK, Denial.NOT_STAFF, OK],
}


def _idea(state: str) -> FakeIdea:
    if state == "closed":
        return FakeIdea(AUTHOR_ID, closed=True)
    if state == "locked":
        return FakeIdea(AUTHOR_ID, locked_at=NOW)
    return FakeIdea(AUTHOR_ID, status=state)


@pytest.mark.parametrize("case", IDEA_CASES, ids=lambda c: f"{c[0]}-{c[1]}")
@pytest.mark.parametrize("index", range(len(ACTORS)), ids=ACTORS)
def test_idea_verbs(case, index):
    verb, state = case
    from participation.models import Idea

    idea = _idea(state)
    if verb == "report":
        # can_report tells ideas from comments by their class.
        row = Idea(author_id=AUTHOR_ID, status=state)
        decision = p.can_report(actor(ACTORS[index]), row, row)
    else:
        decision = getattr(p, f"can_{verb}")(actor(ACTORS[index]), idea)
    assert decision.reason == IDEA_CASES[case][index], (verb, state, ACTORS[index])


def test_nobody_reviews_their_own_translation():
    @dataclass
    class FakeTranslation:
        translator_id: int

        @property
        def author_id(self):
            return self.translator_id

    moderator = actor("moderator")
    assert p.can_review_translation(moderator, FakeTranslation(moderator.id)).reason == (
        Denial.OWN_CONTENT
    )
    assert p.can_review_translation(moderator, FakeTranslation(AUTHOR_ID))


@pytest.mark.parametrize(
    ("who", "status", "age", "expected"),
    [
        ("author", CommentStatus.VISIBLE, 1, None),
        ("author", CommentStatus.VISIBLE, 16, Denial.EDIT_WINDOW_PASSED),
        ("author", CommentStatus.HIDDEN, 1, Denial.WRONG_STATE),
        ("citizen", CommentStatus.VISIBLE, 1, Denial.NOT_AUTHOR),
        ("anonymous", CommentStatus.VISIBLE, 1, Denial.NOT_AUTHOR),
        ("moderator", CommentStatus.VISIBLE, 1, Denial.NOT_AUTHOR),
    ],
)
def test_edit_and_delete_comment(who, status, age, expected):
    now = utcnow()
    comment = FakeComment(AUTHOR_ID, status=status, created_at=now - timedelta(minutes=age))
    assert p.can_edit_comment(actor(who), comment, now=now).reason == expected
    deleting = p.can_delete_comment(actor(who), comment).reason
    assert deleting == (None if expected == Denial.EDIT_WINDOW_PASSED else expected)


@pytest.mark.parametrize(
    ("acting", "target", "expected"),
    [
        ("moderator", "citizen", None),
        ("moderator", "official", Denial.PROTECTED_ACCOUNT),
        ("moderator", "admin", Denial.PROTECTED_ACCOUNT),
        ("admin", "moderator", None),
        ("admin", "official", None),
        ("admin", "admin", Denial.OWN_ACCOUNT),
        ("citizen", "citizen", Denial.NOT_STAFF),
        ("official", "citizen", Denial.NOT_STAFF),
        ("anonymous", "citizen", Denial.ANONYMOUS),
    ],
)
def test_sanctions(acting, target, expected):
    other = actor(target)
    if acting == target and acting != "admin":
        other = FakeUser(99, role=other.role)
    assert p.can_sanction_user(actor(acting), other).reason == expected


def test_change_role_never_ones_own():
    admin = actor("admin")
    assert p.can_change_role(admin, admin).reason == Denial.OWN_ACCOUNT
    assert p.can_change_role(admin, actor("citizen"))
    assert p.can_change_role(actor("moderator"), actor("citizen")).reason == Denial.NOT_ADMIN


def test_log_in_refuses_banned_suspended_deleted():
    assert p.can_log_in(actor("citizen"))
    assert p.can_log_in(actor("banned")).reason == Denial.BANNED
    assert p.can_log_in(actor("suspended")).reason == Denial.SUSPENDED
    assert p.can_log_in(FakeUser(9, deleted=True)).reason == Denial.DELETED


def test_require_raises_a_domain_error_with_the_reason_and_its_message():
    from participation.services import DomainError

    with pytest.raises(DomainError) as error:
        p.require(p.can_moderate(actor("citizen")))
    assert error.value.code == Denial.NOT_STAFF
    assert error.value.message == Denial.NOT_STAFF.label
    p.require(p.can_moderate(actor("moderator")))


def test_every_denial_has_one_message():
    for reason in Denial:
        assert reason.label and reason.label != reason.value


# --- Participatory budgeting ---------------------------------------------------------


@dataclass
class FakeRound:
    phase: str
    municipality_id: int | None = None
    counted_at: datetime | None = None

    def phase_at(self, now):
        return RoundPhase(self.phase)


@dataclass
class FakeProject:
    round: FakeRound


NR, SC, VC = Denial.NOT_RESPONDER, Denial.SUBMISSION_CLOSED, Denial.VOTING_CLOSED
BUDGET_CASES = {
    ("submit_project", "submission"): [A, OK, OK, U, S, S, OK, OK, OK],
    ("submit_project", "review"): [A, SC, SC, U, S, S, SC, SC, SC],
    ("vote_budget", "voting"): [A, OK, OK, U, S, S, OK, OK, OK],
    ("vote_budget", "review"): [A, VC, VC, U, S, S, VC, VC, VC],
    ("vote_budget", "results"): [A, VC, VC, U, S, S, VC, VC, VC],
    # A municipal round: nobody here declared that municipality.
    ("vote_budget", "voting-municipal"): [A]
    + [Denial.NOT_RESIDENT] * 2
    + [U, S, S]
    + [Denial.NOT_RESIDENT] * 3,
    ("review_project", "submission"): [A] + [NR] * 6 + [OK, OK],
    ("review_project", "review"): [A] + [NR] * 6 + [OK, OK],
    ("review_project", "voting"): [A] + [NR] * 6 + [Denial.REVIEW_CLOSED] * 2,
    ("count_budget", "results"): [A] + [NR] * 6 + [OK, OK],
    ("count_budget", "voting"): [A] + [NR] * 6 + [Denial.NOT_COUNTABLE] * 2,
    ("count_budget", "results-counted"): [A] + [NR] * 6 + [Denial.NOT_COUNTABLE] * 2,
    ("change_phase", "submission"): [A] + [NR] * 6 + [OK, OK],
    ("change_phase", "voting"): [A] + [NR] * 6 + [OK, OK],
    ("change_phase", "results"): [A] + [NR] * 6 + [Denial.WRONG_STATE] * 2,
}


def _round(state: str) -> FakeRound:
    phase = state.split("-")[0]
    return FakeRound(
        phase,
        municipality_id=7 if state.endswith("municipal") else None,
        counted_at=NOW if state.endswith("counted") else None,
    )


@pytest.mark.parametrize("case", BUDGET_CASES, ids=lambda c: f"{c[0]}-{c[1]}")
@pytest.mark.parametrize("index", range(len(ACTORS)), ids=ACTORS)
def test_budget_verbs(case, index):
    verb, state = case
    budget_round = _round(state)
    target = FakeProject(budget_round) if verb == "review_project" else budget_round
    decision = getattr(p, f"can_{verb}")(actor(ACTORS[index]), target)
    assert decision.reason == BUDGET_CASES[case][index], (verb, state, ACTORS[index])


def test_residence_is_the_declared_municipality():
    municipal = FakeRound("voting", municipality_id=7)
    assert p.can_vote_budget(FakeUser(2, municipality_id=7), municipal)
    assert p.can_vote_budget(FakeUser(2, municipality_id=8), municipal).reason == (
        Denial.NOT_RESIDENT
    )
    assert p.can_vote_budget(FakeUser(2), FakeRound("voting"))


# --- Consultations ---------------------------------------------------------------


@dataclass
class FakeConsultation:
    """Stands in for a Consultation: its state comes from its dates, as the model's."""

    state_now: str = "open"
    municipality_id: int | None = None
    results_visibility: str = "after_closing"
    respondents: int = 0

    def state(self, now=None):
        from participation.vocabulary import ConsultationState

        return ConsultationState(self.state_now)

    @property
    def is_locked(self):
        return self.respondents > 0


NV, CL, NO = Denial.NOT_VISIBLE, Denial.CONSULTATION_CLOSED, Denial.NOT_RESPONDER
NOT_OPEN = Denial.CONSULTATION_NOT_OPEN
CONSULTATION_CASES = {
    ("create_consultation", "open"): [A] + [NO] * 6 + [OK, OK],
    ("edit_consultation", "upcoming"): [A] + [NO] * 6 + [OK, OK],
    ("edit_consultation", "locked"): [A] + [NO] * 6 + [Denial.CONSULTATION_LOCKED] * 2,
    ("edit_consultation", "closed"): [A] + [NO] * 6 + [CL, CL],
    ("move_closing_date", "locked"): [A] + [NO] * 6 + [OK, OK],
    ("move_closing_date", "closed"): [A] + [NO] * 6 + [CL, CL],
    ("view_consultation", "upcoming"): [NV] * 7 + [OK, OK],
    ("view_consultation", "open"): [OK] * 9,
    ("answer_consultation", "open"): [A, OK, OK, U, S, S, OK, OK, OK],
    ("answer_consultation", "upcoming"): [A, NOT_OPEN, NOT_OPEN, U, S, S] + [NOT_OPEN] * 3,
    ("answer_consultation", "closed"): [A, CL, CL, U, S, S, CL, CL, CL],
    ("answer_consultation", "municipal"): [A]
    + [Denial.OUTSIDE_SCOPE] * 2
    + [U, S, S]
    + [Denial.OUTSIDE_SCOPE] * 3,
    ("answer_consultation", "answered"): [A]
    + [Denial.ALREADY_ANSWERED] * 2
    + [U, S, S]
    + [Denial.ALREADY_ANSWERED] * 3,
    # Nobody reads results early, officials and admins included.
    ("view_consultation_results", "open"): [Denial.RESULTS_NOT_YET] * 9,
    ("view_consultation_results", "live"): [OK] * 9,
    ("view_consultation_results", "closed"): [OK] * 9,
    ("view_consultation_results", "upcoming"): [NV] * 9,
    ("moderate_consultation_texts", "open"): [A]
    + [Denial.NOT_STAFF] * 5
    + [OK, Denial.NOT_STAFF, OK],
}


def _consultation(state: str) -> FakeConsultation:
    return {
        "locked": FakeConsultation(respondents=3),
        "municipal": FakeConsultation(municipality_id=7),
        "live": FakeConsultation(results_visibility="live"),
        "answered": FakeConsultation(),
    }.get(state) or FakeConsultation(state_now=state)


@pytest.mark.parametrize("case", CONSULTATION_CASES, ids=lambda c: f"{c[0]}-{c[1]}")
@pytest.mark.parametrize("index", range(len(ACTORS)), ids=ACTORS)
def test_consultation_verbs(case, index):
    verb, state = case
    who = actor(ACTORS[index])
    if hasattr(who, "id"):
        who.municipality_id = 3  # not the municipal consultation's 7
    consultation = _consultation(state)
    if verb == "create_consultation":
        decision = p.can_create_consultation(who)
    elif verb == "moderate_consultation_texts":
        decision = p.can_moderate_consultation_texts(who)
    elif verb == "answer_consultation":
        decision = p.can_answer_consultation(who, consultation, state == "answered")
    else:
        decision = getattr(p, f"can_{verb}")(who, consultation)
    assert decision.reason == CONSULTATION_CASES[case][index], (verb, state, ACTORS[index])


def test_residents_of_the_municipality_answer_a_municipal_consultation():
    resident = FakeUser(2)
    resident.municipality_id = 7
    assert p.can_answer_consultation(resident, FakeConsultation(municipality_id=7))
