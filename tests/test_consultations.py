"""Consultations through the services (issue 12), on SQLite and PostgreSQL: creating
and locking, answering once even concurrently, the anonymity of the answers,
results in percentages with the small-cell breakdown."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import inspect, select, text
from werkzeug.datastructures import MultiDict

from participation.extensions import db
from participation.models import (
    Consultation,
    ConsultationAnswer,
    ConsultationEvent,
    ConsultationParticipation,
    ConsultationResponse,
    ConsultationTextAnswer,
    Municipality,
    User,
)
from participation.models.base import utcnow
from participation.permissions import PermissionDenied
from participation.services import DomainError
from participation.services import consultations as service
from participation.vocabulary import ConsultationEventKind, Denial, QuestionKind, TextAnswerStatus
from tests.factories_consultations import close, full_answer, make_consultation, question_ids


@pytest.fixture
def official(make_user):
    return make_user(role="official")


def _municipality_ids(app, n=3):
    with app.app_context():
        return list(db.session.scalars(select(Municipality.id).order_by(Municipality.id)))[:n]


def _answer(app, user_id, consultation_id, data):
    with app.app_context():
        user = db.session.get(User, user_id)
        consultation = db.session.get(Consultation, consultation_id)
        response = service.answer_consultation(user, consultation, MultiDict(data))
        db.session.commit()
        return response.id


def _set_municipality(app, user_id, municipality_id):
    with app.app_context():
        db.session.get(User, user_id).municipality_id = municipality_id
        db.session.commit()


# --- Creating and editing ---------------------------------------------------------------


def test_french_and_dutch_are_required_english_optional(app, official):
    with app.app_context():
        actor = db.session.get(User, official.id)
        data = service.ConsultationInput(
            title_fr="Titre",
            title_nl="",
            intro_fr="x",
            intro_nl="y",
            opens_at=utcnow(),
            closes_at=utcnow() + timedelta(days=1),
        )
        with pytest.raises(DomainError) as error:
            service.create_consultation(actor, data)
        assert error.value.field == "title_nl"
        data.title_nl = "Titel"
        data.closes_at = data.opens_at
        with pytest.raises(DomainError) as error:
            service.create_consultation(actor, data)
        assert error.value.field == "closes_at"
        data.closes_at = data.opens_at + timedelta(days=1)
        consultation = service.create_consultation(actor, data)
        assert consultation.title("en") == "Titre"  # falls back to French
        assert consultation.title("nl") == "Titel"


def test_citizens_cannot_create(app, make_user):
    citizen = make_user()
    with app.app_context(), pytest.raises(PermissionDenied) as error:
        service.create_consultation(db.session.get(User, citizen.id), service.ConsultationInput())
    assert error.value.code == Denial.NOT_RESPONDER


def test_question_validation(app, official):
    cid = make_consultation(app, official, questions=[])
    with app.app_context():
        actor = db.session.get(User, official.id)
        consultation = db.session.get(Consultation, cid)
        bad = [
            (service.QuestionInput(text_fr="a", text_nl="b", options_fr="one"), "options_fr"),
            (
                service.QuestionInput(text_fr="a", text_nl="b", options_fr="1\n2", options_nl="1"),
                "options_nl",
            ),
            (
                service.QuestionInput(
                    kind=QuestionKind.MULTIPLE,
                    text_fr="a",
                    text_nl="b",
                    options_fr="1\n2",
                    options_nl="1\n2",
                    max_choices=3,
                ),
                "max_choices",
            ),
            (service.QuestionInput(kind=QuestionKind.SCALE, text_fr="a", text_nl="b"), None),
            (service.QuestionInput(kind="essay", text_fr="a", text_nl="b"), "kind"),
        ]
        for data, field in bad:
            with pytest.raises(DomainError) as error:
                service.add_question(actor, consultation, data)
            if field:
                assert error.value.field == field
        question = service.add_question(
            actor,
            consultation,
            service.QuestionInput(
                text_fr="a", text_nl="b", options_fr="1\n2", options_nl="1\n2", dont_know=True
            ),
        )
        labels = [o.label("en") for o in question.options]
        assert labels == ["1", "2", "I do not know"]


def test_locked_after_first_answer_only_closing_date_moves_and_is_logged(app, official, make_user):
    cid = make_consultation(app, official)
    questions = question_ids(app, cid)
    _answer(app, make_user().id, cid, full_answer(questions))
    with app.app_context():
        actor = db.session.get(User, official.id)
        consultation = db.session.get(Consultation, cid)
        assert consultation.respondent_count == 1
        with pytest.raises(PermissionDenied) as error:
            service.add_question(actor, consultation, service.QuestionInput())
        assert error.value.code == Denial.CONSULTATION_LOCKED
        with pytest.raises(PermissionDenied):
            service.update_consultation(actor, consultation, service.ConsultationInput())
        new_close = consultation.closes_at + timedelta(days=7)
        service.move_closing_date(actor, consultation, new_close)
        db.session.commit()
        kinds = [e.kind for e in service.events(consultation)]
        assert kinds[0] == ConsultationEventKind.CREATE
        assert kinds[-1] == ConsultationEventKind.MOVE_CLOSING
        last = db.session.scalars(select(ConsultationEvent).order_by(ConsultationEvent.id)).all()[
            -1
        ]
        assert last.actor_id == official.id
        assert last.details["new"] == new_close.isoformat()


# --- Answering ----------------------------------------------------------------------


def test_bad_answers_are_refused_per_question(app, official, make_user):
    cid = make_consultation(app, official)
    single, multiple, scale, ranking, free = question_ids(app, cid)
    other = make_consultation(app, official)
    foreign_option = question_ids(app, other)[0]["options"][0]
    good = full_answer([single, multiple, scale, ranking, free])
    cases = {
        "required empty": ({f"q{single['id']}": ""}, single),
        "option of another question": ({f"q{single['id']}": str(foreign_option)}, single),
        "two on a single choice": (
            {f"q{single['id']}": [str(o) for o in single["options"][:2]]},
            single,
        ),
        "too many choices": (
            {f"q{multiple['id']}": [str(o) for o in multiple["options"][:3]]},
            multiple,
        ),
        "none of these with others": (
            {f"q{multiple['id']}": [str(multiple["options"][0]), str(multiple["options"][-1])]},
            multiple,
        ),
        "tampered scale": ({f"q{scale['id']}": "6"}, scale),
        "scale not a number": ({f"q{scale['id']}": "1e3"}, scale),
        "duplicate ranks": (
            {f"q{ranking['id']}_o{o}": "1" for o in ranking["options"][:2]},
            ranking,
        ),
        "rank above N": ({f"q{ranking['id']}_o{ranking['options'][0]}": "3"}, ranking),
        "rank gap": ({f"q{ranking['id']}_o{ranking['options'][0]}": "2"}, ranking),
        "100 KB free text": ({f"q{free['id']}": "x" * 100_000}, free),
    }
    user = make_user()
    with app.app_context():
        consultation = db.session.get(Consultation, cid)
        actor = db.session.get(User, user.id)
        for name, (change, question) in cases.items():
            data = MultiDict(good)
            for key, value in change.items():
                data.setlist(key, value if isinstance(value, list) else [value])
            with pytest.raises(service.AnswerError) as error:
                service.answer_consultation(actor, consultation, data)
            db.session.rollback()
            assert list(error.value.errors) == [question["id"]], name
        assert db.session.scalar(select(ConsultationParticipation.id)) is None


def test_one_participation_per_citizen(app, official, make_user):
    cid = make_consultation(app, official)
    questions = question_ids(app, cid)
    user = make_user()
    _answer(app, user.id, cid, full_answer(questions))
    with pytest.raises(PermissionDenied) as error:
        _answer(app, user.id, cid, full_answer(questions, pick=1))
    assert error.value.code == Denial.ALREADY_ANSWERED


def test_dates_and_scope(app, official, make_user):
    first, second = _municipality_ids(app, 2)
    upcoming = make_consultation(app, official, state="upcoming")
    municipal = make_consultation(app, official, municipality_id=first)
    closed = make_consultation(app, official)
    close(app, closed)
    user = make_user()
    _set_municipality(app, user.id, second)
    for cid, reason in (
        (upcoming, Denial.CONSULTATION_NOT_OPEN),
        (closed, Denial.CONSULTATION_CLOSED),
        (municipal, Denial.OUTSIDE_SCOPE),
    ):
        with pytest.raises(PermissionDenied) as error:
            _answer(app, user.id, cid, full_answer(question_ids(app, cid)))
        assert error.value.code == reason
    _set_municipality(app, user.id, first)
    assert _answer(app, user.id, municipal, full_answer(question_ids(app, municipal)))


def test_concurrent_second_participation_is_refused(app, official, make_user):
    """Eight requests for the same citizen at the same instant: one participation,
    one response, seven clear refusals."""
    cid = make_consultation(app, official)
    data = full_answer(question_ids(app, cid))
    user_id = make_user().id
    threads_n = 8
    barrier = threading.Barrier(threads_n)
    outcomes: list[str] = []
    lock = threading.Lock()

    def run():
        with app.app_context():
            user = db.session.get(User, user_id)
            consultation = db.session.get(Consultation, cid)
            questions = service.questions_of(consultation)  # load before the race
            assert questions
            barrier.wait()
            try:
                # Skip the early check, as a request that read "not answered yet" would.
                parsed, errors = service.parse_answers(questions, MultiDict(data))
                assert not errors
                if not service._insert_participation(cid, user_id):
                    raise PermissionDenied(service.deny(Denial.ALREADY_ANSWERED))
                db.session.add(
                    ConsultationResponse(consultation_id=cid, municipality_id=user.municipality_id)
                )
                db.session.commit()
                result = "ok"
            except PermissionDenied as error:
                db.session.rollback()
                result = str(error.code)
            except Exception as error:  # noqa: BLE001
                db.session.rollback()
                result = repr(error)
            db.session.remove()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=run) for _ in range(threads_n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == sorted(["ok"] + [Denial.ALREADY_ANSWERED.value] * (threads_n - 1))
    with app.app_context():
        assert db.session.scalar(select(db.func.count(ConsultationParticipation.id))) == 1
        assert db.session.scalar(select(db.func.count()).select_from(ConsultationResponse)) == 1


def test_concurrent_full_answers_count_once(app, official, make_user):
    """The real service from many threads at once: exactly one succeeds."""
    cid = make_consultation(app, official)
    data = full_answer(question_ids(app, cid))
    user_id = make_user().id
    barrier = threading.Barrier(6)
    outcomes: list[str] = []

    def run():
        with app.app_context():
            user = db.session.get(User, user_id)
            consultation = db.session.get(Consultation, cid)
            barrier.wait()
            try:
                service.answer_consultation(user, consultation, MultiDict(data))
                db.session.commit()
                outcomes.append("ok")
            except PermissionDenied as error:
                db.session.rollback()
                outcomes.append(str(error.code))
            except Exception as error:  # noqa: BLE001
                db.session.rollback()
                outcomes.append(repr(error))
            db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert outcomes.count("ok") == 1, outcomes
    assert set(outcomes) <= {"ok", Denial.ALREADY_ANSWERED.value}, outcomes
    with app.app_context():
        assert db.session.get(Consultation, cid).respondent_count == 1
        assert db.session.scalar(select(db.func.count()).select_from(ConsultationResponse)) == 1


# --- Anonymity ------------------------------------------------------------------------

ANONYMOUS_TABLES = ("consultation_responses", "consultation_answers", "consultation_text_answers")


def test_schema_links_no_answer_to_a_person_or_a_participation(app):
    """No column, foreign key or time on the answer side that could name a person."""
    with app.app_context():
        inspector = inspect(db.engine)
        for table in ANONYMOUS_TABLES:
            columns = {c["name"]: c for c in inspector.get_columns(table)}
            for name, column in columns.items():
                assert "user" not in name and "participation" not in name, (table, name)
                assert "author" not in name and "created" not in name, (table, name)
                kind = str(column["type"]).upper()
                assert "DATE" not in kind and "TIME" not in kind, (table, name, kind)
            targets = {fk["referred_table"] for fk in inspector.get_foreign_keys(table)}
            assert targets <= {
                "consultations",
                "consultation_responses",
                "consultation_questions",
                "consultation_options",
                "municipalities",
            }, (table, targets)
            # Random text ids, no integer sequence that would follow the order of arrival.
            pk = inspector.get_pk_constraint(table)["constrained_columns"]
            assert pk == ["id"] and "CHAR" in str(columns["id"]["type"]).upper()
        participation = {c["name"] for c in inspector.get_columns("consultation_participations")}
        assert participation == {"id", "consultation_id", "user_id"}  # who, never what or when
        # Nothing points at a participation.
        for table in inspector.get_table_names():
            for fk in inspector.get_foreign_keys(table):
                assert fk["referred_table"] != "consultation_participations", table
        if db.engine.dialect.name == "sqlite":
            for table in ANONYMOUS_TABLES:
                sql = db.session.scalar(
                    text("SELECT sql FROM sqlite_master WHERE name = :t"), {"t": table}
                )
                assert "WITHOUT ROWID" in sql.upper()  # no hidden insertion counter


def test_rows_after_real_answers_cannot_be_told_apart(app, official, make_user):
    """Twenty citizens answer in turn. Nothing stored with the answers names them,
    and neither the ids nor the order of the rows follow the order of the
    participations: joining on order gives chance, not the truth."""
    cid = make_consultation(app, official)
    questions = question_ids(app, cid)
    municipality = _municipality_ids(app, 1)[0]
    users = [make_user() for _ in range(20)]
    response_of: dict[int, str] = {}
    for i, user in enumerate(users):
        _set_municipality(app, user.id, municipality)
        response_of[user.id] = _answer(
            app, user.id, cid, full_answer(questions, pick=i, text=f"Idea {i}")
        )

    with app.app_context():
        # Exactly these columns, and nothing else, on the answer side.
        allowed = {
            ConsultationResponse: {"id", "consultation_id", "municipality_id"},
            ConsultationAnswer: {"id", "response_id", "question_id", "option_id", "rank", "value"},
            ConsultationTextAnswer: {"id", "response_id", "question_id", "body", "status"},
        }
        emails = {u.email for u in users}
        participation_ids = set(db.session.scalars(select(ConsultationParticipation.id)))
        for model, columns in allowed.items():
            assert {c.key for c in model.__table__.columns} == columns
            for row in db.session.scalars(select(model)):
                # Random 128-bit ids: never a participation id, never a user id.
                for key in ("id", "response_id"):
                    value = getattr(row, key, None)
                    if value is not None:
                        assert len(value) == 32 and int(value, 16) not in participation_ids
                assert not any(e in str(getattr(row, "body", "")) for e in emails)
            assert db.session.scalar(select(db.func.count()).select_from(model)) > 0
        # Ids are random: sorted by id, the responses are not in the order of arrival,
        # and zipping them with the participations in id order finds chance, not truth.
        arrival = [response_of[u.id] for u in users]
        by_id = list(
            db.session.scalars(
                select(ConsultationResponse.id)
                .where(ConsultationResponse.consultation_id == cid)
                .order_by(ConsultationResponse.id)
            )
        )
        assert sorted(arrival) == by_id and by_id != arrival
        participations = list(
            db.session.scalars(
                select(ConsultationParticipation.user_id).order_by(ConsultationParticipation.id)
            )
        )
        guessed = dict(zip(participations, by_id, strict=True))
        assert sum(guessed[u] == response_of[u] for u in participations) < 10
        if db.engine.dialect.name == "sqlite":
            # WITHOUT ROWID: the table's own order is its random key, not the arrival.
            stored = list(db.session.scalars(text("SELECT id FROM consultation_responses")))
            assert stored == by_id
        # PostgreSQL: the heap keeps rows in arrival order (ctid) and stamps them
        # with their transaction (xmin) until the worker's shuffle rewrites them
        # (services/anonymity.py, tests/test_consultations_shuffle.py).
        # The day an answer was given is not stored either.
        for table in ANONYMOUS_TABLES:
            row = db.session.execute(text(f"SELECT * FROM {table} LIMIT 1")).mappings().first()
            assert not any(hasattr(v, "year") for v in row.values())


# --- Moderation and results -------------------------------------------------------------


def test_free_text_is_shown_only_once_approved(app, official, make_user):
    cid = make_consultation(app, official, visibility="live")
    questions = question_ids(app, cid)
    for i in range(3):
        _answer(app, make_user().id, cid, full_answer(questions, pick=i, text=f"Thought {i}"))
    moderator = make_user(role="moderator")
    with app.app_context():
        consultation = db.session.get(Consultation, cid)
        assert service.results(consultation, "en").questions[-1].texts == []
        pending = service.pending_texts(consultation)
        assert len(pending) == 3
        with pytest.raises(PermissionDenied):
            service.moderate_text(
                db.session.get(User, official.id), consultation, pending[0].id, True
            )
        actor = db.session.get(User, moderator.id)
        service.moderate_text(actor, consultation, pending[0].id, True)
        service.moderate_text(actor, consultation, pending[1].id, False)
        db.session.commit()
        statuses = sorted(db.session.scalars(select(ConsultationTextAnswer.status)))
        assert statuses == sorted(
            [TextAnswerStatus.APPROVED, TextAnswerStatus.REJECTED, TextAnswerStatus.PENDING]
        )
        shown = service.results(consultation, "en").questions[-1].texts
        assert shown == [pending[0].body]


def test_results_in_percentages_with_small_cells_folded(app, official, make_user):
    big, small = _municipality_ids(app, 2)
    cid = make_consultation(app, official)
    questions = question_ids(app, cid)
    single = questions[0]
    # 10 in one municipality (shown), 3 in another and 2 without one (folded: 5 < 10).
    picks = [0] * 6 + [1] * 4 + [2] * 3 + [3] * 2
    for i, pick in enumerate(picks):
        user = make_user()
        where = big if i < 10 else small if i < 13 else None
        _set_municipality(app, user.id, where)
        _answer(app, user.id, cid, full_answer(questions, pick=pick))
    close(app, cid)
    with app.app_context():
        result = service.results(db.session.get(Consultation, cid), "en")
        assert result.respondents == 15
        first = result.questions[0]
        assert first.n == 15
        assert [(o.count, o.percent) for o in first.options] == [
            (6, 40),
            (4, 27),
            (3, 20),
            (2, 13),
            (0, 0),
        ]
        scale = result.questions[2]
        assert [c for _v, c, _p in scale.scale] == [6, 4, 3, 2, 0]
        ranking = result.questions[3]
        assert [o.first for o in ranking.options] == [8, 4, 3]  # pick % 3
        # Breakdown: the big municipality alone; 5 others are too few to show.
        assert [g.n for g in result.groups] == [10]
        assert result.suppressed == 5
        group = result.groups[0]
        assert group.percents[single["id"]][single["options"][0]] == 60


def test_stored_tallies_match_a_count_of_the_answers(app, official, make_user):
    """The results page reads counters moved by each answer; counting the answers
    again gives the same numbers, municipality by municipality."""
    from participation.models import ConsultationTally

    cid = make_consultation(app, official, visibility="live")
    questions = question_ids(app, cid)
    places = _municipality_ids(app, 2) + [None]
    for i in range(12):
        user = make_user()
        _set_municipality(app, user.id, places[i % 3])
        _answer(app, user.id, cid, full_answer(questions, pick=i, text="x" if i % 2 else ""))

    def snapshot():
        return sorted(
            db.session.execute(
                select(
                    ConsultationTally.question_id,
                    ConsultationTally.municipality_id,
                    ConsultationTally.option_id,
                    ConsultationTally.value,
                    ConsultationTally.rank,
                    ConsultationTally.count,
                ).where(ConsultationTally.consultation_id == cid)
            ).all()
        )

    with app.app_context():
        stored = snapshot()
        assert stored
        service.rebuild_tallies(db.session.get(Consultation, cid))
        db.session.commit()
        assert snapshot() == stored
        outcome = service.results(db.session.get(Consultation, cid), "en")
        assert [q.n for q in outcome.questions[:4]] == [12, 12, 12, 12]
