"""Participatory budgeting: services, the count under both rules, the Pabulib file
(checked by pabulib-checker and recounted independently by pabutools), and the pages."""

from __future__ import annotations

import re
from contextlib import contextmanager

import pytest
from sqlalchemy import func, select

from participation.extensions import db
from participation.models import BudgetBallot, BudgetBallotChoice, BudgetProject, BudgetRound, User
from participation.permissions import PermissionDenied
from participation.services import DomainError
from participation.services import budgets as service
from participation.vocabulary import Denial
from tests.factories import municipality_id, set_round_phase


@contextmanager
def request_ctx(app, lang: str = "en"):
    with app.test_request_context(f"/{lang}/"):
        yield


def _get(model, pk):
    return db.session.get(model, pk)


def _round(app, round_id):
    budget_round = db.session.get(BudgetRound, round_id)
    return budget_round


def ballot_count(app, round_id: int) -> int:
    with app.app_context():
        return db.session.scalar(
            select(func.count(BudgetBallot.id)).where(BudgetBallot.round_id == round_id)
        )


# --- Rounds ---------------------------------------------------------------------------


def test_create_round_checks_every_rule(app, make_user, make_round):
    from datetime import datetime

    admin = make_user(role="admin")
    base = dict(
        title_fr="Budget",
        title_nl="Begroting",
        description_fr="Description",
        description_nl="Beschrijving",
        total_amount=1000,
        submission_opens_at=datetime(2030, 1, 1),
        review_opens_at=datetime(2030, 2, 1),
        voting_opens_at=datetime(2030, 3, 1),
        voting_closes_at=datetime(2030, 4, 1),
    )
    cases = [
        ({"title_nl": "  "}, "title_nl"),
        ({"description_fr": ""}, "description_fr"),
        ({"total_amount": 0}, "total_amount"),
        ({"total_amount": 2**40}, "total_amount"),
        ({"voting_opens_at": datetime(2029, 1, 1)}, "voting_opens_at"),
        ({"voting_closes_at": datetime(2030, 3, 1)}, "voting_closes_at"),
        ({"ballot_rule": "ranked"}, "ballot_rule"),
        ({"outcome_rule": "lottery"}, "outcome_rule"),
        ({"min_share": 120}, "min_share"),
        ({"ballot_rule": "approval", "max_choices": None}, "max_choices"),
        ({"municipality_id": 999_999}, "municipality_id"),
    ]
    with request_ctx(app):
        actor = _get(User, admin.id)
        for change, field in cases:
            with pytest.raises(DomainError) as raised:
                service.create_round(actor, service.RoundInput(**{**base, **change}))
            assert raised.value.field == field, change
            db.session.rollback()
            actor = _get(User, admin.id)
        made = service.create_round(
            actor, service.RoundInput(**base, ballot_rule="approval", max_choices=3)
        )
        assert made.max_choices == 3 and made.min_share == 0


def test_only_officials_and_admins_create_rounds(app, make_user):
    citizen = make_user()
    with request_ctx(app), pytest.raises(PermissionDenied) as raised:
        service.create_round(_get(User, citizen.id), service.RoundInput())
    assert raised.value.code == Denial.NOT_RESPONDER


def test_phase_follows_the_dates(app, make_round):
    budget_round = make_round(phase="submission")
    for phase in ("upcoming", "submission", "review", "voting", "results"):
        set_round_phase(app, budget_round.id, phase)
        with app.app_context():
            assert _round(app, budget_round.id).phase == phase


# --- Projects ---------------------------------------------------------------------------


def test_submit_project_during_submission_only(app, make_user, make_round):
    citizen = make_user()
    budget_round = make_round(phase="submission")
    with request_ctx(app):
        actor, r = _get(User, citizen.id), _round(app, budget_round.id)
        project = service.submit_project(
            actor, r, "Trees on my street", "Plant twenty trees along the street.", "en"
        )
        assert project.feasibility == "pending"
        with pytest.raises(DomainError) as raised:
            service.submit_project(actor, r, "Tree", "Too short", "en")
        assert raised.value.field == "title"
        db.session.commit()
    set_round_phase(app, budget_round.id, "review")
    with request_ctx(app), pytest.raises(PermissionDenied) as raised:
        service.submit_project(
            _get(User, citizen.id),
            _round(app, budget_round.id),
            "Trees on my street",
            "Plant twenty trees along the street.",
            "en",
        )
    assert raised.value.code == Denial.SUBMISSION_CLOSED


def test_review_sets_cost_and_feasibility_with_reasons(
    app, make_user, make_round, make_budget_project
):
    official = make_user(role="official")
    budget_round = make_round(phase="review", total=50_000)
    project = make_budget_project(budget_round, cost=None, feasibility="pending")
    with request_ctx(app):
        actor = _get(User, official.id)
        item = service.load_project(_round(app, budget_round.id), project.id)
        for args, field in [
            ((None, "feasible"), "cost"),
            ((60_000, "feasible"), "cost"),
            ((1000, "not_feasible", "Raison", ""), "reason_nl"),
            ((1000, "maybe"), "feasibility"),
        ]:
            with pytest.raises(DomainError) as raised:
                service.review_project(actor, item, *args)
            assert raised.value.field == field
        service.review_project(actor, item, 20_000, "not_feasible", "Trop cher", "Te duur")
        service.review_project(actor, item, 20_000, "feasible")
        db.session.commit()
        assert item.feasibility == "feasible" and item.cost == 20_000
    set_round_phase(app, budget_round.id, "voting")
    with request_ctx(app):
        item = service.load_project(_round(app, budget_round.id), project.id)
        with pytest.raises(PermissionDenied) as raised:
            service.review_project(_get(User, official.id), item, 1000, "feasible")
        assert raised.value.code == Denial.REVIEW_CLOSED


# --- Ballots -----------------------------------------------------------------------------


@pytest.fixture
def knapsack(app, make_round, make_budget_project):
    """A voting round of 100,000 with a 50% minimum, three feasible projects, one not
    feasible, and a project of another round."""
    budget_round = make_round(phase="voting", total=100_000, min_share=50)
    a = make_budget_project(budget_round, cost=60_000, title="Park")
    b = make_budget_project(budget_round, cost=30_000, title="Benches")
    c = make_budget_project(budget_round, cost=45_000, title="Bike lane")
    refused = make_budget_project(budget_round, cost=5_000, feasibility="not_feasible")
    elsewhere = make_budget_project(make_round(phase="voting"), cost=1_000)
    return budget_round, a, b, c, refused, elsewhere


def cast(app, user, round_id, values):
    with request_ctx(app):
        ballot = service.cast_ballot(_get(User, user.id), _round(app, round_id), values)
        db.session.commit()
        return ballot.receipt, sorted(service.choices_of(ballot))


def test_knapsack_ballot_rules(app, make_user, knapsack):
    budget_round, a, b, c, refused, elsewhere = knapsack
    citizen = make_user()
    bad = {
        "over budget": [a.id, c.id],
        "under the minimum spend": [b.id],
        "not feasible": [a.id, refused.id],
        "another round": [a.id, elsewhere.id],
        "unknown": [a.id, 999_999],
        "duplicate": [a.id, a.id],
        "tampered": [a.id, "1 OR 1=1"],
        "empty": [],
    }
    expected = {
        "over budget": "remove projects worth at least",
        "under the minimum spend": "must spend at least",
        "not feasible": "not found feasible",
        "another round": "belongs to another budget round",
        "unknown": "does not exist",
        "duplicate": "appears twice",
        "tampered": "not valid",
        "empty": "at least one project",
    }
    for name, values in bad.items():
        with request_ctx(app):
            with pytest.raises(service.BallotRefused) as raised:
                service.cast_ballot(
                    _get(User, citizen.id), _round(app, budget_round.id), [str(v) for v in values]
                )
            assert expected[name] in raised.value.message, name
            db.session.rollback()
    assert ballot_count(app, budget_round.id) == 0

    first_receipt, first = cast(app, citizen, budget_round.id, [str(a.id), str(b.id)])
    assert first == sorted([a.id, b.id])
    second_receipt, second = cast(app, citizen, budget_round.id, [str(c.id), str(b.id)])
    assert second == sorted([b.id, c.id])
    assert second_receipt != first_receipt
    assert ballot_count(app, budget_round.id) == 1
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(BudgetBallotChoice)) == 2


def test_approval_ballot_allows_up_to_k(app, make_user, make_round, make_budget_project):
    budget_round = make_round(ballot_rule="approval", max_choices=2, total=10_000)
    p = [make_budget_project(budget_round, cost=9_000) for _ in range(3)]
    citizen = make_user()
    with request_ctx(app), pytest.raises(service.BallotRefused) as raised:
        service.cast_ballot(
            _get(User, citizen.id), _round(app, budget_round.id), [str(x.id) for x in p]
        )
    assert "at most 2 projects" in raised.value.message
    # Whatever their cost: 18,000 on a budget of 10,000 is a valid approval ballot.
    assert cast(app, citizen, budget_round.id, [str(p[0].id), str(p[1].id)])[1] == sorted(
        [p[0].id, p[1].id]
    )


def test_voting_only_while_open(app, make_user, knapsack):
    budget_round, a, *_ = knapsack
    citizen = make_user()
    for phase in ("review", "results"):
        set_round_phase(app, budget_round.id, phase)
        with request_ctx(app), pytest.raises(PermissionDenied) as raised:
            service.cast_ballot(_get(User, citizen.id), _round(app, budget_round.id), [str(a.id)])
        assert raised.value.code == Denial.VOTING_CLOSED


def test_municipal_round_residents_only_as_declared(
    app, make_user, make_round, make_budget_project
):
    ixelles = municipality_id(app, "ixelles")
    budget_round = make_round(municipality_id=ixelles, total=10_000)
    project = make_budget_project(budget_round, cost=6_000)
    outsider, resident = make_user(), make_user()
    with app.app_context():
        db.session.get(User, resident.id).municipality_id = ixelles
        db.session.commit()
    with request_ctx(app), pytest.raises(PermissionDenied) as raised:
        service.cast_ballot(
            _get(User, outsider.id), _round(app, budget_round.id), [str(project.id)]
        )
    assert raised.value.code == Denial.NOT_RESIDENT
    assert "declared, not verified" in raised.value.message
    assert cast(app, resident, budget_round.id, [str(project.id)])[1] == [project.id]


# --- The count, the file, the recount -----------------------------------------------------


@pytest.fixture
def counted(app, make_user, make_round, make_budget_project):
    """Six voters want A and B, four want C: greedy funds A and B, equal shares A and C."""
    budget_round = make_round(total=120, outcome_rule="equal_shares")
    a = make_budget_project(budget_round, cost=50, title="A; semicolon\nand line")
    # B costs a little more than A: an exact tie is left to the tie-breaking rule.
    b = make_budget_project(budget_round, cost=55, title="B")
    c = make_budget_project(budget_round, cost=40, title="C")
    receipts = []
    for _ in range(6):
        receipts.append(cast(app, make_user(), budget_round.id, [str(a.id), str(b.id)])[0])
    for _ in range(4):
        receipts.append(cast(app, make_user(), budget_round.id, [str(c.id)])[0])
    set_round_phase(app, budget_round.id, "results")
    official = make_user(role="official")
    with request_ctx(app):
        outcome = service.count_round(_get(User, official.id), _round(app, budget_round.id))
        db.session.commit()
    return budget_round, (a, b, c), receipts, outcome


def test_count_computes_both_rules(app, make_user, counted):
    budget_round, (a, b, c), _receipts, outcome = counted
    assert outcome.greedy == {a.id, b.id}
    assert outcome.equal_shares == {a.id, c.id}
    assert outcome.votes == {a.id: 6, b.id: 6, c.id: 4}
    with app.app_context():
        assert db.session.get(BudgetProject, b.id).funded_greedy is True
        assert db.session.get(BudgetProject, b.id).funded_equal_shares is False
        counted_round = _round(app, budget_round.id)
        assert counted_round.ballot_count == 10 and counted_round.counted_at is not None
    # Counted once.
    with request_ctx(app), pytest.raises(PermissionDenied) as raised:
        service.count_round(_get(User, make_user(role="admin").id), _round(app, budget_round.id))
    assert raised.value.code == Denial.NOT_COUNTABLE


def test_export_passes_pabulib_checker_and_recounts(app, counted):
    from pabulib import Checker
    from pabutools.election import Cost_Sat
    from pabutools.election.pabulib import parse_pabulib_from_string
    from pabutools.rules import greedy_utilitarian_welfare, method_of_equal_shares

    budget_round, (a, b, c), receipts, _outcome = counted
    with request_ctx(app):
        text = service.export_pabulib(_round(app, budget_round.id))
    report = Checker().process_files([text])
    assert report["metadata"]["valid"] == 1, report
    # Every receipt names one ballot in the file.
    voters = re.findall(r"^([0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4});", text, re.M)
    assert sorted(voters) == sorted(receipts)
    # An independent recount from the file alone finds the published winners.
    instance, profile = parse_pabulib_from_string(text)
    greedy = {
        int(p.name) for p in greedy_utilitarian_welfare(instance, profile, sat_class=Cost_Sat)
    }
    mes = {int(p.name) for p in method_of_equal_shares(instance, profile, sat_class=Cost_Sat)}
    assert greedy == {a.id, b.id}
    assert mes == {a.id, c.id}
    selected = {
        int(line.split(";")[0])
        for line in text.split("PROJECTS\n")[1].split("VOTES")[0].splitlines()[1:]
        if line.endswith(";1")
    }
    assert selected == mes  # the round's own rule is equal shares


def test_greedy_round_export_passes_checker(app, make_user, make_round, make_budget_project):
    from pabulib import Checker

    budget_round = make_round(total=1000, ballot_rule="approval", max_choices=2)
    # The last project gets no vote: greedy must not fund it, though it would fit.
    projects = [make_budget_project(budget_round, cost=c) for c in (600, 500, 300, 200, 50)]
    for picks in ([0, 1], [0, 2], [1, 3], [0], [2, 3]):
        cast(app, make_user(), budget_round.id, [str(projects[i].id) for i in picks])
    set_round_phase(app, budget_round.id, "results")
    with request_ctx(app):
        service.count_round(_get(User, make_user(role="admin").id), _round(app, budget_round.id))
        db.session.commit()
        text = service.export_pabulib(_round(app, budget_round.id))
    assert "rule;greedy-threshold" in text and "max_length;2" in text
    assert "min_project_score_threshold;1" in text
    report = Checker().process_files([text])
    assert report["metadata"]["valid"] == 1, report
    with app.app_context():
        assert db.session.get(BudgetProject, projects[4].id).funded_greedy is False
        assert db.session.get(BudgetProject, projects[3].id).funded_greedy is True
