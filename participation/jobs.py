"""Background work: sending the outbox (participation/services/outbox.py).

When a transaction that wrote outbox rows commits:

- with REDIS_URL set, a delivery job is queued on Redis (RQ); `flask jobs
  worker` runs it. If Redis cannot be reached, nothing is lost: the rows are
  in the database, the failure is logged, and the worker, which also polls the
  outbox every OUTBOX_POLL_SECONDS, sends them later;
- without REDIS_URL (the embedded default), the app sends them itself, after
  the response has gone to the browser (or at once, outside a request: the
  command line, scripts).

Never twice: a worker claims due rows (PostgreSQL: FOR UPDATE SKIP LOCKED;
SQLite: a conditional UPDATE, its writes being serialized), marks each one
`sending` in its own commit before handing it to the mail server, and `sent`
right after. A worker killed mid-batch leaves its `claimed` rows, which go back
to the queue once their lease (OUTBOX_LEASE_SECONDS) has run out, and at most
one `sending` row per connection: the mail server may or may not have taken
that one, so it is never sent again on its own: it is marked failed
("interrupted") for an administrator to look at and retry.

Failures: a refused recipient or a permanent (5xx) answer fails the message at
once; anything else (server down, 4xx) is tried again later, with exponential
backoff, up to OUTBOX_MAX_ATTEMPTS times.
"""

from __future__ import annotations

import os
import smtplib
import socket
import threading
import time
import uuid
from datetime import timedelta
from email.message import EmailMessage
from typing import Any

import click
from flask import Flask, current_app, g, has_request_context
from flask.cli import AppGroup
from sqlalchemy import delete, event, func, select, update

from participation.extensions import db
from participation.models.base import utcnow
from participation.models.outbox import OutboxMessage, OutboxStatus
from participation.services.outbox import QUEUED

INTERRUPTED = "interrupted while being sent: it may or may not have been delivered"
_STATE = "_outbox_after_response"


# --- Dispatch: what happens when a transaction with outbox rows commits ---------------


@event.listens_for(db.session, "after_commit")
def _after_commit(session) -> None:
    if session.in_nested_transaction():
        return  # a SAVEPOINT was released: the transaction is still open
    if session.info.pop(QUEUED, False):
        dispatch(current_app._get_current_object())


@event.listens_for(db.session, "after_rollback")
def _after_rollback(session) -> None:
    session.info.pop(QUEUED, None)


def dispatch(app: Flask) -> None:
    """New rows are committed: have them sent."""
    if app.config.get("REDIS_URL"):
        enqueue_delivery(app)
        return
    if not app.config.get("OUTBOX_SEND_IN_APP", True):
        return
    state = g.get(_STATE) if has_request_context() else None
    if state is not None:
        state["due"] = True  # sent by _send_after_response
        return
    drain(app)


def drain(app: Flask) -> int:
    """Send what is due, in this process, in an app context of its own (so with
    a database session of its own). Never raises: errors are logged."""
    try:
        with app.app_context():
            return deliver_due(app)
    except Exception:  # noqa: BLE001 - mail must never break the caller
        app.logger.exception("Outbox: sending in the app process failed; will retry later")
        return 0


def _init_request_hooks(app: Flask) -> None:
    @app.before_request
    def _outbox_state():
        g.setdefault(_STATE, {"due": False})

    @app.after_request
    def _send_after_response(response):
        state = g.get(_STATE)
        if state is not None and not app.config.get("REDIS_URL"):
            response.call_on_close(lambda: state["due"] and drain(app))
        counts = g.get(_COUNTS)
        if counts:
            response.call_on_close(lambda: [run_count(app, *job) for job in counts])
        if g.get(_STATISTICS):
            response.call_on_close(lambda: refresh_statistics(app))
        return response


# --- Budget counts ----------------------------------------------------------------------

_COUNTS = "_budget_counts_after_response"


def enqueue_count(app: Flask, round_id: int, actor_id: int) -> None:
    """Have a round counted in the background once the request that asked for it has
    committed: by the RQ worker with REDIS_URL, else in this process after the response
    (at once outside a request). The round page shows where the count stands."""
    if app.config.get("REDIS_URL"):
        from redis.exceptions import RedisError

        try:
            job_queue(app).enqueue(
                "participation.jobs.count_round_job",
                round_id,
                actor_id,
                job_timeout=app.config.get("BUDGET_COUNT_JOB_SECONDS", 1800),
                result_ttl=60,
                failure_ttl=7 * 24 * 3600,
            )
            return
        except (RedisError, OSError) as error:
            app.logger.warning("Budgets: could not queue the count (%s); counting here", error)
    if has_request_context():
        g.setdefault(_COUNTS, []).append((round_id, actor_id))
        return
    run_count(app, round_id, actor_id)


def count_round_job(round_id: int, actor_id: int) -> str:
    """The RQ job: count one round."""
    return run_count(current_app._get_current_object(), round_id, actor_id)


def run_count(app: Flask, round_id: int, actor_id: int) -> str:
    """Count a queued round in a session of its own, committing its progress as it
    goes; a failure marks the round failed (officials may ask again). Never raises."""
    from participation.models import BudgetRound, User
    from participation.services import budgets
    from participation.vocabulary import CountState

    def progress(percent: int) -> None:
        db.session.execute(
            update(BudgetRound)
            .where(BudgetRound.id == round_id)
            .values(count_progress=percent)
            .execution_options(synchronize_session=False)
        )
        db.session.commit()

    with app.app_context():
        claimed = db.session.execute(
            update(BudgetRound)
            .where(BudgetRound.id == round_id, BudgetRound.count_state == CountState.QUEUED)
            .values(count_state=CountState.RUNNING, count_progress=10)
            .execution_options(synchronize_session=False)
        )
        db.session.commit()
        if not claimed.rowcount:  # type: ignore[attr-defined]
            return "not queued"
        try:
            budget_round = db.session.get(BudgetRound, round_id)
            budgets.count_round(db.session.get(User, actor_id), budget_round, progress=progress)
            db.session.commit()
            return CountState.DONE.value
        except Exception:  # noqa: BLE001 - a failed count is shown, not raised
            db.session.rollback()
            app.logger.exception("Budgets: counting round %s failed", round_id)
            db.session.execute(
                update(BudgetRound)
                .where(BudgetRound.id == round_id)
                .values(count_state=CountState.FAILED)
                .execution_options(synchronize_session=False)
            )
            db.session.commit()
            return CountState.FAILED.value


# --- Redis queue (RQ) -----------------------------------------------------------------


def redis_connection(app: Flask):
    from redis import Redis

    connection = app.extensions.get("participation_redis")
    if connection is None:
        connection = Redis.from_url(
            app.config["REDIS_URL"], socket_connect_timeout=2, socket_timeout=10
        )
        app.extensions["participation_redis"] = connection
    return connection


# --- Statistics ----------------------------------------------------------------------

_STATISTICS = "_statistics_after_response"


def refresh_statistics(app: Flask) -> bool:
    """Count the statistics and store them (services/statistics.refresh), in an
    app context of its own. Never raises: errors are logged, and the pages keep
    showing the numbers stored before."""
    from participation.services import statistics

    try:
        with app.app_context():
            statistics.refresh()
        return True
    except Exception:  # noqa: BLE001 - the claim expires, then someone asks again
        app.logger.exception("Statistics: counting failed; the stored numbers stay")
        return False


def refresh_statistics_job() -> bool:
    """The RQ job: count the statistics and store them."""
    return refresh_statistics(current_app._get_current_object())


def refresh_statistics_later(app: Flask) -> bool:
    """The stored statistics are out of date: have them counted again, off the
    request that noticed, once however many requests, processes or servers
    notice (the first claims the count: services/statistics.claim). With
    REDIS_URL, by the job worker; else, or with Redis down, in this process
    after the response (at once outside a request). False: a count was already
    under way."""
    from participation.services import statistics

    seconds = max(60, int(app.config.get("STATISTICS_JOB_SECONDS", 600)))
    if not statistics.claim(seconds):
        return False
    if app.config.get("REDIS_URL"):
        from redis.exceptions import RedisError

        try:
            job_queue(app).enqueue(
                "participation.jobs.refresh_statistics_job",
                job_timeout=seconds,
                result_ttl=60,
                failure_ttl=24 * 3600,
            )
            return True
        except (RedisError, OSError) as error:
            app.logger.warning("Statistics: could not queue the count (%s); counting here", error)
    if has_request_context():
        g.setdefault(_STATISTICS, True)
        return True
    refresh_statistics(app)
    return True


def _statistics_if_due(app: Flask) -> bool:
    """The worker's poll: have the numbers counted when they are missing or older
    than STATS_CACHE_SECONDS, so that visitors always find them counted. True
    when this poll queued the count (False: not due, or already claimed)."""
    from participation.services import statistics

    if not app.config.get("STATS_CACHE_SECONDS", 300):
        return False
    with app.app_context():
        queued = statistics.is_due() and refresh_statistics_later(app)
        db.session.remove()
    return queued


# --- Open data exports ------------------------------------------------------------------


def export_datasets(app: Flask, directory: str | None = None) -> dict:
    """Write every public dataset and its index (services/datasets.py)."""
    from participation.services import datasets
    from participation.urls import public_url

    with app.app_context():
        return datasets.export(
            directory or app.config["OPENDATA_DIR"],
            lambda idea_id: public_url("ideas.detail", idea_id=idea_id, lang_code="fr"),
        )


def export_datasets_job() -> int:
    """The RQ job: the daily open data export. Returns the number of datasets."""
    return len(export_datasets(current_app._get_current_object())["datasets"])


def enqueue_export(app: Flask) -> str:
    """Queue the open data export on the worker; returns the job's id."""
    job = job_queue(app).enqueue(
        "participation.jobs.export_datasets_job",
        job_timeout=app.config.get("OPENDATA_EXPORT_JOB_SECONDS", 3600),
        result_ttl=24 * 3600,
        failure_ttl=7 * 24 * 3600,
    )
    return job.id


def _export_if_due(app: Flask) -> bool:
    """Queue the export when the files are older than OPENDATA_EXPORT_HOURS (once,
    whichever worker polls first: a Redis key held for that long). 0: never."""
    hours = app.config.get("OPENDATA_EXPORT_HOURS", 24)
    if not hours:
        return False
    index = os.path.join(app.config["OPENDATA_DIR"], "index.json")
    try:
        age = time.time() - os.stat(index).st_mtime
    except OSError:
        age = None
    if age is not None and age < hours * 3600:
        return False
    if not redis_connection(app).set("participation:export-queued", 1, nx=True, ex=hours * 3600):
        return False
    enqueue_export(app)
    return True


def job_queue(app: Flask):
    from rq import Queue

    return Queue(app.config["JOBS_QUEUE"], connection=redis_connection(app))


def enqueue_delivery(app: Flask) -> bool:
    """Queue one delivery job. False (and a log line) when Redis is unreachable:
    the rows wait in the database for the worker's next poll."""
    from redis.exceptions import RedisError
    from rq import Retry

    try:
        job_queue(app).enqueue(
            "participation.jobs.deliver_outbox_job",
            job_timeout=app.config["OUTBOX_JOB_SECONDS"] * 2,
            # A job that crashes (database unreachable...) runs again at once;
            # the backoff between attempts at one message lives in its row.
            retry=Retry(max=2),
            result_ttl=60,
            failure_ttl=7 * 24 * 3600,
        )
    except (RedisError, OSError) as error:
        app.logger.warning(
            "Outbox: could not queue the delivery job (%s). The messages are safe in the "
            "database; the worker sends them at its next poll.",
            error,
        )
        return False
    return True


def deliver_outbox_job() -> int:
    """The RQ job: send what is due for up to OUTBOX_JOB_SECONDS, then queue a
    follow-up if more is due (short jobs keep shutdowns quick)."""
    app = current_app._get_current_object()
    with app.app_context():
        sent, more = _deliver(app, budget=app.config["OUTBOX_JOB_SECONDS"])
    if more:
        enqueue_delivery(app)
    return sent


# --- Delivery -------------------------------------------------------------------------


def worker_token() -> str:
    return f"{socket.gethostname()[:16]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def deliver_due(app: Flask, budget: float | None = None) -> int:
    """Recover stale claims, then claim and send due messages, batch after
    batch, until none is due (or `budget` seconds have passed). Returns how
    many were sent. Needs an app context."""
    return _deliver(app, budget)[0]


def _deliver(app: Flask, budget: float | None) -> tuple[int, bool]:
    deadline = time.monotonic() + budget if budget else None
    recover(app)
    token = worker_token()
    sent = 0
    while True:
        ids = claim(token, app.config["OUTBOX_BATCH_SIZE"])
        if not ids:
            return sent, False
        batch_sent, server_down = _send_batch(app, token, ids)
        sent += batch_sent
        if server_down:
            return sent, False
        if deadline is not None and time.monotonic() > deadline:
            return sent, True


def recover(app: Flask) -> None:
    """Claims whose lease ran out: never-attempted rows go back to the queue; a
    row caught mid-send is failed as interrupted (never sent twice). Old sent
    rows are deleted."""
    now = utcnow()
    cutoff = now - timedelta(seconds=app.config["OUTBOX_LEASE_SECONDS"])
    stale = (OutboxMessage.claimed_at < cutoff,)
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.status == OutboxStatus.CLAIMED, *stale)
        .values(status=OutboxStatus.PENDING, claimed_by=None, claimed_at=None)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.status == OutboxStatus.SENDING, *stale)
        .values(status=OutboxStatus.FAILED, claimed_by=None, last_error=INTERRUPTED)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        delete(OutboxMessage)
        .where(
            OutboxMessage.status == OutboxStatus.SENT,
            OutboxMessage.sent_at < now - timedelta(days=app.config["OUTBOX_KEEP_SENT_DAYS"]),
        )
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def claim(token: str, limit: int) -> list[int]:
    """Take up to `limit` due messages for this worker, in one statement."""
    now = utcnow()
    due = (
        select(OutboxMessage.id)
        .where(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True)  # PostgreSQL; SQLite serializes writers
    )
    ids = db.session.scalars(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(due.scalar_subquery()))
        .where(OutboxMessage.status == OutboxStatus.PENDING)
        .values(status=OutboxStatus.CLAIMED, claimed_by=token, claimed_at=now)
        .returning(OutboxMessage.id)
        .execution_options(synchronize_session=False)
    ).all()
    db.session.commit()
    return sorted(ids)


def _mine(message_id: int, token: str, status: str):
    return (
        OutboxMessage.id == message_id,
        OutboxMessage.claimed_by == token,
        OutboxMessage.status == status,
    )


def _set(message_id: int, token: str, current: str, **values: Any) -> bool:
    """Update one of this worker's rows, if it is still in the `current` status."""
    result = db.session.execute(
        update(OutboxMessage)
        .where(*_mine(message_id, token, current))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)


def _retry_later(app: Flask, row: OutboxMessage, token: str, current: str, error: str) -> None:
    attempts = row.attempts + 1
    if attempts >= app.config["OUTBOX_MAX_ATTEMPTS"]:
        _set(
            row.id,
            token,
            current,
            status=OutboxStatus.FAILED,
            attempts=attempts,
            claimed_by=None,
            last_error=error[:500],
        )
        return
    delay = min(
        app.config["OUTBOX_RETRY_SECONDS"] * 2 ** (attempts - 1), app.config["OUTBOX_RETRY_MAX"]
    )
    _set(
        row.id,
        token,
        current,
        status=OutboxStatus.PENDING,
        attempts=attempts,
        next_attempt_at=utcnow() + timedelta(seconds=delay),
        claimed_by=None,
        claimed_at=None,
        last_error=error[:500],
    )


def _release(ids: list[int], token: str) -> None:
    """Give back claimed rows that were not attempted (no attempt counted)."""
    if ids:
        db.session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.id.in_(ids),
                OutboxMessage.claimed_by == token,
                OutboxMessage.status == OutboxStatus.CLAIMED,
            )
            .values(status=OutboxStatus.PENDING, claimed_by=None, claimed_at=None)
            .execution_options(synchronize_session=False)
        )


def _send_batch(app: Flask, token: str, ids: list[int]) -> tuple[int, bool]:
    """Render and send claimed rows over one SMTP connection. Returns (sent,
    server_down)."""
    from participation import mail

    rows = list(
        db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.id.in_(ids)).order_by(OutboxMessage.id)
        ).all()
    )
    ready: list[tuple[OutboxMessage, EmailMessage]] = []
    rendered = render_all(app, rows)
    for row in rows:
        outcome = rendered[row.id]
        if isinstance(outcome, EmailMessage):
            ready.append((row, outcome))
        elif outcome is None:
            _set(
                row.id,
                token,
                OutboxStatus.CLAIMED,
                status=OutboxStatus.CANCELLED,
                claimed_by=None,
                payload=None,
            )
        else:
            _set(
                row.id,
                token,
                OutboxStatus.CLAIMED,
                status=OutboxStatus.FAILED,
                claimed_by=None,
                last_error=outcome[:500],
            )
    db.session.commit()
    if not ready:
        return 0, False

    sent = 0
    try:
        with mail.connection() as send:
            for index, (row, message) in enumerate(ready):
                if not _set(
                    row.id,
                    token,
                    OutboxStatus.CLAIMED,
                    status=OutboxStatus.SENDING,
                    claimed_at=utcnow(),
                ):
                    db.session.commit()
                    continue  # our lease ran out and another worker has it
                db.session.commit()
                try:
                    send(message)
                except (smtplib.SMTPRecipientsRefused, smtplib.SMTPResponseException) as error:
                    code = getattr(error, "smtp_code", 550)
                    if isinstance(error, smtplib.SMTPRecipientsRefused) or code >= 500:
                        _set(
                            row.id,
                            token,
                            OutboxStatus.SENDING,
                            status=OutboxStatus.FAILED,
                            claimed_by=None,
                            attempts=row.attempts + 1,
                            last_error=f"refused: {error}"[:500],
                        )
                    else:
                        _retry_later(app, row, token, OutboxStatus.SENDING, str(error))
                    db.session.commit()
                    continue
                except (OSError, smtplib.SMTPException) as error:
                    _retry_later(app, row, token, OutboxStatus.SENDING, repr(error))
                    _release([r.id for r, _m in ready[index + 1 :]], token)
                    db.session.commit()
                    app.logger.warning("Outbox: the mail server failed (%r); will retry", error)
                    return sent, True
                _set(
                    row.id,
                    token,
                    OutboxStatus.SENDING,
                    status=OutboxStatus.SENT,
                    sent_at=utcnow(),
                    claimed_by=None,
                    payload=None,
                    last_error=None,
                )
                db.session.commit()
                sent += 1
    except (OSError, smtplib.SMTPException) as error:
        # Could not connect (or the connection broke between two messages).
        db.session.rollback()
        for row, _message in ready:  # only the rows not attempted yet still match
            _retry_later(app, row, token, OutboxStatus.CLAIMED, repr(error))
        db.session.commit()
        app.logger.warning("Outbox: could not reach the mail server (%r); will retry", error)
        return sent, True
    return sent, False


def render_all(app: Flask, rows: list[OutboxMessage]) -> dict[int, EmailMessage | str | None]:
    """Each row's email, None when there is no one to send it to any more, or
    an error text. Loads the recipients and ideas in two queries."""
    from participation.mail import build_message, render_email
    from participation.models import Idea, User
    from participation.services import notifications

    user_ids = {row.recipient_id for row in rows if row.recipient_id is not None}
    idea_ids = {
        row.payload.get("idea_id")
        for row in rows
        if row.template == "notification" and row.payload and row.payload.get("idea_id")
    }
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(list(user_ids))))}
    ideas = {i.id: i for i in db.session.scalars(select(Idea).where(Idea.id.in_(list(idea_ids))))}
    # Links come from PUBLIC_BASE_URL (participation.urls.public_url), never a Host.
    base = app.config.get("PUBLIC_BASE_URL") or "http://127.0.0.1:5000"
    results: dict[int, EmailMessage | str | None] = {}
    for row in rows:
        user = users.get(row.recipient_id) if row.recipient_id is not None else None
        if row.recipient_id is not None and (user is None or user.is_deleted):
            results[row.id] = None
            continue
        if row.recipient_id is None and row.template == "notification":
            results[row.id] = None
            continue
        payload = dict(row.payload or {})
        try:
            with app.test_request_context(base_url=base):
                if row.template == "notification":
                    message = notifications.build_email(
                        user, row.to_address, payload, ideas.get(payload.get("idea_id"))
                    )
                else:
                    subject, text, html = render_email(
                        row.template, row.language, user=user, **payload
                    )
                    message = build_message(row.to_address, subject, text, html, row.language)
        except Exception as error:  # noqa: BLE001 - one bad row must not stop the others
            app.logger.exception("Outbox: could not write message %s", row.id)
            results[row.id] = f"could not be written: {error!r}"
            continue
        # The same Message-ID on every attempt, so mail servers can drop duplicates.
        del message["Message-ID"]
        stamp = f"{row.created_at:%Y%m%d%H%M%S}"
        message["Message-ID"] = f"<outbox-{row.id}.{stamp}@participation.brussels>"
        results[row.id] = message
    return results


def due_count() -> int:
    return (
        db.session.scalar(
            select(func.count(OutboxMessage.id)).where(
                OutboxMessage.status.in_(
                    (OutboxStatus.PENDING, OutboxStatus.CLAIMED, OutboxStatus.SENDING)
                ),
                OutboxMessage.next_attempt_at <= utcnow(),
            )
        )
        or 0
    )


# --- Command line: flask jobs ... ------------------------------------------------------

jobs = AppGroup("jobs", help="Background jobs: the outgoing mail worker.")


def _announce_budget_votes() -> None:
    """Budget rounds whose vote opened by its dates: tell those who opted in (once)."""
    from participation.services import budgets

    if budgets.announce_due_rounds():
        db.session.commit()
    else:
        db.session.rollback()


def announce(app: Flask) -> int:
    """Announce the consultations that opened or closed (services/announcements.py)
    in a transaction of its own; committing dispatches the emails it queued. Then
    rewrite the anonymous answers that arrived since the last time in random order
    (services/anonymity.py, PostgreSQL). Returns how many notifications were
    written. Never raises: errors are logged."""
    from participation.services import anonymity
    from participation.services.announcements import announce_due

    told = 0
    try:
        with app.app_context():
            told = announce_due().told
            db.session.commit()
    except Exception:  # noqa: BLE001 - the next poll tries again
        app.logger.exception("Consultations: announcing failed; will retry at the next poll")
    try:
        with app.app_context():
            if anonymity.shuffle_due():
                anonymity.vacuum()
    except Exception:  # noqa: BLE001 - the next poll tries again
        app.logger.exception("Consultations: shuffling answers failed; will retry")
    return told


def _poll(app: Flask, stop: threading.Event, interval: float) -> None:
    """Every `interval` seconds, announce the consultations that opened or closed,
    queue the statistics' count when it is due, and queue a delivery job if
    messages are due, so that rows written while Redis was down, or waiting for
    a retry, are sent."""
    while not stop.wait(interval):
        try:
            announce(app)
            with app.app_context():
                due = due_count()
                _announce_budget_votes()
                db.session.remove()
            _export_if_due(app)
            _statistics_if_due(app)
            if due and not len(job_queue(app)):
                enqueue_delivery(app)
        except Exception:  # noqa: BLE001 - keep polling
            app.logger.exception("Outbox: polling failed; trying again")


@jobs.command("worker")
@click.option("--burst", is_flag=True, help="Send what is due, then stop (for cron or tests).")
@click.option("--poll", type=float, default=None, help="Seconds between outbox polls.")
def worker_command(burst: bool, poll: float | None) -> None:
    """Run a worker: send the outbox, with retries. Needs REDIS_URL."""
    from rq import SimpleWorker

    app = current_app._get_current_object()
    if not app.config.get("REDIS_URL"):
        raise click.ClickException(
            "REDIS_URL is not set. Without Redis the app sends mail itself after each "
            "response; `flask jobs drain` sends what is waiting now."
        )
    queue = job_queue(app)
    announce(app)  # consultations that opened or closed while no worker ran
    enqueue_delivery(app)  # whatever was waiting before this worker started
    stop = threading.Event()
    interval = poll or app.config["OUTBOX_POLL_SECONDS"]
    poller = threading.Thread(target=_poll, args=(app, stop, interval), daemon=True)
    if not burst:
        poller.start()
    try:
        SimpleWorker([queue], connection=queue.connection).work(burst=burst, logging_level="INFO")
    finally:
        stop.set()


@jobs.command("statistics")
def statistics_command() -> None:
    """Count the statistics pages' numbers now, in this process (the worker does it
    every STATS_CACHE_SECONDS; run it after loading a large database)."""
    from participation.services import statistics

    found = statistics.refresh()
    click.echo(f"Statistics counted at {found.computed_at:%Y-%m-%d %H:%M:%S} UTC.")


@jobs.command("drain")
def drain_command() -> None:
    """Announce the consultations that opened or closed, then send every message that
    is due now, in this process (no Redis needed; run it from cron without a worker)."""
    app = current_app._get_current_object()
    told = announce(app)
    if told:
        click.echo(f"Told {told} resident(s) about consultations.")
    sent = deliver_due(app)
    click.echo(f"Sent {sent} message(s); {due_count()} still due.")


def init_app(app: Flask) -> None:
    _init_request_hooks(app)
    app.cli.add_command(jobs)
