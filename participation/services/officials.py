"""Officials: the dashboard of top ideas, official statuses with public responses,
and the CSV export of the dashboard."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import joinedload

from participation.extensions import db
from participation.models import (
    Challenge,
    Idea,
    Municipality,
    OfficialStatusChange,
    Support,
    User,
)
from participation.models.base import utcnow
from participation.models.officials import RESPONSE_LANGUAGES
from participation.permissions import can_respond_officially, require
from participation.sanitize import spreadsheet_safe
from participation.services import DomainError, notifications, places
from participation.vocabulary import (
    RESPONSE_REQUIRED_STATUSES,
    IdeaStatus,
    Language,
    NotificationKind,
    OfficialStatus,
)

RESPONSE_MAX = 5000
PERIODS = {"all": None, "30d": 30, "7d": 7}
# The dashboard opens on the last 30 days: "supports in the period" then says
# something the total does not.
DEFAULT_PERIOD = "30d"
DASHBOARD_LIMIT = 200


# --- Setting an official status ------------------------------------------------------


def _clean_responses(status: str, responses: Mapping[str, str | None] | None) -> dict[str, str]:
    """The response's texts by language, checked: French and Dutch are both
    required when the status needs a response or any text is given; English is
    optional. DomainError on the field of the first problem."""
    texts = {
        code: ((responses or {}).get(code) or "").replace("\r\n", "\n").strip()
        for code in RESPONSE_LANGUAGES
    }
    if status in RESPONSE_REQUIRED_STATUSES and not any(texts.values()):
        raise DomainError(
            _(
                "A public response is required when an idea is %(status)s: "
                "please explain the decision to the citizens.",
                status=notifications.status_label(status).lower(),
            ),
            field="response_fr",
        )
    if any(texts.values()):
        if not texts[Language.FR]:
            raise DomainError(
                _(
                    "Please give the response in French too: "
                    "the Region answers in French and Dutch."
                ),
                field="response_fr",
            )
        if not texts[Language.NL]:
            raise DomainError(
                _("Please give the response in Dutch too: the Region answers in French and Dutch."),
                field="response_nl",
            )
    for code, text in texts.items():
        if len(text) > RESPONSE_MAX:
            raise DomainError(
                _("The response can have at most %(max)d characters.", max=RESPONSE_MAX),
                field=f"response_{code}",
            )
    return texts


def set_official_status(
    official: Any, idea: Idea, status: str, responses: Mapping[str, str | None] | None
) -> OfficialStatusChange:
    """Record a new official status with its public response ({"fr": ..., "nl":
    ..., "en": ...}: French and Dutch required, English optional), lock the idea
    against edits, and tell its author and every supporter, each in their language."""
    require(can_respond_officially(official))
    if idea.status != IdeaStatus.PUBLISHED:
        raise DomainError(_("Only published ideas can receive an official response."))
    if status not in OfficialStatus.values():
        raise DomainError(_("Please choose a status from the list."), field="status")
    texts = _clean_responses(status, responses)
    now = utcnow()
    change = OfficialStatusChange(
        idea_id=idea.id,
        official_id=official.id,
        status=status,
        response_fr=texts[Language.FR],
        response_nl=texts[Language.NL],
        response_en=texts[Language.EN],
        created_at=now,
    )
    db.session.add(change)
    idea.official_status = status
    if idea.locked_at is None:
        idea.locked_at = now
    db.session.flush()

    data = {"status": status, "change_id": change.id}
    # Each email picks its recipient's version (templates/email/notification.*).
    extra = {"response_texts": texts}
    author = db.session.get(User, idea.author_id)
    if author is not None and author.id != official.id:
        notifications.notify(
            author, NotificationKind.IDEA_ANSWERED, idea, email_extra=extra, **data
        )
    notifications.notify_supporters(
        idea,
        NotificationKind.SUPPORTED_IDEA_ANSWERED,
        exclude_ids={idea.author_id, official.id},
        email_extra=extra,
        **data,
    )
    return change


def history(idea_id: int) -> list[OfficialStatusChange]:
    """An idea's official statuses, oldest first, with who answered: one query."""
    return list(
        db.session.scalars(
            select(OfficialStatusChange)
            .options(joinedload(OfficialStatusChange.official))
            .where(OfficialStatusChange.idea_id == idea_id)
            .order_by(OfficialStatusChange.created_at, OfficialStatusChange.id)
        ).all()
    )


def histories(idea_ids: list[int]) -> dict[int, list[OfficialStatusChange]]:
    """The official statuses of several ideas, oldest first, keyed by idea id:
    one query whatever the number of ideas (none for an empty list)."""
    found: dict[int, list[OfficialStatusChange]] = {idea_id: [] for idea_id in idea_ids}
    if not idea_ids:
        return found
    for change in db.session.scalars(
        select(OfficialStatusChange)
        .options(joinedload(OfficialStatusChange.official))
        .where(OfficialStatusChange.idea_id.in_(idea_ids))
        .order_by(OfficialStatusChange.created_at, OfficialStatusChange.id)
    ):
        found[change.idea_id].append(change)
    return found


# --- Dashboard -------------------------------------------------------------------


@dataclass
class Filters:
    challenge_id: int | None = None
    municipality_id: int | None = None
    # Only the ideas about the whole Region (no municipality).
    whole_region: bool = False
    period: str = DEFAULT_PERIOD

    @property
    def days(self) -> int | None:
        return PERIODS.get(self.period)


@dataclass
class Row:
    idea: Idea
    challenge: Challenge
    municipality: Municipality | None
    period_supports: int
    last_7: int
    previous_7: int

    @property
    def trend(self) -> int:
        return self.last_7 - self.previous_7


def dashboard(
    filters: Filters, now: datetime | None = None, limit: int = DASHBOARD_LIMIT
) -> list[Row]:
    """Top published ideas, most supported in the period first: one query.

    Supports in the period and in the last two weeks come from one grouped
    subquery over supports.created_at."""
    now = now or utcnow()
    week = now - timedelta(days=7)
    two_weeks = now - timedelta(days=14)
    since = now - timedelta(days=filters.days) if filters.days else None
    window_start = min(since, two_weeks) if since else two_weeks

    counts = (
        select(
            Support.idea_id.label("idea_id"),
            func.sum(case((Support.created_at >= (since or window_start), 1), else_=0)).label(
                "period_n"
            ),
            func.sum(case((Support.created_at >= week, 1), else_=0)).label("last_7"),
            func.sum(
                case((and_(Support.created_at >= two_weeks, Support.created_at < week), 1), else_=0)
            ).label("previous_7"),
        )
        .where(Support.created_at >= window_start)
        .group_by(Support.idea_id)
        .subquery()
    )
    period_n = func.coalesce(counts.c.period_n, 0)
    period_supports = Idea.support_count if since is None else period_n
    query = (
        select(
            Idea,
            Challenge,
            Municipality,
            period_supports.label("period_supports"),
            func.coalesce(counts.c.last_7, 0),
            func.coalesce(counts.c.previous_7, 0),
        )
        .join(Challenge, Challenge.id == Idea.challenge_id)
        .outerjoin(Municipality, Municipality.id == Idea.municipality_id)
        .outerjoin(counts, counts.c.idea_id == Idea.id)
        .where(Idea.status == IdeaStatus.PUBLISHED)
    )
    if filters.challenge_id:
        query = query.where(Idea.challenge_id == filters.challenge_id)
    if filters.municipality_id:
        query = query.where(Idea.municipality_id == filters.municipality_id)
    elif filters.whole_region:
        query = query.where(Idea.municipality_id.is_(None))
    query = query.order_by(
        period_supports.desc(), Idea.support_count.desc(), Idea.comment_count.desc(), Idea.id
    ).limit(limit)
    return [
        Row(
            idea=idea,
            challenge=challenge,
            municipality=municipality,
            period_supports=int(period or 0),
            last_7=int(last or 0),
            previous_7=int(previous or 0),
        )
        for idea, challenge, municipality, period, last, previous in db.session.execute(query)
    ]


def filter_choices(language: str) -> tuple[list[Challenge], list[Municipality]]:
    """Challenges in their order, municipalities by name in `language`: two queries."""
    return places.challenges(), places.municipalities(language)


# --- CSV -------------------------------------------------------------------------


def neutralize(value: Any) -> Any:
    """Prefix text a spreadsheet would read as a formula with a single quote
    (sanitize.spreadsheet_safe: also behind spaces and invisible characters)."""
    return spreadsheet_safe(value)


def dashboard_csv(rows: list[Row], language: str, idea_url) -> bytes:
    """The dashboard as CSV: UTF-8 with a BOM, headers in the current locale,
    ';' as separator for French and Dutch (what Excel expects in Belgium)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter="," if language == "en" else ";", lineterminator="\r\n")
    writer.writerow(
        [
            _("Title"),
            _("Link"),
            _("Challenge"),
            _("Municipality"),
            _("Supports in the period"),
            _("Supports in total"),
            _("Comments"),
            _("Supports in the last 7 days"),
            _("Supports in the previous 7 days"),
            _("Trend"),
            _("Official status"),
            _("Published on"),
        ]
    )
    for row in rows:
        idea = row.idea
        writer.writerow(
            [
                neutralize(value)
                for value in (
                    idea.title,
                    idea_url(idea),
                    row.challenge.name(language),
                    row.municipality.name(language) if row.municipality else _("The whole Region"),
                    row.period_supports,
                    idea.support_count,
                    idea.comment_count,
                    row.last_7,
                    row.previous_7,
                    row.trend,
                    notifications.status_label(idea.official_status)
                    if idea.official_status
                    else "",
                    idea.published_at.date().isoformat() if idea.published_at else "",
                )
            ]
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
