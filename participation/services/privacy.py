"""Retention: what the privacy notice promises, enforced (`flask privacy purge`).

Each period comes from the configuration, which the privacy notice reads too:

- accounts never confirmed, RETENTION_UNCONFIRMED_ACCOUNT_DAYS after they were
  made (only those with nothing attached: an unconfirmed account cannot
  propose, support, comment or report);
- outgoing emails (they hold an address and a text): sent ones after
  OUTBOX_KEEP_SENT_DAYS, given-up ones after RETENTION_FAILED_EMAIL_DAYS;
- the moderation log after RETENTION_MODERATION_LOG_DAYS, except each item's
  latest entry, which explains its current state (hidden, suspended...);
- read notifications after RETENTION_READ_NOTIFICATION_DAYS;
- rate-limit counters, keyed by IP address: they expire with their window
  (at most an hour); in Redis, any counter without an expiry or living longer
  than RETENTION_RATE_LIMIT_HOURS is deleted (`purge_rate_limits`).

Each function flushes; the command commits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, delete, exists, func, or_, select

from participation.extensions import db
from participation.models import (
    Comment,
    Idea,
    IdeaRevision,
    ModerationAction,
    Notification,
    OutboxMessage,
    Report,
    Support,
    User,
)
from participation.models.base import utcnow
from participation.models.notifications import EmailPreference
from participation.vocabulary import OutboxStatus, Role


@dataclass
class PurgeResult:
    counts: dict[str, int] = field(default_factory=dict)

    def __str__(self) -> str:
        return ", ".join(f"{name}: {count}" for name, count in self.counts.items())


def _days(name: str) -> timedelta:
    return timedelta(days=int(current_app.config[name]))


def purge_unconfirmed_accounts(now: datetime) -> int:
    """Delete citizen accounts never confirmed and older than the retention,
    with their notifications, email preferences and queued emails."""
    cutoff = now - _days("RETENTION_UNCONFIRMED_ACCOUNT_DAYS")
    attached = or_(
        *(
            exists().where(column == User.id)
            for column in (
                Idea.author_id,
                Comment.author_id,
                Support.user_id,
                IdeaRevision.editor_id,
                Report.reporter_id,
                ModerationAction.actor_id,
                ModerationAction.target_user_id,
            )
        )
    )
    ids = list(
        db.session.scalars(
            select(User.id).where(
                User.email_confirmed_at.is_(None),
                User.deleted_at.is_(None),
                User.role == Role.CITIZEN,
                User.created_at < cutoff,
                ~attached,
            )
        )
    )
    if not ids:
        return 0
    db.session.execute(delete(Notification).where(Notification.recipient_id.in_(ids)))
    db.session.execute(delete(EmailPreference).where(EmailPreference.user_id.in_(ids)))
    db.session.execute(delete(OutboxMessage).where(OutboxMessage.recipient_id.in_(ids)))
    db.session.execute(
        delete(User).where(User.id.in_(ids)).execution_options(synchronize_session=False)
    )
    return len(ids)


def purge_emails(now: datetime) -> int:
    """Sent emails after OUTBOX_KEEP_SENT_DAYS, given-up ones after
    RETENTION_FAILED_EMAIL_DAYS (pending ones are never touched)."""
    result = db.session.execute(
        delete(OutboxMessage)
        .where(
            or_(
                and_(
                    OutboxMessage.status == OutboxStatus.SENT,
                    OutboxMessage.sent_at < now - _days("OUTBOX_KEEP_SENT_DAYS"),
                ),
                and_(
                    OutboxMessage.status == OutboxStatus.FAILED,
                    OutboxMessage.created_at < now - _days("RETENTION_FAILED_EMAIL_DAYS"),
                ),
            )
        )
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def purge_moderation_log(now: datetime) -> int:
    """Entries older than the retention, except the latest of each item."""
    latest = (
        select(func.max(ModerationAction.id))
        .group_by(ModerationAction.target_type, ModerationAction.target_id)
        .scalar_subquery()
    )
    result = db.session.execute(
        delete(ModerationAction)
        .where(
            ModerationAction.created_at < now - _days("RETENTION_MODERATION_LOG_DAYS"),
            ModerationAction.id.not_in(latest),
        )
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def purge_read_notifications(now: datetime) -> int:
    result = db.session.execute(
        delete(Notification)
        .where(
            Notification.read_at.is_not(None),
            Notification.read_at < now - _days("RETENTION_READ_NOTIFICATION_DAYS"),
        )
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def purge(now: datetime | None = None) -> PurgeResult:
    """Everything the database keeps past its retention; flushes."""
    now = now or utcnow()
    result = PurgeResult()
    result.counts["unconfirmed accounts"] = purge_unconfirmed_accounts(now)
    result.counts["emails"] = purge_emails(now)
    result.counts["moderation log entries"] = purge_moderation_log(now)
    result.counts["read notifications"] = purge_read_notifications(now)
    db.session.flush()
    return result


def purge_rate_limits(storage_uri: str, key_prefix: str, max_age: timedelta) -> int | None:
    """Rate-limit counters hold IP addresses. In memory they vanish with their
    window (and with the process): nothing to do, None. In Redis each counter
    has an expiry equal to its window; delete the ones of this app without an
    expiry or with one longer than `max_age` (none, unless a limit was set
    longer than the retention). Returns the number deleted."""
    if not storage_uri.startswith(("redis://", "rediss://", "redis+unix://")):
        return None
    import redis

    client = redis.Redis.from_url(storage_uri.replace("redis+unix://", "unix://"))
    deleted = 0
    seconds = int(max_age.total_seconds())
    try:
        for key in client.scan_iter(match=f"*LIMITER/{key_prefix}/*", count=500):
            ttl = client.ttl(key)
            if ttl == -1 or ttl > seconds:  # -2: already gone
                deleted += int(client.delete(key))
    finally:
        client.close()
    return deleted


def retention_periods() -> dict[str, int]:
    """The periods the privacy notice shows, from the configuration."""
    config = current_app.config
    return {
        "unconfirmed_days": int(config["RETENTION_UNCONFIRMED_ACCOUNT_DAYS"]),
        "sent_email_days": int(config["OUTBOX_KEEP_SENT_DAYS"]),
        "failed_email_days": int(config["RETENTION_FAILED_EMAIL_DAYS"]),
        "moderation_log_days": int(config["RETENTION_MODERATION_LOG_DAYS"]),
        "read_notification_days": int(config["RETENTION_READ_NOTIFICATION_DAYS"]),
        "rate_limit_hours": int(config["RETENTION_RATE_LIMIT_HOURS"]),
    }
