"""Telling residents about consultations, from the worker (never in a request):

- when a consultation opens, the residents who opted in (EmailGroup.NEW_CONSULTATIONS,
  off by default) are told, in the app and by email; for a municipal consultation
  only the residents of that municipality (as they declared it);
- when it closes, everyone who took part is told its results are published (in the
  app; by email unless they switched EmailGroup.CONSULTATION_RESULTS off).

announce_due() finds what is due, claims each consultation with a conditional
UPDATE (so two workers never announce one twice) and writes the notifications and
the outbox rows with INSERT ... SELECT: two statements per consultation whatever
the number of recipients. The caller commits (participation/jobs.py).

Telling participants uses `consultation_participations` (who took part), never the
anonymous answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import JSON, CursorResult, Integer, Select, exists, insert, literal, or_, select
from sqlalchemy import update as sql_update

from participation.extensions import db
from participation.models import (
    Consultation,
    ConsultationParticipation,
    ConsultationQuestion,
    EmailPreference,
    Notification,
    User,
)
from participation.models.base import utcnow
from participation.services import notifications, outbox
from participation.vocabulary import NotificationKind


@dataclass
class Announced:
    opened: int = 0  # consultations announced as open
    results: int = 0  # consultations whose results were announced
    told: int = 0  # notifications written


def _claim(consultation_id: int, column: Any, now: datetime) -> bool:
    """Set `column` if it is still empty: True for the one caller that did."""
    result = db.session.execute(
        sql_update(Consultation)
        .where(Consultation.id == consultation_id, column.is_(None))
        .values({column.key: now})
        .execution_options(synchronize_session=False)
    )
    return bool(cast(CursorResult[Any], result).rowcount)


def _data(consultation: Consultation) -> dict[str, Any]:
    """What the notification keeps: the id and the titles (read without a query)."""
    return {
        "consultation_id": consultation.id,
        "title_fr": consultation.title_fr,
        "title_nl": consultation.title_nl,
        "title_en": consultation.title_en or "",
    }


def _tell(kind: NotificationKind, recipients: Select, email_allowed: Any, data: dict) -> int:
    """In-app notifications for every row of `recipients` (user id, email, language),
    and the emails for those whose preference allows it."""
    now = utcnow()
    rows = recipients.subquery()
    result = db.session.execute(
        insert(Notification)
        .from_select(
            ["recipient_id", "kind", "idea_id", "comment_id", "data", "created_at"],
            select(
                rows.c.id,
                literal(kind.value),
                literal(None, Integer),
                literal(None, Integer),
                literal(data, JSON),
                literal(now),
            ),
        )
        .execution_options(preserve_rowcount=True)
    )
    told = cast(CursorResult[Any], result).rowcount or 0
    if told and not notifications._in_app_only.get():
        outbox.queue_from_select(
            "notification",
            recipients.where(User.email.is_not(None), email_allowed),
            {"kind": kind.value, "idea_id": None, "comment_id": None, "data": data, "extra": {}},
        )
    return told


def residents_to_tell(consultation: Consultation) -> Select:
    """Confirmed, active residents who asked to hear about new consultations; for a
    municipal one, only those who declared that municipality."""
    now = utcnow()
    query = (
        select(User.id, User.email, User.language)
        .join(EmailPreference, EmailPreference.user_id == User.id)
        .where(
            EmailPreference.new_consultations.is_(True),
            User.deleted_at.is_(None),
            User.banned_at.is_(None),
            User.email_confirmed_at.is_not(None),
            or_(User.suspended_until.is_(None), User.suspended_until <= now),
        )
    )
    if consultation.municipality_id is not None:
        query = query.where(User.municipality_id == consultation.municipality_id)
    return query


def participants_to_tell(consultation: Consultation) -> Select:
    return (
        select(User.id, User.email, User.language)
        .join(ConsultationParticipation, ConsultationParticipation.user_id == User.id)
        .outerjoin(EmailPreference, EmailPreference.user_id == User.id)
        .where(
            ConsultationParticipation.consultation_id == consultation.id,
            User.deleted_at.is_(None),
        )
    )


def announce_opening(consultation: Consultation, now: datetime | None = None) -> int | None:
    """Tell the residents who opted in; None if it was announced already."""
    if not _claim(consultation.id, Consultation.announced_at, now or utcnow()):
        return None
    return _tell(
        NotificationKind.CONSULTATION_OPENED,
        residents_to_tell(consultation),
        EmailPreference.new_consultations.is_(True),
        _data(consultation),
    )


def announce_results(consultation: Consultation, now: datetime | None = None) -> int | None:
    """Tell the participants the results are published; None if done already."""
    if not _claim(consultation.id, Consultation.results_announced_at, now or utcnow()):
        return None
    return _tell(
        NotificationKind.CONSULTATION_RESULTS,
        participants_to_tell(consultation),
        or_(EmailPreference.user_id.is_(None), EmailPreference.consultation_results.is_(True)),
        _data(consultation),
    )


def announce_due(now: datetime | None = None) -> Announced:
    """Announce every consultation that opened (with at least one question) or
    closed since the last run. Flushes; the caller commits."""
    now = now or utcnow()
    done = Announced()
    has_questions = exists().where(ConsultationQuestion.consultation_id == Consultation.id)
    opening = db.session.scalars(
        select(Consultation).where(
            Consultation.announced_at.is_(None),
            Consultation.opens_at <= now,
            Consultation.closes_at > now,
            has_questions,
        )
    ).all()
    for consultation in opening:
        told = announce_opening(consultation, now)
        if told is not None:
            done.opened += 1
            done.told += told
    closing = db.session.scalars(
        select(Consultation).where(
            Consultation.results_announced_at.is_(None), Consultation.closes_at <= now
        )
    ).all()
    for consultation in closing:
        told = announce_results(consultation, now)
        if told is not None:
            done.results += 1
            done.told += told
    db.session.flush()
    return done
