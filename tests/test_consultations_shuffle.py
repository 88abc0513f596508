"""The weak spot of anonymous answers on PostgreSQL (issue 12): the server keeps the
arrival order of rows (ctid) and the transaction that wrote them (xmin, shared with
the participation row). The worker's shuffle rewrites them in random order in one
transaction, so neither trace lines an answer up with a participation any more."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, text
from werkzeug.datastructures import MultiDict

from participation.extensions import db
from participation.models import Consultation, User
from participation.models.base import utcnow
from participation.services import anonymity
from participation.services import consultations as service
from tests.factories_consultations import close, full_answer, make_consultation, question_ids


def _answer_in_turn(app, make_user, cid, n):
    questions = question_ids(app, cid)
    order = []
    for i in range(n):
        user = make_user()
        with app.app_context():
            response = service.answer_consultation(
                db.session.get(User, user.id),
                db.session.get(Consultation, cid),
                MultiDict(full_answer(questions, pick=i, text=f"Idea {i}")),
            )
            order.append(response.id)
            db.session.commit()
    return order


def _results(app, cid):
    with app.app_context():
        outcome = service.results(db.session.get(Consultation, cid), "en")
        return [
            (q.n, [(o.count, o.percent) for o in q.options], q.scale, sorted(q.texts))
            for q in outcome.questions
        ]


def test_the_shuffle_erases_arrival_order_and_transactions(app, make_user):
    official = make_user(role="official")
    cid = make_consultation(app, official, visibility="live")
    arrival = _answer_in_turn(app, make_user, cid, 20)
    with app.app_context():
        if not anonymity.shuffle_needed():
            pytest.skip("SQLite keeps neither trace (WITHOUT ROWID tables)")
        physical = "SELECT id FROM consultation_responses ORDER BY ctid"
        xmins = "SELECT DISTINCT xmin::text FROM {}"
        # The weak spot, before the shuffle: the heap is in arrival order, and each
        # response shares its transaction with a participation.
        assert list(db.session.scalars(text(physical))) == arrival
        shared = set(db.session.scalars(text(xmins.format("consultation_responses")))) & set(
            db.session.scalars(text(xmins.format("consultation_participations")))
        )
        assert len(shared) == 20
    before = _results(app, cid)
    with app.app_context():
        assert anonymity.shuffle_due() == [cid]
        assert list(db.session.scalars(text(physical))) != arrival
        assert sorted(db.session.scalars(text(physical))) == sorted(arrival)  # same ids
        for table in anonymity.TABLES:
            assert len(list(db.session.scalars(text(xmins.format(table))))) == 1, table
        answered_in = set(db.session.scalars(text(xmins.format("consultation_participations"))))
        for table in anonymity.TABLES:
            assert not set(db.session.scalars(text(xmins.format(table)))) & answered_in
        consultation = db.session.get(Consultation, cid)
        assert consultation.shuffled_count == 20
        # Nothing new: nothing due. A new answer waits for SHUFFLE_EVERY while open.
        assert anonymity.due() == []
    assert _results(app, cid) == before
    _answer_in_turn(app, make_user, cid, 1)
    with app.app_context():
        assert anonymity.due() == []
        assert anonymity.due(utcnow() + anonymity.SHUFFLE_EVERY + timedelta(seconds=1)) == [cid]
    close(app, cid)
    with app.app_context():
        assert anonymity.due() == [cid]  # at once when it closes
        anonymity.vacuum()


def test_the_worker_sweep_shuffles(app, runner, make_user):
    official = make_user(role="official")
    cid = make_consultation(app, official)
    _answer_in_turn(app, make_user, cid, 3)
    result = runner.invoke(args=["jobs", "drain"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        consultation = db.session.get(Consultation, cid)
        shuffled = anonymity.shuffle_needed()
        assert consultation.shuffled_count == (3 if shuffled else 0)
        assert db.session.scalar(select(Consultation.respondent_count)) == 3
