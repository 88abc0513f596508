"""Concurrent ballots: 64 submissions by one citizen at once leave exactly one ballot
(its choices those of one submission, its receipt matching); many citizens voting at
once lose no ballot. Threads on SQLite and PostgreSQL, processes on PostgreSQL."""

from __future__ import annotations

import multiprocessing
import threading

import pytest
from sqlalchemy import func, select

from participation import create_app
from participation.extensions import db
from participation.models import BudgetBallot, BudgetBallotChoice, User
from participation.services import budgets as service

SAME_VOTER = 64
MANY_VOTERS = 24
PROCESSES = 4


def vote(app, round_id: int, user_id: int, choices: list[int]) -> str | None:
    """One submission in its own session and transaction; the error text, if any."""
    with app.test_request_context("/en/"):
        try:
            budget_round = service.load_round(round_id)
            service.cast_ballot(
                db.session.get(User, user_id), budget_round, [str(c) for c in choices]
            )
            db.session.commit()
            return None
        except Exception as exc:  # noqa: BLE001 - report every failure to the test
            db.session.rollback()
            return f"{type(exc).__name__}: {exc}"
        finally:
            db.session.remove()


def in_threads(app, jobs: list[tuple[int, int, list[int]]]) -> list[str]:
    barrier = threading.Barrier(len(jobs))
    errors: list[str] = []

    def run(job) -> None:
        barrier.wait()
        error = vote(app, *job)
        if error:
            errors.append(error)

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads)
    return errors


def process_worker(url: str, jobs: list[tuple[int, int, list[int]]]) -> list[str]:
    """Runs in a separate process: its own app, engine and connections."""
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url, "OUTBOX_SEND_IN_APP": False})
    try:
        return [e for job in jobs if (e := vote(app, *job))]
    finally:
        with app.app_context():
            db.engine.dispose()


def _round(make_round, make_budget_project, size: int = 6):
    budget_round = make_round(phase="voting", total=1_000_000)
    projects = [make_budget_project(budget_round, cost=1000 * (n + 1)).id for n in range(size)]
    return budget_round.id, projects


def _one_ballot_each(app, round_id: int, voters: list[int], submitted: set[tuple[int, ...]]):
    with app.app_context():
        ballots = db.session.scalars(
            select(BudgetBallot).where(BudgetBallot.round_id == round_id)
        ).all()
        assert sorted(b.voter_id for b in ballots) == sorted(voters)
        for ballot in ballots:
            choices = tuple(
                sorted(
                    db.session.scalars(
                        select(BudgetBallotChoice.project_id).where(
                            BudgetBallotChoice.ballot_id == ballot.id
                        )
                    )
                )
            )
            assert choices in submitted  # one submission whole, never a mix
            costs = 1000 * sum(i for i in range(1, 7))
            assert 0 < ballot.total_cost <= costs
        assert db.session.scalar(select(func.count(func.distinct(BudgetBallot.receipt)))) == len(
            ballots
        )
        db.session.remove()


def _sets(projects: list[int], n: int) -> list[list[int]]:
    """n non-empty subsets of the projects (all different while there are enough)."""
    every = 2 ** len(projects) - 1
    return [[p for k, p in enumerate(projects) if (i % every + 1) >> k & 1] for i in range(n)]


def test_one_citizen_submitting_64_times_at_once_has_one_ballot(
    app, make_user, make_round, make_budget_project
):
    app.config["OUTBOX_SEND_IN_APP"] = False
    round_id, projects = _round(make_round, make_budget_project)
    voter = make_user().id
    sets = _sets(projects, SAME_VOTER)
    errors = in_threads(app, [(round_id, voter, s) for s in sets])
    assert errors == []
    _one_ballot_each(app, round_id, [voter], {tuple(sorted(s)) for s in sets})


def test_many_citizens_at_once_lose_no_ballot(app, make_user, make_round, make_budget_project):
    app.config["OUTBOX_SEND_IN_APP"] = False
    round_id, projects = _round(make_round, make_budget_project)
    voters = [make_user().id for _ in range(MANY_VOTERS)]
    sets = _sets(projects, MANY_VOTERS)
    errors = in_threads(app, [(round_id, v, s) for v, s in zip(voters, sets, strict=True)])
    assert errors == []
    _one_ballot_each(app, round_id, voters, {tuple(sorted(s)) for s in sets})


@pytest.mark.postgres_only
def test_processes_one_ballot_per_citizen(
    app, app_config, make_user, make_round, make_budget_project
):
    round_id, projects = _round(make_round, make_budget_project)
    same = make_user().id
    voters = [make_user().id for _ in range(MANY_VOTERS)]
    sets = _sets(projects, SAME_VOTER)
    jobs: list[list[tuple[int, int, list[int]]]] = [[] for _ in range(PROCESSES)]
    for n, s in enumerate(sets):  # the same citizen, from every process at once
        jobs[n % PROCESSES].append((round_id, same, s))
    for n, v in enumerate(voters):  # and many citizens
        jobs[n % PROCESSES].append((round_id, v, sets[n]))
    url = app_config["SQLALCHEMY_DATABASE_URI"]
    context = multiprocessing.get_context("spawn")
    with context.Pool(PROCESSES) as pool:
        batches = pool.starmap(process_worker, [(url, batch) for batch in jobs])
    assert [e for batch in batches for e in batch] == []
    _one_ballot_each(app, round_id, [same, *voters], {tuple(sorted(s)) for s in sets})
