"""What every template can use: permissions, the vocabulary and its labels, display
helpers, locale formatting. The one place template globals are registered."""

from __future__ import annotations

from flask import Flask
from flask_babel import format_date, format_datetime, format_decimal, get_locale
from flask_babel import gettext as _
from flask_login import current_user

from participation import vocabulary
from participation.permissions import can


def display_name(user) -> str:
    """A contributor's public name; deleted accounts show as 'former participant'."""
    if user is None or user.is_deleted or not user.display_name:
        return _("Former participant")
    return user.display_name


def official_status_label(status: str | None) -> str:
    return (
        vocabulary.OfficialStatus.label_of(status, status or "")
        if status
        else _("No official response yet")
    )


def reason_label(code: str | None) -> str:
    """The translated label of a reason code (hidden placeholders, the log)."""
    return vocabulary.Reason.label_of(code)


def official_history(idea) -> list:
    """For the idea page: its official statuses, in one query, or none at all
    when the idea was never answered."""
    from participation.services.officials import history

    if idea is None or not idea.official_status:
        return []
    return history(idea.id)


VOCABULARY = {
    name: getattr(vocabulary, name)
    for name in (
        "Role",
        "Language",
        "IdeaStatus",
        "OfficialStatus",
        "CommentStatus",
        "Reason",
        "ModerationActionKind",
        "TargetType",
        "EmailGroup",
        "NotificationKind",
        "Denial",
        "QuestionKind",
        "OptionKind",
        "ConsultationState",
        "ResultsVisibility",
        "TextAnswerStatus",
        "ConsultationEventKind",
    )
}


def init_app(app: Flask) -> None:
    from participation.web import filters_url, public_idea_url

    app.jinja_env.globals.update(
        can=can,
        display_name=display_name,
        official_status_label=official_status_label,
        moderation_reason_label=reason_label,
        official_history=official_history,
        filters_url=filters_url,
        public_idea_url=public_idea_url,
        **VOCABULARY,
    )
    app.jinja_env.filters.update(
        date=lambda value, fmt="long": format_date(value, fmt) if value else "",
        datetime=lambda value, fmt="medium": format_datetime(value, fmt) if value else "",
        number=lambda value: format_decimal(value or 0),
    )

    @app.context_processor
    def inject_user():
        return {"current_user": current_user, "locale": str(get_locale())}
