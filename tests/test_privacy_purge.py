"""Retention (issue 10, §4): `flask privacy purge` deletes what is kept past
the periods the privacy notice shows, on both databases; rate-limit counters
in Redis expire, and any without an expiry is deleted."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from participation.extensions import db
from participation.models import ModerationAction, Notification, OutboxMessage, User
from participation.models.base import utcnow
from participation.services import privacy
from participation.vocabulary import (
    ModerationActionKind,
    NotificationKind,
    OutboxStatus,
    Reason,
    TargetType,
)


def _age(app, model, pk: int, **columns) -> None:
    with app.app_context():
        row = db.session.get(model, pk)
        for name, value in columns.items():
            setattr(row, name, value)
        db.session.commit()


def _ids(app, model) -> set[int]:
    with app.app_context():
        return set(db.session.scalars(select(model.id)))


def test_purge_deletes_what_is_past_retention_and_keeps_the_rest(app, runner, make_user):
    now = utcnow()
    old_unconfirmed = make_user(confirmed=False)
    new_unconfirmed = make_user(confirmed=False)
    old_confirmed = make_user()
    moderator = make_user(role="moderator")
    _age(app, User, old_unconfirmed.id, created_at=now - timedelta(days=31))
    _age(app, User, new_unconfirmed.id, created_at=now - timedelta(days=29))
    _age(app, User, old_confirmed.id, created_at=now - timedelta(days=400))
    with app.app_context():

        def email(status, days, recipient=old_confirmed, sent=True):
            return OutboxMessage(
                template="confirm",
                recipient_id=recipient.id,
                to_address="someone@example.be",
                language="en",
                payload={},
                status=status,
                sent_at=now - timedelta(days=days) if sent else None,
                created_at=now - timedelta(days=days),
            )

        emails = {
            "old sent": email(OutboxStatus.SENT, 31),
            "new sent": email(OutboxStatus.SENT, 29),
            "old failed": email(OutboxStatus.FAILED, 91, sent=False),
            "new failed": email(OutboxStatus.FAILED, 89, sent=False),
            "old pending": email(OutboxStatus.PENDING, 400, sent=False),
            "of the old unconfirmed": email(OutboxStatus.PENDING, 31, old_unconfirmed, False),
        }

        def log(target_id, days):
            return ModerationAction(
                actor_id=moderator.id,
                action=ModerationActionKind.HIDE,
                target_type=TargetType.COMMENT,
                target_id=target_id,
                target_user_id=old_confirmed.id,
                reason_code=Reason.SPAM,
                created_at=now - timedelta(days=days),
            )

        actions = {
            "old, superseded": log(1, 800),
            "old, latest of its item": log(1, 740),
            "old, only one of its item": log(2, 800),
            "recent": log(3, 10),
        }

        def note(recipient, read_days, days=400):
            return Notification(
                recipient_id=recipient.id,
                kind=NotificationKind.IDEA_APPROVED,
                data={},
                created_at=now - timedelta(days=days),
                read_at=now - timedelta(days=read_days) if read_days is not None else None,
            )

        notes = {
            "read long ago": note(old_confirmed, 366),
            "read recently": note(old_confirmed, 300),
            "never read": note(old_confirmed, None),
            "of the old unconfirmed": note(old_unconfirmed, None, days=31),
        }
        db.session.add_all([*emails.values(), *actions.values(), *notes.values()])
        db.session.commit()
        email_ids = {k: v.id for k, v in emails.items()}
        action_ids = {k: v.id for k, v in actions.items()}
        note_ids = {k: v.id for k, v in notes.items()}

    result = runner.invoke(args=["privacy", "purge"])
    assert result.exit_code == 0, result.output
    assert "unconfirmed accounts: 1" in result.output
    assert "emails: 2" in result.output  # old sent, old failed (the account took its own)
    assert "moderation log entries: 1" in result.output
    assert "read notifications: 1" in result.output
    assert "expire with their window" in result.output  # memory storage here

    users = _ids(app, User)
    assert old_unconfirmed.id not in users
    assert {new_unconfirmed.id, old_confirmed.id, moderator.id} <= users
    assert _ids(app, OutboxMessage) == {
        email_ids["new sent"],
        email_ids["new failed"],
        email_ids["old pending"],
    }
    assert _ids(app, ModerationAction) == {
        action_ids["old, latest of its item"],
        action_ids["old, only one of its item"],
        action_ids["recent"],
    }
    assert _ids(app, Notification) == {note_ids["read recently"], note_ids["never read"]}

    # Nothing left to do: a second run deletes nothing.
    again = runner.invoke(args=["privacy", "purge"])
    assert "unconfirmed accounts: 0, emails: 0, moderation log entries: 0" in again.output


def test_retention_follows_the_configuration(app, make_user):
    user = make_user(confirmed=False)
    _age(app, User, user.id, created_at=utcnow() - timedelta(days=3))
    app.config["RETENTION_UNCONFIRMED_ACCOUNT_DAYS"] = 2
    with app.app_context():
        assert privacy.purge().counts["unconfirmed accounts"] == 1
        db.session.commit()
    assert user.id not in _ids(app, User)


def test_unconfirmed_account_with_a_history_is_kept(app, make_user):
    """An account whose confirmation was undone (email change) keeps what it
    wrote: the purge never deletes an account something points to."""
    user = make_user(confirmed=False)
    moderator = make_user(role="moderator")
    _age(app, User, user.id, created_at=utcnow() - timedelta(days=90))
    with app.app_context():
        db.session.add(
            ModerationAction(
                actor_id=moderator.id,
                action=ModerationActionKind.SUSPEND,
                target_type=TargetType.USER,
                target_id=user.id,
                target_user_id=user.id,
            )
        )
        db.session.commit()
        assert privacy.purge().counts["unconfirmed accounts"] == 0
    assert user.id in _ids(app, User)


@pytest.mark.redis
def test_rate_limit_counters_expire_and_stray_ones_are_deleted(app_config, make_user, redis_server):
    """Counters keyed by the IP address carry an expiry (their window); the
    purge deletes a counter without one, and leaves other apps' keys alone."""
    from participation import create_app
    from tests.pages import FormClient

    redis_url, server = redis_server
    config = {**app_config, "RATELIMIT_STORAGE_URI": redis_url}
    user = make_user()
    app = create_app("testing", config)
    client = FormClient(app.test_client())
    client.submit("/en/account/login", {"email": user.email, "password": "wrong-password"})
    counters = server.keys("*LIMITER/participation/*")
    assert counters
    assert all(0 < server.ttl(key) <= 3600 for key in counters)
    server.set("LIMITS:LIMITER/participation/203.0.113.9/stray", 1)  # no expiry
    server.set("unrelated-key", 1)

    runner = app.test_cli_runner()
    result = runner.invoke(args=["privacy", "purge"])
    assert result.exit_code == 0, result.output
    assert "rate-limit counters past their retention: 1" in result.output
    assert not server.exists("LIMITS:LIMITER/participation/203.0.113.9/stray")
    assert server.exists("unrelated-key")
    assert all(server.exists(key) for key in counters)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
