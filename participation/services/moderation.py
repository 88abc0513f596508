"""Moderation verbs: approve, reject, hide, restore, mark duplicate, suspend, ban,
lift, change a role; and the queries behind the queue and the log.

Every verb checks its permission verb (participation/permissions.py) before it
changes anything, writes one ModerationAction row (who, what, when, why) and
tells the people concerned through notify().
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, cast

from flask_babel import gettext as _
from sqlalchemy import CursorResult, Select, func, select, update
from sqlalchemy.orm import joinedload

from participation.extensions import db
from participation.models import Comment, Idea, IdeaRevision, ModerationAction, Report, User
from participation.models.accounts import new_session_token
from participation.models.base import utcnow
from participation.permissions import (
    can_change_role,
    can_moderate_item,
    can_sanction_user,
    require,
)
from participation.services import DomainError
from participation.services.comments import move_count as move_comment_count
from participation.services.notifications import notify, notify_supporters
from participation.vocabulary import (
    HIDE_REASONS,
    LISTED_IDEA_STATUSES,
    MODERATOR_HIDE_REASONS,
    PUBLIC_IDEA_STATUSES,
    REJECT_REASONS,
    SANCTION_REASONS,
    STAFF_ROLES,
    CommentStatus,
    IdeaStatus,
    ModerationActionKind,
    NotificationKind,
    Reason,
    Role,
    TargetType,
)

REASON_TEXT_MAX = 1000
MAX_SUSPENSION_DAYS = 3650

Item = Idea | Comment


def target_type(item: Item) -> TargetType:
    return TargetType.IDEA if isinstance(item, Idea) else TargetType.COMMENT


def log_action(
    actor: User | None,
    action: ModerationActionKind,
    target_type: TargetType,
    target_id: int,
    target_user_id: int | None = None,
    reason_code: str | None = None,
    reason_text: str | None = None,
    **details: Any,
) -> ModerationAction:
    """Write one row of the moderation log (actor None: the system)."""
    row = ModerationAction(
        actor_id=actor.id if actor is not None else None,
        action=action,
        target_type=target_type,
        target_id=target_id,
        target_user_id=target_user_id,
        reason_code=reason_code,
        reason_text=(reason_text or "").strip() or None,
        details=json.dumps(details, sort_keys=True) if details else None,
        created_at=utcnow(),
    )
    db.session.add(row)
    db.session.flush()
    return row


def _check_reason(code: str | None, allowed: tuple[Reason, ...]) -> Reason:
    if code not in allowed:
        raise DomainError(_("Please choose a reason from the list."), field="reason")
    return Reason(code)


def _check_text(text: str | None, required: bool = False) -> str | None:
    text = (text or "").strip()
    if len(text) > REASON_TEXT_MAX:
        raise DomainError(
            _("Please use at most %(n)s characters.", n=REASON_TEXT_MAX), field="text"
        )
    if required and not text:
        raise DomainError(_("Please explain the reason in a few words."), field="text")
    return text or None


def _resolve_reports(item: Item, now: datetime) -> int:
    column = Report.idea_id if isinstance(item, Idea) else Report.comment_id
    result = db.session.execute(
        update(Report)
        .where(column == item.id, Report.resolved_at.is_(None))
        .values(resolved_at=now)
        .execution_options(synchronize_session=False)
    )
    return cast(CursorResult[Any], result).rowcount or 0


def _author(item: Item) -> User | None:
    return db.session.get(User, item.author_id)


# --- Pending ideas -----------------------------------------------------------------


def approve_idea(actor: User, idea: Idea) -> None:
    require(can_moderate_item(actor, idea))
    if idea.status != IdeaStatus.PENDING:
        raise DomainError(_("This idea is no longer waiting for review."))
    now = utcnow()
    idea.status = IdeaStatus.PUBLISHED
    idea.published_at = now
    idea.rejection_reason_code = None
    idea.rejection_reason_text = None
    db.session.flush()
    log_action(actor, ModerationActionKind.APPROVE, TargetType.IDEA, idea.id, idea.author_id)
    notify(_author(idea), NotificationKind.IDEA_APPROVED, idea=idea)


def reject_idea(actor: User, idea: Idea, reason_code: str | None, reason_text: str | None) -> None:
    require(can_moderate_item(actor, idea))
    if idea.status != IdeaStatus.PENDING:
        raise DomainError(_("This idea is no longer waiting for review."))
    reason = _check_reason(reason_code, REJECT_REASONS)
    reason_text = _check_text(reason_text, required=reason == Reason.OTHER)
    idea.status = IdeaStatus.REJECTED
    idea.rejection_reason_code = reason
    idea.rejection_reason_text = reason_text
    db.session.flush()
    log_action(
        actor,
        ModerationActionKind.REJECT,
        TargetType.IDEA,
        idea.id,
        idea.author_id,
        reason,
        reason_text,
    )
    notify(
        _author(idea),
        NotificationKind.IDEA_REJECTED,
        idea=idea,
        reason_code=str(reason),
        reason_text=reason_text or "",
    )


# --- Hide, restore, decide on reports ------------------------------------------------


def _set_hidden(item: Item, reason_code: str, now: datetime) -> None:
    if isinstance(item, Idea):
        item.status = IdeaStatus.HIDDEN
    else:
        item.status = CommentStatus.HIDDEN
        move_comment_count(item.idea_id, -1)  # the idea's count: visible comments
    item.hidden_reason = reason_code
    item.hidden_at = now


def hide_item(
    actor: User | None,
    item: Item,
    reason_code: str | None,
    reason_text: str | None = None,
    *,
    automatic: bool = False,
    **details: Any,
) -> None:
    """Hide a public idea or a visible comment (actor None + automatic: after reports)."""
    if not automatic:
        require(can_moderate_item(actor, item))
    reason_code = _check_reason(reason_code, HIDE_REASONS if automatic else MODERATOR_HIDE_REASONS)
    reason_text = _check_text(reason_text)
    if item.status in (IdeaStatus.HIDDEN, CommentStatus.HIDDEN):
        raise DomainError(_("This is already hidden."))
    if isinstance(item, Idea) and item.status not in LISTED_IDEA_STATUSES:
        raise DomainError(_("Only published ideas can be hidden."))
    if isinstance(item, Comment) and item.status != CommentStatus.VISIBLE:
        raise DomainError(_("This comment can no longer be hidden."))
    now = utcnow()
    _set_hidden(item, reason_code, now)
    if not automatic:
        _resolve_reports(item, now)
    db.session.flush()
    log_action(
        actor,
        ModerationActionKind.AUTO_HIDE if automatic else ModerationActionKind.HIDE,
        target_type(item),
        item.id,
        item.author_id,
        reason_code,
        reason_text,
        **details,
    )
    if isinstance(item, Idea):
        notify(_author(item), NotificationKind.IDEA_HIDDEN, idea=item, reason_code=str(reason_code))


def restore_item(actor: User, item: Item, reason_text: str | None = None) -> None:
    """Make a hidden idea or comment public again; its open reports are settled."""
    require(can_moderate_item(actor, item))
    reason_text = _check_text(reason_text)
    if item.status not in (IdeaStatus.HIDDEN, CommentStatus.HIDDEN):
        raise DomainError(_("This is not hidden."))
    now = utcnow()
    if isinstance(item, Idea):
        item.status = IdeaStatus.WITHDRAWN if item.withdrawn_at else IdeaStatus.PUBLISHED
    else:
        item.status = CommentStatus.VISIBLE
        move_comment_count(item.idea_id, +1)
    previous = item.hidden_reason
    item.hidden_reason = None
    item.hidden_at = None
    _resolve_reports(item, now)
    db.session.flush()
    log_action(
        actor,
        ModerationActionKind.RESTORE,
        target_type(item),
        item.id,
        item.author_id,
        previous,
        reason_text,
    )
    if isinstance(item, Idea):
        notify(_author(item), NotificationKind.IDEA_RESTORED, idea=item)


def keep_hidden(
    actor: User, item: Item, reason_code: str | None, reason_text: str | None = None
) -> None:
    """Confirm an automatic hiding, with the moderator's own reason category."""
    require(can_moderate_item(actor, item))
    reason_code = _check_reason(reason_code, MODERATOR_HIDE_REASONS)
    reason_text = _check_text(reason_text)
    if item.status not in (IdeaStatus.HIDDEN, CommentStatus.HIDDEN):
        raise DomainError(_("This is not hidden."))
    previous = item.hidden_reason
    item.hidden_reason = reason_code
    _resolve_reports(item, utcnow())
    db.session.flush()
    log_action(
        actor,
        ModerationActionKind.KEEP_HIDDEN,
        target_type(item),
        item.id,
        item.author_id,
        reason_code,
        reason_text,
    )
    if isinstance(item, Idea) and previous != reason_code:
        notify(_author(item), NotificationKind.IDEA_HIDDEN, idea=item, reason_code=str(reason_code))


def dismiss_reports(actor: User, item: Item, reason_text: str | None = None) -> int:
    """The reports were unfounded: the item stays as it is and leaves the queue."""
    require(can_moderate_item(actor, item))
    reason_text = _check_text(reason_text)
    count = _resolve_reports(item, utcnow())
    if not count:
        raise DomainError(_("There are no open reports on this."))
    log_action(
        actor,
        ModerationActionKind.DISMISS_REPORTS,
        target_type(item),
        item.id,
        item.author_id,
        None,
        reason_text,
        reports=count,
    )
    return count


# --- Duplicates ----------------------------------------------------------------------


def mark_duplicate(
    actor: User, idea: Idea, original_id: int | None, reason_text: str | None = None
) -> Idea:
    """Close `idea` to support, link it to the original, and tell its supporters."""
    require(can_moderate_item(actor, idea))
    reason_text = _check_text(reason_text)
    if idea.duplicate_of_id is not None:
        raise DomainError(_("This idea is already marked as a duplicate."))
    if idea.status not in PUBLIC_IDEA_STATUSES:
        raise DomainError(_("Only published ideas can be marked as duplicates."))
    original = db.session.get(Idea, original_id) if original_id else None
    if original is None or original.status not in LISTED_IDEA_STATUSES:
        raise DomainError(_("There is no published idea with this number."), field="original_id")
    if original.id == idea.id:
        raise DomainError(_("An idea cannot be a duplicate of itself."), field="original_id")
    if original.duplicate_of_id is not None:
        raise DomainError(
            _(
                "Idea %(number)s is itself a duplicate of idea %(original)s: choose the original.",
                number=original.id,
                original=original.duplicate_of_id,
            ),
            field="original_id",
        )
    idea.duplicate_of_id = original.id
    db.session.flush()
    log_action(
        actor,
        ModerationActionKind.MARK_DUPLICATE,
        TargetType.IDEA,
        idea.id,
        idea.author_id,
        Reason.DUPLICATE,
        reason_text,
        original_id=original.id,
    )
    notify(_author(idea), NotificationKind.IDEA_DUPLICATE, idea=idea, original_id=original.id)
    notify_supporters(
        idea,
        NotificationKind.IDEA_DUPLICATE,
        exclude_ids={idea.author_id},
        original_id=original.id,
    )
    return original


# --- Suspensions and bans --------------------------------------------------------------


def parse_days(value: Any) -> int:
    """A whole number of days, 1 or more: anything else is a DomainError on 'days'."""
    try:
        days = int(str(value).strip())
    except (TypeError, ValueError):
        days = 0
    if days < 1 or days > MAX_SUSPENSION_DAYS:
        raise DomainError(
            _(
                "Enter a whole number of days between 1 and %(max)s.",
                max=MAX_SUSPENSION_DAYS,
            ),
            field="days",
        )
    return days


def _hide_all_content(actor: User, user: User, reason_code: str) -> dict[str, list[int]]:
    """Hide every public idea and visible comment of `user`, one log row each."""
    now = utcnow()
    ideas = db.session.scalars(
        select(Idea).where(Idea.author_id == user.id, Idea.status.in_(LISTED_IDEA_STATUSES))
    ).all()
    comments = db.session.scalars(
        select(Comment).where(Comment.author_id == user.id, Comment.status == CommentStatus.VISIBLE)
    ).all()
    items: list[Idea | Comment] = [*ideas, *comments]
    for item in items:
        _set_hidden(item, reason_code, now)
        _resolve_reports(item, now)
    db.session.flush()
    for item in items:
        log_action(
            actor,
            ModerationActionKind.HIDE,
            target_type(item),
            item.id,
            user.id,
            reason_code,
            None,
            with_sanction=True,
        )
    for idea in ideas:
        notify(user, NotificationKind.IDEA_HIDDEN, idea=idea, reason_code=reason_code)
    return {"ideas": [i.id for i in ideas], "comments": [c.id for c in comments]}


def suspend_user(
    actor: User,
    user: User,
    days: Any,
    reason_code: str | None,
    reason_text: str | None = None,
    hide_content: bool = False,
) -> datetime:
    require(can_sanction_user(actor, user))
    days = parse_days(days)
    reason_code = _check_reason(reason_code, SANCTION_REASONS)
    reason_text = _check_text(reason_text)
    until = utcnow() + timedelta(days=days)
    user.suspended_until = until
    user.banned_at = None
    user.session_token = new_session_token()  # signs them out everywhere
    hidden = _hide_all_content(actor, user, _content_reason(reason_code)) if hide_content else None
    log_action(
        actor,
        ModerationActionKind.SUSPEND,
        TargetType.USER,
        user.id,
        user.id,
        reason_code,
        reason_text,
        days=days,
        until=until.isoformat(timespec="minutes"),
        hidden=hidden,
    )
    return until


def ban_user(
    actor: User,
    user: User,
    reason_code: str | None,
    reason_text: str | None = None,
    hide_content: bool = False,
) -> None:
    require(can_sanction_user(actor, user))
    reason_code = _check_reason(reason_code, SANCTION_REASONS)
    reason_text = _check_text(reason_text)
    if user.is_banned:
        raise DomainError(_("This account is already banned."))
    user.banned_at = utcnow()
    user.suspended_until = None
    user.session_token = new_session_token()
    hidden = _hide_all_content(actor, user, _content_reason(reason_code)) if hide_content else None
    log_action(
        actor,
        ModerationActionKind.BAN,
        TargetType.USER,
        user.id,
        user.id,
        reason_code,
        reason_text,
        hidden=hidden,
    )


def _content_reason(sanction_reason: Reason) -> Reason:
    return sanction_reason if sanction_reason in HIDE_REASONS else Reason.OTHER


def lift_sanction(actor: User, user: User, reason_text: str | None = None) -> None:
    require(can_sanction_user(actor, user))
    reason_text = _check_text(reason_text)
    if not user.is_suspended:
        raise DomainError(_("This account is neither suspended nor banned."))
    previous = ModerationActionKind.BAN if user.is_banned else ModerationActionKind.SUSPEND
    user.banned_at = None
    user.suspended_until = None
    db.session.flush()
    log_action(
        actor,
        ModerationActionKind.LIFT_SANCTION,
        TargetType.USER,
        user.id,
        user.id,
        None,
        reason_text,
        lifted=str(previous),
    )


# --- Roles ----------------------------------------------------------------------------


def change_role(actor: User | None, user: User, role: str | None) -> None:
    """Give `user` another role. `actor` None is the system (the `flask users` CLI,
    run by whoever operates the servers); otherwise an admin, never on themselves."""
    if role not in Role.values():
        raise DomainError(_("Please choose a role from the list."), field="role")
    if actor is not None and actor.id == user.id:
        raise DomainError(_("You cannot change your own role."), field="role")
    if actor is not None:
        require(can_change_role(actor, user))
    if user.role == role:
        raise DomainError(_("This person already has this role."), field="role")
    previous = user.role
    user.role = role
    db.session.flush()
    log_action(
        actor,
        ModerationActionKind.CHANGE_ROLE,
        TargetType.USER,
        user.id,
        user.id,
        None,
        None,
        before=previous,
        after=role,
    )


# --- Queries behind the pages ------------------------------------------------------------


def load_item(kind: TargetType, item_id: int) -> Idea | Comment | None:
    """An idea (with its author, challenge and original) or a comment (with its
    author), for its moderation page: one query."""
    if kind == TargetType.IDEA:
        return db.session.scalar(
            select(Idea)
            .where(Idea.id == item_id)
            .options(
                joinedload(Idea.author), joinedload(Idea.challenge), joinedload(Idea.duplicate_of)
            )
        )
    return db.session.scalar(
        select(Comment).where(Comment.id == item_id).options(joinedload(Comment.author))
    )


def pending_ideas_query() -> Select:
    """Pending ideas, oldest first, with what the queue shows."""
    return (
        select(Idea)
        .where(Idea.status == IdeaStatus.PENDING)
        .options(joinedload(Idea.author), joinedload(Idea.challenge))
        .order_by(Idea.created_at, Idea.id)
    )


def revision_counts(idea_ids: list[int]) -> dict[int, int]:
    if not idea_ids:
        return {}
    rows = db.session.execute(
        select(IdeaRevision.idea_id, func.count())
        .where(IdeaRevision.idea_id.in_(idea_ids))
        .group_by(IdeaRevision.idea_id)
    ).all()
    return dict(rows)


@dataclass
class ReportedItem:
    kind: TargetType  # an idea or a comment
    item: Item
    count: int
    latest: datetime
    idea_title: str | None = None  # for a comment: the idea it belongs to
    reports: list[Report] = field(default_factory=list)


def reported_items(limit: int = 50) -> list[ReportedItem]:
    """Items with open reports, the most reported first, each with every report:
    four queries whatever the number of items and reports."""
    count = func.count(Report.id).label("n")
    latest = func.max(Report.created_at).label("latest")
    groups = db.session.execute(
        select(Report.idea_id, Report.comment_id, count, latest)
        .where(Report.resolved_at.is_(None))
        .group_by(Report.idea_id, Report.comment_id)
        .order_by(count.desc(), latest.desc())
        .limit(limit)
    ).all()
    idea_ids = [g.idea_id for g in groups if g.idea_id is not None]
    comment_ids = [g.comment_id for g in groups if g.comment_id is not None]
    ideas = {
        i.id: i
        for i in db.session.scalars(
            select(Idea).where(Idea.id.in_(idea_ids)).options(joinedload(Idea.author))
        )
    }
    comments: dict[int, tuple[Comment, str]] = {
        c.id: (c, title)
        for c, title in db.session.execute(
            select(Comment, Idea.title)
            .join(Idea, Idea.id == Comment.idea_id)
            .where(Comment.id.in_(comment_ids))
            .options(joinedload(Comment.author))
        )
    }
    reports = db.session.scalars(
        select(Report)
        .where(
            Report.resolved_at.is_(None),
            (Report.idea_id.in_(idea_ids)) | (Report.comment_id.in_(comment_ids)),
        )
        .options(joinedload(Report.reporter))
        .order_by(Report.created_at, Report.id)
    ).all()
    result: list[ReportedItem] = []
    index: dict[tuple[str, int], ReportedItem] = {}
    for g in groups:
        if g.idea_id is not None and g.idea_id in ideas:
            entry = ReportedItem(TargetType.IDEA, ideas[g.idea_id], g.n, g.latest)
            index[(TargetType.IDEA, g.idea_id)] = entry
        elif g.comment_id is not None and g.comment_id in comments:
            comment, title = comments[g.comment_id]
            entry = ReportedItem(TargetType.COMMENT, comment, g.n, g.latest, idea_title=title)
            index[(TargetType.COMMENT, g.comment_id)] = entry
        else:
            continue
        result.append(entry)
    for report in reports:
        key = (
            (TargetType.IDEA, report.idea_id)
            if report.idea_id
            else (TargetType.COMMENT, report.comment_id)
        )
        if key in index:
            index[key].reports.append(report)
    return result


def open_reports(item: Item) -> list[Report]:
    column = Report.idea_id if isinstance(item, Idea) else Report.comment_id
    return list(
        db.session.scalars(
            select(Report)
            .where(column == item.id, Report.resolved_at.is_(None))
            .options(joinedload(Report.reporter))
            .order_by(Report.created_at, Report.id)
        )
    )


def item_history(kind: str, item_id: int) -> list[ModerationAction]:
    return list(
        db.session.scalars(
            select(ModerationAction)
            .where(ModerationAction.target_type == kind, ModerationAction.target_id == item_id)
            .options(joinedload(ModerationAction.actor))
            .order_by(ModerationAction.created_at.desc(), ModerationAction.id.desc())
        )
    )


def idea_revisions(idea: Idea) -> list[IdeaRevision]:
    return list(
        db.session.scalars(
            select(IdeaRevision)
            .where(IdeaRevision.idea_id == idea.id)
            .order_by(IdeaRevision.created_at.desc(), IdeaRevision.id.desc())
        )
    )


def log_query(
    action: str | None = None,
    actor_id: int | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> Select:
    """The moderation log, newest first, filtered."""
    query = select(ModerationAction).options(
        joinedload(ModerationAction.actor), joinedload(ModerationAction.target_user)
    )
    if action:
        query = query.where(ModerationAction.action == action)
    if actor_id == 0:
        query = query.where(ModerationAction.actor_id.is_(None))
    elif actor_id:
        query = query.where(ModerationAction.actor_id == actor_id)
    if date_from:
        query = query.where(
            ModerationAction.created_at >= datetime.combine(date_from, datetime.min.time())
        )
    if date_to and date_to < date.max:
        query = query.where(
            ModerationAction.created_at
            < datetime.combine(date_to + timedelta(days=1), datetime.min.time())
        )
    return query.order_by(ModerationAction.created_at.desc(), ModerationAction.id.desc())


def user_history(user: User, limit: int) -> list[ModerationAction]:
    """The latest log rows about a person (sanctions, their content), newest first."""
    return list(
        db.session.scalars(
            log_query().where(ModerationAction.target_user_id == user.id).limit(limit)
        ).all()
    )


def staff_members() -> list[User]:
    """Moderators and admins, for the log's filter."""
    return list(
        db.session.scalars(
            select(User).where(User.role.in_(STAFF_ROLES)).order_by(User.display_name)
        )
    )


def sanctioned_users_query() -> Select:
    now = utcnow()
    return (
        select(User)
        .where((User.banned_at.is_not(None)) | (User.suspended_until > now))
        .order_by(User.banned_at.is_(None), User.suspended_until.desc())
    )


def details_of(action: ModerationAction) -> dict[str, Any]:
    return json.loads(action.details) if action.details else {}
