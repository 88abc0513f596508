"""The outbox: services write the emails they cause as rows, in the same
transaction as the change; participation/jobs.py sends them afterwards.

queue_email() writes one message; queue_from_select() writes one per row of a
SELECT with a single INSERT ... SELECT, so telling 5,000 supporters costs the
request one statement. Nothing is rendered or sent here: the worker renders
each email in its recipient's language when it sends it.

Admins see what waits or failed (waiting(), failed()) and send a failed
message again (retry()).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import (
    JSON,
    CursorResult,
    DateTime,
    Integer,
    Select,
    String,
    func,
    insert,
    literal,
    select,
    update,
)

from participation.extensions import db
from participation.models.base import utcnow
from participation.models.outbox import OutboxMessage, OutboxStatus
from participation.permissions import can_manage_outbox, require
from participation.services import DomainError

# Session.info key: set when this transaction wrote outbox rows, so that
# participation/jobs.py knows to dispatch them once it commits.
QUEUED = "outbox_queued"
ADMIN_PAGE_SIZE = 100


def _mark_queued() -> None:
    db.session.info[QUEUED] = True


def queue_email(
    to: str,
    template: str,
    language: str,
    recipient_id: int | None = None,
    **payload: Any,
) -> OutboxMessage:
    """Write one email to send: templates/email/<template>.*, in `language`,
    rendered with `payload` (JSON) and the recipient's account."""
    message = OutboxMessage(
        template=template,
        recipient_id=recipient_id,
        to_address=to,
        language=language,
        payload=payload,
        status=OutboxStatus.PENDING,
        attempts=0,
        next_attempt_at=utcnow(),
        created_at=utcnow(),
    )
    db.session.add(message)
    db.session.flush()
    _mark_queued()
    return message


def queue_from_select(template: str, recipients: Select, payload: dict[str, Any]) -> int:
    """One email per row of `recipients`, a SELECT of (user id, email address,
    language), with the same `payload`, in one INSERT ... SELECT. Returns how
    many were written."""
    now = utcnow()
    # Re-select the subquery's columns by position.
    sub = recipients.subquery()
    names = list(sub.c)
    source = select(
        literal(template, String),
        names[0],
        names[1],
        names[2],
        literal(payload, JSON),
        literal(OutboxStatus.PENDING.value, String),
        literal(0, Integer),
        literal(now, DateTime),
        literal(now, DateTime),
    )
    result = db.session.execute(
        insert(OutboxMessage)
        .from_select(
            [
                "template",
                "recipient_id",
                "to_address",
                "language",
                "payload",
                "status",
                "attempts",
                "next_attempt_at",
                "created_at",
            ],
            source,
        )
        .execution_options(preserve_rowcount=True)
    )
    count = cast(CursorResult[Any], result).rowcount or 0
    if count:
        _mark_queued()
    return count


# --- The admins' view of the queue ------------------------------------------------


@dataclass
class QueueView:
    waiting: list[OutboxMessage]
    failed: list[OutboxMessage]
    counts: dict[str, int]


def queue_view(actor: Any) -> QueueView:
    """Messages still to send and messages given up, newest first (at most
    ADMIN_PAGE_SIZE of each), with the number in each status: three queries."""
    require(can_manage_outbox(actor))
    waiting_statuses = (OutboxStatus.PENDING, OutboxStatus.CLAIMED, OutboxStatus.SENDING)

    def newest(*statuses: str) -> list[OutboxMessage]:
        return list(
            db.session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.status.in_(statuses))
                .order_by(OutboxMessage.id.desc())
                .limit(ADMIN_PAGE_SIZE)
            ).all()
        )

    counts = dict(
        db.session.execute(
            select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
        ).all()
    )
    return QueueView(
        waiting=newest(*waiting_statuses),
        failed=newest(OutboxStatus.FAILED),
        counts={status.value: counts.get(status.value, 0) for status in OutboxStatus},
    )


def retry(actor: Any, message_id: int) -> OutboxMessage:
    """Send a failed message again, now."""
    require(can_manage_outbox(actor))
    message = db.session.get(OutboxMessage, message_id)
    if message is None:
        raise DomainError(_("This message does not exist."), code="not_found")
    result = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status == OutboxStatus.FAILED)
        .values(
            status=OutboxStatus.PENDING,
            attempts=0,
            next_attempt_at=utcnow(),
            claimed_by=None,
            claimed_at=None,
        )
        .execution_options(synchronize_session=False)
    )
    if not cast(CursorResult[Any], result).rowcount:
        raise DomainError(_("This message is not waiting for a retry."), code="not_failed")
    db.session.refresh(message)
    _mark_queued()
    current_app.logger.info("Outbox message %s queued again by user %s", message_id, actor.id)
    return message
