"""Concurrent supports never double-count.

Many threads (and, on PostgreSQL, several processes) support and withdraw
supports on the same ideas at once, each with its own session. Afterwards every
idea's support_count equals its number of support rows, and no citizen has two
supports on one idea.
"""

from __future__ import annotations

import multiprocessing
import random
import threading

import pytest
from sqlalchemy import func, select

from participation import create_app
from participation.extensions import db
from participation.models import Idea, Support, User
from participation.services import supports as service

THREADS = 8
OPS_PER_THREAD = 30
USERS = 10
PROCESSES = 3
OPS_PER_PROCESS = 40


def hammer(app, idea_ids: list[int], user_ids: list[int], seed: int, ops: int) -> list[str]:
    """Support or withdraw at random, one transaction per action, in a fresh app context."""
    rng = random.Random(seed)
    errors: list[str] = []
    with app.app_context():
        for _ in range(ops):
            idea_id = rng.choice(idea_ids)
            user_id = rng.choice(user_ids)
            try:
                user = db.session.get(User, user_id)
                idea = db.session.get(Idea, idea_id)
                if rng.random() < 0.6:
                    service.support_idea(user, idea)
                else:
                    service.withdraw_support(user, idea)
                db.session.commit()
            except Exception as exc:  # noqa: BLE001 - report every failure to the test
                db.session.rollback()
                errors.append(f"{type(exc).__name__}: {exc}")
            finally:
                db.session.expire_all()
        db.session.remove()
    return errors


def process_worker(url: str, idea_ids: list[int], user_ids: list[int], seed: int) -> list[str]:
    """Runs in a separate process: its own app, engine and connections."""
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url})
    try:
        return hammer(app, idea_ids, user_ids, seed, OPS_PER_PROCESS)
    finally:
        with app.app_context():
            db.engine.dispose()


def _setup(make_user, make_idea):
    ideas = [make_idea().id for _ in range(2)]
    users = [make_user().id for _ in range(USERS)]
    return ideas, users


def _assert_consistent(app, idea_ids):
    with app.app_context():
        for idea_id in idea_ids:
            idea = db.session.get(Idea, idea_id)
            rows = db.session.scalar(
                select(func.count(Support.id)).where(Support.idea_id == idea_id)
            )
            assert idea.support_count == rows, (idea_id, idea.support_count, rows)
        duplicates = db.session.execute(
            select(Support.idea_id, Support.user_id)
            .group_by(Support.idea_id, Support.user_id)
            .having(func.count(Support.id) > 1)
        ).all()
        assert duplicates == []
        total = db.session.scalar(select(func.count(Support.id)))
        db.session.remove()
    return total


def test_threads_never_double_count(app, make_user, make_idea):
    idea_ids, user_ids = _setup(make_user, make_idea)
    results: list[list[str]] = []
    barrier = threading.Barrier(THREADS)

    def run(seed: int) -> None:
        barrier.wait()
        results.append(hammer(app, idea_ids, user_ids, seed, OPS_PER_THREAD))

    threads = [threading.Thread(target=run, args=(seed,)) for seed in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(t.is_alive() for t in threads)
    assert len(results) == THREADS
    errors = [e for batch in results for e in batch]
    assert errors == []
    total = _assert_consistent(app, idea_ids)
    assert total > 0  # the hammering really supported something


def test_same_support_from_many_threads_counts_once(app, make_user, make_idea):
    """Everyone presses "support" for the same citizen at the same instant."""
    idea_id = make_idea().id
    user_id = make_user().id
    barrier = threading.Barrier(THREADS)
    added: list[bool] = []
    errors: list[str] = []

    def run() -> None:
        with app.app_context():
            user = db.session.get(User, user_id)
            idea = db.session.get(Idea, idea_id)
            barrier.wait()
            try:
                added.append(service.support_idea(user, idea))
                db.session.commit()
            except Exception as exc:  # noqa: BLE001
                db.session.rollback()
                errors.append(repr(exc))
            db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sorted(added) == [False] * (THREADS - 1) + [True]
    assert _assert_consistent(app, [idea_id]) == 1


@pytest.mark.postgres_only
def test_processes_never_double_count(app, app_config, make_user, make_idea):
    idea_ids, user_ids = _setup(make_user, make_idea)
    url = app_config["SQLALCHEMY_DATABASE_URI"]
    # "spawn": forking a process that runs threads (the SMTP server) is unsafe.
    context = multiprocessing.get_context("spawn")
    with context.Pool(PROCESSES) as pool:
        batches = pool.starmap(
            process_worker, [(url, idea_ids, user_ids, seed) for seed in range(PROCESSES)]
        )
    assert [e for batch in batches for e in batch] == []
    assert _assert_consistent(app, idea_ids) > 0
