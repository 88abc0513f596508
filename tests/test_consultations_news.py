"""Consultation notifications (issue 12): a new consultation is announced, when it
opens, to the residents who opted in (for a municipal one only to that
municipality's residents); its results, when it closes, to those who took part.
Written by the worker's sweep (`flask jobs drain`), sent through the outbox to a
real SMTP server."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from participation.extensions import db
from participation.models import (
    Consultation,
    EmailPreference,
    Municipality,
    Notification,
    OutboxMessage,
    User,
)
from participation.models.base import utcnow
from participation.services import announcements, notifications
from participation.services import consultations as service
from participation.vocabulary import NotificationKind
from tests.factories_consultations import close, full_answer, make_consultation, question_ids


@pytest.fixture
def official(make_user):
    return make_user(role="official")


def _municipalities(app):
    with app.app_context():
        return list(db.session.scalars(select(Municipality.id).order_by(Municipality.id)))[:2]


def _resident(app, make_user, municipality_id, opted_in: bool | None, language="en", **kw):
    user = make_user(language=language, **kw)
    with app.app_context():
        db.session.get(User, user.id).municipality_id = municipality_id
        if opted_in is not None:
            actor = db.session.get(User, user.id)
            notifications.save_preferences(actor, new_consultations=opted_in)
        db.session.commit()
    return user


def _kinds(app, user_id):
    with app.app_context():
        return list(
            db.session.scalars(
                select(Notification.kind).where(Notification.recipient_id == user_id)
            )
        )


def test_a_municipal_consultation_is_announced_to_its_opted_in_residents_only(
    app, runner, mailbox, make_user, official
):
    here, elsewhere = _municipalities(app)
    wants = _resident(app, make_user, here, True, language="nl")
    wants_elsewhere = _resident(app, make_user, elsewhere, True)
    silent = _resident(app, make_user, here, False)
    never_chose = _resident(app, make_user, here, None)
    unconfirmed = _resident(app, make_user, here, True, confirmed=False)
    make_consultation(app, official, municipality_id=here)
    upcoming = make_consultation(app, official, state="upcoming")

    result = runner.invoke(args=["jobs", "drain"])
    assert result.exit_code == 0, result.output
    assert "Told 1 resident(s)" in result.output
    assert _kinds(app, wants.id) == [NotificationKind.CONSULTATION_OPENED]
    for user in (wants_elsewhere, silent, never_chose, unconfirmed):
        assert _kinds(app, user.id) == []
    assert [m["To"] for m in mailbox.messages] == [wants.email]
    message = mailbox.last(wants.email)
    body = message.get_body(("plain",)).get_content()
    assert message["Subject"] == "Er is een nieuwe raadpleging geopend"
    assert "Is uw gemeente slim?" in body
    assert "/nl/consultations/" in body
    # Announced once: a second sweep tells nobody again; the upcoming one waits.
    mailbox.clear()
    assert runner.invoke(args=["jobs", "drain"]).exit_code == 0
    assert mailbox.messages == []
    with app.app_context():
        assert db.session.get(Consultation, upcoming).announced_at is None


def test_a_regional_consultation_is_announced_to_every_opted_in_resident(
    app, mailbox, make_user, official
):
    here, elsewhere = _municipalities(app)
    a = _resident(app, make_user, here, True)
    b = _resident(app, make_user, elsewhere, True)
    c = _resident(app, make_user, None, True)
    make_consultation(app, official)
    # A consultation without questions is not announced (nothing to answer yet).
    make_consultation(app, official, questions=[])
    with app.app_context():
        done = announcements.announce_due()
        db.session.commit()
    assert (done.opened, done.told) == (1, 3)
    assert sorted(m["To"] for m in mailbox.messages) == sorted([a.email, b.email, c.email])


def test_results_are_announced_to_participants_when_it_closes(app, mailbox, make_user, official):
    consultation_id = make_consultation(app, official)
    questions = question_ids(app, consultation_id)
    took_part = make_user(language="fr")
    no_email = make_user()
    bystander = make_user()
    with app.app_context():
        notifications.save_preferences(
            db.session.get(User, no_email.id), consultation_results=False
        )
        consultation = db.session.get(Consultation, consultation_id)
        for user in (took_part, no_email):
            service.answer_consultation(
                db.session.get(User, user.id), consultation, MultiDict(full_answer(questions))
            )
        db.session.commit()
        announcements.announce_due()  # the opening: nobody opted in
        db.session.commit()
    assert mailbox.messages == []
    close(app, consultation_id)
    with app.app_context():
        done = announcements.announce_due()
        db.session.commit()
        assert (done.results, done.told) == (1, 2)
        again = announcements.announce_due()
        db.session.commit()
        assert again.told == 0
    assert _kinds(app, took_part.id) == [NotificationKind.CONSULTATION_RESULTS]
    assert _kinds(app, no_email.id) == [NotificationKind.CONSULTATION_RESULTS]
    assert _kinds(app, bystander.id) == []
    assert [m["To"] for m in mailbox.messages] == [took_part.email]
    body = mailbox.last(took_part.email).get_body(("plain",)).get_content()
    assert "Votre commune est-elle intelligente ?" in body
    assert f"/fr/consultations/{consultation_id}/results" in body


def test_nothing_is_queued_inside_the_answering_request(app, client, login, make_user, official):
    """Creating and answering write no announcement: the worker's sweep does."""
    consultation_id = make_consultation(app, official)
    citizen = _resident(app, make_user, None, True)
    login(client, citizen)
    answer = full_answer(question_ids(app, consultation_id))
    assert client.submit(f"/en/consultations/{consultation_id}", answer).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0
        assert db.session.scalar(select(func.count(Notification.id))) == 0


def test_the_notifications_page_links_to_the_consultation(app, client, login, make_user, official):
    consultation_id = make_consultation(app, official)
    citizen = _resident(app, make_user, None, True)
    with app.app_context():
        announcements.announce_due(utcnow() + timedelta(minutes=1))
        db.session.commit()
    login(client, citizen)
    html = client.get("/en/notifications/").get_data(as_text=True)
    assert "A new consultation is open to you" in html
    assert "Is your municipality smart? &lt;b&gt;bold&lt;/b&gt;" in html
    assert f'href="/en/consultations/{consultation_id}"' in html


def test_new_consultations_are_opt_in_on_the_preferences_page(app, client, login, make_user):
    citizen = make_user()
    login(client, citizen)
    html = client.get("/en/notifications/preferences").get_data(as_text=True)
    assert re.search(r'<input id="new_consultations" name="new_consultations"', html)
    assert re.search(r'<input checked id="consultation_results"', html)
    response = client.submit(
        "/en/notifications/preferences",
        {"new_consultations": "y", "consultation_results": "y", "moderation": "y"},
    )
    assert response.status_code == 302
    with app.app_context():
        preference = db.session.get(EmailPreference, citizen.id)
        assert preference.new_consultations is True
        assert preference.comments is False
