"""Moderation forms: they check shape only (CSRF, lengths); the services check
reasons, days and states, and their errors are mapped back onto these fields."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from participation.forms import choices, date_in_range
from participation.vocabulary import (
    MODERATOR_HIDE_REASONS,
    REJECT_REASONS,
    REPORT_REASONS,
    SANCTION_REASONS,
    ModerationActionKind,
    Reason,
)

TEXT_MAX = 1000
# The two sanctions a moderator chooses between.
SANCTION_KINDS = (ModerationActionKind.SUSPEND, ModerationActionKind.BAN)


def reason_choices(codes: tuple[Reason, ...], empty: bool = True):
    pairs = Reason.choices(codes)
    if empty:
        pairs.insert(0, ("", _l("Choose a reason")))
    return choices(pairs)


def _text(label, description=None):
    return TextAreaField(
        label,
        validators=[
            Optional(),
            Length(max=TEXT_MAX, message=_l("Please use at most %(max)d characters.")),
        ],
        description=description,
        render_kw={"rows": 3, "maxlength": TEXT_MAX},
    )


class ActionForm(FlaskForm):
    """A button with nothing to fill in (approve): CSRF only."""


class RejectForm(FlaskForm):
    reason = SelectField(
        _l("Reason"), choices=reason_choices(REJECT_REASONS), validate_choice=False
    )
    text = _text(
        _l("Message to the author"),
        _l("Sent to the author with the reason. Required for “Other”."),
    )


class HideForm(FlaskForm):
    reason = SelectField(
        _l("Reason category"),
        choices=reason_choices(MODERATOR_HIDE_REASONS),
        validate_choice=False,
    )
    text = _text(_l("Note for the log (optional)"))


class NoteForm(FlaskForm):
    """Restore, dismiss reports, lift a sanction: an optional note for the log."""

    text = _text(_l("Note for the log (optional)"))


class DuplicateForm(FlaskForm):
    original_id = StringField(
        _l("Number of the original idea"),
        description=_l("The number in the original idea's address, e.g. 42 in /ideas/42."),
        render_kw={"inputmode": "numeric", "autocomplete": "off", "size": 8},
    )
    text = _text(_l("Note for the log (optional)"))


class SanctionForm(FlaskForm):
    kind = RadioField(
        _l("Sanction"),
        choices=choices(
            [
                (ModerationActionKind.SUSPEND, _l("Suspend for a number of days")),
                (ModerationActionKind.BAN, _l("Ban")),
            ]
        ),
        default=ModerationActionKind.SUSPEND,
        validate_choice=False,
    )
    days = StringField(
        _l("Number of days"),
        description=_l("A whole number, 1 or more. Only for a suspension."),
        render_kw={"inputmode": "numeric", "size": 6},
    )
    reason = SelectField(
        _l("Reason"), choices=reason_choices(SANCTION_REASONS), validate_choice=False
    )
    text = _text(_l("Note for the log (optional)"))
    hide_content = BooleanField(_l("Also hide all their ideas and comments"))


class ReportForm(FlaskForm):
    reason = RadioField(
        _l("Why are you reporting this?"),
        choices=reason_choices(REPORT_REASONS, empty=False),
        validate_choice=False,
    )
    details = TextAreaField(
        _l("Details (optional)"),
        validators=[
            Optional(),
            Length(max=TEXT_MAX, message=_l("Please use at most %(max)d characters.")),
        ],
        description=_l("What should the moderators know? At most 1,000 characters."),
        render_kw={"rows": 4, "maxlength": TEXT_MAX},
    )


class LogFilterForm(FlaskForm):
    """GET filters of the moderation log (no CSRF: it changes nothing)."""

    class Meta:
        csrf = False

    action = SelectField(
        _l("Action"),
        choices=choices([("", _l("All actions")), *ModerationActionKind.choices()]),
        validate_choice=False,
    )
    actor = SelectField(_l("Moderator"), validate_choice=False)
    date_from = DateField(
        _l("From"),
        validators=[Optional(), date_in_range],
        format="%Y-%m-%d",
    )
    date_to = DateField(_l("To"), validators=[Optional(), date_in_range], format="%Y-%m-%d")
