"""Reports: a confirmed citizen flags an idea or a comment, once, with a reason.

After REPORTS_HIDE_THRESHOLD open reports from different citizens, the item is
hidden automatically (a system action in the log) until a moderator decides.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from participation.extensions import db
from participation.models import Comment, Idea, Report, User
from participation.models.base import utcnow
from participation.permissions import can_report, require
from participation.services import DomainError
from participation.services.moderation import hide_item
from participation.vocabulary import REPORT_REASONS, CommentStatus, IdeaStatus, Reason, TargetType

DETAILS_MAX = 1000


@dataclass
class ReportResult:
    created: bool  # False: this citizen had already reported it
    auto_hidden: bool = False


def _column(item: Idea | Comment):
    return Report.idea_id if isinstance(item, Idea) else Report.comment_id


def load_target(kind: TargetType, item_id: int) -> tuple[Idea | Comment, Idea] | None:
    """The idea or comment a report is about, and its idea."""
    if kind == TargetType.IDEA:
        idea = db.session.get(Idea, item_id)
        return (idea, idea) if idea is not None else None
    comment = db.session.get(Comment, item_id)
    idea = db.session.get(Idea, comment.idea_id) if comment is not None else None
    if comment is None or idea is None:
        return None
    return comment, idea


def has_reported(user: User, item: Idea | Comment) -> bool:
    return (
        db.session.scalar(
            select(Report.id).where(_column(item) == item.id, Report.reporter_id == user.id)
        )
        is not None
    )


def report_item(
    reporter: User, item: Idea | Comment, reason: str | None, details: str | None = None
) -> ReportResult:
    idea = item if isinstance(item, Idea) else db.session.get(Idea, item.idea_id)
    require(can_report(reporter, item, idea))
    if reason not in REPORT_REASONS:
        raise DomainError(_("Please choose a reason from the list."), field="reason")
    details = (details or "").strip() or None
    if details and len(details) > DETAILS_MAX:
        raise DomainError(_("Please use at most %(n)s characters.", n=DETAILS_MAX), field="details")
    if has_reported(reporter, item):
        return ReportResult(created=False)
    report = Report(
        reporter_id=reporter.id,
        idea_id=item.id if isinstance(item, Idea) else None,
        comment_id=item.id if isinstance(item, Comment) else None,
        reason=reason,
        details=details,
        created_at=utcnow(),
    )
    try:
        # A double click from two tabs: the unique constraint decides.
        with db.session.begin_nested():
            db.session.add(report)
    except IntegrityError:
        return ReportResult(created=False)
    open_count = db.session.scalar(
        select(func.count(func.distinct(Report.reporter_id))).where(
            _column(item) == item.id, Report.resolved_at.is_(None)
        )
    )
    threshold = current_app.config["REPORTS_HIDE_THRESHOLD"]
    hidden = item.status in (IdeaStatus.HIDDEN, CommentStatus.HIDDEN)
    if not hidden and open_count >= threshold:
        hide_item(None, item, Reason.REPORTED, automatic=True, reports=open_count)
        return ReportResult(created=True, auto_hidden=True)
    return ReportResult(created=True)
