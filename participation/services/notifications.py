"""Notifications: in-app and by email, in the recipient's language.

Other services call notify() when something happens that someone must be told,
and notify_supporters() to tell everyone who supports an idea. Both add the
in-app rows and the emails' outbox rows to the transaction (nothing is sent for
work that is rolled back); a worker writes and sends the emails afterwards
(participation/jobs.py).

Each kind belongs to an email group the recipient can switch off on the
preferences page, or with the unsubscribe link found in every email.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any, cast

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import JSON, CursorResult, Integer, and_, insert, literal, or_, select, update
from sqlalchemy.orm import joinedload

from participation.extensions import db
from participation.models import EmailPreference, Idea, Notification, Support, User
from participation.models.base import utcnow
from participation.permissions import can_read_notification, can_read_text
from participation.services import DomainError, outbox
from participation.vocabulary import EmailGroup, NotificationKind, OfficialStatus, Reason

UNSUBSCRIBE_SALT = "unsubscribe"
PER_PAGE = 30


def status_label(status: str | None) -> str:
    return OfficialStatus.label_of(status, status or "")


def reason_label(code: str | None) -> str:
    if not code:
        return ""
    return Reason.label_of(code, Reason.OTHER.label)


def email_group(kind: NotificationKind, recipient_id: int, idea: Any = None) -> EmailGroup:
    kind = NotificationKind(kind)
    if (
        kind == NotificationKind.IDEA_DUPLICATE
        and idea is not None
        and idea.author_id != recipient_id
    ):
        return EmailGroup.SUPPORTED
    return kind.group


def consultation_title(data: dict[str, Any] | None) -> str:
    """A consultation notification's title in the current (or forced) locale: the
    titles are kept in its data, so listing notifications loads no consultation."""
    from participation.i18n import current_language

    data = data or {}
    for code in (current_language(), "fr", "nl"):
        if data.get(f"title_{code}"):
            return str(data[f"title_{code}"])
    return ""


def describe(kind: str, title: str, data: dict[str, Any] | None, for_author: bool = True) -> str:
    """One sentence telling what happened, in the current (or forced) locale."""
    data = data or {}
    if kind == NotificationKind.CONSULTATION_OPENED:
        return _(
            "A new consultation is open to you: “%(title)s”. Your answers are anonymous.",
            title=consultation_title(data),
        )
    if kind == NotificationKind.CONSULTATION_RESULTS:
        return _(
            "The results of the consultation “%(title)s”, which you answered, are published.",
            title=consultation_title(data),
        )
    if kind == NotificationKind.IDEA_APPROVED:
        return _("Your idea “%(title)s” has been approved and published.", title=title)
    if kind == NotificationKind.IDEA_REJECTED:
        return _(
            "Your idea “%(title)s” was not published. Reason: %(reason)s.",
            title=title,
            reason=reason_label(data.get("reason_code")),
        )
    if kind == NotificationKind.IDEA_HIDDEN:
        return _(
            "Your idea “%(title)s” has been hidden by moderation. Reason: %(reason)s.",
            title=title,
            reason=reason_label(data.get("reason_code")),
        )
    if kind == NotificationKind.IDEA_RESTORED:
        return _("Your idea “%(title)s” is visible again.", title=title)
    if kind == NotificationKind.IDEA_DUPLICATE:
        if for_author:
            return _(
                "Your idea “%(title)s” was marked as a duplicate of another idea. "
                "Support for it is closed.",
                title=title,
            )
        return _(
            "An idea you support, “%(title)s”, was marked as a duplicate of another idea. "
            "You can support the original idea instead.",
            title=title,
        )
    if kind == NotificationKind.IDEA_ANSWERED:
        return _(
            "Your idea “%(title)s” received an official response. New status: %(status)s.",
            title=title,
            status=status_label(data.get("status")),
        )
    if kind == NotificationKind.SUPPORTED_IDEA_ANSWERED:
        return _(
            "An idea you support, “%(title)s”, received an official response. "
            "New status: %(status)s.",
            title=title,
            status=status_label(data.get("status")),
        )
    if kind == NotificationKind.IDEA_COMMENTED:
        return _("There is a new comment on your idea “%(title)s”.", title=title)
    if kind == NotificationKind.IDEA_BECAME_PROJECT:
        return _(
            "Your idea “%(title)s” became a project in the participatory budget “%(round)s”.",
            title=title,
            round=round_title(data),
        )
    if kind == NotificationKind.SUPPORTED_IDEA_BECAME_PROJECT:
        return _(
            "An idea you support, “%(title)s”, became a project in the participatory "
            "budget “%(round)s”.",
            title=title,
            round=round_title(data),
        )
    if kind == NotificationKind.BUDGET_VOTING_OPEN:
        return _("Voting is open in the participatory budget “%(round)s”.", round=round_title(data))
    if kind == NotificationKind.BUDGET_RESULTS:
        return _(
            "The results of the participatory budget “%(round)s” are published.",
            round=round_title(data),
        )
    return _("There is news about the idea “%(title)s”.", title=title)


def round_title(data: dict[str, Any]) -> str:
    """A budget round's title, kept with the notification in FR, NL and EN, in the
    current locale."""
    from participation.i18n import current_language

    titles = data.get("round_titles") or {}
    return str(titles.get(current_language()) or titles.get("fr") or "")


def budget_link(data: dict[str, Any], language: str) -> str | None:
    """Where a budget notification leads: the project, the results or the round."""
    from participation.mail import external_url

    round_id = data.get("round_id")
    if not round_id:
        return None
    if data.get("project_id"):
        return external_url(
            "budgets.project",
            round_id=round_id,
            project_id=data["project_id"],
            lang_code=language,
        )
    endpoint = data.get("endpoint", "budgets.round_page")
    if endpoint not in ("budgets.round_page", "budgets.results", "budgets.ballot"):
        endpoint = "budgets.round_page"
    return external_url(endpoint, round_id=round_id, lang_code=language)


def idea_title_for(user: Any, idea: Any) -> str:
    """An idea's title as `user` may read it: hidden ideas keep their words
    for moderators and their author only (permissions.can_read_text)."""
    if idea is None:
        return _("an idea that is no longer available")
    if not can_read_text(user, idea):
        return _("an idea hidden by moderation")
    return idea.title


# --- Sending -------------------------------------------------------------------


def notify(
    recipient: Any,
    kind: NotificationKind,
    idea: Any = None,
    comment: Any = None,
    *,
    email_extra: dict[str, Any] | None = None,
    **data: Any,
) -> None:
    """Tell `recipient` about an event of `kind`: an in-app
    notification, and an email unless they switched that group off.

    `data` is kept with the notification (reason_code, status, original_id...);
    `email_extra` only goes into the email (a long response text, say)."""
    kind = NotificationKind(kind)
    if recipient is None or recipient.is_deleted:
        return
    preference = db.session.get(EmailPreference, recipient.id)
    _deliver([(recipient, preference)], kind, idea, comment, data, email_extra or {})


def notify_author(
    idea: Idea, kind: NotificationKind, actor: Any = None, comment: Any = None, **data: Any
) -> None:
    """Tell an idea's author, unless they are the one who acted."""
    if actor is not None and actor.id == idea.author_id:
        return
    notify(db.session.get(User, idea.author_id), kind, idea, comment, **data)


def notify_supporters(
    idea: Idea,
    kind: NotificationKind,
    exclude_ids: Iterable[int] = (),
    email_extra: dict[str, Any] | None = None,
    **data: Any,
) -> int:
    """Tell everyone who supports `idea`: two INSERT ... SELECT statements (the
    in-app notifications, then the emails for those who want them), whatever
    the number of supporters. Returns how many were told."""
    kind = NotificationKind(kind)
    excluded = list(set(exclude_ids))
    supporters = (
        select(User.id, User.email, User.language)
        .join(Support, Support.user_id == User.id)
        .where(Support.idea_id == idea.id, User.deleted_at.is_(None))
    )
    if excluded:
        supporters = supporters.where(User.id.not_in(excluded))
    now = utcnow()
    rows = supporters.subquery()
    result = db.session.execute(
        insert(Notification)
        .from_select(
            ["recipient_id", "kind", "idea_id", "comment_id", "data", "created_at"],
            select(
                rows.c.id,
                literal(kind.value),
                literal(idea.id),
                literal(None, Integer),
                literal(data, JSON),
                literal(now),
            ),
        )
        .execution_options(preserve_rowcount=True)
    )
    if _in_app_only.get():
        return cast(CursorResult[Any], result).rowcount or 0
    # Emails: to those with an address whose preferences allow this group
    # (no preference row: everything is allowed).
    author_group = email_group(kind, idea.author_id, idea)
    other_group = email_group(kind, -1, idea)
    allowed = or_(
        EmailPreference.user_id.is_(None),
        and_(User.id == idea.author_id, getattr(EmailPreference, author_group).is_(True)),
        and_(User.id != idea.author_id, getattr(EmailPreference, other_group).is_(True)),
    )
    outbox.queue_from_select(
        "notification",
        supporters.outerjoin(EmailPreference, EmailPreference.user_id == User.id).where(
            User.email.is_not(None), allowed
        ),
        _payload(kind, idea, None, data, email_extra or {}),
    )
    return cast(CursorResult[Any], result).rowcount or 0


def notify_users(users: Any, kind: NotificationKind, idea: Any = None, **data: Any) -> int:
    """Tell every user a SELECT of `User.id` finds (not deleted): the in-app rows, then
    the emails for those whose preferences allow the kind's group (an opt-in group:
    only those who ticked it), two INSERT ... SELECT statements whatever their number.
    Returns how many were told."""
    kind = NotificationKind(kind)
    group = kind.group
    base = select(User.id, User.email, User.language).where(
        User.id.in_(users), User.deleted_at.is_(None)
    )
    if not group.default:
        base = base.join(EmailPreference, EmailPreference.user_id == User.id).where(
            getattr(EmailPreference, group).is_(True)
        )
    rows = base.subquery()
    result = db.session.execute(
        insert(Notification)
        .from_select(
            ["recipient_id", "kind", "idea_id", "comment_id", "data", "created_at"],
            select(
                rows.c.id,
                literal(kind.value),
                literal(idea.id if idea is not None else None, Integer),
                literal(None, Integer),
                literal(data, JSON),
                literal(utcnow()),
            ),
        )
        .execution_options(preserve_rowcount=True)
    )
    told = cast(CursorResult[Any], result).rowcount or 0
    if _in_app_only.get() or not told:
        return told
    emails = base.where(User.email.is_not(None))
    if group.default:
        emails = emails.outerjoin(EmailPreference, EmailPreference.user_id == User.id).where(
            or_(EmailPreference.user_id.is_(None), getattr(EmailPreference, group).is_(True))
        )
    outbox.queue_from_select("notification", emails, _payload(kind, idea, None, data, {}))
    return told


def _payload(
    kind: str, idea: Any, comment: Any, data: dict[str, Any], extra: dict[str, Any]
) -> dict[str, Any]:
    """What the worker needs to write the email (participation/jobs.py)."""
    return {
        "kind": str(kind),
        "idea_id": idea.id if idea is not None else None,
        "comment_id": comment.id if comment is not None else None,
        "data": data,
        "extra": extra,
    }


_in_app_only: ContextVar[bool] = ContextVar("notifications_in_app_only", default=False)


def emails_suppressed() -> bool:
    """True inside `in_app_only()`: other services skip their emails too (receipts)."""
    return _in_app_only.get()


@contextmanager
def in_app_only() -> Iterator[None]:
    """Inside the block notifications are written, but no email is built or sent
    (the demo data: its addresses are not real)."""
    token = _in_app_only.set(True)
    try:
        yield
    finally:
        _in_app_only.reset(token)


def _deliver(
    recipients: Sequence[tuple[User, EmailPreference | None]],
    kind: NotificationKind,
    idea: Any,
    comment: Any,
    data: dict[str, Any],
    email_extra: dict[str, Any],
) -> None:
    if not recipients:
        return
    now = utcnow()
    idea_id = idea.id if idea is not None else None
    comment_id = comment.id if comment is not None else None
    db.session.execute(
        insert(Notification),
        [
            {
                "recipient_id": user.id,
                "kind": kind,
                "idea_id": idea_id,
                "comment_id": comment_id,
                "data": data,
                "created_at": now,
            }
            for user, _pref in recipients
        ],
    )
    if _in_app_only.get():
        return
    for user, preference in recipients:
        group = email_group(kind, user.id, idea)
        if not user.email or (preference is not None and not preference.allows(group)):
            continue
        outbox.queue_email(
            user.email,
            "notification",
            user.language,
            recipient_id=user.id,
            **_payload(kind, idea, comment, data, email_extra),
        )


def build_email(user: User, to: str, payload: dict[str, Any], idea: Any) -> EmailMessage:
    """The email for an outbox row written by notify() or notify_supporters(),
    in the recipient's language, from the idea as it is when the email is sent:
    an idea hidden meanwhile is not named (idea_title_for). Links start with
    PUBLIC_BASE_URL (called by the worker, participation/jobs.py)."""
    kind = NotificationKind(payload["kind"])
    data = payload.get("data") or {}
    extra = payload.get("extra") or {}
    return _build_email(user, to, kind, email_group(kind, user.id, idea), idea, data, extra)


def _build_email(
    user: User,
    to: str,
    kind: NotificationKind,
    group: EmailGroup,
    idea: Any,
    data: dict[str, Any],
    extra: dict[str, Any],
) -> EmailMessage:
    from participation.mail import build_message, external_url, render_email

    assert user.email is not None  # _deliver skips people without an email address
    language = user.language
    links: dict[str, str | None] = {
        "idea": None,
        "original": None,
        "budget": budget_link(data, language),
        "consultation": None,
    }
    if data.get("consultation_id"):
        endpoint = (
            "consultations.results"
            if kind == NotificationKind.CONSULTATION_RESULTS
            else "consultations.detail"
        )
        links["consultation"] = external_url(
            endpoint, consultation_id=data["consultation_id"], lang_code=language
        )
    if idea is not None:
        links["idea"] = external_url("ideas.detail", idea_id=idea.id, lang_code=language)
    if data.get("original_id"):
        links["original"] = external_url(
            "ideas.detail", idea_id=data["original_id"], lang_code=language
        )
    unsubscribe = external_url(
        "notifications.unsubscribe", token=make_unsubscribe_token(user, group), lang_code=language
    )
    subject, text, html = render_email(
        "notification",
        language,
        user=user,
        kind=kind,
        idea=idea,
        idea_title=idea_title_for(user, idea) if idea is not None else "",
        data=data,
        extra=extra,
        lang=language,
        for_author=idea is None or idea.author_id == user.id,
        describe=describe,
        reason_label=reason_label,
        status_label=status_label,
        subject_line=kind.lazy_label,
        group_label=group.lazy_label,
        links=links,
        unsubscribe_link=unsubscribe,
        preferences_link=external_url("notifications.preferences", lang_code=language),
        notifications_link=external_url("notifications.index", lang_code=language),
    )
    message = build_message(to, subject, text, html, language)
    message["List-Unsubscribe"] = f"<{unsubscribe}>"
    return message


# --- Reading and marking ---------------------------------------------------------


@dataclass
class Page:
    items: list[Notification]
    page: int
    has_next: bool


def list_for(user: Any, page: int = 1) -> Page:
    """A user's notifications, newest first, with their ideas, in one query."""
    page = max(page, 1)
    rows = db.session.scalars(
        select(Notification)
        .options(joinedload(Notification.idea))
        .where(Notification.recipient_id == user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(PER_PAGE + 1)
        .offset((page - 1) * PER_PAGE)
    ).all()
    return Page(items=list(rows[:PER_PAGE]), page=page, has_next=len(rows) > PER_PAGE)


def get_own(user: Any, notification_id: int) -> Notification | None:
    notification = db.session.get(Notification, notification_id)
    if notification is None or not can_read_notification(user, notification):
        return None
    return notification


def mark_read(user: Any, notification: Notification) -> None:
    if not can_read_notification(user, notification):
        raise DomainError(_("This notification is not yours."))
    if notification.read_at is None:
        notification.read_at = utcnow()
    db.session.flush()


def mark_all_read(user: Any) -> int:
    result = db.session.execute(
        update(Notification)
        .where(Notification.recipient_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return cast(CursorResult[Any], result).rowcount or 0


# --- Email preferences and unsubscribing -------------------------------------------


def preferences_for(user: Any) -> EmailPreference:
    """The user's preferences; a default one (everything on, not saved) when none."""
    preference = db.session.get(EmailPreference, user.id)
    if preference is None:
        preference = EmailPreference(user_id=user.id, **_defaults())
    return preference


def _defaults() -> dict[str, bool]:
    """Someone who never chose: every group on, except the opt-in ones."""
    return {group.value: group.default for group in EmailGroup}


def save_preferences(user: Any, **groups: bool) -> EmailPreference:
    unknown = set(groups) - set(EmailGroup.values())
    if unknown:
        raise DomainError(_("Unknown email choice."))
    preference = db.session.get(EmailPreference, user.id)
    if preference is None:
        preference = EmailPreference(user_id=user.id, **_defaults())
        db.session.add(preference)
    for group, wanted in groups.items():
        setattr(preference, group, bool(wanted))
    preference.updated_at = utcnow()
    db.session.flush()
    return preference


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=UNSUBSCRIBE_SALT)


def make_unsubscribe_token(user: Any, group: str) -> str:
    """A signed link token; it never expires, so old emails keep working."""
    return _serializer().dumps({"u": user.id, "g": group})


@dataclass
class UnsubscribeRequest:
    user: User
    group: str


def read_unsubscribe_token(token: str) -> UnsubscribeRequest:
    invalid = DomainError(
        _(
            "This unsubscribe link is not valid. Please check that you copied all of it, "
            "or choose your emails on your notification preferences page."
        ),
        code="invalid",
    )
    try:
        payload = _serializer().loads(token)
    except BadSignature:
        raise invalid from None
    if not isinstance(payload, dict):
        raise invalid
    user_id, group = payload.get("u"), payload.get("g")
    if not isinstance(user_id, int) or group not in EmailGroup.values():
        raise invalid
    user = db.session.get(User, user_id)
    if user is None or user.is_deleted:
        raise invalid
    return UnsubscribeRequest(user=user, group=group)


def unsubscribe(token: str, everything: bool = False) -> UnsubscribeRequest:
    """Switch off the token's email group (or every notification email)."""
    request = read_unsubscribe_token(token)
    groups = EmailGroup.values() if everything else (request.group,)
    save_preferences(request.user, **dict.fromkeys(groups, False))
    return request


# --- Personal data export --------------------------------------------------------------


def export_section(user: Any) -> tuple[str, dict[str, Any]]:
    """The user's notifications and email choices, for "download my data"."""

    def iso(value):
        return value.isoformat() + "Z" if value else None

    rows = db.session.scalars(
        select(Notification)
        .where(Notification.recipient_id == user.id)
        .order_by(Notification.created_at, Notification.id)
    ).all()
    preference = preferences_for(user)
    return "notifications", {
        "email_preferences": {group: preference.allows(group) for group in EmailGroup.values()},
        "items": [
            {
                "kind": n.kind,
                "idea_id": n.idea_id,
                "data": n.data,
                "created_at": iso(n.created_at),
                "read_at": iso(n.read_at),
            }
            for n in rows
        ],
    }


def _register_export() -> None:
    from participation.services.accounts import EXPORT_SECTIONS

    if export_section not in EXPORT_SECTIONS:
        EXPORT_SECTIONS.append(export_section)


_register_export()
