"""The outbox (issue 9, "Nothing slow inside a request"): emails are rows
written in the change's transaction and sent afterwards, by the app after the
response (no Redis) or by `flask jobs worker` (RQ on Redis), with retries, never
twice; admins see the queue and send failed messages again."""

from __future__ import annotations

import logging
import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections import Counter

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, insert, select, update

from config import BASE_DIR
from participation.extensions import db
from participation.models import Idea, Notification, OutboxMessage, Support, User
from participation.models.base import utcnow
from tests.conftest import TEST_REDIS_URL, Mailbox
from tests.pages import translated

ANSWER = {"status": "in_progress", "response": "We are on it."}


def status_url(idea) -> str:
    return f"/en/officials/ideas/{idea.id}/status"


def add_supporters(app, idea, n: int, prefix: str = "s") -> None:
    """n confirmed citizens who support `idea`, in three bulk statements."""
    with app.app_context():
        now = utcnow()
        db.session.execute(
            insert(User),
            [
                {
                    "email": f"{prefix}{idea.id}-{i}@example.be",
                    "display_name": f"Supporter {i}",
                    "password_hash": "unused",
                    "role": "citizen",
                    "language": ("fr", "nl", "en")[i % 3],
                    "email_confirmed_at": now,
                }
                for i in range(n)
            ],
        )
        ids = db.session.scalars(
            select(User.id).where(User.email.like(f"{prefix}{idea.id}-%"))
        ).all()
        db.session.execute(
            insert(Support),
            [{"idea_id": idea.id, "user_id": uid, "created_at": now} for uid in ids],
        )
        db.session.execute(
            update(Idea).where(Idea.id == idea.id).values(support_count=Idea.support_count + n)
        )
        db.session.commit()


def outbox_statuses(app) -> Counter:
    with app.app_context():
        rows = db.session.execute(
            select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
        ).all()
        return Counter(dict(rows))


def row_id(message) -> int:
    return int(re.match(r"<outbox-(\d+)\.", message["Message-ID"]).group(1))


# --- In the request: a fixed number of queries ---------------------------------------


def test_answering_5000_supporters_costs_the_same_queries_as_answering_5(
    app, client, make_user, make_idea, login, count_queries, mailbox
):
    app.config["OUTBOX_SEND_IN_APP"] = False  # count the request alone
    small, big = make_idea(), make_idea()
    add_supporters(app, small, 5)
    add_supporters(app, big, 5000)
    login(client, make_user(role="official"))

    def answer(idea) -> int:
        token = client.token(status_url(idea))
        with count_queries() as counter:
            response = client.post(status_url(idea), data={**ANSWER, "csrf_token": token})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return counter.count

    assert answer(small) == answer(big)
    with app.app_context():
        assert db.session.scalar(select(func.count(Notification.id))) == 2 + 5005
        rows = db.session.scalar(select(func.count(OutboxMessage.id)))
    assert rows == 2 + 5005  # the two authors and every supporter
    assert mailbox.messages == []  # nothing was sent inside the request


def test_supporters_preferences_apply_to_the_bulk_emails(app, make_user, make_idea, mailbox):
    from participation.services import notifications

    idea = make_idea()
    keen, quiet = make_user(), make_user()
    with app.app_context():
        for user in (keen, quiet):
            db.session.add(Support(idea_id=idea.id, user_id=user.id))
        db.session.commit()
    with app.test_request_context("/en/"):
        notifications.save_preferences(db.session.get(User, quiet.id), supported=False)
        row = db.session.get(Idea, idea.id)
        assert (
            notifications.notify_supporters(row, "supported_idea_answered", status="accepted") == 2
        )
        db.session.commit()  # no Redis, not in a request: sent at once
    assert len(mailbox.to(keen.email)) == 1
    assert mailbox.to(quiet.email) == []
    with app.app_context():
        told = select(func.count(Notification.id)).where(Notification.recipient_id == quiet.id)
        assert db.session.scalar(told) == 1


def test_without_redis_the_app_sends_after_the_response(
    app, client, make_user, make_idea, login, mailbox
):
    idea = make_idea()
    add_supporters(app, idea, 3)
    login(client, make_user(role="official"))
    response = client.submit(status_url(idea), ANSWER)
    assert response.status_code == 302
    assert len(mailbox.messages) == 1 + 3
    assert outbox_statuses(app) == Counter(sent=4)
    with app.app_context():  # sent rows keep no payload (no tokens, no texts)
        assert db.session.scalars(select(OutboxMessage.payload)).all() == [None] * 4


# --- Admins see the queue -------------------------------------------------------------


def _failed_message(app, to: str, error: str = "refused: 550 no such user") -> int:
    from participation.services import outbox

    with app.test_request_context("/en/"):
        app.config["OUTBOX_SEND_IN_APP"] = False
        message = outbox.queue_email(to, "already_registered", "en", login_link="x", reset_link="y")
        message.status = "failed"
        message.attempts = 1
        message.last_error = error
        db.session.commit()
        app.config["OUTBOX_SEND_IN_APP"] = True
        return message.id


@pytest.mark.parametrize("lang", ["fr", "nl", "en"])
def test_admin_sees_failed_and_waiting_messages_in_three_languages(
    app, client, make_user, login, lang
):
    _failed_message(app, "failed@example.be")
    from participation.jobs import INTERRUPTED

    _failed_message(app, "interrupted@example.be", INTERRUPTED)
    login(client, make_user(role="admin", language=lang))
    page = client.get(f"/{lang}/admin/outbox")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "failed@example.be" in html and "550 no such user" in html
    assert translated(app, lang, "Outgoing mail") in html
    assert translated(app, lang, "Send again") in html
    assert translated(app, lang, "Registration with a known address") in html
    interrupted = (
        "The worker stopped while sending this message: it may have been delivered. "
        "Send it again only if the recipient did not receive it."
    )
    assert translated(app, lang, interrupted) in html
    assert html.count('action="/' + lang + "/admin/outbox/") == 2


def test_admin_retry_sends_a_failed_message_again(app, client, make_user, login, mailbox):
    message_id = _failed_message(app, "again@example.be")
    login(client, make_user(role="admin"))
    url = f"/en/admin/outbox/{message_id}/retry"
    assert client.post(url, data={}).status_code == 400  # no CSRF token
    response = client.submit(url, {}, page="/en/admin/outbox")
    assert response.status_code == 302
    assert len(mailbox.to("again@example.be")) == 1  # sent after the response
    with app.app_context():
        assert db.session.get(OutboxMessage, message_id).status == "sent"
    # Only failed messages can be retried: this one is sent.
    response = client.submit(url, {}, page="/en/admin/outbox")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "This message is not waiting for a retry." in page
    assert len(mailbox.to("again@example.be")) == 1


def test_only_admins_see_the_outbox(app, client, make_user, login):
    message_id = _failed_message(app, "x@example.be")
    login(client, make_user(role="moderator"))
    assert client.get("/en/admin/outbox").status_code == 403
    assert client.submit(f"/en/admin/outbox/{message_id}/retry", {}).status_code == 403


# --- A worker killed mid-batch ------------------------------------------------------------


class SlowMailbox(Mailbox):
    """A mail server that takes `delay` seconds per message."""

    def __init__(self, delay: float):
        super().__init__()
        self.delay = delay

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        import asyncio

        await asyncio.sleep(self.delay)
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def slow_smtp():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(SlowMailbox(0.02), hostname="127.0.0.1", port=port)
    controller.start()
    yield controller
    controller.stop()


def worker_env(app, smtp_host: str, smtp_port: int, **extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("REDIS_", "DATABASE_", "MAIL_", "PARTICIPATION_", "OUTBOX_"))
    }
    env.update(
        PARTICIPATION_ENV="development",
        DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
        SECRET_KEY=app.config["SECRET_KEY"],
        MAIL_SERVER=smtp_host,
        MAIL_PORT=str(smtp_port),
        OPENDATA_EXPORT_HOURS="0",  # no daily export in the mail tests
        **extra,
    )
    return env


def flask(*args: str, env: dict[str, str], **kwargs) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", *args],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        **kwargs,
    )


def queue_messages(app, n: int) -> list[int]:
    from participation.services import outbox

    app.config["OUTBOX_SEND_IN_APP"] = False
    with app.test_request_context("/en/"):
        ids = [
            outbox.queue_email(
                f"reader{i}@example.be", "reset", "en", link=f"/x/{i}", minutes=60
            ).id
            for i in range(n)
        ]
        db.session.commit()
    return ids


def test_a_worker_killed_mid_batch_loses_nothing_and_sends_nothing_twice(app, slow_smtp):
    mailbox: SlowMailbox = slow_smtp.handler
    ids = queue_messages(app, 150)
    env = worker_env(app, slow_smtp.hostname, slow_smtp.port, OUTBOX_LEASE_SECONDS="1")

    first = flask("jobs", "drain", env=env)
    deadline = time.monotonic() + 60
    while len(mailbox.messages) < 40 and first.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert first.poll() is None, "the worker finished before it could be killed"
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    killed_at = len(mailbox.messages)
    assert 40 <= killed_at < len(ids)
    statuses = outbox_statuses(app)
    assert statuses["pending"] + statuses["claimed"] > 0  # work was left mid-batch
    assert statuses["sending"] <= 1

    # Once the dead worker's lease has run out, two workers at once finish the job.
    time.sleep(1.2)
    others = [flask("jobs", "drain", env=env) for _ in range(2)]
    for process in others:
        output, _ = process.communicate(timeout=120)
        assert process.returncode == 0, output

    received = Counter(row_id(m) for m in mailbox.messages)
    assert max(received.values()) == 1, "a message was sent twice"
    with app.app_context():
        rows = {r.id: r for r in db.session.scalars(select(OutboxMessage)).all()}
    sent = {i for i, r in rows.items() if r.status == "sent"}
    interrupted = {i for i, r in rows.items() if r.status == "failed"}
    assert sent | interrupted == set(ids)  # nothing lost
    assert len(interrupted) <= 1  # at most the one in the mail server's hands
    assert sent <= set(received)
    for message_id in interrupted:
        assert rows[message_id].last_error.startswith("interrupted")
        if message_id not in received:  # the admin sends it again
            from participation.jobs import deliver_due
            from participation.services import outbox

            app.config.update(MAIL_SERVER=slow_smtp.hostname, MAIL_PORT=slow_smtp.port)
            with app.app_context():
                admin = User(email="admin@example.be", role="admin", email_confirmed_at=utcnow())
                db.session.add(admin)
                db.session.flush()
                outbox.retry(admin, message_id)
                db.session.commit()
                assert deliver_due(app) == 1
    received = Counter(row_id(m) for m in mailbox.messages)
    assert set(received) == set(ids) and max(received.values()) == 1


# --- Redis down at the time of the POST ---------------------------------------------------


@pytest.mark.redis
def test_redis_down_at_the_post_loses_nothing(
    app, client, make_user, make_idea, login, mailbox, smtp_server, caplog
):
    import redis

    queue_name = f"outbox-test-{uuid.uuid4().hex[:8]}"
    app.config.update(REDIS_URL="redis://127.0.0.1:1/0", JOBS_QUEUE=queue_name)  # nobody there
    idea = make_idea()
    add_supporters(app, idea, 3)
    login(client, make_user(role="official"))
    with caplog.at_level(logging.WARNING, logger=app.logger.name):
        response = client.submit(status_url(idea), ANSWER)
    assert response.status_code == 302
    assert "could not queue the delivery job" in caplog.text
    assert mailbox.messages == []
    assert outbox_statuses(app) == Counter(pending=4)

    # Redis is back; the worker picks the rows up from the database.
    env = worker_env(
        app, smtp_server.hostname, smtp_server.port, REDIS_URL=TEST_REDIS_URL, JOBS_QUEUE=queue_name
    )
    output, _ = flask("jobs", "worker", "--burst", env=env).communicate(timeout=120)
    assert outbox_statuses(app) == Counter(sent=4), output
    assert len(mailbox.messages) == 4
    assert len({m["To"] for m in mailbox.messages}) == 4
    redis.Redis.from_url(TEST_REDIS_URL).delete(f"rq:queue:{queue_name}")


@pytest.mark.redis
def test_the_worker_polls_the_outbox(app, make_user, mailbox, smtp_server):
    """Rows that no job announced (Redis was down, or a retry is due) are sent
    by the running worker's poll."""
    queue_name = f"outbox-test-{uuid.uuid4().hex[:8]}"
    env = worker_env(
        app, smtp_server.hostname, smtp_server.port, REDIS_URL=TEST_REDIS_URL, JOBS_QUEUE=queue_name
    )
    worker = flask("jobs", "worker", "--poll", "0.5", env=env)
    try:
        time.sleep(1.5)  # the worker is up and idle
        queue_messages(app, 2)  # committed with no job queued (OUTBOX_SEND_IN_APP off)
        deadline = time.monotonic() + 30
        while len(mailbox.messages) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(mailbox.messages) == 2
    finally:
        worker.send_signal(signal.SIGTERM)
        output, _ = worker.communicate(timeout=30)
    assert outbox_statuses(app) == Counter(sent=2), output


def test_jobs_worker_needs_redis(runner):
    result = runner.invoke(args=["jobs", "worker"])
    assert result.exit_code != 0
    assert "REDIS_URL is not set" in result.output


def test_jobs_drain_sends_what_is_due(app, runner, mailbox):
    queue_messages(app, 3)
    result = runner.invoke(args=["jobs", "drain"])
    assert result.exit_code == 0, result.output
    assert "Sent 3 message(s); 0 still due." in result.output
    assert len(mailbox.messages) == 3


def test_a_refused_recipient_fails_at_once_and_others_still_go(app, mailbox):
    from participation.jobs import deliver_due

    class Refusing(Mailbox):
        async def handle_RCPT(self, server, session, envelope, address, options):  # noqa: N802
            if address.startswith("reader1@"):
                return "550 no such user"
            envelope.rcpt_tos.append(address)
            return "250 OK"

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Refusing(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        ids = queue_messages(app, 3)
        app.config["MAIL_PORT"] = port
        with app.app_context():
            assert deliver_due(app) == 2
            failed = db.session.get(OutboxMessage, ids[1])
            assert failed.status == "failed" and "550" in failed.last_error
        assert sorted(m["To"] for m in controller.handler.messages) == [
            "reader0@example.be",
            "reader2@example.be",
        ]
    finally:
        controller.stop()
